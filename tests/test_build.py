"""Rendered projects build with maturin and a real compiler, import, run and pass their checks.

Slow: each variant compiles PyO3. `pytest -m "not build"` leaves these out.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import DEFAULTS, EXE, VENV_BIN, Built, build_env, render, run, venv_env, venv_python

pytestmark = pytest.mark.build

THIS_PYTHON = f"cp{sys.version_info.major}{sys.version_info.minor}"
EXPECTED_TAG = {"3.10": "cp310-abi3", "3.11": "cp311-abi3", "none": f"{THIS_PYTHON}-{THIS_PYTHON}"}


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(name).decode())


def test_wheel_tag_matches_the_abi3_floor(built: Built) -> None:
    tag = EXPECTED_TAG[built.answers["abi3_floor"]]
    assert re.search(rf"-{tag}-[^-]+\.whl$", built.wheel.name), built.wheel.name


def test_wheel_requires_the_python_of_the_floor(built: Built) -> None:
    floor = built.answers["abi3_floor"]
    expected = ">=3.10" if floor == "none" else f">={floor}"
    assert wheel_metadata(built.wheel)["Requires-Python"] == expected


def test_wheel_carries_the_stub_and_py_typed(built: Built) -> None:
    stub = "_core.pyi" if built.answers["layout"] == "mixed" else "__init__.pyi"
    names = zipfile.ZipFile(built.wheel).namelist()
    assert f"{built.module}/{stub}" in names
    assert f"{built.module}/py.typed" in names


def test_installed_module_computes_fibo_40(built: Built) -> None:
    code = f"import {built.module} as m; print(m.fibo(40), m.DEBUG_BUILD, m.__version__)"
    out = built.run(built.python, "-c", code).stdout.split()
    assert out == ["102334155", "False", DEFAULTS["version"]]


def test_comparison_script_reports_both_times_and_the_speedup(built: Built) -> None:
    out = built.run(built.python, "compare.py", "27", "--runs", "1").stdout
    assert "fibo(27) = 196418" in out
    assert re.search(r"\| pure Python +\| +\d+\.\d+ \|", out)
    assert re.search(r"\| Rust extension +\| +\d+\.\d+ \| +\d+\.\dx \|", out)
    assert re.search(r"one after another: +\d+\.\d+ s\n +in \d+ threads: +\d+\.\d+ s \(\d+\.\dx as fast", out)


def test_wheels_workflow_smoke_test_loads_the_built_wheel(built: Built, tmp_path: Path) -> None:
    workflow = yaml.safe_load((built.project / ".github" / "workflows" / "wheels.yml").read_text())
    (step,) = [
        s
        for s in workflow["jobs"]["wheels"]["steps"]
        if s.get("name", "").startswith("Smoke-test the wheels (each")
    ]
    this_python = f"{sys.version_info.major}.{sys.version_info.minor}"
    script = re.sub(r"for python in [^;]+;", f"for python in {this_python};", step["run"])
    (tmp_path / "dist").mkdir()
    shutil.copy(built.wheel, tmp_path / "dist")
    out = run(["bash", "-c", script], cwd=tmp_path, env=built.env(UV_PYTHON_DOWNLOADS="never")).stdout
    assert f"{built.module}" in out


def test_projects_own_pytest_passes(built: Built) -> None:
    out = built.run(built.python, "-m", "pytest", "-q", "-p", "no:cacheprovider").stdout
    assert re.search(r"\b\d+ passed\b", out) and "failed" not in out


def test_stub_agrees_with_the_built_module_in_the_projects_own_tests(built: Built) -> None:
    out = built.run(built.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_stub.py")
    assert "1 passed" in out.stdout


def test_mypy_strict_accepts_the_projects_python(built: Built) -> None:
    built.run(built.python, "-m", "mypy")


def test_mypy_strict_sees_the_modules_types(built: Built, tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(f"from {built.module} import fibo\n\nresult: int = fibo(10)\n")
    built.run(built.python, "-m", "mypy", "--strict", good)
    bad = tmp_path / "bad.py"
    bad.write_text(f"from {built.module} import fibo\n\nresult: str = fibo(10)\n")
    proc = subprocess.run(
        [built.python, "-m", "mypy", "--strict", bad], env=built.env(), capture_output=True, text=True
    )
    assert proc.returncode == 1 and "Incompatible types in assignment" in proc.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["cargo", "fmt", "--check"],
        ["cargo", "clippy", "--all-targets", "--", "-D", "warnings"],
        ["cargo", "clippy", "--all-targets", "--all-features", "--", "-D", "warnings"],
    ],
    ids=lambda c: " ".join(c[:2]) + (" all-features" if "--all-features" in c else ""),
)
def test_linters_are_clean(built: Built, command: list[str]) -> None:
    built.run(*command)


def no_python_env(built: Built) -> dict[str, str]:
    """An environment with no usable Python: PyO3's build script would fail in it, and
    the pyenv/venv interpreters (whose libpython is not on the loader path) are gone."""
    env = built.env(PYO3_PYTHON="/nonexistent/python3", PYTHONHOME="/nonexistent")
    paths = env["PATH"].split(os.pathsep)
    env["PATH"] = os.pathsep.join(p for p in paths if "pyenv" not in p and "venv" not in p)
    for var in ("VIRTUAL_ENV", "LD_LIBRARY_PATH"):
        env.pop(var, None)
    return env


def test_cargo_test_passes_with_no_usable_python(built: Built) -> None:
    out = run(["cargo", "test"], cwd=built.project, env=no_python_env(built)).stdout
    assert re.search(r"test result: ok\. [1-9]\d* passed; 0 failed", out)


def test_native_timer_runs_with_no_usable_python(built: Built) -> None:
    out = run(["cargo", "run", "--release", "--", "30"], cwd=built.project, env=no_python_env(built))
    assert re.fullmatch(r"fibo\(30\) = 832040 in \S+ \(Rust, release build\)\n", out.stdout), out.stdout


LIBRARY_LISTER = {"linux": ["ldd"], "darwin": ["otool", "-L"]}


@pytest.mark.skipif(sys.platform not in LIBRARY_LISTER, reason="needs ldd or otool")
def test_native_timer_does_not_link_libpython(built: Built) -> None:
    run(["cargo", "build", "--release", "--bins"], cwd=built.project, env=built.env())
    name = built.module.replace("_", "-") + "-timer"
    binary = Path(built.env()["CARGO_TARGET_DIR"]) / "release" / f"{name}{EXE}"
    libs = run([*LIBRARY_LISTER[sys.platform], binary], cwd=built.project).stdout
    assert "libc" in libs.lower() or "libSystem" in libs
    assert "python" not in libs.lower()


def test_native_timer_rejects_a_bad_argument(built: Built) -> None:
    proc = subprocess.run(
        ["cargo", "run", "--release", "-q", "--", "0"],
        cwd=built.project,
        env=built.env(),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "n >= 1" in proc.stderr


def venv_with_maturin(where: Path) -> tuple[Path, dict[str, str]]:
    """A fresh venv with only maturin in it, and the environment that activates it."""
    venv = where / "dev-venv"
    run([sys.executable, "-m", "venv", venv], cwd=where)
    pip = [venv_python(venv), "-m", "pip", "install", "-q"]
    run([*pip, "--upgrade", "pip>=25.1", "maturin>=1.16,<2"], cwd=where)
    return venv, venv_env(venv)


def test_maturin_develop_installs_an_importable_module(built: Built, tmp_path: Path) -> None:
    venv, env = venv_with_maturin(tmp_path)
    run([venv / VENV_BIN / f"maturin{EXE}", "develop"], cwd=built.project, env=env)
    code = f"import {built.module} as m; print(m.fibo(40), m.DEBUG_BUILD)"
    out = run([venv_python(venv), "-c", code], cwd=tmp_path, env=env).stdout
    assert out.split() == ["102334155", "False"]


def test_an_unoptimised_build_is_reported_and_the_comparison_warns(tmp_path: Path) -> None:
    project = render(tmp_path, module_name="fibo_debug")
    venv, env = venv_with_maturin(tmp_path)
    run([venv / VENV_BIN / f"maturin{EXE}", "develop", "--profile", "dev"], cwd=project, env=env)
    out = run(
        [venv_python(venv), "-c", "import fibo_debug; print(fibo_debug.DEBUG_BUILD)"], cwd=tmp_path, env=env
    )
    assert out.stdout.strip() == "True"
    proc = run([venv_python(venv), "compare.py", "20", "--runs", "1"], cwd=project, env=env)
    assert "built without optimisations" in proc.stderr
    assert "maturin develop --release" in proc.stderr
    assert "fibo(20) = 6765" in proc.stdout


# Floors the `built` variants do not cover; those above this Python cannot be installed
# here, so their wheels are checked by tag and metadata (and imported where possible).
OTHER_FLOORS = ["3.9", "3.12", "3.13", "3.14", "3.15"]


@pytest.mark.parametrize("floor", OTHER_FLOORS)
def test_every_abi3_floor_builds_a_wheel_with_its_tag_and_requires_python(tmp_path: Path, floor: str) -> None:
    project = render(tmp_path, abi3_floor=floor)
    run([sys.executable, "-m", "maturin", "build", "--release", "-o", tmp_path / "dist"], cwd=project)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert f"-cp{floor.replace('.', '')}-abi3-" in wheel.name
    assert wheel_metadata(wheel)["Requires-Python"] == f">={floor}"
    if sys.version_info >= tuple(map(int, floor.split("."))):
        site = tmp_path / "site"
        run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, wheel], cwd=tmp_path
        )
        code = "import fibo_rust; print(fibo_rust.fibo(30))"
        out = run([sys.executable, "-c", code], cwd=tmp_path, env=build_env(PYTHONPATH=str(site))).stdout
        assert out.strip() == "832040"


def test_some_floor_is_above_this_python() -> None:
    newest = max(OTHER_FLOORS, key=lambda floor: tuple(map(int, floor.split("."))))
    assert sys.version_info < tuple(map(int, newest.split("."))), (
        "the suite must build a floor above this Python"
    )
