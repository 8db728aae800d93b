"""Check every answer before cookiecutter writes a file.

The same checks run twice: first from `local_extensions.py`, while cookiecutter
renders the project folder's name and before it creates anything, and again here,
as the pre-generation hook, for answers that reach cookiecutter another way
(a replay file, cruft). A bad answer gets one paragraph naming the question, the
value, the rule and a valid example, then a command that renders the project with
the valid answers kept and each bad one replaced. The answers are read as JSON
data, never as code.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import shlex
import shutil
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import NamedTuple

# Rendered by cookiecutter: the answers as a JSON document in a raw string. JSON escapes
# every quote inside its strings and never puts three in a row, so no answer can end it.
RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

NOTHING_GENERATED = "Nothing was generated."

RUST_KEYWORDS = frozenset(
    "abstract as async await become box break const continue crate do dyn else enum extern "
    "false final fn for gen if impl in let loop macro match mod move mut override priv pub ref "
    "return self static struct super trait true try type typeof union unsafe unsized use "
    "virtual where while yield".split()
)
# Names Cargo refuses for a library or package.
CARGO_RESERVED = frozenset("alloc build core deps examples incremental proc_macro std test".split())
# Crates the rendered project builds (their library names) and the Python tools it
# installs: a module of the same name would shadow or clash with them.
DEPENDENCIES = frozenset(
    "heck libc once_cell portable_atomic proc_macro2 pyo3 pyo3_build_config pyo3_ffi "
    "pyo3_macros pyo3_macros_backend quote syn target_lexicon unicode_ident maturin mypy "
    "nox pytest ruff".split()
)
# Top-level names of the rendered project itself, which would shadow the module.
PROJECT_NAMES = frozenset({"compare", "noxfile", "tests"})
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{i}" for port in ("com", "lpt") for i in range(10)]
)

MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
PROJECT_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")
EMAIL = re.compile(r"[^@\s<>,\"]+@[^@\s<>,\".]+(\.[^@\s<>,\".]+)+\Z")


class Problem(NamedTuple):
    """A bad answer: the question, what was given, the rule it breaks, a valid example."""

    field: str
    value: object
    rule: str
    example: str

    def __str__(self) -> str:
        return f"Invalid {self.field} {self.value!r}: {self.rule} For example: {self.field}={self.example}"


def module_name_rule(name: str) -> str | None:
    """Why `name` cannot be the module name, or None."""
    if not MODULE_NAME.match(name):
        return (
            "it must be a lowercase snake_case identifier (ASCII letters, digits and"
            " underscores, starting with a letter), valid in both Python and Rust."
        )
    if keyword.iskeyword(name):
        return "it is a Python keyword, so `import` cannot name it."
    if name in RUST_KEYWORDS:
        return "it is a Rust keyword or reserved word, so it cannot name the Rust library."
    if name in CARGO_RESERVED:
        return "Cargo refuses it as a library name (it names a built-in crate or folder)."
    if name in getattr(sys, "stdlib_module_names", ()):
        return "it is a Python standard-library module, which it would shadow."
    if name in DEPENDENCIES:
        return "the project depends on a crate or Python package of that name."
    if name in PROJECT_NAMES:
        return "the project has a file or folder of that name that would shadow the module."
    return None


def project_slug_rule(slug: str) -> str | None:
    """Why `slug` cannot name the project folder and distributions, or None."""
    if not PROJECT_SLUG.match(slug):
        return (
            "it names the project folder and the Python and Cargo distributions, so it must be"
            " lowercase ASCII letters and digits in words joined by single hyphens, starting"
            " with a letter (no spaces, dots, slashes or '..')."
        )
    if slug in WINDOWS_DEVICE_NAMES:
        return "it is a reserved device name on Windows, which cannot be a folder name."
    return None


def suggestion(value: str, separator: str, rule: Callable[[str], str | None], fallback: str) -> str:
    """A valid name close to `value` (`my-mod` gives `my_mod`), else `fallback`."""
    base = re.sub(r"[^a-z0-9]+", separator, value.lower()).strip(separator).lstrip("0123456789" + separator)
    for candidate in (base, f"{base}{separator}rs"):
        if base and rule(candidate) is None:
            return candidate
    return fallback


def name_check(
    field: str, rule: Callable[[str], str | None], separator: str, fallback: str
) -> Callable[[str], Problem | None]:
    """The check of a name question, whose example is the valid name closest to the answer."""

    def check(value: str) -> Problem | None:
        broken = rule(value)
        return broken and Problem(field, value, broken, suggestion(value, separator, rule, fallback))

    return check


def one_of(field: str, choices: tuple[str, ...]) -> Callable[[str], Problem | None]:
    def check(value: str) -> Problem | None:
        if value in choices:
            return None
        allowed = ", ".join(repr(choice) for choice in choices)
        return Problem(field, value, f"it must be one of {allowed}.", choices[0])

    return check


def check_version(version: str) -> Problem | None:
    if VERSION.match(version):
        return None
    rule = (
        "it must be MAJOR.MINOR.PATCH with plain numbers, which both Cargo (SemVer) and"
        " Python packaging (PEP 440) read the same way."
    )
    # The numbers that were typed, three of them: `1.0` gives 1.0.0, `v1.2.3-beta` 1.2.3.
    numbers = [str(int(number)) for number in re.findall(r"[0-9]+", version)[:3]]
    example = ".".join(numbers + ["0"] * (3 - len(numbers))) if numbers else "0.1.0"
    return Problem("version", version, rule, example)


def check_author_email(email: str) -> Problem | None:
    if email == "" or EMAIL.match(email):
        return None
    rule = "it must look like name@domain.tld, or be empty."
    # The address inside what was typed (`Ada <ada@example.org>`, `mailto:ada@example.org.`).
    found = re.search(r"[^@\s<>,\":;]+@[^@\s<>,\";]+", email)
    address = found[0].strip(".") if found else ""
    return Problem("author_email", email, rule, address if EMAIL.match(address) else "you@example.com")


def one_line(field: str, example: str, required: bool = False) -> Callable[[str], Problem | None]:
    def check(text: str) -> Problem | None:
        if any(unicodedata.category(char) == "Cc" for char in text):
            rule = "it must be a single line without control characters (newlines, tabs)."
        elif required and not text.strip():
            rule = "it must not be empty."
        elif field == "author_name" and "," in text:
            rule = "Python packaging metadata cannot hold a comma in an author's name."
        else:
            return None
        # What was typed on one line, without commas in an author's name, if that is valid.
        cleaned = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
        if field == "author_name":
            cleaned = cleaned.replace(",", " ")
        cleaned = " ".join(cleaned.split())
        return Problem(field, text, rule, cleaned if cleaned and check(cleaned) is None else example)

    return check


# The rules of the text questions that must be more than one line of text. A question not named
# here is one line of text; a menu's answer must be one of its choices.
RULES: Mapping[str, Callable[[str], Problem | None]] = {
    "project_name": one_line("project_name", "Rust in Python", required=True),
    "project_slug": name_check("project_slug", project_slug_rule, "-", "rust-in-python"),
    "module_name": name_check("module_name", module_name_rule, "_", "fibo_rust"),
    "author_name": one_line("author_name", "Ada Lovelace"),
    "author_email": check_author_email,
    "version": check_version,
}


def questions(config: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """Each question of cookiecutter.json, in the order it is asked, with its menu's choices
    (none for a text question), read from its labels (`__prompts__`), which name every choice.
    cookiecutter's context keeps them; where a context does not (cruft's), the rules alone."""
    labels = config.get("__prompts__")
    if not isinstance(labels, dict):
        return dict.fromkeys(RULES, ())
    return {
        name: tuple(choice for choice in label if choice != "__prompt__") if isinstance(label, dict) else ()
        for name, label in labels.items()
    }


def checks(config: Mapping[str, object]) -> dict[str, Callable[[str], Problem | None]]:
    """The check of each question."""
    return {
        name: one_of(name, choices) if choices else RULES.get(name, one_line(name, "one line of text"))
        for name, choices in questions(config).items()
    }


def validate(answers: Mapping[str, object], config: Mapping[str, object]) -> list[Problem]:
    """Every problem with these answers to the questions of `config` (cookiecutter.json)."""
    problems = []
    for field, check in checks(config).items():
        value = answers.get(field)
        if not isinstance(value, str):
            problems.append(Problem(field, value, "it must be text.", "..."))
        elif (found := check(value)) is not None:
            problems.append(found)
    return problems


def user_path(environ: Mapping[str, str], python: str) -> str:
    """PATH as the user's shell has it. uvx and `uv run` put the folder of a throwaway
    environment first on PATH for this run alone, and set UV; that folder is left out, unless
    it is the venv the user activated."""
    folders = environ.get("PATH", "").split(os.pathsep)

    def same(a: str, b: str) -> bool:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))

    activated = same(environ.get("VIRTUAL_ENV") or os.devnull, sys.prefix)
    if environ.get("UV") and not activated:
        folders = [f for f in folders if f and not same(f, os.path.dirname(os.path.abspath(python)))]
    return os.pathsep.join(folders)


def cookiecutter_words(
    environ: Mapping[str, str] = os.environ,
    python: str = sys.executable,
    which: Callable[..., str | None] = shutil.which,
) -> list[str]:
    """How the user can start cookiecutter again from their shell: `cookiecutter` when it is
    on their PATH, else `uvx cookiecutter` when uv is, else this Python with `-m cookiecutter`."""
    path = user_path(environ, python)
    if which("cookiecutter", path=path):
        return ["cookiecutter"]
    if which("uvx", path=path):
        return ["uvx", "cookiecutter"]
    return [python, "-m", "cookiecutter"]


def rerun_command(answers: Mapping[str, object], problems: list[Problem], fields: list[str]) -> str:
    """A POSIX shell command that renders the project with every answer given, each bad
    one replaced by its example and named in a comment at the end."""
    fixed = {problem.field: problem.example for problem in problems}
    words = [*cookiecutter_words(), str(answers.get("_template") or "<template>"), "--no-input"]
    if answers.get("_checkout"):
        words += ["--checkout", str(answers["_checkout"])]
    output_dir = answers.get("_output_dir")
    if output_dir and os.path.abspath(str(output_dir)) != os.path.abspath(os.curdir):
        words += ["--output-dir", str(output_dir)]
    words += [f"{field}={fixed.get(field, answers.get(field, ''))}" for field in fields]
    command = " ".join(shlex.quote(word) for word in words)
    return f"{command}  # replaced: {', '.join(fixed)}"


def report(answers: Mapping[str, object], problems: list[Problem], config: Mapping[str, object]) -> str:
    """The whole message for bad answers: one paragraph each, then the way back."""
    paragraphs = [f"rust-in-python: {problem}" for problem in problems]
    paragraphs.append(
        f"{NOTHING_GENERATED} This command keeps your other answers and uses the examples"
        " above for the ones marked at its end:"
    )
    paragraphs.append("    " + rerun_command(answers, problems, list(questions(config))))
    return "\n" + "\n\n".join(paragraphs) + "\n"


def main() -> int:
    answers = json.loads(RENDERED_ANSWERS)
    problems = validate(answers, answers)
    if problems:
        print(report(answers, problems, answers), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
