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


class ProjectDirGuard(Extension):
    """Check `project_slug` before cookiecutter creates the project folder from it.

    Cookiecutter creates that folder before the pre-generation hook runs, so a slug
    such as `a/b` would leave folders behind that the hook cannot take back. The one
    template cookiecutter renders for the folder name is passed through the hook's
    own slug rule first; a bad slug stops cookiecutter before anything is created.
    """

    PROJECT_DIR = "{{cookiecutter.project_slug}}"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["checked_project_dir"] = checked_project_dir

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None and source == self.PROJECT_DIR:
            return "{{ cookiecutter.project_slug | checked_project_dir }}"
        return source


def checked_project_dir(slug: str) -> str:
    hook = _load_pre_gen_hook()
    error = hook.check_project_slug(slug)
    if error:
        # Cookiecutter prints this exception's message alone and exits with status 1.
        raise FailedHookException(f"\nrust-in-python: {error}\n\n{hook.NOTHING_GENERATED}")
    return slug
