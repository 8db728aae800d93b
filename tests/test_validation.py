"""Bad answers are refused cleanly before anything is written; free text renders byte for byte."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    CONFIG,
    DEFAULTS,
    MENUS,
    POST_GEN,
    PRE_GEN,
    QUESTIONS,
    TEMPLATE,
    child_env,
    posix_shell,
    read_toml,
    tool,
)

# Answers typed as text (the choice questions are menus): words the message must contain, and the
# valid example it gives, close to what was typed.
INVALID_TEXT_ANSWERS = [
    ("module_name", "Fibo", "lowercase snake_case", "fibo"),
    ("module_name", "my-mod", "lowercase snake_case", "my_mod"),
    ("module_name", "Fast Fib", "lowercase snake_case", "fast_fib"),
    ("module_name", "2fast", "lowercase snake_case", "fast"),
    ("module_name", "_fibo", "lowercase snake_case", "fibo"),
    ("module_name", "fïbo", "lowercase snake_case", "f_bo"),
    ("module_name", "!!!", "lowercase snake_case", "fibo_rust"),
    ("module_name", "", "lowercase snake_case", "fibo_rust"),
    ("module_name", "class", "Python keyword", "class_rs"),
    ("module_name", "match", "Rust keyword", "match_rs"),
    ("module_name", "type", "Rust keyword", "type_rs"),
    ("module_name", "gen", "Rust keyword", "gen_rs"),
    ("module_name", "core", "Cargo refuses", "core_rs"),
    ("module_name", "proc_macro", "Cargo refuses", "proc_macro_rs"),
    ("module_name", "json", "standard-library module", "json_rs"),
    ("module_name", "pyo3", "depends on", "pyo3_rs"),
    ("module_name", "pytest", "depends on", "pytest_rs"),
    ("module_name", "compare", "would shadow", "compare_rs"),
    ("project_slug", "../escape", "no spaces, dots, slashes", "escape"),
    ("project_slug", "a/b", "no spaces, dots, slashes", "a-b"),
    ("project_slug", "My Project", "no spaces, dots, slashes", "my-project"),
    ("project_slug", "my--project", "single hyphens", "my-project"),
    ("project_slug", "-x", "starting with a letter", "x"),
    ("project_slug", "con", "reserved device name on Windows", "con-rs"),
    ("project_slug", "lpt1", "reserved device name on Windows", "lpt1-rs"),
    ("version", "1.0", "MAJOR.MINOR.PATCH", "1.0.0"),
    ("version", "v1.2.3", "MAJOR.MINOR.PATCH", "1.2.3"),
    ("version", "01.2.0", "MAJOR.MINOR.PATCH", "1.2.0"),
    ("version", "1.2.3-beta", "MAJOR.MINOR.PATCH", "1.2.3"),
    ("version", "1.2.3.4", "MAJOR.MINOR.PATCH", "1.2.3"),
    ("version", "2", "MAJOR.MINOR.PATCH", "2.0.0"),
    ("version", "latest", "MAJOR.MINOR.PATCH", "0.1.0"),
    ("author_email", "Ada <ada@example.org>", "name@domain.tld", "ada@example.org"),
    ("author_email", "mailto:ada@example.org.", "name@domain.tld", "ada@example.org"),
    ("author_email", "ada@localhost", "name@domain.tld", "you@example.com"),
    ("author_email", "a@b", "name@domain.tld", "you@example.com"),
    ("project_name", "   ", "must not be empty", "Rust in Python"),
    ("project_name", "Fast\nFib", "single line", "Fast Fib"),
    ("author_name", "Lovelace, Ada", "comma", "Lovelace Ada"),
    ("author_name", "Ada\tLovelace\n", "single line", "Ada Lovelace"),
    ("description", "Fast.\r\nVery fast.", "single line", "Fast. Very fast."),
]
# Values a replay file or cruft could carry for a menu question.
INVALID_CHOICES = [
    ("abi3_floor", "3.9"),
    ("abi3_floor", "py310"),
    ("layout", "src"),
    ("license", "GPL-3.0"),
    ("github_actions", "maybe"),
]


def validate(field: str, value: object) -> list[Any]:
    """The hook's problems with the default answers but this one."""
    return PRE_GEN.validate({**DEFAULTS, field: value}, CONFIG)


@pytest.mark.parametrize(("field", "value", "rule", "example"), INVALID_TEXT_ANSWERS)
def test_a_bad_answer_is_refused_naming_the_field_the_rule_and_a_valid_example_close_to_it(
    field: str, value: str, rule: str, example: str
) -> None:
    (problem,) = validate(field, value)
    assert str(problem) == f"Invalid {field} {value!r}: {problem.rule} For example: {field}={example}"
    assert rule in problem.rule
    assert validate(field, example) == []


