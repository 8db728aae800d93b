"""The template's own tasks: `nox -l` lists them, `nox` runs the quick tests.

Each session runs in a venv of its own with tests/requirements.txt (reused from one run to the
next); arguments after `--` go to the session's command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nox
import yaml

nox.needs_version = ">=2025.10.14"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["quick"]

ROOT = Path(__file__).resolve().parent
REQUIREMENTS = ("-r", "tests/requirements.txt")


@nox.session
def quick(session: nox.Session) -> None:
    """The tests that need no compiler: rendering, answers, workflows, copier, pins (about a minute)."""
    session.install(*REQUIREMENTS)
    session.run("pytest", "-m", "not build", *session.posargs)


@nox.session
def suite(session: nox.Session) -> None:
    """The whole suite, every variant built for real (about 10 minutes on 2 cores)."""
    session.install(*REQUIREMENTS)
    session.run("pytest", *session.posargs)


@nox.session
def pins(session: nox.Session) -> None:
    """Every pin behind its newest release, every pinned fact that broke (`-- --write` refreshes)."""
    session.install(*REQUIREMENTS)
    session.run("python", ".ci/check_pins.py", *session.posargs)


@nox.session
def benchmark(session: nox.Session) -> None:
    """Speed, threads, size and build time of the default project: benchmarks/results.md."""
    session.install(*REQUIREMENTS)
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python=False)
def copier_yml(session: nox.Session) -> None:
    """Write copier.yml from cookiecutter.json, after a question changed."""
    (ROOT / "copier.yml").write_text(copier_yml_text(), encoding="utf-8")


# --- copier.yml ---------------------------------------------------------------------------------
# cookiecutter.json is the one place the questions live: their order, defaults (derived ones in
# the same Jinja), menus and labels. copier.yml says the same in copier's words, with a validator
# per question that calls the hook's own check (test_copier.py compares the two).

HEADER = """\
# Made from cookiecutter.json by `nox -s copier_yml`: edit that file, then run this.
# The project's files are the cookiecutter template's own, in {{cookiecutter.project_slug}}/.
# The extensions (local_extensions.py) give the templates the answers as `cookiecutter.*`, as
# cookiecutter does, and check each answer with the rules of hooks/pre_gen_project.py; copier
# runs a template's own Python only with --trust.
"""

SETTINGS: dict[str, Any] = {
    "_min_copier_version": "9.19.1",
    "_subdirectory": "{% raw %}{{cookiecutter.project_slug}}{% endraw %}",
    "_templates_suffix": "",
    "_answers_file": ".copier-answers.yml",
    "_jinja_extensions": [
        "copier_template_extensions.TemplateExtensionLoader",
        "cookiecutter.extensions.SlugifyExtension",
        "cookiecutter.extensions.TimeExtension",
        "local_extensions.py:toml_string",
        "local_extensions.py:CopierNamespace",
    ],
    # What cookiecutter's post-generation hook prunes: folders whose files all render empty.
    "_exclude": [
        "{% if cookiecutter.layout == 'rust' %}python{% endif %}",
        "{% if cookiecutter.github_actions == 'no' %}.github{% endif %}",
        "{% if cookiecutter.__pyodide == 'no' %}.github/actions/pyodide{% endif %}",
    ],
    "_message_after_copy": "{{ _copier_conf.dst_path | next_steps }}",
}


def copier_yml_text() -> str:
    """copier.yml: copier's settings, then each cookiecutter question in cookiecutter's order."""
    config = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    questions: dict[str, Any] = {}
    for name, default in config.items():
        if name.startswith("_"):
            continue
        label = config["__prompts__"][name]
        question: dict[str, Any] = {"type": "str", "help": label, "default": default}
        if isinstance(default, list):  # a menu: its labelled choices, the first one the default
            question["help"] = label["__prompt__"]
            question["choices"] = {label[choice]: choice for choice in default}
            question["default"] = default[0]
        question["validator"] = "{{ " + name + " | answer_problem('" + name + "', _copier_conf) }}"
        questions[name] = question
    body = yaml.safe_dump({**SETTINGS, **questions}, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body
