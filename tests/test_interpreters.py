"""The abi3 promise, on every CPython installed here (conftest.interpreters), and the rendered
release action, run here as wheels.yml runs it (it builds `abi3_floor=none`'s wheels too, so both
live in this module's worker). Each wheel is built once and tried on every interpreter."""

from __future__ import annotations

import functools
import os
import platform as plat
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.tags import cpython_tags
from packaging.utils import parse_wheel_filename

from conftest import (
    DEFAULTS,
    MENUS,
    PINS,
    Interpreter,
    answers,
    build_env,
    commit_all,
    gil_interpreters,
    job_steps,
    load_module,
    load_yaml,
    make_venv,
    pinned_test_tools,
    posix_shell,
    render,
    replace_in,
    run,
    runner_os,
    supported,
    venv_env,
    venv_python,
    with_tools,
)

pytestmark = pytest.mark.build

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


@pytest.fixture(scope="module")
def wheels(rendered: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`wheels(floor)`: the one wheel of a project rendered with that floor (unoptimised: the
    tags a wheel carries do not depend on the profile)."""

    @functools.cache
    def wheel(floor: str) -> Path:
        dist = tmp_path_factory.mktemp(f"dist-{floor}")
        maturin = [sys.executable, "-m", "maturin", "build", "--profile", "dev", "--out", dist]
        run(maturin, cwd=rendered(abi3_floor=floor))
        (built,) = dist.glob("*.whl")
        return built

    return wheel


# The release row of wheels.yml that this machine is (its builds run here on the host, as the
# action runs them on macOS and Windows and, in a container, on Linux).
ROWS = {
    ("Linux", "x86_64"): ("manylinux", "x86_64", "auto"),
    ("Linux", "aarch64"): ("manylinux", "aarch64", "auto"),
    ("macOS", "arm64"): ("macos", "aarch64", ""),
    ("macOS", "x86_64"): ("macos", "x86_64", ""),
    ("Windows", "AMD64"): ("windows", "x64", ""),
    ("Windows", "ARM64"): ("windows", "aarch64", ""),
}


@dataclass
class Release:
    """The rendered wheels action, run here: the environment and outcome of its last step, the check."""

    project: Path
    env: dict[str, str]
    check: subprocess.CompletedProcess[str]

    @property
    def wheels(self) -> list[Path]:
        return sorted((self.project / "dist").glob("*.whl"))


def run_action(project: Path, pythons: list[Interpreter], temp: Path) -> Release:
    """Run the steps of the project's .github/actions/wheels here, with what wheels.yml passes on
    this machine's row: its bash and Python steps as written (the imports, and the check of them,
    on the CPythons found here), each maturin-action step as the `maturin build` it runs
    (unoptimised: tags and dates do not depend on the profile)."""
    platform, target, _ = ROWS[(runner_os(), plat.machine())]
    rows = load_yaml(project / ".github" / "workflows" / "wheels.yml")["jobs"]["wheels"]["strategy"]["matrix"]
    (row,) = [r for r in rows["include"] if (r["platform"], r["target"]) == (platform, target)]
    inputs = {key: str(value) for key, value in row.items() if key != "runner"} | {"project": "."}
    temp.mkdir()
    env_file = temp / "github_env"
    env_file.touch()
    action = project / ".github" / "actions" / "wheels"
    env = build_env(GITHUB_ENV=str(env_file), GITHUB_WORKSPACE=str(project), GITHUB_ACTION_PATH=str(action))
    env.update(RUNNER_OS=runner_os(), RUNNER_TEMP=str(temp), UV_PYTHON_DOWNLOADS="never")
    env = with_tools(env, "uv")
    env["PATH"] = os.pathsep.join([*(str(i.path.parent) for i in pythons), env["PATH"]])

    def expand(value: str) -> str:
        value = value.replace("${{ runner.temp }}", str(temp))
        return re.sub(r"\$\{\{ env\.(\w+) \}\}", lambda m: env[m[1]], value)

    proc = checked_env = None
    for step in job_steps({"steps": [{"uses": "$/.github/actions/wheels", "with": inputs}]}, project):
        env.update(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines())
        step_env = {**env, **{k: expand(str(v)) for k, v in step.get("env", {}).items()}}
        if "PYTHONS" in step_env:
            step_env["PYTHONS"] = " ".join(i.name for i in pythons)
        cwd = project / step.get("working-directory", ".")
        if "maturin-action" in step.get("uses", ""):
            assert expand(step["with"]["maturin-version"]) == PINS["maturin"]
            args = step["with"]["args"].replace("--release", "--profile dev").split()
            folder = Path(expand(step["with"]["working-directory"]))
            run([sys.executable, "-m", "maturin", "build", *args], folder, step_env)
        elif step.get("shell") == "bash":
            run([posix_shell("bash"), "-c", step["run"]], cwd, step_env)
        elif step.get("shell") == "python":
            proc, checked_env = run([sys.executable, "-c", step["run"]], cwd, step_env, check=False), step_env
    assert proc is not None
    return Release(project, checked_env, proc)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Release]:
    """`release(floor)`: the wheels action run here on a project with that floor (each in a
    release folder of its own: /tmp/<slug>)."""

    @functools.cache
    def made(floor: str) -> Release:
        root = tmp_path_factory.mktemp(f"release-{floor}")
        project = render(root, project_name=f"Release {floor}", abi3_floor=floor)
        commit_all(project, "The release")
        shutil.rmtree(Path("/tmp") / project.name, ignore_errors=True)
        pythons = gil_interpreters(version(answers(abi3_floor=floor)["__min_python"]))
        outcome = run_action(project, pythons, root / "runner-temp")
        shutil.rmtree(Path("/tmp") / project.name, ignore_errors=True)
        return outcome

    return made


def pip_install(interpreter: Interpreter, wheel: Path, target: Path) -> subprocess.CompletedProcess[str]:
    install = [interpreter.path, "-m", "pip", "install", "--no-deps", "--no-index", "--target", target, wheel]
    return run(install, cwd=target.parent, timeout=300, check=False)


def fibo_30(interpreter: Interpreter, site: Path, module: str) -> str:
    code = f"import {module}; print({module}.fibo(30))"
    return run([interpreter.path, "-c", code], cwd=site.parent, env=build_env(PYTHONPATH=str(site))).stdout


def tried(floor: str) -> list[Interpreter]:
    """Every interpreter here from the floor up, and the oldest and the newest below it."""
    below = [i for i in gil_interpreters() if i.version < version(floor)]
    above = [i for i in gil_interpreters() if i.version >= version(floor)]
    return above + list(dict.fromkeys(below[:1] + below[-1:]))


@pytest.mark.parametrize(
    ("floor", "interpreter"),
    [pytest.param(floor, i, id=f"{floor}-{i.name}") for floor in FLOORS_TRIED for i in tried(floor)],
)
def test_abi3_wheel_runs_on_every_python_from_its_floor_and_is_refused_below(
    wheels: Callable[[str], Path], tmp_path: Path, floor: str, interpreter: Interpreter
) -> None:
    wheel = wheels(floor)
    assert f"-cp{floor.replace('.', '')}-abi3-" in wheel.name
    proc = pip_install(interpreter, wheel, tmp_path / "site")
    if interpreter.version >= version(floor):
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert fibo_30(interpreter, tmp_path / "site", "fibo_rust").strip() == "832040"
    else:
        assert proc.returncode != 0
        assert any(refusal in proc.stdout + proc.stderr for refusal in REFUSALS), proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def per_version_wheels(release: Callable[[str], Release]) -> dict[str, Path]:
    """`abi3_floor=none`: the wheels a release builds, one per CPython version, keyed by their tag."""
    return {"-".join(wheel.name.split("-")[2:4]): wheel for wheel in release("none").wheels}


def test_none_builds_a_wheel_for_each_interpreter_here(per_version_wheels: dict[str, Path]) -> None:
    expected = {"cp3{1}-cp3{1}".format(*i.version) for i in gil_interpreters(FIRST_OF_NONE)}
    assert expected <= set(per_version_wheels)
    assert all(re.fullmatch(r"cp3\d+-cp3\d+t?", tag) for tag in per_version_wheels)


@pytest.mark.parametrize("interpreter", gil_interpreters(FIRST_OF_NONE), ids=lambda i: i.name)
def test_each_per_version_wheel_loads_on_its_own_python_only(
    per_version_wheels: dict[str, Path], tmp_path: Path, interpreter: Interpreter
) -> None:
    own = "cp3{1}-cp3{1}".format(*interpreter.version)
    for tag, wheel in per_version_wheels.items():
        proc = pip_install(interpreter, wheel, tmp_path / tag)
        if tag == own:
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert fibo_30(interpreter, tmp_path / tag, "release_none").strip() == "832040"
        else:
            assert proc.returncode != 0 and REFUSALS[0] in proc.stdout + proc.stderr, tag


def range_ends() -> list[Interpreter]:
    """The lowest and the highest interpreter in the default floor's range."""
    usable = gil_interpreters(version(DEFAULTS["abi3_floor"]))
    return [usable[0], usable[-1]] if len(usable) > 1 else usable


