"""What every test module shares: the template's questions, the one table of answer
combinations, the one way to render, and the helpers that build and run what it renders.

Every render and child process sees empty cookiecutter, cruft, copier and git settings of the
suite's own and this Python's folder first on PATH, whatever the user's configuration and
whether or not the venv is activated. Builds share a cargo target directory per worker."""

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
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
import yaml
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config
from pytest_cookies.plugin import Cookies

TEMPLATE = Path(__file__).resolve().parent.parent
VENV_BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
IN_CI = os.environ.get("CI", "").lower() == "true"
CARGO_TARGET_DIR = Path(os.environ.get("RIP_CARGO_TARGET_DIR", TEMPLATE / ".cache" / "cargo-target"))
CONFIG = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
PINS = CONFIG["_pins"]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
GIT_ENV |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def load_module(path: Path) -> ModuleType:
    """Import a script of the template (a hook, a CI script) by its path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRE_GEN = load_module(TEMPLATE / "hooks" / "pre_gen_project.py")
POST_GEN = load_module(TEMPLATE / "hooks" / "post_gen_project.py")
check_pins = load_module(TEMPLATE / ".ci" / "check_pins.py")
# What setup-python offers on each runner image (refreshed by the weekly pins check).
SNAPSHOT = json.loads((TEMPLATE / "tests" / "data" / "python-versions.json").read_text(encoding="utf-8"))
# The questions in the order they are asked, with each menu's choices, as cookiecutter.json has them.
QUESTIONS = PRE_GEN.questions(CONFIG)
MENUS = {name: choices for name, choices in QUESTIONS.items() if choices}


# --- Isolation from the user's configuration and PATH ------------------------------------------
_ISOLATED = tempfile.TemporaryDirectory(prefix="rip-suite-config-")


def isolated_environ() -> dict[str, str]:
    """The settings every render and child process of the suite gets: empty configurations of
    cookiecutter (and so cruft), copier and git, and this Python's folder first on PATH."""
    home = Path(_ISOLATED.name)
    config = home / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(home / 'templates'))}\n"
        f"replay_dir: {json.dumps(str(home / 'replay'))}\n",
        encoding="utf-8",
    )
    (home / "copier.yml").write_text("{}\n", encoding="utf-8")
    (home / "gitconfig").write_text("", encoding="utf-8")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {
        "COOKIECUTTER_CONFIG": str(config),
        "COPIER_SETTINGS_PATH": str(home / "copier.yml"),
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": path,
    }


os.environ.update(isolated_environ())


