#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.10.14"]
# ///
"""The project's checks and tasks: `nox` runs lint and tests, `nox -l` lists every session.

Each session gets a fresh virtual environment with the Python that runs nox and the
pinned dev tools of pyproject.toml. Arguments after `--` go to the session's main command.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.10.14"
nox.options.default_venv_backend = "uv|virtualenv"

DEV = nox.project.dependency_groups(nox.project.load_toml(), "dev")

# The type stub, and where `maturin generate-stubs` writes it from the compiled module.
{%- if cookiecutter.layout == "mixed" %}
STUB = Path("python/{{ cookiecutter.module_name }}/_core.pyi")
GENERATED = "{{ cookiecutter.module_name }}/_core.pyi"
{%- else %}
STUB = Path("{{ cookiecutter.module_name }}.pyi")
GENERATED = "{{ cookiecutter.module_name }}/__init__.pyi"
{%- endif %}
# `nox -s coverage`: the cargo-llvm-cov it installs, and the share of the lines of src/lib.rs the
# tests must run unless `-- --fail-under-lines N` says otherwise (they run every line: README.md).
CARGO_LLVM_COV = "{{ cookiecutter._pins.cargo_llvm_cov }}"
FAIL_UNDER = 100


@nox.session
def lint(session: nox.Session) -> None:
    """Rust and Python formatting and lints, the strict type check, and the stub against the
    compiled module."""
    session.install(*DEV)
    session.run("cargo", "fmt", "--check", external=True)
    session.run(
        "cargo", "clippy", "--all-targets", "--all-features", "--", "-D", "warnings", external=True
    )
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    check_stub(session)


@nox.session
def tests(session: nox.Session) -> None:
    """The Rust unit tests, then pytest against the extension built from this checkout."""
    session.install(*DEV, ".")
    session.run("cargo", "test", external=True)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def stubs(session: nox.Session) -> None:
    """Write the type stub from the compiled module (`-- --check` only compares)."""
    session.install(*DEV)
    if session.posargs == ["--check"]:
        check_stub(session)
    else:
        STUB.write_text(generated_stub(session), encoding="utf-8")


def generated_stub(session: nox.Session) -> str:
    """The stub `maturin generate-stubs` writes from PyO3's introspection data (the `stubs`
    feature, in an unstripped build)."""
    out = Path(session.create_tmp()) / "stubs"
    generate = ["maturin", "generate-stubs", "--features", "stubs", "--profile", "dev", "--quiet"]
    session.run(*generate, "--out", str(out))
    return (out / GENERATED).read_text(encoding="utf-8")


def check_stub(session: nox.Session) -> None:
    current, fresh = STUB.read_text(encoding="utf-8"), generated_stub(session)
    if current != fresh:
        lines = current.splitlines(keepends=True), fresh.splitlines(keepends=True)
        diff = "".join(difflib.unified_diff(*lines, str(STUB), "the compiled module"))
        session.error(f"{STUB} is not what the module gives:\n{diff}Run `nox -s stubs` to write it")


# griffe's breaking changes between the released stub and this one (`old/api/__init__.pyi` and
# `new/api/__init__.pyi` in the folder given), one a line, each at the stub's line.
BREAKS = """
import re, sys, griffe
old, new = (griffe.load("api", search_paths=[sys.argv[1] + side]) for side in ("/old", "/new"))
for change in griffe.find_breaking_changes(old, new):
    line = re.sub(r"\\x1b\\[[0-9;]*m", "", change.explain())
    print(re.sub(r"^\\S*__init__.pyi", sys.argv[2], line))
"""


@nox.session(default=False)
def api(session: nox.Session) -> None:
    """The public Python API (the stub) against the last release tag: a name removed or a
    signature narrowed fails unless Cargo.toml's version says so (major; minor while 0.x)."""
    git = functools.partial(session.run, "git", external=True, silent=True)
    tags = str(git("tag", "--list", "v*", "--sort=-version:refname")).split()
    if not tags:
        session.skip("no release tag yet")
    folder = Path(session.create_tmp()) / "api"

    def released(path: str) -> str:
        return str(git("show", f"{tags[0]}:{path}"))

    def current(path: str) -> str:
        return Path(path).read_text(encoding="utf-8")

    versions: dict[str, list[int]] = {}
    for side, read in (("old", released), ("new", current)):
        (folder / side / "api").mkdir(parents=True, exist_ok=True)
        (folder / side / "api" / "__init__.pyi").write_text(read(STUB.as_posix()), encoding="utf-8")
        (folder / side / "Cargo.toml").write_text(read("Cargo.toml"), encoding="utf-8")
        cargo = nox.project.load_toml(folder / side / "Cargo.toml")
        versions[side] = [int(number) for number in cargo["package"]["version"].split(".")]
    old, new = versions["old"], versions["new"]
    session.install(*DEV)
    breaks = str(session.run("python", "-c", BREAKS, str(folder), str(STUB), silent=True)).strip()
    part = 0 if old[0] else 1  # a breaking change bumps the major version (the minor one in 0.x)
    if breaks and new[: part + 1] <= old[: part + 1]:
        bump = ".".join(map(str, [*old[:part], old[part] + 1, *[0] * (2 - part)]))
        session.error(
            f"The public API broke since {tags[0]} ({STUB}):\n{breaks}\n"
            f"Release it as {bump} (Cargo.toml's version), or keep the API as it was."
        )


