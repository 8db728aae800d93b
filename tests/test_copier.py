"""copier renders the project cookiecutter renders, from the same files, with the same checks
(`copier update`, as the README runs it, is in test_tools.py)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

from conftest import (
    ANSWERS_FILE,
    CONFIG,
    MENUS,
    PRE_GEN,
    QUESTIONS,
    TEMPLATE,
    Variant,
    answers,
    child_env,
    commit_all,
    git,
    load_module,
    load_yaml,
    run,
    template_change,
    users_edit,
    variants,
    with_tools,
)

NOXFILE = load_module(TEMPLATE / "noxfile.py")
COPIER_YML = load_yaml(TEMPLATE / "copier.yml")


def copier_copy(template: Path, destination: Path, **data: str) -> subprocess.CompletedProcess[str]:
    """The copier command line, as the README runs it (exit status not checked)."""
    given = [f"--data={key}={value}" for key, value in data.items()]
    command = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet", *given]
    return run([*command, template, destination], cwd=destination.parent, env=child_env(), check=False)


def copier_render(template: Path, destination: Path, **data: str) -> Path:
    """copier's project for these answers (the others default), through its Python API."""
    run_copy(str(template), destination, data=data, defaults=True, unsafe=True, quiet=True, vcs_ref="HEAD")
    return destination


def tree(root: Path) -> dict[str, tuple[bytes, bool] | None]:
    """Each file under `root`: its bytes and whether it is executable; each folder, so empty ones count."""
    return {
        path.relative_to(root).as_posix(): (
            (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR)) if path.is_file() else None
        )
        for path in sorted(root.rglob("*"))
        if ".git" not in path.relative_to(root).parts
    }


def test_copier_yml_is_what_cookiecutter_json_gives() -> None:
    """Change a question in cookiecutter.json alone and this fails until copier.yml is made again."""
    assert (TEMPLATE / "copier.yml").read_text(encoding="utf-8") == NOXFILE.copier_yml_text()


@pytest.mark.parametrize("variant", variants())
def test_copier_makes_the_project_cookiecutter_makes_byte_for_byte(
    template_repo: Path, tmp_path: Path, rendered: Callable[..., Path], variant: Variant
) -> None:
    expected = tree(rendered(**variant.answers))
    got = tree(copier_render(template_repo, tmp_path / "copier", **variant.answers))
    assert got.pop(ANSWERS_FILE)  # copier's answers file, compared with cruft's below
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name


@pytest.mark.defaults
def test_the_answers_files_of_copier_and_cruft_hold_the_same_answers(
    template_repo: Path, tmp_path: Path
) -> None:
    given = {"project_name": "Same Answers", "layout": "mixed", "license": "BSD-3-Clause"}
    copier_answers = load_yaml(copier_render(template_repo, tmp_path / "copier", **given) / ANSWERS_FILE)
    extra = f"--extra-context={json.dumps(given)}"
    env = with_tools(child_env(), "cruft")
    run(["cruft", "create", "--no-input", extra, template_repo], cwd=tmp_path, env=env)
    cruft = json.loads((tmp_path / "same-answers" / ".cruft.json").read_text(encoding="utf-8"))
    cruft_answers = cruft["context"]["cookiecutter"]
    assert {q: copier_answers[q] for q in QUESTIONS} == {q: cruft_answers[q] for q in QUESTIONS}
    assert {q: copier_answers[q] for q in QUESTIONS} == {q: answers(**given)[q] for q in QUESTIONS}
    # each records where the project came from, and at which commit
    assert copier_answers["_src_path"] == cruft["template"] == str(template_repo)
    assert copier_answers["_commit"] in cruft["commit"]


BAD_ANSWERS = {"module_name": "class", "project_slug": "My Project", "version": "1.0"}
BAD_ANSWERS.update(author_email="Ada <ada@example.org>", description="two\nlines")