def child_env(**extra: str) -> dict[str, str]:
    """This environment for a child process: UTF-8 for every child Python, and no venv,
    PYTHONPATH, `UV` (`uv run pytest` sets it; the suite's children are not started by uv) or
    RUSTUP_TOOLCHAIN leaking in: a rendered project's rust-toolchain.toml picks its Rust."""
    leaks = ("VIRTUAL_ENV", "PYTHONPATH", "UV", "RUSTUP_TOOLCHAIN")
    env = {k: v for k, v in os.environ.items() if k not in leaks}
    env.update(PYTHONUTF8="1", PYTHONIOENCODING="utf-8", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.update(GIT_ENV)
    env.update(extra)
    return env


# --- The answers, and the one table of combinations the suite renders --------------------------
def answers(**overrides: str) -> dict[str, str]:
    """Every answer cookiecutter gives with `--no-input` and these overrides (derived defaults
    such as the slug rendered), as the hooks see them."""
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"), extra_context=overrides)
    rendered = prompt_for_config(context, no_input=True)
    return {key: rendered[key] for key in [*QUESTIONS, "__min_python"]}


DEFAULTS = answers()


def supported(floor: str) -> list[str]:
    """Every CPython a project with this floor supports: GIL-enabled from the floor to the newest,
    free-threaded from 3.14t (PyO3 refuses older free-threaded builds), never below the floor."""

    def minor(version: str) -> int:
        return int(version.rstrip("t").split(".")[1])

    first, newest = minor(answers(abi3_floor=floor)["__min_python"]), minor(PINS["newest_python"])
    free = max(first, minor(PINS["free_threaded_python"]))
    return [f"3.{m}" for m in range(first, newest + 1)] + [f"3.{m}t" for m in range(free, newest + 1)]


@dataclass(frozen=True)
class Variant:
    """A combination of answers (the others default)."""

    id: str
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def all_answers(self) -> dict[str, str]:
        return answers(**self.answers)


# The defaults, every other choice of every menu, and combinations whose files differ otherwise.
VARIANTS = [
    Variant("defaults"),
    *(
        Variant(f"{name}={choice}", {name: choice})
        for name, choices in MENUS.items()
        for choice in choices[1:]
    ),
    Variant(
        "mixed at 3.10, two licences",
        dict(project_name="Mixed Fib", layout="mixed", abi3_floor="3.10", license="MIT OR Apache-2.0"),
    ),
    Variant(
        "mixed, none, bare", dict(layout="mixed", abi3_floor="none", github_actions="no", license="none")
    ),
    Variant(
        "other names", dict(project_name="Fast Fib", module_name="fast_fib", version="2.3.4", author_email="")
    ),
    Variant("names apart", {"project_name": "Zahlen", "project_slug": "zahlen-rs", "module_name": "zahlen"}),
    Variant("text to escape", {"description": 'Quotes " and \\ and ünïcode ✓', "author_name": "Ada L."}),
]


def variants(where: Callable[[Variant], bool] = lambda _: True) -> list[Any]:
    """The rows of VARIANTS a test takes, as pytest parameters."""
    return [
        pytest.param(v, id=v.id, marks=[pytest.mark.defaults] if not v.answers else [])
        for v in VARIANTS
        if where(v)
    ]


# --- Rendering ----------------------------------------------------------------------------------
def render(output_dir: Path, **overrides: str) -> Path:
    """The project pytest-cookies' `bake` renders into `output_dir` for these answers (the others
    default); the test fails if rendering failed."""
    output_dir.mkdir(parents=True, exist_ok=True)
    cookies = Cookies(str(TEMPLATE), lambda _name: output_dir, os.environ["COOKIECUTTER_CONFIG"])
    result = cookies.bake(extra_context=overrides)
    if result.exception is not None:  # (printing the Result itself raises a DeprecationWarning)
        pytest.fail(f"rendering failed: {result.exception!r}", pytrace=False)
    return Path(result.project_path)


@pytest.fixture
def bake(tmp_path: Path) -> Callable[..., Path]:
    """A fresh render of its own for a test that changes it: `bake(module_name="x")`."""
    return functools.partial(render, tmp_path / "out")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`rendered(**answers)`: one render per combination for this worker, for tests that only
    read it (or build it elsewhere, without writing a file into it)."""

    @functools.cache
    def _render(frozen: tuple[tuple[str, str], ...]) -> Path:
        return render(tmp_path_factory.mktemp("rendered"), **dict(frozen))

    return lambda **overrides: _render(tuple(sorted(overrides.items())))


@pytest.fixture
def cookiecutter_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the `cookiecutter` command as a user would; `.stdout` is all it prints, in order."""

    def _run(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cookiecutter", *args]
        return run(command, cwd, child_env(**env), timeout=120, check=False, stdin=stdin, merged=True)

    return _run


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def job_steps(job: dict[str, Any], project: Path) -> Iterator[dict[str, Any]]:
    """A job's steps, with the steps of the project's own composite action (`uses: $/...`) in
    place of the step that runs it, given what that step passes."""
    for step in job["steps"]:
        if not step.get("uses", "").startswith("$/"):
            yield step
            continue
        action = load_yaml(project / step["uses"][2:] / "action.yml")
        given = {
            name: str(step.get("with", {}).get(name, spec.get("default", "")))
            for name, spec in action["inputs"].items()
        }
        as_json = json.dumps(action["runs"]["steps"])
        for name, value in given.items():
            as_json = as_json.replace(f"${{{{ inputs.{name} }}}}", json.dumps(value)[1:-1])
        yield from json.loads(as_json)


def replace_in(file: Path, old: str, new: str) -> None:
    """Edit a file as a test's change of the project: `old`, which must be there, becomes `new`."""
    text = file.read_text(encoding="utf-8")
    assert old in text, (file.name, old)
    file.write_text(text.replace(old, new), encoding="utf-8")


def doc_blocks(document: Path, language: str = "console") -> list[str]:
    """The fenced blocks of one language in a Markdown file."""
    return re.findall(rf"```{language}\n(.*?)```", document.read_text(encoding="utf-8"), re.S)


# --- git ----------------------------------------------------------------------------------------
def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd=cwd).stdout


def commit_all(folder: Path, message: str) -> None:
    """Make `folder` a git repository whose one commit holds all its files."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", message]):
        git(folder, *args)


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local git clone of the template as it is in this working tree (it stands in for
    `gh:<owner>/rust-in-python`: GitHub cannot be reached here)."""
    repo = tmp_path_factory.mktemp("template") / "rust-in-python"
    ignore = shutil.ignore_patterns(".git", ".cache", ".venv", "__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(TEMPLATE, repo, ignore=ignore)
    commit_all(repo, "template")
    return repo


# copier's and cruft's updates: a change of the template's, and an edit of the user's, both kept.
ANSWERS_FILE = ".copier-answers.yml"


def template_change(template: Path) -> str:
    """Commit a change to the rendered README in the template repository; return the new line."""
    line = "A line the template added after the project was made."
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    git(template, "commit", "-qam", "Template change")
    return line


def users_edit(project: Path) -> str:
    """Commit an edit of the user's to src/lib.rs; return it."""
    edit = "// The user's own note, which an update must keep.\n"
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text(encoding="utf-8") + edit, encoding="utf-8")
    git(project, "commit", "-qam", "The user's edit")
    return edit


# --- Processes ----------------------------------------------------------------------------------
def build_env(**extra: str) -> dict[str, str]:
    """`child_env` with the shared cargo target directory: one per pytest-xdist worker, so that two
    builds of the same crate never replace each other's library while maturin copies it."""
    target = CARGO_TARGET_DIR / os.environ.get("PYTEST_XDIST_WORKER", "main")
    return child_env(CARGO_TARGET_DIR=str(target), CARGO_TERM_COLOR="never", **extra)


def run(
    args: list[str | Path],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: int = 900,
    check: bool = True,
    stdin: str | None = None,
    merged: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run a command (a bare tool name is looked up by `tool`), with `stdin` as its input; fail
    the test with its output if it exits non-zero, unless `check` is off (the caller judges the
    exit status). `merged`: stderr goes into stdout, so `.stdout` is all it printed, in order."""
    program = str(args[0])
    if not os.path.dirname(program):
        program = tool(program)
    command = [program, *(str(a) for a in args[1:])]
    env = dict(env) if env is not None else build_env()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT if merged else subprocess.PIPE}
    text = {"encoding": "utf-8", "errors": "replace"}
    proc = subprocess.run(command, cwd=cwd, env=env, input=stdin, timeout=timeout, **text, **streams)
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(map(str, args))}` exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{(proc.stderr or '')[-6000:]}",
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


def git_bash(git: str | None, path: Callable[[str], Any] = lambda p: Path(p).resolve()) -> Any:
    """Git for Windows' bash, from the `git` that PATH resolves: Git's `cmd\\`, `bin\\` or
    `mingw64\\bin\\` folder (a bash step on the runners puts `/mingw64/bin` first)."""
    if git is None:
        return None
    folder = path(git).parent
    root = folder.parent.parent if folder.parent.name.lower() == "mingw64" else folder.parent
    return root / "bin" / "bash.exe"


def posix_shell(name: str = "sh") -> str:
    """The full path of a shell, the only way the suite starts one (test_style.py checks):
    `sh` or `bash` from PATH on Linux and macOS; Git's bash on Windows, never WSL's `bash.exe`
    in System32, which Windows finds before PATH for a bare `bash` (runner-images#12646)."""
    if os.name != "nt":
        return tool(name)
    bash = git_bash(shutil.which("git"))
    if bash is not None and bash.is_file():
        return str(bash)
    message = "no Git for Windows bash found to run POSIX shell commands"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def shell(script: str, cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    """Run `script` as one POSIX shell script that stops at the first failing command (and
    shows each command before it runs); return all it printed."""
    proc = run([posix_shell(), "-c", f"set -ex\n{script}"], cwd=cwd, env=env, timeout=timeout)
    return proc.stdout + proc.stderr


def uv_env(**extra: str) -> dict[str, str]:
    """uv with this machine's Pythons only (it may not download one)."""
    env = build_env(UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1", **extra)
    return with_tools(env, "uv")


def passed(out: str) -> bool:
    """pytest ran and reported passes and no failure (cargo test's "0 failed" is fine)."""
    return bool(re.search(r"\b[1-9]\d* passed", out)) and not re.search(r"\b[1-9]\d* failed", out)


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


@pytest.fixture(scope="session")
def nox(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`nox(project, "-s", "lint", ...)`: the pinned nox, as the rendered README runs it, with uv
    on PATH; `without_rust=True` leaves only nox and uv on PATH."""
    venv = make_venv(tmp_path_factory.mktemp("nox"), sys.executable, f"nox=={PINS['dev']['nox']}")

    def _nox(project: Path, *args: str, without_rust: bool = False) -> subprocess.CompletedProcess[str]:
        env = with_tools(venv_env(venv), "uv")
        if without_rust:
            env["PATH"] = os.pathsep.join([str(venv / VENV_BIN), str(Path(tool("uv")).parent)])
            assert shutil.which("rustup", path=env["PATH"]) is None
        return run([venv_python(venv), "-m", "nox", *args], cwd=project, env=env, check=False)

    return _nox


@pytest.fixture
def rustup_installs_nothing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A rustup home with no toolchain in it (a download of about 10 s per test), and implicit
    installs off (RUSTUP_AUTO_INSTALL=0, as rustup 1.30 is for its own commands): a command that
    needs the pinned Rust fails unless one before it installed that Rust."""
    home = tmp_path_factory.mktemp("rustup-home")
    env = {"RUSTUP_HOME": str(home), "RUSTUP_AUTO_INSTALL": "0"}
    run(["rustup", "set", "auto-self-update", "disable"], cwd=home, env=child_env(**env))
    yield env
    shutil.rmtree(home, ignore_errors=True)  # some 800 MB


def pinned_test_tools(project: Path) -> list[str]:
    """The dev group's pins of what the project's own tests run: pytest and its threads plugin,
    and mypy (stubtest)."""
    dev = read_toml(project / "pyproject.toml")["dependency-groups"]["dev"]
    return [pin for pin in dev if pin.startswith(("pytest==", "pytest-run-parallel==", "mypy=="))]


# --- The CPython interpreters installed on this machine -----------------------------------------
# The CPythons the suite requires under CI=true on every runner OS, and what needs each; the
# template's own test.yml installs exactly these (test_workflows.py compares the two).
CI_PYTHONS = {
    "3.10": "the oldest floor: its abi3 wheel is installed on the floor itself",
    "3.11": "runs the suite (the last setup-python step, so it is `python`)",
}


def runner_os() -> str:
    """This machine's OS as GitHub's RUNNER_OS names it."""
    return {"Darwin": "macOS"}.get(platform.system(), platform.system())


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


def gil_interpreters(at_least: tuple[int, int] = (0, 0)) -> list[Interpreter]:
    return [i for i in interpreters() if not i.free_threaded and i.version >= at_least]


def required_cpython(version: str) -> Path:
    """The CPython `version` installed here, one of CI_PYTHONS (test.yml installs those).
    Missing, the test skips; under CI=true it fails."""
    assert version in CI_PYTHONS, f"CPython {version} is not in CI_PYTHONS in tests/conftest.py"
    for interpreter in interpreters():
        if interpreter.name == version:
            return interpreter.path
    message = f"CPython {version} is not installed here (pyenv install {version} provides it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


# The modules with the longest builds first, so that the two pytest-xdist workers, each given a
# module at a time, finish together.
LONGEST_FIRST = [
    *("test_readme", "test_tools", "test_guide", "test_build", "test_interpreters", "test_coverage"),
    *("test_supply_chain", "test_workflows_build", "test_workflows"),
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: number for number, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: each module's order kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """Under CI=true, the CPythons the suite requires are here before any test runs."""
    missing = [version for version in CI_PYTHONS if version not in {i.name for i in interpreters()}]
    if IN_CI and missing:
        raise pytest.UsageError(f"CPython {', '.join(missing)} not found (CI_PYTHONS in tests/conftest.py)")


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

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        """A command in the project's folder with its venv active (`check`: see `run`)."""
        return run(list(args), cwd=self.project, env=self.env(), check=check)


# The rows of VARIANTS built into a wheel and installed: the mixed layout with its own names and
# floor, and version-specific wheels. (The default project is built by the README test.)
BUILT = ["mixed at 3.10, two licences", "abi3_floor=none"]


@pytest.fixture(scope="session", params=BUILT)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Render a variant, make a venv with the tools its tests run, then build its wheel with
    pip and install it there (what `pip install .` does)."""
    (variant,) = [v for v in VARIANTS if v.id == request.param]
    root = tmp_path_factory.mktemp("built")
    project = render(root / "out", **variant.answers)
    venv = make_venv(root, sys.executable, *pinned_test_tools(project))
    py = venv_python(venv)
    run([py, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "dist", "."], cwd=project)
    (wheel,) = (root / "dist").glob("*.whl")
    run([py, "-m", "pip", "install", "-q", wheel], cwd=project)
    yield Built(answers=variant.all_answers, project=project, venv=venv, wheel=wheel)