@nox.session(default=False)
def coverage(session: nox.Session) -> None:
    """Lines of src/lib.rs the Python and Rust tests run; reports in coverage/."""
    install_llvm_cov(session)
    env = llvm_cov_env(session)
    llvm_cov = functools.partial(session.run, "cargo", "llvm-cov", env=env, external=True)
    llvm_cov("clean", "--workspace")
    session.install(*DEV)
    # The extension, instrumented, into this session's environment; then the tests. The dev
    # profile puts it beside the Rust tests, where the report looks, with every line intact.
    uv = ["--uv"] if session.venv_backend == "uv" else []
    session.run("maturin", "develop", "--profile", "dev", *uv, env=env)
{%- if cookiecutter.layout == "mixed" %}
    package = "python/{{ cookiecutter.module_name }}"
    session.run("coverage", "run", "--branch", "--source", package, "-m", "pytest", env=env)
    session.run("coverage", "html", "-q", "-d", "coverage/python")
    session.run("coverage", "report", "--show-missing", "--fail-under", "100")
{%- else %}
    session.run("pytest", env=env)
{%- endif %}
    if not list(Path(env["CARGO_LLVM_COV_TARGET_DIR"]).glob("*.profraw")):
        session.error(
            "The Python tests wrote no coverage data: the extension was built without coverage "
            "instrumentation. cargo-llvm-cov adds it through RUSTC_WRAPPER, which something "
            "cleared or replaced (sccache, say). Unset RUSTC_WRAPPER and run it again."
        )
    session.run("cargo", "test", env=env, external=True)
    report = ["report", "--ignore-filename-regex", r"src[/\\]main\.rs$"]  # the timer: no tests
    llvm_cov(*report, "--html", "--output-dir", "coverage")  # coverage/html/index.html
    llvm_cov(*report, "--lcov", "--output-path", "coverage/rust.lcov")
    gate = session.posargs or ["--fail-under-lines", str(FAIL_UNDER)]
    llvm_cov(*report, "--show-missing-lines", *gate)


def install_llvm_cov(session: nox.Session) -> None:
    """LLVM's tools for the Rust toolchain, and cargo-llvm-cov at its pinned version."""
    if shutil.which("rustup") is None:
        session.error(
            "Coverage needs rustup, the Rust installer, to add LLVM's coverage tools to Rust "
            "(its `llvm-tools` component); a Rust installed some other way has no such "
            "component. Install Rust with rustup (https://rustup.rs), then run it again."
        )
    # The Rust of rust-toolchain.toml first: rustup's own commands never install it by themselves.
    session.run("rustup", "toolchain", "install", external=True, silent=True)
    session.run("rustup", "component", "add", "llvm-tools", external=True, silent=True)
    version = session.run(
        "cargo", "llvm-cov", "--version", external=True, silent=True, success_codes=range(256)
    )
    if str(version).strip() != f"cargo-llvm-cov {CARGO_LLVM_COV}":
        install = ["cargo", "install", "--locked", f"cargo-llvm-cov@{CARGO_LLVM_COV}"]
        session.run(*install, external=True)


def llvm_cov_env(session: nox.Session) -> dict[str, str]:
    """The environment cargo-llvm-cov builds with: its own rustc wrapper, which instruments this
    crate, and a target folder of its own, since cargo rebuilds nothing when only the wrapper
    changes (instrumented and plain builds must not share one)."""
    metadata = session.run(
        "cargo", "metadata", "--format-version=1", "--no-deps", external=True, silent=True
    )
    target = Path(json.loads(str(metadata))["target_directory"], "llvm-cov-target")
    target.mkdir(parents=True, exist_ok=True)
    # `cargo llvm-cov clean` cleans only a folder that carries cargo's tag, which maturin, making
    # the folder first, leaves out.
    tag = target / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n", encoding="utf-8")
    env = {"CARGO_TARGET_DIR": str(target)}
    shown = session.run("cargo", "llvm-cov", "show-env", env=env, external=True, silent=True)
    env = {}
    for line in str(shown).splitlines():
        if match := re.fullmatch(r"([A-Z_][A-Z0-9_]*)=(.*)", line.strip()):
            name, value = match.groups()
            quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
            env[name] = value[1:-1] if quoted else value  # Windows paths keep their backslashes
    env["CARGO_TARGET_DIR"] = env["CARGO_LLVM_COV_TARGET_DIR"]
    return env


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """A wheel for this Python and an sdist, in dist/."""
    session.install(*DEV)
    session.run("maturin", "build", "--sdist", "--out", "dist", *session.posargs)


if __name__ == "__main__":
    nox.main()
