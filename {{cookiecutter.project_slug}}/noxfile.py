#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.10.14"]
# ///
"""The project's checks and tasks: `nox` runs lint and tests, `nox -l` lists every session.

Each session gets a fresh virtual environment with the Python that runs nox and the
pinned dev tools of pyproject.toml. Arguments after `--` go to the session's main command.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.10.14"
nox.options.default_venv_backend = "uv|virtualenv"

DEV = nox.project.dependency_groups(nox.project.load_toml(), "dev")


@nox.session
def lint(session: nox.Session) -> None:
    """Rust and Python formatting and lints, and the strict type check."""
    session.install(*DEV)
    session.run("cargo", "fmt", "--check", external=True)
    session.run(
        "cargo", "clippy", "--all-targets", "--all-features", "--", "-D", "warnings", external=True
    )
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The Rust unit tests, then pytest against the extension built from this checkout."""
    session.install(*DEV, ".")
    session.run("cargo", "test", external=True)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def compare(session: nox.Session) -> None:
    """Pure Python against the extension: `nox -s compare -- 40`."""
    session.install(".")
    session.run("python", "compare.py", *session.posargs)


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """A wheel for this Python and an sdist, in dist/."""
    session.install(*DEV)
    session.run("maturin", "build", "--sdist", "--out", "dist", *session.posargs)


if __name__ == "__main__":
    nox.main()
