"""Check every answer before cookiecutter writes a file.

Each rule returns an error paragraph for a bad answer, or None. `main()` prints
every paragraph to stderr and exits 1, so cookiecutter stops and removes the
folder it created. The answers are read as JSON data, never as code.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping

# Rendered by cookiecutter: the answers as a JSON document in a raw string. JSON escapes
# every quote inside its strings and never puts three in a row, so no answer can end it.
RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

NOTHING_GENERATED = "Nothing was generated. Run cookiecutter again with a valid answer."

ABI3_FLOORS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "none")
LAYOUTS = ("rust", "mixed")
LICENSES = ("MIT", "Apache-2.0", "MIT OR Apache-2.0", "BSD-3-Clause", "none")
YES_NO = ("yes", "no")

# Soft keywords of every Python the project may run on (`type` became one in 3.12).
PYTHON_SOFT_KEYWORDS = frozenset({"_", "case", "match", "type", *keyword.softkwlist})
RUST_KEYWORDS = frozenset(
    "abstract as async await become box break const continue crate do dyn else enum extern "
    "false final fn for gen if impl in let loop macro match mod move mut override priv pub ref "
    "return self static struct super trait true try type typeof union unsafe unsized use "
    "virtual where while yield".split()
)
# Names Cargo refuses for a library or package.
CARGO_RESERVED = frozenset(
    ["alloc", "build", "core", "deps", "examples", "incremental", "proc_macro", "std", "test"]
)
# Crates the rendered project builds (their library names) and the Python tools it
# installs: a module of the same name would shadow or clash with them.
DEPENDENCIES = frozenset(
    "heck libc once_cell portable_atomic proc_macro2 pyo3 pyo3_build_config pyo3_ffi "
    "pyo3_macros pyo3_macros_backend quote syn target_lexicon unicode_ident maturin mypy "
    "pytest _pytest ruff".split()
)
# Top-level names of the rendered project itself, which would shadow the module.
PROJECT_NAMES = frozenset({"compare", "tests"})
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{i}" for port in ("com", "lpt") for i in range(10)]
)

MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
PROJECT_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")
EMAIL = re.compile(r"[^@\s<>,\"]+@[^@\s<>,\".]+(\.[^@\s<>,\".]+)+\Z")


def problem(field: str, value: object, rule: str, example: str) -> str:
    """One paragraph: which answer, what was given, the rule, and a valid example."""
    return f"Invalid {field} {value!r}: {rule} For example: {field}={example}"


def check_module_name(name: str) -> str | None:
    rule = None
    if not MODULE_NAME.match(name):
        rule = (
            "it must be a lowercase snake_case identifier (ASCII letters, digits and"
            " underscores, starting with a letter), valid in both Python and Rust."
        )
    elif keyword.iskeyword(name) or name in PYTHON_SOFT_KEYWORDS:
        rule = "it is a Python keyword, so it cannot be imported by name."
    elif name in RUST_KEYWORDS:
        rule = "it is a Rust keyword or reserved word, so it cannot name the Rust library."
    elif name in CARGO_RESERVED:
        rule = "Cargo refuses it as a library name (it names a built-in crate or folder)."
    elif name in getattr(sys, "stdlib_module_names", ()):
        rule = "it is a Python standard-library module, which it would shadow."
    elif name in DEPENDENCIES:
        rule = "the project depends on a crate or Python package of that name."
    elif name in PROJECT_NAMES:
        rule = "the project has a file or folder of that name that would shadow the module."
    return rule and problem("module_name", name, rule, "fibo_rust")


def check_project_slug(slug: str) -> str | None:
    rule = None
    if not PROJECT_SLUG.match(slug):
        rule = (
            "it names the project folder and the Python and Cargo distributions, so it must be"
            " lowercase ASCII letters and digits in words joined by single hyphens, starting"
            " with a letter (no spaces, dots, slashes or '..')."
        )
    elif slug in WINDOWS_DEVICE_NAMES:
        rule = "it is a reserved device name on Windows, which cannot be a folder name."
    return rule and problem("project_slug", slug, rule, "rust-in-python")


def one_of(field: str, choices: tuple[str, ...], example: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if value in choices:
            return None
        allowed = ", ".join(repr(choice) for choice in choices)
        return problem(field, value, f"it must be one of {allowed}.", example)

    return check


def check_version(version: str) -> str | None:
    if VERSION.match(version):
        return None
    rule = (
        "it must be MAJOR.MINOR.PATCH with plain numbers, which both Cargo (SemVer) and"
        " Python packaging (PEP 440) read the same way."
    )
    return problem("version", version, rule, "0.1.0")


def check_author_email(email: str) -> str | None:
    if email == "" or EMAIL.match(email):
        return None
    return problem(
        "author_email", email, "it must look like name@domain.tld, or be left empty.", "you@example.com"
    )


def one_line(field: str, example: str, required: bool = False) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        if any(unicodedata.category(char) == "Cc" for char in text):
            rule = "it must be a single line without control characters (newlines, tabs)."
        elif required and not text.strip():
            rule = "it must not be empty."
        elif field == "author_name" and "," in text:
            rule = "Python packaging metadata cannot hold a comma in an author's name."
        else:
            return None
        return problem(field, text, rule, example)

    return check


CHECKS: Mapping[str, Callable[[str], str | None]] = {
    "project_name": one_line("project_name", '"Rust in Python"', required=True),
    "project_slug": check_project_slug,
    "module_name": check_module_name,
    "abi3_floor": one_of("abi3_floor", ABI3_FLOORS, "3.10"),
    "layout": one_of("layout", LAYOUTS, "rust"),
    "description": one_line("description", '"Fibonacci numbers in Rust"'),
    "author_name": one_line("author_name", '"Ada Lovelace"'),
    "author_email": check_author_email,
    "version": check_version,
    "license": one_of("license", LICENSES, "MIT"),
    "github_actions": one_of("github_actions", YES_NO, "yes"),
}


def validate(answers: Mapping[str, object]) -> list[str]:
    """Every error paragraph for these answers; empty when all are valid."""
    errors = []
    for field, check in CHECKS.items():
        value = answers.get(field)
        if not isinstance(value, str):
            errors.append(problem(field, value, "it must be text.", "..."))
        elif (error := check(value)) is not None:
            errors.append(error)
    return errors


def main() -> int:
    errors = validate(json.loads(RENDERED_ANSWERS))
    for error in errors:
        print(f"\nrust-in-python: {error}", file=sys.stderr)
    if errors:
        print(f"\n{NOTHING_GENERATED}\n", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
