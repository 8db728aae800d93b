"""The abi3 promise, on every CPython installed here: one wheel per floor serves every
interpreter from the floor up and is refused below it; `abi3_floor=none` gives one wheel
per interpreter, each for its own interpreter alone. And the wheels the rendered CI's build
steps make carry tags that serve every supported CPython, free-threaded included, and nothing
else (the same builds as `none`'s wheels above, so both live in this module's worker).

Interpreters come from `RIP_PYTHONS`, pyenv and `python3.X` on PATH (conftest.interpreters).
Each wheel is built once and tried on every interpreter.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from packaging.tags import cpython_tags
from packaging.utils import parse_wheel_filename

from conftest import (
    DEFAULTS,
    IN_CI,
    MENUS,
    PINS,
    Interpreter,
    answers,
    build_env,
    exercised,
    gil_interpreters,
    interpreters,
    make_venv,
    pinned_test_tools,
    run,
    venv_env,
    venv_python,
)

pytestmark = pytest.mark.build

NEWEST = int(PINS["newest_python"].split(".")[1])
FIRST_OF_NONE = tuple(int(part) for part in answers(abi3_floor="none")["__min_python"].split("."))

# Floors whose one wheel is tried on every interpreter here; 3.14 and 3.15, above every
# interpreter here, are built below as the CI build steps make them.
FLOORS_TRIED = [floor for floor in MENUS["abi3_floor"] if floor not in ("none", "3.14", "3.15")]
REFUSALS = (
    "is not a supported wheel on this platform",
    "requires a different Python",
    "but the running Python is",
)


def version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def interpreter_id(interpreter: Interpreter) -> str:
    return interpreter.name


def test_at_least_three_interpreters_are_installed_to_exercise() -> None:
    names = [i.name for i in interpreters()]
    if len(names) < 3:
        message = f"only {names} found: install more CPythons (pyenv) or list them in RIP_PYTHONS"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def wheels(rendered: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`wheels(floor)`: the one wheel of a project rendered with that floor (unoptimised: the
    tags a wheel carries do not depend on the profile)."""
    built: dict[str, Path] = {}

    def wheel(floor: str) -> Path:
        if floor not in built:
            dist = tmp_path_factory.mktemp(f"dist-{floor}")
            maturin = [sys.executable, "-m", "maturin", "build", "--profile", "dev", "--out", dist]
            run(maturin, cwd=rendered(abi3_floor=floor))
            (built[floor],) = dist.glob("*.whl")
        return built[floor]

    return wheel


@pytest.fixture(scope="module")
def ci_wheels(
    rendered: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], list[Path]]:
    """`ci_wheels(floor)`: the wheels the build steps of the rendered ci.yml make for a default
    project with that floor, built here once each (unoptimised). Interpreters missing here come
    from maturin's bundled data."""
    built: dict[str, list[Path]] = {}

    def wheels(floor: str) -> list[Path]:
        if floor not in built:
            project = rendered(abi3_floor=floor)
            ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
            dist = tmp_path_factory.mktemp(f"ci-wheels-{floor}")
            for step in ci["jobs"]["build"]["steps"]:
                if "maturin-action" in step.get("uses", ""):
                    args = (
                        step["with"]["args"]
                        .replace("--release", "--profile dev")
                        .replace("--out dist", f"--out {dist}")
                    )
                    run(["maturin", "build", *args.split()], cwd=project)
            built[floor] = sorted(dist.glob("*.whl"))
        return built[floor]

    return wheels


def pip_install(interpreter: Interpreter, wheel: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [interpreter.path, "-m", "pip", "install", "--no-deps", "--no-index", "--target", target, wheel],
        env=build_env(),
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        check=False,
    )


def fibo_30(interpreter: Interpreter, site: Path, module: str) -> str:
    code = f"import {module}; print({module}.fibo(30))"
    return run([interpreter.path, "-c", code], cwd=site.parent, env=build_env(PYTHONPATH=str(site))).stdout


@pytest.mark.parametrize("interpreter", gil_interpreters(), ids=interpreter_id)
@pytest.mark.parametrize("floor", FLOORS_TRIED)
def test_abi3_wheel_runs_on_every_python_from_its_floor_and_is_refused_below(
    wheels: Callable[[str], Path], tmp_path: Path, floor: str, interpreter: Interpreter
) -> None:
    wheel = wheels(floor)
    assert f"-cp{floor.replace('.', '')}-abi3-" in wheel.name
    proc = pip_install(exercised(interpreter), wheel, tmp_path / "site")
    if interpreter.version >= version(floor):
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert fibo_30(interpreter, tmp_path / "site", "fibo_rust").strip() == "832040"
    else:
        assert proc.returncode != 0
        assert any(refusal in proc.stdout + proc.stderr for refusal in REFUSALS), proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def per_version_wheels(ci_wheels: Callable[[str], list[Path]]) -> dict[str, Path]:
    """`abi3_floor=none`: the wheels CI builds, one per CPython version, keyed by their tag."""
    return {"-".join(wheel.name.split("-")[2:4]): wheel for wheel in ci_wheels("none")}


