"""Jinja extensions the template uses while cookiecutter renders it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from cookiecutter.exceptions import FailedHookException
from cookiecutter.utils import simple_filter
from jinja2 import Environment
from jinja2.ext import Extension

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


@simple_filter
def toml_string(value: object) -> str:
    """Return ``value`` as a TOML basic string, quotes included.

    Characters beyond the Basic Multilingual Plane are kept as they are (JSON
    escaping would turn them into surrogate pairs, which TOML rejects).
    """
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _load_pre_gen_hook() -> ModuleType:
    path = Path(__file__).resolve().parent / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("rust_in_python_pre_gen", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class AnswersGuard(Extension):
    """Check every answer before cookiecutter creates the project folder.

    Cookiecutter creates that folder, from `project_slug`, before the pre-generation
    hook runs, and a failing hook ends in a traceback. So the one template it renders
    for the folder name is routed through the hook's own checks first: bad answers
    stop cookiecutter with our message alone, and nothing is created (a slug such as
    `a/b` would otherwise leave folders behind).
    """

    PROJECT_DIR = "{{cookiecutter.project_slug}}"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["checked_answers"] = checked_answers

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None and source == self.PROJECT_DIR:
            return "{{ cookiecutter | checked_answers }}"
        return source


def checked_answers(answers: dict[str, object]) -> object:
    """The project folder's name, once every answer has passed the hook's checks."""
    hook = _load_pre_gen_hook()
    problems = hook.validate(answers)
    if problems:
        # Cookiecutter prints this exception's message alone and exits with status 1.
        raise FailedHookException(hook.report(answers, problems))
    return answers["project_slug"]
