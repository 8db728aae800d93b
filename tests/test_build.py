"""Rendered projects build with maturin and a real compiler, import, run and keep their promises
(the rendered README's own commands run in test_readme.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import (
    DEFAULTS,
    EXE,
    PRE_GEN,
    Built,
    build_env,
    make_venv,
    passed,
    pinned_test_tools,
    read_toml,
    replace_in,
    run,
    tool,
    venv_env,
    venv_python,
)

pytestmark = pytest.mark.build


def test_wheel_carries_the_stub_and_py_typed(built: Built) -> None:
    stub = "_core.pyi" if built.answers["layout"] == "mixed" else "__init__.pyi"
    names = zipfile.ZipFile(built.wheel).namelist()
    assert {f"{built.module}/{stub}", f"{built.module}/py.typed"} <= set(names)


def test_installed_module_computes_fibo_40(built: Built) -> None:
    code = f"import {built.module} as m; print(m.fibo(40), m.DEBUG_BUILD, m.__version__)"
    out = built.run(built.python, "-c", code).stdout.split()
    assert out == ["102334155", "False", DEFAULTS["version"]]


def test_comparison_script_reports_both_times_the_speedup_and_the_threads(built: Built) -> None:
    out = built.run(built.python, "compare.py", "27", "--runs", "1", "--parallel-n", "27").stdout
    assert "fibo(27) = 196418" in out
    assert re.search(r"\| pure Python +\| +\d+\.\d+ \|", out)
    assert re.search(r"\| Rust extension +\| +\d+\.\d+ \| +\d+\.\dx \|", out)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    calls = max(cpus or 1, 2)
    assert re.search(
        rf"{calls} calls of fibo\(27\): \d+\.\d+ s one after another, \d+\.\d+ s in {calls} threads: "
        rf"\d+\.\dx as fast, where {cpus} usable CPU\(s\) allow at most {min(calls, cpus or 1)}x "
        r"\(fibo releases the GIL\)\.",
        out,
    )


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity can be set on Linux only")
def test_the_comparison_counts_the_cpus_this_process_may_use(built: Built) -> None:
    """Pinned to one CPU (as `taskset -c 0` does), the script says so instead of blaming the GIL."""
    one_cpu = "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})"
    out = python_after(
        built, one_cpu, "run_path", "compare.py", "25", "--runs", "1", "--rust-only", "--parallel-n", "25"
    )
    assert "where 1 usable CPU(s) allow at most 1x (fibo releases the GIL)." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["94"], "n must be between 1 and 93"),
        (["0"], "n must be between 1 and 93"),
        (["-5"], "n must be between 1 and 93"),
        (["x"], "invalid int value"),
        (["30", "--parallel-n", "100"], "--parallel-n must be between 1 and 93"),
        (["30", "--runs", "0"], "--runs must be at least 1"),
    ],
)
def test_comparison_script_refuses_a_bad_argument_at_once_with_one_line(
    built: Built, args: list[str], message: str
) -> None:
    proc = built.run(built.python, "-OO", "compare.py", *args, check=False)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("compare.py: error: ") and message in proc.stderr


def test_comparison_script_warns_before_a_long_pure_python_run(built: Built) -> None:
    # fibo(45) takes minutes in pure Python: the estimate is printed before any of it runs,
    # so a timeout that ends the run right after the warning still sees it.
    with subprocess.Popen(
        [built.python, "compare.py", "45", "--runs", "1"],
        cwd=built.project,
        env=built.env(),
        stdout=subprocess.PIPE,
        encoding="utf-8",
    ) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        proc.kill()
    assert re.match(r"Pure Python needs about \d+ s for 1 run\(s\) of fibo\(45\)\. .*--rust-only", first)


STUBBED_FIBO = "def fibo(n: SupportsIndex) -> int:"


@pytest.mark.parametrize(
    "wrong",
    ["def fibo(n: float) -> int:", "def fibo(n: int) -> int:", "def fibo(n: SupportsIndex) -> str:"],
    ids=["float argument", "int only, no __index__", "str result"],
)
def test_a_stub_with_a_wrong_type_fails_the_projects_type_check(built: Built, wrong: str) -> None:
    """stubtest cannot see argument types; the project's mypy run over tests/test_types.py can."""
    mixed = built.answers["layout"] == "mixed"
    stub = built.project / (f"python/{built.module}/_core.pyi" if mixed else f"{built.module}.pyi")
    text = stub.read_text(encoding="utf-8")
    assert STUBBED_FIBO in text
    stub.write_text(text.replace(STUBBED_FIBO, wrong), encoding="utf-8")
    try:
        proc = built.run(built.python, "-m", "mypy", check=False)
    finally:
        stub.write_text(text, encoding="utf-8")
    assert proc.returncode == 1, proc.stdout
    assert "tests/test_types.py" in proc.stdout, proc.stdout


