"""Tidy the rendered project, then tell the user what to run next.

Optional files are switched off by file names that render empty, which
cookiecutter skips; their folders are created all the same and removed here.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

PROJECT_SLUG = "{{ cookiecutter.project_slug }}"
MIN_PYTHON = "{{ cookiecutter.__min_python }}"

NEXT_STEPS = """\
Next steps (with uv; README.md also shows the way with pip and a venv):
    cd {slug}
    rustup toolchain install      # the Rust that rust-toolchain.toml names
    uv sync                       # builds the Rust extension into .venv
    uv run python compare.py      # pure Python against Rust, same function
    uv run pytest                 # the project's tests"""

# Without uv on PATH: the README's venv commands (its test checks they agree).
NEXT_STEPS_VENV = """\
Next steps (with a venv and pip; README.md also shows the way with uv):
    cd {slug}
    rustup toolchain install
    python3 -m venv .venv && . .venv/bin/activate
    python -m pip install --upgrade pip     # pip >= 25.1 reads [dependency-groups]
    pip install --group dev                 # maturin, pytest, mypy, ruff, nox
    maturin develop                         # build the extension into the venv
    python compare.py                       # pure Python against Rust, same n"""


def prune_empty_dirs(root: Path) -> list[Path]:
    """Remove every empty folder under `root` (deepest first); return what was removed."""
    removed = []
    for folder, _dirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        path = Path(folder)
        if path != root and not any(path.iterdir()):
            path.rmdir()
            removed.append(path)
    return removed


def warnings(
    min_python: str, python: tuple[int, ...], which: Callable[[str], str | None] = shutil.which
) -> list[str]:
    """What this machine lacks to build the project: Rust, or a recent enough Python."""
    found = []
    missing = [tool for tool in ("cargo", "rustc") if which(tool) is None]
    if missing:
        found.append(
            f"Rust is not installed here ({' and '.join(missing)} not found on PATH), and the"
            " extension cannot be built without it. Install it with rustup (https://rustup.rs),"
            " then open a new terminal."
        )
    floor = tuple(int(part) for part in min_python.split("."))
    if python < floor:
        found.append(
            f"This is Python {python[0]}.{python[1]}; the project needs Python {min_python} or"
            " newer to build and run."
        )
    return found


def next_steps(slug: str, notes: list[str], with_uv: bool = True) -> str:
    steps = (NEXT_STEPS if with_uv else NEXT_STEPS_VENV).format(slug=slug)
    return "\n\n".join([steps, *(f"Note: {note}" for note in notes)])


def main() -> int:
    prune_empty_dirs(Path.cwd())
    notes = warnings(MIN_PYTHON, sys.version_info[:2])
    print(next_steps(PROJECT_SLUG, notes, with_uv=shutil.which("uv") is not None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
