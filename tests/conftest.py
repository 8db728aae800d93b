"""Fixtures for rendering the template and building what it renders.

Rendering goes through pytest-cookies (`cookies`, `cookies_session`), which runs
cookiecutter with a config file of its own, so the user's `~/.cookiecutterrc` and
replay folder are neither read nor written. Where the user-visible output is the
point, `cookiecutter_cli` runs the real command line, also with a config of its own.

Builds share one cargo target directory, kept between runs in `.cache/` (or
`$RIP_CARGO_TARGET_DIR`), so each PyO3 configuration compiles once.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
import yaml
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parent.parent
# Where a venv keeps its executables, and their suffix, on this platform.
VENV_BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
CARGO_TARGET_DIR = Path(os.environ.get("RIP_CARGO_TARGET_DIR", TEMPLATE / ".cache" / "cargo-target"))
IN_CI = os.environ.get("CI", "").lower() == "true"
# The template's cookiecutter.json, read once for every test module.
CONFIG = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
PINS = CONFIG["_pins"]
# Every cargo the suite starts uses the Rust the rendered CI pins for lint (rustfmt and clippy
# included); .ci/run installs it with rustup when it is missing.
RUST_TOOLCHAIN = PINS["rust"]
RUSTUP_OPTIONS = "--profile minimal --component rustfmt,clippy,llvm-tools"
# The cargo tools the rendered projects run (supply chain, coverage), as the README installs them.
CARGO_TOOLS = f"cargo-deny@{PINS['cargo_deny']} cargo-llvm-cov@{PINS['cargo_llvm_cov']}"

# The CPythons the suite requires under CI=true, for each runner OS (as GitHub's RUNNER_OS
# names it), with what needs each. The template's own test.yml installs exactly these on each
# row (test_workflows.py compares the two); a CPython a runner cannot have is left out of its
# row here, with the reason beside the row.
_REQUIRED = {
    "3.9": "floor 3.9: its dev group's pytest 8 and its nox tests session run on CPython 3.9",
    "3.10": "the default floor: its abi3 wheel is installed on the floor itself",
    "3.11": "runs the suite (the last setup-python step, so it is `python`)",
}
CI_PYTHONS: dict[str, dict[str, str]] = {
    # setup-python has all three on ubuntu-24.04 (not on ubuntu-26.04: no 3.9), on macos-26
    # (arm64) and on windows-2025 (x64): tests/data/python-versions.json.
    "Linux": _REQUIRED,
    "macOS": _REQUIRED,
    "Windows": _REQUIRED,
}


def runner_os() -> str:
    """This machine's OS as GitHub's RUNNER_OS names it."""
    system = platform.system()
    return {"Darwin": "macOS"}.get(system, system)


def load_module(path: Path) -> ModuleType:
    """Import a script of the template (a hook, a CI script) by its path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRE_GEN = load_module(TEMPLATE / "hooks" / "pre_gen_project.py")
POST_GEN = load_module(TEMPLATE / "hooks" / "post_gen_project.py")
QUESTIONS = list(PRE_GEN.CHECKS)


def answers(**overrides: str) -> dict[str, str]:
    """Every answer cookiecutter gives with `--no-input` and these overrides
    (derived defaults such as the slug rendered), as the hooks see them."""
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"), extra_context=overrides)
    rendered = prompt_for_config(context, no_input=True)
    return {key: rendered[key] for key in [*QUESTIONS, "__min_python"]}


DEFAULTS = answers()


def answers_id(overrides: Mapping[str, str]) -> str:
    """A readable test id for a set of answers."""
    return ",".join(f"{k}={v}" for k, v in overrides.items()) or "defaults"


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def baked(result: Any) -> Path:
    """The project folder of a pytest-cookies result; the test fails if rendering failed."""
    exception = result.exception  # (printing the Result itself raises a DeprecationWarning)
    if exception is not None:
        pytest.fail(f"rendering failed: {exception!r}", pytrace=False)
    return Path(result.project_path)


@pytest.fixture
def bake(cookies: Any) -> Callable[..., Path]:
    """Render with these answers (the others default): `bake(module_name="x")`."""

    def _bake(**overrides: str) -> Path:
        return baked(cookies.bake(template=str(TEMPLATE), extra_context=overrides))

    return _bake