@pytest.mark.parametrize("interpreter", range_ends(), ids=lambda i: i.name)
def test_the_projects_own_tests_pass_on_the_lowest_and_highest_python_of_its_range(
    wheels: Callable[[str], Path], bake: Callable[..., Path], tmp_path: Path, interpreter: Interpreter
) -> None:
    project = bake()
    venv = make_venv(tmp_path, interpreter.path, *pinned_test_tools(project), wheels(DEFAULTS["abi3_floor"]))
    command = [venv_python(venv), "-m", "pytest", "-v", "-p", "no:cacheprovider"]
    out = run(command, cwd=project, env=venv_env(venv)).stdout
    assert "test_stub.py::test_stub_matches_the_compiled_module PASSED" in out
    assert "test_python_code_runs_while_fibo_computes_in_another_thread PASSED" in out


# --- The wheels the rendered CI's build steps make ---------------------------------------------
def serves(wheel: Path, python: str) -> bool:
    """Whether installers put this wheel on CPython `python` ("3.12", "3.14t"), by packaging's
    own tag rules (abi3t included), which pip and uv follow."""
    minor = python.split(".")[1]  # "12", "14t"
    wheel_tags = parse_wheel_filename(wheel.name)[3]
    platforms = sorted({tag.platform for tag in wheel_tags})
    return not wheel_tags.isdisjoint(cpython_tags((3, int(minor.rstrip("t"))), [f"cp3{minor}"], platforms))


