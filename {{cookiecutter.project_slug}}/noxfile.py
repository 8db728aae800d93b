#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.10.14"]
# ///
"""The project's checks and tasks: `nox` runs lint and tests, `nox -l` lists every session.

Each session gets a fresh virtual environment with the Python that runs nox and the
pinned dev tools of pyproject.toml. Arguments after `--` go to the session's main command.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.10.14"
nox.options.default_venv_backend = "uv|virtualenv"

DEV = nox.project.dependency_groups(nox.project.load_toml(), "dev")

# `nox -s coverage`: the cargo-llvm-cov it installs, where it writes its reports, and the
# share of the lines of src/lib.rs the tests must run unless `-- --fail-under N` says otherwise
# (the tests as the template made them run every line: README.md, "Coverage").
CARGO_LLVM_COV = "{{ cookiecutter._pins.cargo_llvm_cov }}"
COVERAGE_DIR = Path("coverage")
FAIL_UNDER = 100


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
def coverage(session: nox.Session) -> None:
    """Lines and regions of src/lib.rs that the Python and Rust tests run: `-- --fail-under N`."""
    fail_under = FAIL_UNDER
    if session.posargs:
        if len(session.posargs) != 2 or session.posargs[0] != "--fail-under":
            session.error(f"Give `-- --fail-under N`, for example `-- --fail-under {FAIL_UNDER}`")
        fail_under = int(session.posargs[1])
    install_llvm_cov(session)
    env = llvm_cov_env(session)
    cargo = functools.partial(session.run, "cargo", env=env, external=True)
    cargo("llvm-cov", "clean", "--workspace")
    session.install(*DEV)
    # The extension, instrumented, into this session's environment; then the tests. The dev
    # profile puts it beside the Rust tests, where the report looks, with every line intact.
    uv = ["--uv"] if session.venv_backend == "uv" else []
    session.run("maturin", "develop", "--profile", "dev", *uv, env=env)
{%- if cookiecutter.layout == "mixed" %}
    package = "python/{{ cookiecutter.module_name }}"
    session.run("coverage", "run", "--branch", "--source", package, "-m", "pytest", env=env)
{%- else %}
    session.run("pytest", env=env)
{%- endif %}
    if not list(Path(env["CARGO_LLVM_COV_TARGET_DIR"]).glob("*.profraw")):
        session.error(
            "The Python tests wrote no coverage data: the extension was built without coverage "
            "instrumentation. cargo-llvm-cov adds it through RUSTC_WRAPPER, which something "
            "cleared or replaced (sccache, say). Unset RUSTC_WRAPPER and run it again."
        )
    cargo("test")
    COVERAGE_DIR.mkdir(exist_ok=True)
    lcov = COVERAGE_DIR / "rust.lcov"
    cargo("llvm-cov", "report", "--lcov", "--output-path", str(lcov))
    cargo("llvm-cov", "report", "--html", "--output-dir", str(COVERAGE_DIR))
    rust = lib_rs_summary(str(cargo("llvm-cov", "report", "--json", "--summary-only", silent=True)))
    rows = [
        ("src/lib.rs lines", rust["lines"]["covered"], rust["lines"]["count"]),
        ("src/lib.rs regions", rust["regions"]["covered"], rust["regions"]["count"]),
    ]
{%- if cookiecutter.layout == "mixed" %}
    session.run("coverage", "json", "-q", "-o", str(COVERAGE_DIR / "python.json"))
    session.run("coverage", "html", "-q", "-d", str(COVERAGE_DIR / "python"))
    python = json.loads((COVERAGE_DIR / "python.json").read_text(encoding="utf-8"))["totals"]
    rows.append((f"{package}/ (Python)", python["covered_lines"], python["num_statements"]))
{%- endif %}
    header = "covered by the Python and Rust tests"
    width = max(len(header), *(len(name) for name, _, _ in rows))
    table = [f"{header:<{width}}  covered  total  percent"]
    for name, hit, total in rows:
        table.append(f"{name:<{width}}  {hit:>7}  {total:>5}  {100 * hit / total:>6.1f}%")
    missed = ", ".join(map(str, missed_lines(lcov))) or "none"
    table.append(f"lines of src/lib.rs no test ran: {missed}")
    table.append(f"reports: {COVERAGE_DIR / 'html' / 'index.html'}, {lcov}")
    session.log("\n" + "\n".join(table))
    percent = rust["lines"]["percent"]
    if percent < fail_under:
        session.error(f"Rust line coverage of src/lib.rs is {percent:.1f}%, below {fail_under}%")


def missed_lines(lcov: Path) -> list[int]:
    """The lines of src/lib.rs that the lcov report counts as never run."""
    missed, in_lib = set(), False
    for line in lcov.read_text(encoding="utf-8").splitlines():
        if line.startswith("SF:"):
            in_lib = Path(line[3:]).as_posix().endswith("src/lib.rs")
        elif in_lib and line.startswith("DA:") and line.split(",")[1] == "0":
            missed.add(int(line[3:].split(",")[0]))
    return sorted(missed)


def install_llvm_cov(session: nox.Session) -> None:
    """LLVM's tools for the Rust toolchain, and cargo-llvm-cov at its pinned version."""
    if shutil.which("rustup") is None:
        session.error(
            "Coverage needs rustup, the Rust installer, to add LLVM's coverage tools to Rust "
            "(its `llvm-tools` component); a Rust installed some other way has no such "
            "component. Install Rust with rustup (https://rustup.rs), then run it again."
        )
    session.run("rustup", "component", "add", "llvm-tools", external=True, silent=True)
    version = session.run(
        "cargo", "llvm-cov", "--version", external=True, silent=True, success_codes=range(256)
    )
    if str(version).strip() != f"cargo-llvm-cov {CARGO_LLVM_COV}":
        install = ["cargo", "install", "--locked", f"cargo-llvm-cov@{CARGO_LLVM_COV}"]
        session.run(*install, external=True)


def llvm_cov_env(session: nox.Session) -> dict[str, str]:
    """The environment cargo-llvm-cov builds with: one target directory, and its own rustc
    wrapper, which instruments this crate."""
    shown = session.run("cargo", "llvm-cov", "show-env", external=True, silent=True)
    env = {}
    for line in str(shown).splitlines():
        if match := re.fullmatch(r"([A-Z_][A-Z0-9_]*)=(.*)", line.strip()):
            name, value = match.groups()
            quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
            env[name] = value[1:-1] if quoted else value  # Windows paths keep their backslashes
    env["CARGO_TARGET_DIR"] = env["CARGO_LLVM_COV_TARGET_DIR"]
    return env


def lib_rs_summary(report: str) -> dict[str, dict[str, float]]:
    """The line and region counts of src/lib.rs in `cargo llvm-cov report --json`."""
    (data,) = json.loads(report)["data"]
    summaries: list[dict[str, dict[str, float]]] = [
        file["summary"]
        for file in data["files"]
        if Path(file["filename"]).as_posix().endswith("src/lib.rs")
    ]
    (summary,) = summaries
    return summary


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