@pytest.mark.parametrize(("field", "value"), INVALID_CHOICES)
def test_hook_rejects_a_value_outside_the_menu(field: str, value: str) -> None:
    (problem,) = validate(field, value)
    assert "it must be one of" in problem.rule
    assert validate(field, problem.example) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("module_name", "fast_fib2"),
        ("module_name", "my_module_"),
        ("module_name", "case"),
        ("project_slug", "a"),
        ("project_slug", "fast-fib-2"),
        ("author_email", ""),
        ("author_email", "first.last+tag@sub.example.org"),
        ("version", "10.20.30"),
        *((name, choice) for name, choices in MENUS.items() for choice in choices),
        ("description", ""),
        ("author_name", 'Zoë "Z" O\'Brien 🦀'),
    ],
)
def test_rule_accepts_valid_answer(field: str, value: str) -> None:
    assert validate(field, value) == []


# What cookiecutter must refuse on the command line with our message alone, writing nothing: one
# bad answer of each text question (the rules are tested above), slugs that are paths, and bad
# names derived from the project's name.
ONE_PER_QUESTION = {field: (field, value) for field, value, _, _ in INVALID_TEXT_ANSWERS}.values()
REFUSED = [
    *(
        ([f"{f}={v}", *([] if f == "project_slug" else ["project_slug=fine"])], [f"Invalid {f} "])
        for f, v in ONE_PER_QUESTION
    ),
    *(
        ([f"project_slug={slug}"], ["Invalid project_slug "])
        for slug in ["a/b", "../escape", "{absolute}", "", "."]
    ),
    (["project_name=!!!"], ["Invalid project_slug '': ", "Invalid module_name '': "]),
    (["project_name=Test"], ["Invalid module_name 'test': Cargo refuses it"]),
]


@pytest.mark.parametrize(("given", "said"), REFUSED, ids=[" ".join(given) for given, _ in REFUSED])
def test_cookiecutter_stops_with_our_message_alone_and_writes_nothing(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], given: list[str], said: list[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    given = [answer.format(absolute=tmp_path / "absolute") for answer in given]
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), *given, cwd=work)
    assert proc.returncode == 1
    assert proc.stdout.lstrip().startswith(f"rust-in-python: {said[0]}")
    assert all(f"rust-in-python: {words}" in proc.stdout for words in said)
    assert "Traceback" not in proc.stdout
    assert list(tmp_path.rglob("*")) == [work]


def printed_command(output: str) -> str:
    (line,) = [line for line in output.splitlines() if "  # replaced: " in line]
    return line.strip()


def test_the_message_ends_with_a_command_that_keeps_every_answer_and_marks_the_replaced(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    given = ["module_name=my-mod", "version=1.0", "description=it's $HOME", "license=BSD-3-Clause"]
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), *given, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.count("rust-in-python: Invalid ") == 2
    words = shlex.split(printed_command(proc.stdout), comments=True)
    assert words[:3] == ["cookiecutter", str(TEMPLATE), "--no-input"]
    expected = {field: DEFAULTS[field] for field in QUESTIONS}
    expected.update(module_name="my_mod", version="1.0.0", description="it's $HOME", license="BSD-3-Clause")
    assert dict(word.split("=", 1) for word in words[3:]) == expected
    assert printed_command(proc.stdout).endswith("# replaced: module_name, version")


def expose(tool_name: str, folder: Path) -> None:
    """Put a tool the suite has into `folder`, as the user's PATH would have it."""
    found = Path(tool(tool_name))
    if os.name == "nt":  # launchers and uv's binaries work copied; symlinks need privileges there
        shutil.copy2(found, folder / found.name)
    else:
        (folder / found.name).symlink_to(found)


# How the user started cookiecutter, what their shell's PATH has besides the shell, and how the
# printed command must start so that it runs there.
STARTS = {
    "cookiecutter": (["cookiecutter"], ["cookiecutter"]),
    "python -m cookiecutter": ([], [sys.executable, "-m", "cookiecutter"]),
    "uvx cookiecutter": (["uv", "uvx"], ["uvx", "cookiecutter"]),
}