@pytest.mark.parametrize(("field", "bad"), BAD_ANSWERS.items())
def test_a_bad_answer_given_as_data_stops_copier_with_the_hooks_message_before_writing(
    template_repo: Path, tmp_path: Path, cookiecutter_cli: Callable[..., Any], field: str, bad: str
) -> None:
    destination = tmp_path / "project"
    proc = copier_copy(template_repo, destination, **{field: bad})
    assert proc.returncode == 1 and not destination.exists()
    problem = PRE_GEN.checks(CONFIG)[field](bad)
    assert f"rust-in-python: {problem}" in proc.stderr
    assert "Nothing was generated." in proc.stderr and "Traceback" not in proc.stderr
    # cookiecutter says the same of the same answer
    cookiecutter = cookiecutter_cli("--no-input", str(template_repo), f"{field}={bad}", cwd=tmp_path)
    assert f"rust-in-python: {problem}" in cookiecutter.stdout


def test_an_answer_off_a_menu_stops_copier_before_writing(template_repo: Path, tmp_path: Path) -> None:
    """copier checks a menu's answer itself, before any validator, and says so in its own words."""
    proc = copier_copy(template_repo, tmp_path / "project", abi3_floor="3.9")
    assert proc.returncode == 1 and not (tmp_path / "project").exists()
    assert f"'3.9' is not in {list(MENUS['abi3_floor'])}" in proc.stderr


def test_a_derived_default_that_breaks_a_rule_stops_copier_too(template_repo: Path, tmp_path: Path) -> None:
    proc = copier_copy(template_repo, tmp_path / "project", project_name="Class")
    assert proc.returncode == 1 and not (tmp_path / "project").exists()
    assert f"rust-in-python: {PRE_GEN.checks(CONFIG)['module_name']('class')}" in proc.stderr


def test_cruft_update_keeps_the_users_edit_and_brings_the_template_change(
    template_repo: Path, tmp_path: Path
) -> None:
    template_git = tmp_path / "template"  # a clone that this test may commit to
    git(tmp_path, "clone", "-q", str(template_repo), str(template_git))
    env = with_tools(child_env(), "cruft")
    run(["cruft", "create", "--no-input", template_git], cwd=tmp_path, env=env)
    project = tmp_path / "rust-in-python"
    commit_all(project, "As made")
    edit = users_edit(project)
    line = template_change(template_git)
    run(["cruft", "update", "--skip-apply-ask"], cwd=project, env=env)
    assert (project / "src" / "lib.rs").read_text(encoding="utf-8").endswith(edit)
    assert (project / "README.md").read_text(encoding="utf-8").endswith(f"\n{line}\n")
    assert run(["cruft", "check"], cwd=project, env=env).returncode == 0


def test_at_a_terminal_a_bad_module_name_is_refused_at_its_question_and_asked_again(
    template_repo: Path, tmp_path: Path
) -> None:
    pexpect = pytest.importorskip("pexpect", reason="pexpect drives a POSIX pseudo-terminal (not on Windows)")
    destination = tmp_path / "project"
    command = ["-m", "copier", "copy", "--trust", str(template_repo), str(destination)]
    # PROMPT_TOOLKIT_NO_CPR: the pseudo-terminal never answers prompt_toolkit's cursor position
    # request, which would cost a second's wait at every question.
    env = child_env(TERM="xterm-256color", COLUMNS="200", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        sys.executable, command, cwd=tmp_path, env=env, encoding="utf-8", timeout=60, dimensions=(50, 200)
    )
    prompts = iter(COPIER_YML[name]["help"] for name in QUESTIONS)
    for _ in range(2):  # the project's name and slug, as they come
        child.expect_exact(next(prompts))
        child.send("\r")
    child.expect_exact(next(prompts))  # the module name
    child.send("\x15class\r")  # Ctrl-U clears the derived default
    child.expect_exact("it is a Python keyword, so `import` cannot name it.")
    assert not destination.exists()
    child.send("\x15fast_fib\r")
    for prompt in prompts:
        child.expect_exact(prompt)
        child.send("\r")
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0, child.before
    assert 'name = "fast_fib"' in (destination / "Cargo.toml").read_text(encoding="utf-8")