def test_none_builds_a_wheel_for_each_interpreter_here(per_version_wheels: dict[str, Path]) -> None:
    expected = {"cp3{1}-cp3{1}".format(*i.version) for i in gil_interpreters(FIRST_OF_NONE)}
    assert expected <= set(per_version_wheels)
    assert all(re.fullmatch(r"cp3\d+-cp3\d+t?", tag) for tag in per_version_wheels)


@pytest.mark.parametrize("interpreter", gil_interpreters(FIRST_OF_NONE), ids=interpreter_id)
def test_each_per_version_wheel_loads_on_its_own_python_only(
    per_version_wheels: dict[str, Path], tmp_path: Path, interpreter: Interpreter
) -> None:
    own = "cp3{1}-cp3{1}".format(*interpreter.version)
    for tag, wheel in per_version_wheels.items():
        proc = pip_install(exercised(interpreter), wheel, tmp_path / tag)
        if tag == own:
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert fibo_30(interpreter, tmp_path / tag, "fibo_rust").strip() == "832040"
        else:
            assert proc.returncode != 0 and REFUSALS[0] in proc.stdout + proc.stderr, tag


def range_ends() -> list[Interpreter]:
    """The lowest and the highest interpreter in the default floor's range."""
    usable = gil_interpreters(version(DEFAULTS["abi3_floor"]))
    return [usable[0], usable[-1]] if len(usable) > 1 else usable


@pytest.mark.parametrize("interpreter", range_ends(), ids=interpreter_id)
def test_the_projects_own_tests_pass_on_the_lowest_and_highest_python_of_its_range(
    wheels: Callable[[str], Path], bake: Callable[..., Path], tmp_path: Path, interpreter: Interpreter
) -> None:
    project = bake()
    venv = make_venv(tmp_path, exercised(interpreter).path)
    py = venv_python(venv)
    install = [py, "-m", "pip", "install", "-q", *pinned_test_tools(project), wheels(DEFAULTS["abi3_floor"])]
    run(install, cwd=project, env=venv_env(venv))
    out = run([py, "-m", "pytest", "-v", "-p", "no:cacheprovider"], cwd=project, env=venv_env(venv)).stdout
    assert "test_stub.py::test_stub_matches_the_compiled_module PASSED" in out
    assert "test_python_code_runs_while_fibo_computes_in_another_thread PASSED" in out


# --- The wheels the rendered CI's build steps make ---------------------------------------------


def serves(wheel: Path, python: str) -> bool:
    """Whether installers put this wheel on CPython `python` ("3.12", "3.14t"), by packaging's
    own tag rules (abi3t included), which pip and uv follow."""
    free_threaded = python.endswith("t")
    minor = int(python.rstrip("t").split(".")[1])
    wheel_tags = parse_wheel_filename(wheel.name)[3]
    abi = f"cp3{minor}{'t' if free_threaded else ''}"
    accepted = cpython_tags((3, minor), [abi], sorted({tag.platform for tag in wheel_tags}))
    return not wheel_tags.isdisjoint(accepted)


def supported(floor: str) -> list[str]:
    first = int(answers(abi3_floor=floor)["__min_python"].split(".")[1])
    gil = [f"3.{m}" for m in range(first, NEWEST + 1)]
    return gil + [f"3.{m}t" for m in range(max(first, 14), NEWEST + 1)]


# One floor of each kind the workflow treats apart: abi3 below 3.14 (the default), abi3 at
# 3.14 (with its cp314t wheel), 3.15 (abi3t alone), and version-specific wheels. The other
# floors' wheels are built above (FLOORS_TRIED) and in test_build.py.
@pytest.mark.parametrize("floor", [DEFAULTS["abi3_floor"], "3.14", "3.15", "none"])
def test_ci_build_steps_make_wheels_that_serve_exactly_the_supported_pythons(
    ci_wheels: Callable[[str], list[Path]], floor: str
) -> None:
    wheels = ci_wheels(floor)
    tags = sorted("-".join(w.name.split("-")[2:4]) for w in wheels)
    unserved = [p for p in supported(floor) if not any(serves(w, p) for w in wheels)]
    useless = [w.name for w in wheels if not any(serves(w, p) for p in supported(floor))]
    assert (unserved, useless) == ([], []), tags
    if floor not in ("none", PINS["abi3t_python"]):
        assert f"cp3{floor.split('.')[1]}-abi3" in tags  # the stable-ABI wheel starts at the floor
    assert all(re.fullmatch(r"cp3\d+-(abi3|abi3\.abi3t|cp3\d+t?)", t) for t in tags)
