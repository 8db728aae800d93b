"""Measure the rendered default project on this machine: speed, parallelism, size, build time.

    python benchmarks/run.py [--runs 5]

Renders the default project, builds it in release mode next to a `maturin new -b pyo3`
project built the same way, and writes `benchmarks/results.json` and
`benchmarks/results.md`. Every figure is a ratio of two things run side by side; times
are medians of `--runs` runs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
N_NATIVE = 40  # the classic figure: pure Python takes seconds
N_PYTHON = 35  # pure Python takes about a second here
# Aligning every function and loop places the hot loop alike in the extension and the timer.
ALIGN = "-C llvm-args=-align-all-functions=6 -C llvm-args=-align-loops=64"


NOTES = f"""
Notes:

- The extension and the native timer run the same machine code, yet on x86-64 they can differ
  by 10% or more either way: a loop this small runs faster or slower depending on where the
  linker places it. Aligned, both run at the same speed:
  `RUSTFLAGS="{ALIGN}" maturin develop`, and the same for `cargo run --release`.
- Part of the speed-up is not compiled code against an interpreter: Rust's optimiser turns one
  of the two recursive calls into a loop, so the extension makes about `fibo(n)` calls where
  Python makes about `2 * fibo(n)`.
"""


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


def probe(project: Path, work: Path, name: str, wheel: Path, env: dict[str, str], runs: int) -> dict:
    """Install `wheel` in a venv of its own, build the native timer the same way, time both."""
    venv = work / f"venv-{name}"
    sh([sys.executable, "-m", "venv", venv], cwd=work)
    sh([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=work)
    sh(["cargo", "build", "--release", "--bins"], cwd=project, env=env)
    timer = Path(env["CARGO_TARGET_DIR"]) / "release" / "fibo-rust-timer"
    out = sh(
        [venv / "bin" / "python", HERE / "probe.py", timer, str(runs), str(N_NATIVE), str(N_PYTHON)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    return json.loads(out)


def machine(project: Path) -> dict[str, str]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rustc": sh(["rustc", "--version"], cwd=project).strip(),  # rust-toolchain.toml's
        "maturin": sh([sys.executable, "-m", "maturin", "--version"], cwd=HERE).strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    work = Path(tempfile.mkdtemp(prefix="rip-bench-"))
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(work)))
    baseline = work / "baseline"
    sh([sys.executable, "-m", "maturin", "new", "-b", "pyo3", "--name", "baseline", baseline], cwd=work)
    shutil.copy(project / "rust-toolchain.toml", baseline)  # both built by the same Rust

    ours_build, ours_wheel = timed_build(project, work / "target-ours", work / "dist-ours")
    base_build, base_wheel = timed_build(baseline, work / "target-base", work / "dist-base")

    env = {**os.environ, "CARGO_TARGET_DIR": str(work / "target-ours")}
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("got {n}", "got {n}."))
    start = time.perf_counter()
    sh(
        [sys.executable, "-m", "maturin", "build", "--release", "-o", work / "dist-edit"],
        cwd=project,
        env=env,
    )
    rebuild = time.perf_counter() - start

    measured = probe(project, work, "plain", ours_wheel, env, runs)
    aligned_env = {**env, "CARGO_TARGET_DIR": str(work / "target-aligned"), "RUSTFLAGS": ALIGN}
    sh(
        [sys.executable, "-m", "maturin", "build", "--release", "-o", work / "dist-aligned"],
        cwd=project,
        env=aligned_env,
    )
    (aligned_wheel,) = (work / "dist-aligned").glob("*.whl")
    aligned = probe(project, work, "aligned", aligned_wheel, aligned_env, runs)
    cores = os.cpu_count()
    figures = [
        (
            f"extension fibo({N_NATIVE}) / native main.rs fibo({N_NATIVE}), as the project builds them",
            measured["extension_vs_native"],
            "(code placement: notes)",
        ),
        (
            "the same, both built with functions and loops aligned (notes)",
            aligned["extension_vs_native"],
            "<= 1.03",
        ),
        (
            f"pure-Python fibo({N_PYTHON}) / extension fibo({N_PYTHON})",
            measured["python_vs_extension"],
            ">= 50",
        ),
        (
            f"{cores} calls in {cores} threads / 1 call (extension, fibo({N_NATIVE}))",
            measured["threads_vs_one"],
            "<= 1.15",
        ),
        (
            "the same for pure Python (fibo(30)), for contrast",
            measured["python_threads_vs_one"],
            f"about {cores}",
        ),
        (
            f"{cores} native timers at once / 1 native timer: this machine's own ceiling",
            measured["native_parallel_vs_one"],
            "(for contrast)",
        ),
        (
            f"{cores} calls in {cores} threads / {cores} native timers at once",
            measured["threads_vs_native_parallel"],
            "(for contrast)",
        ),
        (
            "release wheel size / `maturin new -b pyo3` wheel",
            ours_wheel.stat().st_size / base_wheel.stat().st_size,
            "<= 0.8",
        ),
        (
            "compiled extension in the wheel / the same in `maturin new`'s wheel",
            native_bytes(ours_wheel) / native_bytes(base_wheel),
            "(for contrast)",
        ),
        ("cold release build / `maturin new -b pyo3` cold release build", ours_build / base_build, "<= 1.25"),
    ]
    results = {
        "machine": machine(project),
        "runs": runs,
        "figures": [{"figure": f, "ratio": round(r, 3), "goal": g} for f, r, g in figures],
        "seconds": {
            **{f"median {k}": round(v, 4) for k, v in measured["seconds"].items()},
            **{f"median {k}, aligned": round(aligned["seconds"][k], 4) for k in ("native", "extension")},
            "cold release build (ours)": round(ours_build, 1),
            "cold release build (maturin new)": round(base_build, 1),
            "release rebuild after editing src/lib.rs": round(rebuild, 1),
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
        f"Measured on {m['date']} on {m['cpu']}, {m['cores']} cores, {m['os']}; CPython {m['python']}, "
        f"{m['rustc']}, {m['maturin']}; median of {runs} runs (`python benchmarks/run.py`).",
        "",
        "| figure | measured | goal |",
        "|---|---:|---|",
        *(f"| {f['figure']} | {f['ratio']:.2f} | {f['goal']} |" for f in results["figures"]),
        "",
        "| time | seconds |",
        "|---|---:|",
        *(f"| {k.replace('_', ' ')} | {v} |" for k, v in results["seconds"].items()),
        "",
        f"(`small` is fibo({N_PYTHON}); the others are fibo({N_NATIVE}),"
        " or fibo(30) for pure-Python threads.)",
        NOTES,
    ]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