# One floor of each kind the workflow treats apart: abi3 below 3.14 (the default), abi3 at
# 3.14 (with its cp314t wheel), 3.15 (abi3t alone), and version-specific wheels. The other
# floors' wheels are built above (FLOORS_TRIED) and in test_build.py.
@pytest.mark.parametrize("floor", [DEFAULTS["abi3_floor"], "3.14", "3.15", "none"])
def test_a_release_makes_wheels_that_serve_exactly_the_supported_pythons_and_checks_them(
    release: Callable[[str], Release], floor: str
) -> None:
    made = release(floor)
    assert made.check.returncode == 0, made.check.stdout + made.check.stderr
    tags = sorted("-".join(w.name.split("-")[2:4]) for w in made.wheels)
    unserved = [p for p in supported(floor) if not any(serves(w, p) for w in made.wheels)]
    useless = [w.name for w in made.wheels if not any(serves(w, p) for p in supported(floor))]
    assert (unserved, useless) == ([], []), tags
    if floor not in ("none", PINS["abi3t_python"]):
        assert f"cp3{floor.split('.')[1]}-abi3" in tags  # the stable-ABI wheel starts at the floor


def other_maturin(project: Path, env: dict[str, str]) -> str:
    replace_in(project / "pyproject.toml", f"maturin=={PINS['maturin']}", "maturin==9.9.9")
    return "built by maturin 9.9.9"


# Each piece the release's last check looks for, taken away: (what is done, what it says).
MISSING = {
    "no build folder": (lambda p, env: env.pop("BUILD_DIR") and "were not built in"),
    "no date": (lambda p, env: env.pop("SOURCE_DATE_EPOCH") and "SOURCE_DATE_EPOCH was not set"),
    "another date": (lambda p, env: env.update(SOURCE_DATE_EPOCH="1") or "is not dated by SOURCE_DATE_EPOCH"),
    "a wheel too few": (
        lambda p, env: next((p / "dist").glob("*abi3t*")).unlink() or "dist/ holds wheels for"
    ),
    "a wheel too many": (
        lambda p, env: (
            [shutil.copy(w, str(w).replace("-abi3-", "-abi3.x-")) for w in (p / "dist").glob("*-abi3-*")]
            and "dist/ holds wheels for"
        )
    ),
    "a python that imported nothing": (
        lambda p, env: next(Path(env["IMPORTED"]).iterdir()).unlink() or "no wheel was imported on CPython"
    ),
    "another maturin": other_maturin,
    "another platform": (lambda p, env: env.update(TARGET="riscv64") or "is not for"),
}


@pytest.mark.parametrize("missing", list(MISSING))
def test_the_releases_last_check_fails_for_each_missing_piece(
    release: Callable[[str], Release], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """The check runs in Python at the end of the action: a bash step that ended at once with
    exit 0 and no output (actions/partner-runner-images#169) cannot leave it passing."""
    made = release(DEFAULTS["abi3_floor"])
    project = shutil.copytree(made.project, tmp_path / "project")
    check = load_module(project / ".github" / "actions" / "wheels" / "check_wheels.py")
    env = {**made.env, "IMPORTED": str(shutil.copytree(made.env["IMPORTED"], tmp_path / "imported"))}
    monkeypatch.chdir(project)
    assert check.problems(env) == []
    said = MISSING[missing](project, env)
    found = check.problems(env)
    assert found and all(said in problem for problem in found), found