@pytest.mark.parametrize("threads", [[], ["--parallel-threads=4"]], ids=["once", "in 4 threads each"])
def test_projects_own_tests_pass(built: Built, threads: list[str]) -> None:
    """As CI runs them, and as its free-threaded rows do: each test in 4 threads at once, but the
    ones marked thread-unsafe, which run once."""
    out = built.run(built.python, "-m", "pytest", "-p", "no:cacheprovider", "-v", *threads).stdout
    assert passed(out)
    if threads:
        assert re.search(r"Collected \d+ items to run in parallel", out)
        assert re.search(r"test_stub_matches_the_compiled_module PASSED.*thread-unsafe", out), out


def test_the_projects_tests_pass_under_plain_pytest_with_only_pytest_and_the_package(
    built: Built, tmp_path: Path
) -> None:
    """As packagers and many users run them (`pip install pytest .`): no pytest-run-parallel,
    whose marker the strict settings must still know, and no mypy, whose stubtest then skips."""
    pytest_pin = [pin for pin in pinned_test_tools(built.project) if pin.startswith("pytest==")]
    venv = make_venv(tmp_path, sys.executable, *pytest_pin, str(built.wheel))
    proc = run([venv_python(venv), "-m", "pytest", "-p", "no:cacheprovider"], built.project, venv_env(venv))
    assert passed(proc.stdout) and re.search(r"\b1 skipped", proc.stdout), proc.stdout


def python_after(built: Built, setup: str, run: str, *args: str) -> str:
    """What `python -m pytest ...` or `python compare.py ...` (`run` names the runpy function)
    prints when the Python statement `setup` runs first, in the same process."""
    start = f"runpy.{run}(sys.argv[0], run_name='__main__')"
    code = f"import os, runpy, sys; {setup}; sys.argv = sys.argv[1:]; {start}"
    return built.run(built.python, "-c", code, *args).stdout


ON_PYODIDE = "sys.platform = 'emscripten'"  # as Pyodide has it


def test_on_pyodide_only_what_needs_threads_or_a_process_skips(built: Built) -> None:
    """Pyodide runs no threads and starts no process: the GIL test and the threads comparison
    say so and stand aside, the stub check (stubtest runs mypy in a process) too; every other
    test runs."""
    here = built.run(built.python, "-m", "pytest", "-p", "no:cacheprovider", "-rs").stdout
    there = python_after(built, ON_PYODIDE, "run_module", "pytest", "-p", "no:cacheprovider", "-rs")
    skipped = re.findall(r"^SKIPPED \[\d+\] (\S+?):\d+: (.*)$", there, re.M)
    assert passed(there) and not re.search(r"\bskipped\b", here), here
    assert {(path.split("/")[-1], reason) for path, reason in skipped} == {
        ("test_fibo.py", "Pyodide (WebAssembly) runs no threads"),
        ("test_stub.py", "Pyodide starts no process and has no mypy"),
    }
    compare = python_after(built, ON_PYODIDE, "run_path", "compare.py", "20", "--runs", "1")
    assert "runs no threads: no threads comparison" in compare and "calls of fibo" not in compare


# --- The stub, written from the compiled module -------------------------------------------------
NEW_FUNCTION = """
    /// Add two numbers.
    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
"""


