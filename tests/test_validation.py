"""Bad answers are refused cleanly before anything is written; free text renders byte for byte."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
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
    run,
    tool,
)

# Answers typed as text (the choice questions are menus): words the message must contain, and bad
# answers, each with the valid example the message gives, close to what was typed.
INVALID_TEXT_ANSWERS = [
    (field, value, rule, example)
    for field, rule, examples in [
        ("module_name", "lowercase snake_case", {"Fibo": "fibo", "my-mod": "my_mod", "Fast Fib": "fast_fib"}),
        ("module_name", "lowercase snake_case", {"2fast": "fast", "_fibo": "fibo", "fïbo": "f_bo"}),
        ("module_name", "lowercase snake_case", {"!!!": "fibo_rust", "": "fibo_rust"}),
        ("module_name", "Python keyword", {"class": "class_rs"}),
        ("module_name", "Rust keyword", {"match": "match_rs", "type": "type_rs", "gen": "gen_rs"}),
        ("module_name", "Cargo refuses", {"core": "core_rs", "proc_macro": "proc_macro_rs"}),
        ("module_name", "standard-library module", {"json": "json_rs"}),
        ("module_name", "depends on", {"pyo3": "pyo3_rs", "pytest": "pytest_rs"}),
        ("module_name", "would shadow", {"compare": "compare_rs"}),
        ("project_slug", "no spaces, dots, slashes", {"../escape": "escape", "a/b": "a-b"}),
        ("project_slug", "no spaces, dots, slashes", {"My Project": "my-project"}),
        ("project_slug", "single hyphens", {"my--project": "my-project"}),
        ("project_slug", "starting with a letter", {"-x": "x"}),
        ("project_slug", "reserved device name on Windows", {"con": "con-rs", "lpt1": "lpt1-rs"}),
        ("version", "MAJOR.MINOR.PATCH", {"1.0": "1.0.0", "v1.2.3": "1.2.3", "01.2.0": "1.2.0"}),
        ("version", "MAJOR.MINOR.PATCH", {"1.2.3-beta": "1.2.3", "1.2.3.4": "1.2.3", "2": "2.0.0"}),
        ("version", "MAJOR.MINOR.PATCH", {"latest": "0.1.0"}),
        ("author_email", "name@domain.tld", {"Ada <ada@example.org>": "ada@example.org"}),
        ("author_email", "name@domain.tld", {"mailto:ada@example.org.": "ada@example.org"}),
        ("author_email", "name@domain.tld", {"ada@localhost": "you@example.com", "a@b": "you@example.com"}),
        ("project_name", "must not be empty", {"   ": "Rust in Python"}),
        ("project_name", "single line", {"Fast\nFib": "Fast Fib"}),
        ("author_name", "comma", {"Lovelace, Ada": "Lovelace Ada"}),
        ("author_name", "single line", {"Ada\tLovelace\n": "Ada Lovelace"}),
        ("description", "single line", {"Fast.\r\nVery fast.": "Fast. Very fast."}),
    ]
    for value, example in examples.items()
]


def pairs(**table: Sequence[str]) -> list[tuple[str, str]]:
    return [(field, value) for field, values in table.items() for value in values]


# Values a replay file or cruft could carry for a menu question.
INVALID_CHOICES = pairs(
    abi3_floor=["3.9", "py310"], layout=["src"], license=["GPL-3.0"], github_actions=["maybe"]
)
VALID_ANSWERS = pairs(
    module_name=["fast_fib2", "my_module_", "case"],
    project_slug=["a", "fast-fib-2"],
    author_email=["", "first.last+tag@sub.example.org"],
    version=["10.20.30"],
    description=[""],
    author_name=['Zoë "Z" O\'Brien 🦀'],
    **MENUS,
)


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


@pytest.mark.parametrize(("field", "value"), VALID_ANSWERS)
def test_rule_accepts_valid_answer(field: str, value: str) -> None:
    assert validate(field, value) == []


# What cookiecutter must refuse on the command line with our message alone, writing nothing: one
# bad answer of each text question (the rules are tested above), slugs that are paths, and bad
# names derived from the project's name.
REFUSED = [
    *(
        ([f"{f}={v}", *([] if f == "project_slug" else ["project_slug=fine"])], [f"Invalid {f} "])
        for f, v in {f: v for f, v, _, _ in INVALID_TEXT_ANSWERS}.items()
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
    # On Windows symlinks need privileges, and launchers and uv's binaries work copied.
    (shutil.copy2 if os.name == "nt" else os.symlink)(found, folder / found.name)


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
    first = run([posix_shell(), "-c", typed], cwd=tmp_path, env=env, timeout=300, check=False)
    assert first.returncode == 1, first.stdout + first.stderr
    command = printed_command(first.stdout + first.stderr)
    assert shlex.split(command)[: len(prefix)] == prefix
    run([posix_shell(), "-c", command], cwd=tmp_path, env=env, timeout=300)  # checked: it must succeed
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
    def which(name: str, path: str) -> str | None:
        for entry in on_path:
            tool_, _, folder = entry.partition("@")
            if tool_ == name and (folder or "/usr/bin") in path.split(os.pathsep):
                return f"{folder or '/usr/bin'}/{name}"
        return None

    uv = {"UV": "/usr/bin/uv"} if uv_started_it else {}
    environ = {"PATH": os.pathsep.join(["/py/bin", "/usr/bin"]), **uv}
    assert PRE_GEN.cookiecutter_words(environ, "/py/bin/python3", which) == words


@pytest.mark.parametrize(("field", "value"), INVALID_CHOICES)
def test_a_value_outside_a_menu_on_the_command_line_is_refused_by_cookiecutter(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], field: str, value: str
) -> None:
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), f"{field}={value}", cwd=tmp_path)
    assert proc.returncode != 0
    assert f"{value} provided for choice variable {field}, but the choices are" in proc.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "said"),
    [([], "already exists"), (["-f", "version=1"], "Invalid version '1'")],
    ids=["rendering over it", "a bad answer with overwrite"],
)
def test_a_refused_render_keeps_an_existing_folder_untouched(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], options: list[str], said: str
) -> None:
    existing = tmp_path / "rust-in-python"
    existing.mkdir()
    (existing / "Cargo.toml").write_text("mine", encoding="utf-8")
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), *options, cwd=tmp_path)
    assert proc.returncode != 0
    assert said in proc.stdout
    assert [p.name for p in existing.iterdir()] == ["Cargo.toml"]
    assert (existing / "Cargo.toml").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("at_prompt", "text"),
    [
        (False, "Zoë \"\"\"double\"\"\" '''single''' \\back\\slash {braces} %d $HOME `tick` 🦀🚀 𝔘𝔫𝔦"),
        (True, "My {{ cookiecutter.module_name }} {% if x %} 🦀"),  # data, not template
    ],
    ids=["given on the command line", "typed at the prompt"],
)
def test_free_text_renders_byte_for_byte(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], at_prompt: bool, text: str
) -> None:
    given = dict.fromkeys(["project_name", "description", "author_name"], text)
    given.update(project_slug="free", module_name="free")
    if at_prompt:
        proc = cookiecutter_cli(str(TEMPLATE), cwd=tmp_path, stdin=at_the_prompt(**given))
    else:
        proc = cookiecutter_cli("--no-input", str(TEMPLATE), *map("=".join, given.items()), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(tmp_path / "free", text, text, text)


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


@pytest.mark.defaults
@pytest.mark.parametrize("with_uv", [True, False], ids=["uv on PATH", "no uv"])
def test_a_render_prints_the_next_steps_for_the_tools_on_path_and_nothing_alarming(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], with_uv: bool
) -> None:
    tools = tmp_path / "tools"  # stand-ins for cargo and rustc, so that this holds on a machine without Rust
    tools.mkdir()
    for stand_in in ("cargo", "cargo.bat", "rustc", "rustc.bat"):
        (tools / stand_in).write_text("exit 0\n", encoding="utf-8")
        (tools / stand_in).chmod(0o755)
    if with_uv:
        expose("uv", tools)
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), cwd=tmp_path, PATH=str(tools))
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
