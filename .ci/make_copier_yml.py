"""Write copier.yml from cookiecutter.json, so that both engines ask the same questions.

cookiecutter.json is the one place the questions live: their order, defaults (derived ones
too, in the same Jinja), menus and labels. copier.yml repeats them in copier's words, with a
validator per question that calls the hook's own check, and copier's settings. Run
`python .ci/make_copier_yml.py` after changing a question; test_copier.py fails while the
committed copier.yml differs from what this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

HEADER = """\
# Made from cookiecutter.json by `python .ci/make_copier_yml.py`: edit that file, then run this.
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
    ],
    "_message_after_copy": "{{ _copier_conf.dst_path | next_steps }}",
}


def questions(config: dict[str, Any]) -> dict[str, Any]:
    """Each cookiecutter question as a copier question, in cookiecutter's order."""
    prompts = config["__prompts__"]
    out: dict[str, Any] = {}
    for name, default in config.items():
        if name.startswith("_"):
            continue
        prompt = prompts[name]
        question: dict[str, Any] = {"type": "str"}
        if isinstance(default, list):
            question["help"] = prompt["__prompt__"]
            question["choices"] = {prompt[choice]: choice for choice in default}
            question["default"] = default[0]
        else:
            question["help"] = prompt
            question["default"] = default
        question["validator"] = "{{ " + name + " | answer_problem('" + name + "', _copier_conf) }}"
        out[name] = question
    return out


def render() -> str:
    config = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    body = yaml.safe_dump({**SETTINGS, **questions(config)}, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def main(argv: list[str]) -> int:
    text = render()
    target = ROOT / "copier.yml"
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print("copier.yml is not what cookiecutter.json gives: run `python .ci/make_copier_yml.py`")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