@pytest.mark.parametrize("started_as", list(STARTS))
def test_the_printed_command_runs_in_the_users_shell_however_cookiecutter_was_started(
    tmp_path: Path, started_as: str
) -> None:
    tools, prefix = STARTS[started_as]
    user_bin = tmp_path / "bin"
    user_bin.mkdir()
    for name in tools:
        expose(name, user_bin)
    path = os.pathsep.join([str(user_bin), str(Path(posix_shell()).parent)])
    env = child_env(PATH=path, UV_PYTHON=sys.executable)
    start = shlex.join([sys.executable, "-m", "cookiecutter"]) if not tools else started_as
    typed = f"{start} {shlex.quote(str(TEMPLATE))} --no-input 'project_name=Fast Fib' module_name=my-mod"

    def in_shell(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [posix_shell(), "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            encoding="utf-8",
            timeout=300,
        )

    first = in_shell(typed)
    assert first.returncode == 1, first.stdout + first.stderr
    command = printed_command(first.stdout + first.stderr)
    assert shlex.split(command)[: len(prefix)] == prefix
    again = in_shell(command)
    assert again.returncode == 0, again.stdout + again.stderr
    assert read_toml(tmp_path / "fast-fib" / "Cargo.toml")["lib"]["name"] == "my_mod"


@pytest.mark.parametrize(
    ("on_path", "uv_started_it", "words"),
    [
        ({"cookiecutter", "uvx"}, False, ["cookiecutter"]),
        ({"uvx"}, False, ["uvx", "cookiecutter"]),
        (set(), False, ["/py/bin/python3", "-m", "cookiecutter"]),
        # uvx puts its throwaway environment, cookiecutter included, first on PATH for this run.
        ({"cookiecutter@/py/bin", "uvx"}, True, ["uvx", "cookiecutter"]),
        ({"cookiecutter@/py/bin"}, True, ["/py/bin/python3", "-m", "cookiecutter"]),
        ({"cookiecutter@/py/bin"}, False, ["cookiecutter"]),
    ],
)
def test_the_printed_command_starts_cookiecutter_the_way_the_users_shell_can(
    on_path: set[str], uv_started_it: bool, words: list[str]
) -> None:
    folders = {"/py/bin", "/usr/bin"}

    def which(name: str, path: str) -> str | None:
        for entry in on_path:
            tool_, _, folder = entry.partition("@")
            if tool_ == name and (folder or "/usr/bin") in path.split(os.pathsep):
                return f"{folder or '/usr/bin'}/{name}"
        return None

    environ = {"PATH": os.pathsep.join(sorted(folders)), **({"UV": "/usr/bin/uv"} if uv_started_it else {})}
    found = PRE_GEN.cookiecutter_words(environ, "/py/bin/python3", which)
    assert found == words


@pytest.mark.parametrize(("field", "value"), INVALID_CHOICES)
def test_a_value_outside_a_menu_on_the_command_line_is_refused_by_cookiecutter(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], field: str, value: str
) -> None:
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), f"{field}={value}", cwd=tmp_path)
    assert proc.returncode != 0
    assert f"{value} provided for choice variable {field}, but the choices are" in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_rendering_over_an_existing_folder_is_refused_and_keeps_its_files(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    existing = tmp_path / "rust-in-python"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine", encoding="utf-8")
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), cwd=tmp_path)
    assert proc.returncode != 0
    assert "already exists" in proc.stdout
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_bad_answer_with_overwrite_keeps_the_existing_folder_untouched(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    existing = tmp_path / "rust-in-python"
    existing.mkdir()
    (existing / "Cargo.toml").write_text("mine", encoding="utf-8")
    proc = cookiecutter_cli("--no-input", "-f", str(TEMPLATE), "version=1", cwd=tmp_path)
    assert proc.returncode != 0
    assert [p.name for p in existing.iterdir()] == ["Cargo.toml"]
    assert (existing / "Cargo.toml").read_text(encoding="utf-8") == "mine"


TRICKY = "Zoë \"\"\"double\"\"\" '''single''' \\back\\slash {braces} %d $HOME `tick` 🦀🚀 𝔘𝔫𝔦"


def test_free_text_given_on_the_command_line_renders_byte_for_byte(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    proc = cookiecutter_cli(
        "--no-input",
        str(TEMPLATE),
        f"description={TRICKY}",
        f"author_name={TRICKY}",
        f"project_name={TRICKY}",
        "project_slug=tricky",
        "module_name=tricky",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(tmp_path / "tricky", TRICKY, TRICKY, TRICKY)


def test_text_typed_at_the_prompt_is_data_not_template(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    typed = "My {{ cookiecutter.module_name }} {% if x %} 🦀"
    stdin = at_the_prompt(
        project_name=typed,
        project_slug="typed",
        module_name="typed_mod",
        description=typed,
        author_name=typed,
    )
    proc = cookiecutter_cli(str(TEMPLATE), cwd=tmp_path, stdin=stdin)
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(tmp_path / "typed", typed, typed, typed)


def at_the_prompt(**typed: str) -> str:
    """What a person types at cookiecutter's prompts: these answers, Enter for the others."""
    return "".join(f"{typed.get(name, '')}\n" for name in QUESTIONS)


def assert_round_trip(project: Path, name: str, description: str, author: str) -> None:
    for toml_file, table in (("pyproject.toml", "project"), ("Cargo.toml", "package")):
        assert read_toml(project / toml_file)[table]["description"] == description
    assert read_toml(project / "pyproject.toml")["project"]["authors"][0]["name"] == author
    assert read_toml(project / "Cargo.toml")["package"]["authors"] == [f"{author} <you@example.com>"]
    assert (project / "README.md").read_text(encoding="utf-8").splitlines()[0] == f"# {name}"


# What a person can type on one line (the prompt trims the ends, and an empty answer means
# the default, so those two cases are left to the tests above).
one_line_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda text: text.strip() == text)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=one_line_text, author=one_line_text.filter(lambda s: "," not in s))
def test_any_printable_text_typed_at_the_prompt_reads_back_from_the_toml_files(
    tmp_path_factory: pytest.TempPathFactory,
    cookiecutter_cli: Callable[..., Any],
    description: str,
    author: str,
) -> None:
    out = tmp_path_factory.mktemp("prop")
    stdin = at_the_prompt(project_slug="prop", description=description, author_name=author)
    proc = cookiecutter_cli(str(TEMPLATE), cwd=out, stdin=stdin)
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(out / "prop", "Rust in Python", description, author)


def test_pre_gen_hook_as_the_safety_net_prints_our_message_and_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # cookiecutter's context keeps cookiecutter.json's labels, which name the menus' choices.
    replayed = {**CONFIG, **DEFAULTS, "layout": "src", "_template": "gh:someone/rust-in-python"}
    monkeypatch.setattr(PRE_GEN, "RENDERED_ANSWERS", json.dumps(replayed))
    assert PRE_GEN.main() == 1
    err = capsys.readouterr().err
    assert "rust-in-python: Invalid layout 'src'" in err
    assert "cookiecutter gh:someone/rust-in-python --no-input " in err and "layout=rust" in err


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


def test_hooks_change_nothing_when_run_again_in_a_generated_project(
    bake: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = bake(layout="mixed")
    before = snapshot(project)
    monkeypatch.chdir(project)
    monkeypatch.setattr(PRE_GEN, "RENDERED_ANSWERS", json.dumps({**CONFIG, **DEFAULTS, "layout": "mixed"}))
    monkeypatch.setattr(POST_GEN, "MIN_PYTHON", DEFAULTS["__min_python"])
    assert PRE_GEN.main() == 0
    assert POST_GEN.main() == 0
    assert snapshot(project) == before
    assert "Next steps" in capsys.readouterr().out


def rust_stand_ins(folder: Path) -> Path:
    """A folder with stand-ins for cargo and rustc, so that a test holds on a machine without Rust."""
    folder.mkdir()
    for name in ("cargo", "rustc"):
        for stand_in in (folder / name, folder / f"{name}.bat"):
            stand_in.write_text("exit 0\n", encoding="utf-8")
            stand_in.chmod(0o755)
    return folder


@pytest.mark.defaults
@pytest.mark.parametrize("with_uv", [True, False], ids=["uv on PATH", "no uv"])
def test_a_render_prints_the_next_steps_for_the_tools_on_path_and_nothing_alarming(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], with_uv: bool
) -> None:
    tools = rust_stand_ins(tmp_path / "tools")
    if with_uv:
        expose("uv", tools)
    work = tmp_path / "work"
    work.mkdir()
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), cwd=work, PATH=str(tools))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == POST_GEN.next_steps("rust-in-python", [], with_uv=with_uv)


def test_a_render_without_rust_on_path_succeeds_and_says_how_to_install_it(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any]
) -> None:
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), cwd=tmp_path, PATH=str(Path(sys.executable).parent))
    assert proc.returncode == 0, proc.stdout
    assert "Rust is not installed here (cargo and rustc not found on PATH)" in proc.stdout
    assert "https://rustup.rs" in proc.stdout
    assert (tmp_path / "rust-in-python" / "Cargo.toml").is_file()


@pytest.mark.parametrize(
    ("floor", "python", "warned"),
    [("3.12", (3, 11), True), ("3.12", (3, 12), False), ("3.10", (3, 13), False)],
)
def test_a_python_older_than_the_floor_is_pointed_out(
    floor: str, python: tuple[int, int], warned: bool
) -> None:
    notes = POST_GEN.warnings(floor, python, which=lambda name: f"/usr/bin/{name}")
    assert bool(notes) == warned
    assert all(f"needs Python {floor} or newer" in note for note in notes)