@pytest.fixture(scope="session")
def bake_session(cookies_session: Any) -> Callable[..., Path]:
    """`bake` for session-scoped fixtures: one render shared by many tests."""

    def _bake(**overrides: str) -> Path:
        return baked(cookies_session.bake(template=str(TEMPLATE), extra_context=overrides))

    return _bake


def render(output_dir: Path, **overrides: str) -> Path:
    """Render into `output_dir` (for fixtures that cannot take `bake`), through pytest-cookies
    with a config file of its own."""
    from pytest_cookies.plugin import Cookies

    output_dir.mkdir(parents=True, exist_ok=True)
    config = write_cookiecutter_config(output_dir.parent / f".{output_dir.name}-cookiecutter")
    cookies = Cookies(str(TEMPLATE), lambda _name: output_dir, config)
    return baked(cookies.bake(extra_context=overrides))


def write_cookiecutter_config(folder: Path) -> Path:
    """An empty cookiecutter config that keeps its replay and clone folders in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(folder / 'templates'))}\n"
        f"replay_dir: {json.dumps(str(folder / 'replay'))}\n",
        encoding="utf-8",
    )
    return config


def child_env(**extra: str) -> dict[str, str]:
    """This environment, with UTF-8 for every child Python and no venv or PYTHONPATH leaking in
    (nor `UV`, which `uv run pytest` sets: the suite's children are not started by uv)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "UV")}
    env.update(PYTHONUTF8="1", PYTHONIOENCODING="utf-8", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.update(RUSTUP_TOOLCHAIN=RUST_TOOLCHAIN)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cookiecutter_config(tmp_path_factory.mktemp("cookiecutter-config"))


@pytest.fixture
def cookiecutter_cli(cookiecutter_config: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the `cookiecutter` command as a user would, with an empty config of the suite's own;
    `.stdout` is everything it prints, in order."""

    def _run(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cookiecutter", *args],
            cwd=cwd,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            env=child_env(COOKIECUTTER_CONFIG=str(cookiecutter_config), **env),
            timeout=120,
            check=False,
        )

    return _run


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local git clone of the template as it is in this working tree (GitHub cannot be
    reached here: it stands in for `gh:<owner>/rust-in-python`)."""
    repo = tmp_path_factory.mktemp("template") / "rust-in-python"
    ignore = shutil.ignore_patterns(".git", ".cache", ".venv", "__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(TEMPLATE, repo, ignore=ignore)
    commit_all(repo, "template")
    return repo


def git(cwd: Path, *args: str) -> str:
    """git in `cwd`, as the tests' author; what it printed."""
    return run(["git", *args], cwd=cwd, env=build_env(**GIT_ENV)).stdout


def commit_all(folder: Path, message: str) -> None:
    """Make `folder` a git repository whose one commit holds all its files."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", message]):
        git(folder, *args)


def cargo_target_dir() -> Path:
    """The shared cargo target directory; one per pytest-xdist worker, so that two builds of
    the same crate never replace each other's library while maturin copies it."""
    return CARGO_TARGET_DIR / os.environ.get("PYTEST_XDIST_WORKER", "main")


def build_env(**extra: str) -> dict[str, str]:
    return child_env(CARGO_TARGET_DIR=str(cargo_target_dir()), CARGO_TERM_COLOR="never", **extra)


def run(
    args: list[str | Path],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: int = 900,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command (a bare tool name is looked up by `tool`); fail the test with its
    output if it exits non-zero, unless `check` is off (the caller judges the exit status)."""
    program = str(args[0])
    if not os.path.dirname(program):
        program = tool(program)
    proc = subprocess.run(
        [program, *(str(a) for a in args[1:])],
        cwd=cwd,
        env=dict(env) if env is not None else build_env(),
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(map(str, args))}` exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}",
            pytrace=False,
        )
    return proc


def tool(name: str) -> str:
    """The full path of a tool the suite needs: next to this Python first, then on PATH."""
    beside = Path(sys.executable).parent / f"{name}{EXE}"
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (tests/requirements.txt and a Rust toolchain provide it)")
    return found


def with_tools(env: dict[str, str], *names: str) -> dict[str, str]:
    """`env` with the folders of these tools (as `tool` finds them) first on PATH."""
    folders = [str(Path(tool(name)).parent) for name in names]
    return {**env, "PATH": os.pathsep.join([*folders, env["PATH"]])}


def posix_shell(name: str = "sh") -> str:
    """The full path of a shell, the only way the suite starts one (test_style.py checks):
    `sh` or `bash` from PATH on Linux and macOS; Git's bash on Windows, never WSL's `bash.exe`
    in System32, which Windows finds before PATH for a bare `bash` (runner-images#12646)."""
    if os.name != "nt":
        return tool(name)
    git = shutil.which("git")
    candidates = [Path(git).resolve().parent.parent / "bin" / "bash.exe"] if git else []
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    message = "no Git for Windows bash found to run POSIX shell commands"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def venv_python(venv: Path) -> Path:
    return venv / VENV_BIN / f"python{EXE}"


def venv_env(venv: Path, **extra: str) -> dict[str, str]:
    """The build environment with `venv` activated."""
    env = build_env(VIRTUAL_ENV=str(venv), **extra)
    env["PATH"] = f"{venv / VENV_BIN}{os.pathsep}{env['PATH']}"
    return env


def make_venv(where: Path, python: str | Path = sys.executable, *requirements: str) -> Path:
    """A fresh venv made by `python`, with `requirements` installed."""
    venv = where / "venv"
    run([python, "-m", "venv", venv], cwd=where)
    if requirements:
        run([venv_python(venv), "-m", "pip", "install", "-q", *requirements], cwd=where)
    return venv


def pinned_test_tools(project: Path) -> list[str]:
    """The dev group's pins of what the project's own tests run: pytest, and mypy (stubtest)."""
    dev = read_toml(project / "pyproject.toml")["dependency-groups"]["dev"]
    return [pin for pin in dev if pin.startswith(("pytest==", "mypy=="))]


# --- The CPython interpreters installed on this machine -------------------------------------


@dataclass(frozen=True)
class Interpreter:
    version: tuple[int, int]
    path: Path
    free_threaded: bool = False

    @property
    def name(self) -> str:
        return f"{self.version[0]}.{self.version[1]}{'t' if self.free_threaded else ''}"


# (Python 2 can run it too, so that an old interpreter is found and seen to be refused.)
PROBE = (
    "import platform, sys, sysconfig; sys.stdout.write('%s %d %d %s' % (platform.python_implementation(),"
    " sys.version_info[0], sys.version_info[1], bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))"
)


def candidate_paths() -> list[str]:
    """Interpreters named by `RIP_PYTHONS` (paths separated by os.pathsep, as the template's
    workflow sets it from setup-python), pyenv's versions, and `python3.X` on PATH."""
    paths = [p for p in os.environ.get("RIP_PYTHONS", "").split(os.pathsep) if p]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    for pattern in ("versions/*/bin/python", "versions/*/python.exe"):
        paths += sorted(glob.glob(str(Path(pyenv_root) / pattern)))
    paths += [found for minor in range(6, 20) if (found := shutil.which(f"python3.{minor}"))]
    return [sys.executable, *paths]


def probe(path: str) -> Interpreter | None:
    try:
        out = subprocess.run(
            [path, "-c", PROBE], capture_output=True, encoding="utf-8", timeout=30, check=True
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) != 4 or out[0] != "CPython":
        return None
    return Interpreter((int(out[1]), int(out[2])), Path(path), out[3] == "True")


@functools.cache
def interpreters() -> tuple[Interpreter, ...]:
    """One CPython per version (and per free-threaded build) found here, oldest first."""
    found: dict[tuple[tuple[int, int], bool], Interpreter] = {}
    for path in candidate_paths():
        interpreter = probe(path)
        if interpreter is not None:
            found.setdefault((interpreter.version, interpreter.free_threaded), interpreter)
    return tuple(sorted(found.values(), key=lambda i: (i.version, i.free_threaded)))


def required_cpython(version: str) -> Path:
    """The CPython `version` installed here. Missing, the test skips; under CI=true it fails,
    and the version must be one CI_PYTHONS declares for this OS (test.yml installs those)."""
    for interpreter in interpreters():
        if interpreter.name == version:
            return exercised(interpreter).path
    message = f"CPython {version} is not installed here (pyenv install {version} provides it)"
    if IN_CI:
        declared = CI_PYTHONS.get(runner_os(), {})
        if version not in declared:
            message += f"; CI_PYTHONS in tests/conftest.py does not list it for {runner_os()}"
        pytest.fail(message)
    pytest.skip(message)


def gil_interpreters(at_least: tuple[int, int] = (0, 0)) -> list[Interpreter]:
    return [i for i in interpreters() if not i.free_threaded and i.version >= at_least]


EXERCISED: set[str] = set()


def exercised(interpreter: Interpreter) -> Interpreter:
    """Record that a test ran `interpreter`, for the summary at the end of the run."""
    EXERCISED.add(interpreter.name)
    return interpreter


@functools.cache
def missing_toolchains() -> tuple[str, ...]:
    """The pinned Rust toolchains rustup does not have here."""
    rustup = shutil.which("rustup")
    listed = (
        subprocess.run([rustup, "toolchain", "list"], capture_output=True, encoding="utf-8").stdout
        if rustup
        else ""
    )
    pinned = (PINS["rust"], PINS["msrv"])
    return tuple(name for name in pinned if not re.search(rf"^{re.escape(name)}-", listed, re.M))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A build test needs the pinned Rust toolchains: say how to get them, once per test."""
    if item.get_closest_marker("build") and (missing := missing_toolchains()):
        install = f"rustup toolchain install {PINS['rust']} {PINS['msrv']} {RUSTUP_OPTIONS}"
        pytest.fail(
            f"Rust {' and '.join(missing)} is not installed: run `{install}` (`bash .ci/run` does)",
            pytrace=False,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: report to the controller
        workeroutput["exercised"] = sorted(EXERCISED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    EXERCISED.update(getattr(node, "workeroutput", {}).get("exercised", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if EXERCISED:
        names = sorted(EXERCISED, key=lambda n: tuple(int(p) for p in re.findall(r"\d+", n)))
        terminalreporter.write_line(f"CPython interpreters exercised: {', '.join(names)}")


# --- Rendered variants, built for real ----------------------------------------------------------


@dataclass
class Built:
    """A rendered project, with a venv holding pytest, mypy and its wheel."""

    answers: dict[str, str]
    project: Path
    venv: Path
    wheel: Path

    @property
    def module(self) -> str:
        return self.answers["module_name"]

    @property
    def python(self) -> Path:
        return venv_python(self.venv)

    def env(self, **extra: str) -> dict[str, str]:
        return venv_env(self.venv, **extra)

    def run(self, *args: str | Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return run(list(args), cwd=self.project, env=self.env(**extra))


# The rendered variants built into a wheel and installed here: the mixed layout with another
# module name and floor, and version-specific wheels in the default layout. (The default
# project is built by the README test, and its floor's wheel by test_interpreters.py.)
BUILD_VARIANTS = {
    "mixed-fast_fib-3.11": {
        "layout": "mixed",
        "module_name": "fast_fib",
        "project_slug": "fast-fib",
        "abi3_floor": "3.11",
        "license": "MIT OR Apache-2.0",
    },
    "abi3-none": {"abi3_floor": "none", "module_name": "fibo_native", "license": "none"},
}


@pytest.fixture(scope="session", params=list(BUILD_VARIANTS))
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    bake_session: Callable[..., Path],
) -> Iterator[Built]:
    """Render a variant, make a venv with the tools its tests run, then build its wheel with
    pip and install it there (what `pip install .` does)."""
    overrides = BUILD_VARIANTS[request.param]
    project = bake_session(**overrides)
    root = tmp_path_factory.mktemp(request.param)
    venv = make_venv(root, sys.executable, *pinned_test_tools(project))
    py = venv_python(venv)
    dist = root / "dist"
    run([py, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, "."], cwd=project)
    (wheel,) = dist.glob("*.whl")
    run([py, "-m", "pip", "install", "-q", wheel], cwd=project)
    yield Built(answers=answers(**overrides), project=project, venv=venv, wheel=wheel)


@pytest.fixture(scope="session")
def ci_wheels(
    bake_session: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], list[Path]]:
    """`ci_wheels(floor)`: the wheels the build steps of the rendered ci.yml make for a
    default project with that floor, built here once each (unoptimised: the tags do not
    depend on the profile). Interpreters missing here come from maturin's bundled data."""
    built: dict[str, list[Path]] = {}

    def wheels(floor: str) -> list[Path]:
        if floor not in built:
            project = bake_session(abi3_floor=floor)
            ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
            steps = ci["jobs"]["build"]["steps"]
            dist = tmp_path_factory.mktemp(f"ci-wheels-{floor}")
            for step in steps:
                if "maturin-action" in step.get("uses", ""):
                    args = step["with"]["args"].replace("--release", "--profile dev")
                    args = args.replace("--out dist", f"--out {dist}")
                    run(["maturin", "build", *args.split()], cwd=project)
            built[floor] = sorted(dist.glob("*.whl"))
        return built[floor]

    return wheels
