"""Fixtures for rendering the template and building what it renders.

Rendering uses cookiecutter's own API (or its command line, where the user-visible
output matters). Builds share one cargo target directory, kept between runs in
`.cache/` (or `$RIP_CARGO_TARGET_DIR`), so each PyO3 configuration compiles once.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
# Where a venv keeps its executables, and their suffix, on this platform.
VENV_BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
CARGO_TARGET_DIR = Path(os.environ.get("RIP_CARGO_TARGET_DIR", TEMPLATE / ".cache" / "cargo-target"))
DEFAULTS = {
    key: value
    for key, value in json.loads((TEMPLATE / "cookiecutter.json").read_text()).items()
    if not key.startswith("_")
}


def render(output_dir: Path, **answers: str) -> Path:
    """Render the template with these answers (others default); return the project folder."""
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=str(output_dir)))


@pytest.fixture
def bake(tmp_path: Path) -> Callable[..., Path]:
    """Render into a fresh folder: `bake(module_name="x")`."""
    count = itertools.count()

    def _bake(**answers: str) -> Path:
        return render(tmp_path / f"out{next(count)}", **answers)

    return _bake


def cookiecutter_cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command as a user would; `.stdout` is all it prints, in order."""
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", *args],
        cwd=cwd,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )


def load_module(path: Path) -> ModuleType:
    """Import a script of the template (a hook, a CI script) by its path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def build_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["CARGO_TARGET_DIR"] = str(CARGO_TARGET_DIR)
    env["CARGO_TERM_COLOR"] = "never"
    env.update(extra)
    return env


def run(
    args: list[str | Path], cwd: Path, env: Mapping[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output if it exits non-zero."""
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=dict(env) if env is not None else build_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(map(str, args))}` exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}",
            pytrace=False,
        )
    return proc


def venv_python(venv: Path) -> Path:
    return venv / VENV_BIN / f"python{EXE}"


def venv_env(venv: Path, **extra: str) -> dict[str, str]:
    """The build environment with `venv` activated."""
    env = build_env(VIRTUAL_ENV=str(venv), **extra)
    env["PATH"] = f"{venv / VENV_BIN}{os.pathsep}{env['PATH']}"
    return env


@dataclass
class Built:
    """A rendered project, with a venv where its wheel (then `maturin develop`) is installed."""

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


# The rendered variants built for real: the defaults, the other layout with another
# module name and floor, version-specific wheels. Each installs and runs here.
BUILD_VARIANTS = {
    "default": {},
    "mixed-fast_fib-3.11": {
        "layout": "mixed",
        "module_name": "fast_fib",
        "project_slug": "fast-fib",
        "abi3_floor": "3.11",
        "license": "MIT OR Apache-2.0",
    },
    "abi3-none": {"abi3_floor": "none", "module_name": "fibo_native", "license": "none"},
}


def answers_id(answers: Mapping[str, str]) -> str:
    """A readable test id for a set of answers."""
    return ",".join(f"{k}={v}" for k, v in answers.items()) or "defaults"


def answers_for(variant: str) -> dict[str, str]:
    return {**DEFAULTS, **BUILD_VARIANTS[variant]}


@pytest.fixture(scope="session", params=list(BUILD_VARIANTS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Render a variant, make a venv with its dev group, build its wheel with pip and
    install it, then `maturin develop` into the same venv (the two ways a user builds)."""
    variant = request.param
    answers = answers_for(variant)
    root = tmp_path_factory.mktemp(variant)
    project = render(root, **BUILD_VARIANTS[variant])
    venv = root / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=root)
    py = venv_python(venv)
    run([py, "-m", "pip", "install", "-q", "--upgrade", "pip>=25.1"], cwd=project)
    run([py, "-m", "pip", "install", "-q", "--group", "dev"], cwd=project)
    dist = root / "dist"
    run([py, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, "."], cwd=project)
    (wheel,) = dist.glob("*.whl")
    run([py, "-m", "pip", "install", "-q", wheel], cwd=project)
    yield Built(answers=answers, project=project, venv=venv, wheel=wheel)
