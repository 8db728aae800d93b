"""Measure the rendered default project on this machine: speed, parallelism, size, build time.

    python benchmarks/run.py [--runs 5]

Renders the default project, builds it in release mode next to a `maturin new -b pyo3`
project built the same way, and writes `benchmarks/results.json` and
`benchmarks/results.md`. Every figure is a ratio of two things run side by side; times
are medians of `--runs` runs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
N_NATIVE = 40  # the blog post's n
N_PYTHON = 35  # pure Python takes about a second here


def sh(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def timed_build(project: Path, target: Path, out: Path) -> tuple[float, Path]:
    """Release wheel built from a cold target dir (crates already downloaded)."""
    env = {**os.environ, "CARGO_TARGET_DIR": str(target)}
    shutil.rmtree(target, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    sh(["cargo", "fetch"], cwd=project, env=env)
    start = time.perf_counter()
    sh([sys.executable, "-m", "maturin", "build", "--release", "-o", out], cwd=project, env=env)
    seconds = time.perf_counter() - start
    (wheel,) = out.glob("*.whl")
    return seconds, wheel


def native_bytes(wheel: Path) -> int:
    """Compressed size of the compiled extension inside a wheel."""
    with zipfile.ZipFile(wheel) as zf:
        return sum(i.compress_size for i in zf.infolist() if i.filename.endswith((".so", ".pyd")))


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    ) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rustc": sh(["rustc", "--version"], cwd=HERE).strip(),
        "maturin": sh([sys.executable, "-m", "maturin", "--version"], cwd=HERE).strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    work = Path(tempfile.mkdtemp(prefix="rip-bench-"))
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(work)))
    baseline = work / "baseline"
    sh([sys.executable, "-m", "maturin", "new", "-b", "pyo3", "--name", "baseline", baseline], cwd=work)

    ours_build, ours_wheel = timed_build(project, work / "target-ours", work / "dist-ours")
    base_build, base_wheel = timed_build(baseline, work / "target-base", work / "dist-base")

    env = {**os.environ, "CARGO_TARGET_DIR": str(work / "target-ours")}
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("got {n}", "got {n}."))
    start = time.perf_counter()
    sh([sys.executable, "-m", "maturin", "build", "--release", "-o", work / "dist-edit"], cwd=project, env=env)
    rebuild = time.perf_counter() - start

    venv = work / "venv"
    sh([sys.executable, "-m", "venv", venv], cwd=work)
    sh([venv / "bin" / "python", "-m", "pip", "install", "-q", ours_wheel], cwd=work)
    sh(["cargo", "build", "--release", "--bins"], cwd=project, env=env)
    timer = work / "target-ours" / "release" / "fibo-rust-timer"

    native = []
    for _ in range(runs):
        out = sh([timer, str(N_NATIVE)], cwd=work)
        value, unit = re.search(r" in ([\d.]+)(ms|s|µs)", out).groups()
        native.append(float(value) / {"ms": 1e3, "s": 1, "µs": 1e6}[unit])

    probe = f"""
import json, os, statistics, time
from concurrent.futures import ThreadPoolExecutor
import fibo_rust
from compare import fibo_python
def median(call, runs={runs}):
    times = []
    for _ in range(runs):
        start = time.perf_counter(); call(); times.append(time.perf_counter() - start)
    return statistics.median(times)
cores = os.cpu_count()
def threads(func, n):
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(func, [n] * cores))
print(json.dumps({{
    "ext_native_n": median(lambda: fibo_rust.fibo({N_NATIVE})),
    "ext_python_n": median(lambda: fibo_rust.fibo({N_PYTHON})),
    "python": median(lambda: fibo_python({N_PYTHON})),
    "ext_threads": median(lambda: threads(fibo_rust.fibo, {N_NATIVE})),
    "ext_one": median(lambda: fibo_rust.fibo({N_NATIVE})),
    "py_threads": median(lambda: threads(fibo_python, 30), 3),
    "py_one": median(lambda: fibo_python(30), 3),
}}))
"""
    measured = json.loads(sh([venv / "bin" / "python", "-c", probe], cwd=project))
    native_median = statistics.median(native)
    figures = [
        ("extension fibo(40) / native main.rs fibo(40)", measured["ext_native_n"] / native_median, "<= 1.03"),
        (f"pure-Python fibo({N_PYTHON}) / extension fibo({N_PYTHON})",
         measured["python"] / measured["ext_python_n"], ">= 50"),
        (f"{os.cpu_count()} calls in {os.cpu_count()} threads / 1 call (extension, fibo(40))",
         measured["ext_threads"] / measured["ext_one"], "<= 1.15"),
        (f"same for pure-Python threads (fibo(30)), for contrast",
         measured["py_threads"] / measured["py_one"], "about cores"),
        ("release wheel size / `maturin new -b pyo3` wheel", ours_wheel.stat().st_size / base_wheel.stat().st_size, "<= 0.8"),
        ("compiled extension in the wheel / the same in `maturin new`'s wheel",
         native_bytes(ours_wheel) / native_bytes(base_wheel), "(for contrast)"),
        ("cold release build / `maturin new -b pyo3` cold release build", ours_build / base_build, "<= 1.25"),
    ]
    results = {
        "machine": machine(),
        "runs": runs,
        "figures": [{"figure": f, "ratio": round(r, 3), "goal": g} for f, r, g in figures],
        "seconds": {
            "native_fibo_40": round(native_median, 4),
            "extension_fibo_40": round(measured["ext_native_n"], 4),
            f"python_fibo_{N_PYTHON}": round(measured["python"], 4),
            f"extension_fibo_{N_PYTHON}": round(measured["ext_python_n"], 5),
            "cold_build_ours": round(ours_build, 1),
            "cold_build_maturin_new": round(base_build, 1),
            "rebuild_after_editing_lib_rs": round(rebuild, 1),
        },
        "bytes": {
            "wheel_ours": ours_wheel.stat().st_size,
            "wheel_maturin_new": base_wheel.stat().st_size,
            "extension_ours": native_bytes(ours_wheel),
            "extension_maturin_new": native_bytes(base_wheel),
        },
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    m = results["machine"]
    lines = [
        f"Measured on {m['cpu']}, {m['cores']} cores, {m['os']}; CPython {m['python']}, "
        f"{m['rustc']}, {m['maturin']}; median of {runs} runs (`python benchmarks/run.py`).",
        "",
        "| figure | measured | goal |",
        "|---|---:|---|",
        *(f"| {f['figure']} | {f['ratio']:.2f} | {f['goal']} |" for f in results["figures"]),
        "",
        "| time | seconds |",
        "|---|---:|",
        *(f"| {k.replace('_', ' ')} | {v} |" for k, v in results["seconds"].items()),
    ]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