def test_a_new_function_fails_the_stub_check_until_the_readmes_command_writes_it(
    bake: Callable[..., Path], nox: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    project = bake()
    features = read_toml(project / "pyproject.toml")["tool"]["maturin"]["features"]
    assert features == ["python"]  # the wheels carry no introspection data
    assert nox(project, "-s", "stubs", "--", "--check").returncode == 0
    replace_in(
        project / "src" / "lib.rs", "\n    /// Return the n-th", NEW_FUNCTION + "\n    /// Return the n-th"
    )
    stale = nox(project, "-s", "stubs", "--", "--check")
    assert stale.returncode != 0
    said = stale.stdout + stale.stderr
    assert (
        "+def add(a: SupportsIndex, b: SupportsIndex) -> int:" in said
        and "Run `nox -s stubs` to write it" in said
    )
    # "Adding the next function", step 3, as written
    step = re.search(r"^3\. Run `(nox -s [^`]+)`", (project / "README.md").read_text(encoding="utf-8"), re.M)
    assert step and nox(project, *step[1].split()[1:]).returncode == 0
    assert nox(project, "-s", "stubs", "--", "--check").returncode == 0
    stub = (project / f"{DEFAULTS['module_name']}.pyi").read_text(encoding="utf-8")
    assert "def add(a: SupportsIndex, b: SupportsIndex) -> int:" in stub and '"add"' in stub


def no_python_env(built: Built) -> dict[str, str]:
    """An environment with no usable Python: PyO3's build script would fail in it, and
    the pyenv/venv interpreters (whose libpython is not on the loader path) are gone."""
    env = built.env(PYO3_PYTHON=str(Path("/nonexistent/python3")), PYTHONHOME=str(Path("/nonexistent")))
    paths = env["PATH"].split(os.pathsep)
    env["PATH"] = os.pathsep.join(p for p in paths if "pyenv" not in p and "venv" not in p.lower())
    for var in ("VIRTUAL_ENV", "LD_LIBRARY_PATH"):
        env.pop(var, None)
    return env


def test_cargo_test_passes_with_no_usable_python(built: Built) -> None:
    out = run([tool("cargo"), "test"], cwd=built.project, env=no_python_env(built)).stdout
    assert re.search(r"test result: ok\. [1-9]\d* passed; 0 failed", out)


def test_native_timer_runs_with_no_usable_python(built: Built) -> None:
    proc = run([tool("cargo"), "run", "--release", "--", "30"], cwd=built.project, env=no_python_env(built))
    assert re.fullmatch(r"fibo\(30\) = 832040 in \S+ \(Rust, release build\)\n", proc.stdout), proc.stdout


def linked_libraries(binary: Path) -> str:
    """The shared libraries `binary` loads, as the platform's own tool lists them."""
    if sys.platform == "linux":
        return run([tool("ldd"), binary], cwd=binary.parent).stdout
    if sys.platform == "darwin":  # otool's first line is the binary's own path
        return run(["otool", "-L", binary], cwd=binary.parent).stdout.split("\n", 1)[1]
    pytest.skip("no ldd or otool on this platform (Windows resolves python3.dll by name at load time)")


def test_native_timer_does_not_link_libpython(built: Built) -> None:
    run([tool("cargo"), "build", "--release", "--bins"], cwd=built.project, env=built.env())
    name = built.module.replace("_", "-") + "-timer"
    libs = linked_libraries(Path(built.env()["CARGO_TARGET_DIR"]) / "release" / f"{name}{EXE}")
    assert "libc" in libs.lower() or "libSystem" in libs
    assert "python" not in libs.lower()


def test_native_timer_rejects_a_bad_argument(built: Built) -> None:
    proc = built.run("cargo", "run", "--release", "-q", "--", "0", check=False)
    assert proc.returncode == 2 and "n >= 1" in proc.stderr


# --- The GIL ------------------------------------------------------------------------------------
def test_the_projects_gil_test_fails_when_fibo_holds_the_gil(
    bake: Callable[..., Path], tmp_path: Path
) -> None:
    project = bake(module_name="gil_held")
    replace_in(project / "src" / "lib.rs", "py.detach(|| super::fibo(n))", "{ let _ = py; super::fibo(n) }")
    venv = make_venv(tmp_path, sys.executable, *pinned_test_tools(project))
    run([venv_python(venv), *"-m pip install -q --no-deps .".split()], cwd=project, env=venv_env(venv))
    tests = [venv_python(venv), *"-m pytest -p no:cacheprovider tests/test_fibo.py".split()]
    proc = run(tests, project, venv_env(venv), check=False)
    failed = re.findall(r"^FAILED \S+::(\w+)", proc.stdout, re.M)
    assert failed == ["test_python_code_runs_while_fibo_computes_in_another_thread"], proc.stdout


def test_dependency_names_cover_every_crate_the_project_builds(rendered: Callable[..., Path]) -> None:
    project = rendered()
    metadata = run([tool("cargo"), "metadata", "--format-version", "1", "--features", "python"], cwd=project)
    crates = {p["name"].replace("-", "_") for p in json.loads(metadata.stdout)["packages"]}
    assert crates - {"rust_in_python"} <= PRE_GEN.DEPENDENCIES, crates - PRE_GEN.DEPENDENCIES


def test_the_declared_minimum_rust_builds_tests_and_imports_the_project(
    rendered: Callable[..., Path], tmp_path: Path
) -> None:
    """Cargo.toml's rust-version is true: with exactly that toolchain (which .ci/run installs)
    the Rust tests pass and maturin builds an extension that imports and computes."""
    project = rendered()
    msrv = read_toml(project / "Cargo.toml")["package"]["rust-version"]
    env = build_env(RUSTUP_TOOLCHAIN=msrv)
    assert run(["rustc", "--version"], cwd=project, env=env).stdout.startswith(f"rustc {msrv} ")
    run(["cargo", "test", "--locked"], cwd=project, env=env)
    run([sys.executable, *"-m maturin build --locked --profile dev --out".split(), tmp_path], project, env)
    (wheel,) = tmp_path.glob("*.whl")
    venv = make_venv(tmp_path)
    run([venv_python(venv), "-m", "pip", "install", "-q", wheel], cwd=tmp_path)
    module = DEFAULTS["module_name"]
    computed = run([venv_python(venv), "-c", f"import {module}; print({module}.fibo(20))"], cwd=tmp_path)
    assert computed.stdout.strip() == "6765"
