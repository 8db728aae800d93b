"""Jinja extensions the template uses while cookiecutter renders it."""

from __future__ import annotations

import functools
import importlib.util
import json
import shlex
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from cookiecutter.exceptions import FailedHookException
from cookiecutter.utils import simple_filter
from jinja2 import Environment, FileSystemLoader
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


@functools.cache
def _load_hook(name: str) -> ModuleType:
    """hooks/<name>.py as a module (its checks and messages), loaded once."""
    path = Path(__file__).resolve().parent / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"rust_in_python_{name}", path)
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
    hook = _load_hook("pre_gen_project")
    problems = hook.validate(answers, _CONFIG)
    if problems:
        # Cookiecutter prints this exception's message alone and exits with status 1.
        raise FailedHookException(hook.report(answers, problems, _CONFIG))
    return answers["project_slug"]


# --- copier ---------------------------------------------------------------------------------
# copier renders the same files (copier.yml names this folder's {{cookiecutter.project_slug}}
# as its template), with the answers at the top of the context instead of under `cookiecutter`.

_CONFIG = json.loads((Path(__file__).resolve().parent / "cookiecutter.json").read_text(encoding="utf-8"))


class _Answers(Mapping[str, object]):
    """The answers as cookiecutter's context holds them: the questions, the private values of
    cookiecutter.json (`_pins`), and its computed `__` values, rendered as cookiecutter does."""

    def __init__(self, environment: Environment, context: Mapping[str, object]) -> None:
        self._values: dict[str, object] = {k: context[k] for k in _CONFIG if k in context}
        for key, value in _CONFIG.items():
            if key.startswith("__") and key != "__prompts__":
                self._values[key] = environment.from_string(str(value)).render(cookiecutter=self)
            elif key.startswith("_") and not key.startswith("__"):
                self._values[key] = value

    def __getitem__(self, key: str) -> object:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class CopierNamespace(Extension):
    """Give copier's templates what cookiecutter gives them: `cookiecutter.*`, the shared
    snippets of templates/, and the hook's checks and next steps as filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        loader = environment.loader
        if isinstance(loader, FileSystemLoader):
            loader.searchpath.append(str(Path(loader.searchpath[0]) / "templates"))
        environment.filters["answer_problem"] = answer_problem
        environment.filters["next_steps"] = next_steps

        class Context(environment.context_class):  # type: ignore[name-defined,misc]
            def __init__(self, env: Environment, parent: dict[str, Any], *args: Any, **kwargs: Any) -> None:
                if "_copier_conf" in parent and "cookiecutter" not in parent:
                    parent = {**parent, "cookiecutter": _Answers(env, parent)}
                super().__init__(env, parent, *args, **kwargs)

        environment.context_class = Context


def answer_problem(value: object, field: str, conf: Mapping[str, Any]) -> str:
    """The hook's message for a bad answer to `field`, or nothing. copier shows it at the
    question and asks again; an answer nobody typed (`--data`, `--defaults`) cannot be asked
    again, so the run stops there, before anything is written, with cookiecutter's message."""
    hook = _load_hook("pre_gen_project")
    problem = hook.checks(_CONFIG)[field](value)
    if problem is None:
        return ""
    if conf["defaults"] or field in conf["data"]:
        # copier turns any error of a validator into a traceback; a clean exit is the only way
        # to end with this message alone.
        print(
            f"\nrust-in-python: {problem}\n\n{hook.NOTHING_GENERATED} Run copier again with"
            f" `--data {shlex.quote(f'{field}={problem.example}')}` in place of this answer.\n",
            file=sys.stderr,
        )
        raise SystemExit(1)
    return str(problem)


def next_steps(destination: object) -> str:
    """What to do after copier made the project in `destination`."""
    post = _load_hook("post_gen_project")
    return post.next_steps(str(destination), [], with_uv=shutil.which("uv") is not None)
