"""Bad answers are refused cleanly before anything is written; free text renders byte for byte."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEFAULTS, TEMPLATE, cookiecutter_cli, load_module, read_toml, render

pre_gen = load_module(TEMPLATE / "hooks" / "pre_gen_project.py")
post_gen = load_module(TEMPLATE / "hooks" / "post_gen_project.py")

# (question, bad answer, words the message must contain)
INVALID_ANSWERS = [
    ("module_name", "Fibo", "lowercase snake_case"),
    ("module_name", "fibo-rust", "lowercase snake_case"),
    ("module_name", "1fibo", "lowercase snake_case"),
    ("module_name", "_fibo", "lowercase snake_case"),
    ("module_name", "fïbo", "lowercase snake_case"),
    ("module_name", "", "lowercase snake_case"),
    ("module_name", "class", "Python keyword"),
    ("module_name", "match", "Python keyword"),
    ("module_name", "type", "Python keyword"),
    ("module_name", "fn", "Rust keyword"),
    ("module_name", "crate", "Rust keyword"),
    ("module_name", "dyn", "Rust keyword"),
    ("module_name", "gen", "Rust keyword"),
    ("module_name", "core", "Cargo refuses"),
    ("module_name", "proc_macro", "Cargo refuses"),
    ("module_name", "json", "standard-library module"),
    ("module_name", "math", "standard-library module"),
    ("module_name", "pyo3", "depends on"),
    ("module_name", "pytest", "depends on"),
    ("module_name", "compare", "would shadow"),
    ("project_slug", "../escape", "no spaces, dots, slashes"),
    ("project_slug", "a/b", "no spaces, dots, slashes"),
    ("project_slug", "My Project", "no spaces, dots, slashes"),
    ("project_slug", "my--project", "single hyphens"),
    ("project_slug", "-x", "starting with a letter"),
    ("project_slug", "con", "reserved device name on Windows"),
    ("project_slug", "lpt1", "reserved device name on Windows"),
    ("abi3_floor", "3.8", "one of '3.9', '3.10'"),
    ("abi3_floor", "2.7", "one of '3.9', '3.10'"),
    ("abi3_floor", "py310", "'none'"),
    ("layout", "src", "one of 'rust', 'mixed'"),
    ("license", "GPL-3.0", "one of 'MIT'"),
    ("github_actions", "maybe", "one of 'yes', 'no'"),
    ("version", "1.0", "MAJOR.MINOR.PATCH"),
    ("version", "v1.0.0", "MAJOR.MINOR.PATCH"),
    ("version", "01.0.0", "MAJOR.MINOR.PATCH"),
    ("version", "1.0.0-alpha", "MAJOR.MINOR.PATCH"),
    ("author_email", "not-an-email", "name@domain.tld"),
    ("author_email", "a@b", "name@domain.tld"),
    ("project_name", "   ", "must not be empty"),
    ("author_name", "Doe, Jane", "comma"),
]


def example_answer(message: str) -> tuple[str, str]:
    field, _, value = message.rsplit("For example: ", 1)[1].partition("=")
    return field, value.strip().strip('"')


@pytest.mark.parametrize(("field", "value", "rule"), INVALID_ANSWERS)
def test_rule_rejects_bad_answer_naming_field_value_rule_and_example(
    field: str, value: str, rule: str
) -> None:
    (message,) = pre_gen.validate({**render_defaults(), field: value})
    assert message.startswith(f"Invalid {field} {value!r}: ")
    assert rule in message
    example_field, example = example_answer(message)
    assert example_field == field
    assert pre_gen.validate({**render_defaults(), field: example}) == []


def render_defaults() -> dict[str, str]:
    """The default answers as cookiecutter passes them to the hook (the slug rendered)."""
    return {**DEFAULTS, "project_slug": "rust-in-python"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("module_name", "fast_fib2"),
        ("module_name", "my_module_"),
        ("project_slug", "a"),
        ("project_slug", "fast-fib-2"),
        ("author_email", ""),
        ("author_email", "first.last+tag@sub.example.org"),
        ("version", "10.20.30"),
        ("license", "MIT OR Apache-2.0"),
        *(("abi3_floor", floor) for floor in pre_gen.ABI3_FLOORS),
        ("description", ""),
        ("author_name", 'Zoë "Z" O\'Brien 🦀'),
    ],
)
def test_rule_accepts_valid_answer(field: str, value: str) -> None:
    assert pre_gen.validate({**render_defaults(), field: value}) == []


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    INVALID_ANSWERS,
)
def test_cookiecutter_stops_with_our_message_first_and_writes_nothing(
    tmp_path: Path, field: str, value: str, rule: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    valid_slug = [] if field == "project_slug" else ["project_slug=fine"]
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), f"{field}={value}", *valid_slug, cwd=work)
    assert proc.returncode != 0
    first = proc.stdout.lstrip().splitlines()[0]
    assert first.startswith(f"rust-in-python: Invalid {field} ") and rule in first
    assert list(tmp_path.rglob("*")) == [work]


@pytest.mark.parametrize("slug", ["a/b", "../escape", "{absolute}", "", "."])
def test_a_slug_that_is_a_path_creates_no_folder_anywhere(tmp_path: Path, slug: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    slug = slug.format(absolute=tmp_path / "absolute")
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), f"project_slug={slug}", cwd=work)
    assert proc.returncode == 1
    assert proc.stdout.lstrip().startswith("rust-in-python: Invalid project_slug ")
    assert "Traceback" not in proc.stdout
    assert list(tmp_path.rglob("*")) == [work]


def test_a_project_name_with_no_letters_is_refused_through_its_empty_slug(tmp_path: Path) -> None:
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), "project_name=!!!", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.lstrip().startswith("rust-in-python: Invalid project_slug '': ")
    assert list(tmp_path.iterdir()) == []


def test_rendering_over_an_existing_folder_is_refused_and_keeps_its_files(tmp_path: Path) -> None:
    existing = tmp_path / "rust-in-python"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), cwd=tmp_path)
    assert proc.returncode != 0
    assert "already exists" in proc.stdout
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text() == "mine"


def test_a_bad_answer_with_overwrite_keeps_the_existing_folder_untouched(tmp_path: Path) -> None:
    existing = tmp_path / "rust-in-python"
    existing.mkdir()
    (existing / "Cargo.toml").write_text("mine")
    proc = cookiecutter_cli("--no-input", "-f", str(TEMPLATE), "version=1", cwd=tmp_path)
    assert proc.returncode != 0
    assert [p.name for p in existing.iterdir()] == ["Cargo.toml"]
    assert (existing / "Cargo.toml").read_text() == "mine"


@pytest.mark.parametrize("field", ["project_name", "description", "author_name"])
@pytest.mark.parametrize("text", ["one\ntwo", "tab\there", "bell\x07"])
def test_control_characters_in_one_line_fields_are_rejected(tmp_path: Path, field: str, text: str) -> None:
    with pytest.raises(FailedHookException):
        render(tmp_path, **{field: text})
    assert list(tmp_path.iterdir()) == []


TRICKY = "Zoë \"\"\"double\"\"\" '''single''' \\back\\slash {braces} %d $HOME `tick` 🦀🚀 𝔘𝔫𝔦"


def test_free_text_given_on_the_command_line_renders_byte_for_byte(tmp_path: Path) -> None:
    proc = cookiecutter_cli(
        "--no-input",
        str(TEMPLATE),
        f"description={TRICKY}",
        f"author_name={TRICKY}",
        f"project_name={TRICKY}",
        "project_slug=tricky",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(tmp_path / "tricky", TRICKY, TRICKY, TRICKY)


def test_text_typed_at_the_prompt_is_data_not_template(tmp_path: Path) -> None:
    typed = "My {{ cookiecutter.module_name }} {% if x %} 🦀"
    answers = [typed, "typed", "", "", "", typed, typed] + [""] * 4
    proc = cookiecutter_cli(str(TEMPLATE), cwd=tmp_path, stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stdout
    assert_round_trip(tmp_path / "typed", typed, typed, typed)


def assert_round_trip(project: Path, name: str, description: str, author: str) -> None:
    for toml_file, table in (("pyproject.toml", "project"), ("Cargo.toml", "package")):
        assert read_toml(project / toml_file)[table]["description"] == description
    assert read_toml(project / "pyproject.toml")["project"]["authors"][0]["name"] == author
    assert read_toml(project / "Cargo.toml")["package"]["authors"] == [f"{author} <you@example.com>"]
    assert (project / "README.md").read_text(encoding="utf-8").splitlines()[0] == f"# {name}"


one_line_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=one_line_text, author=one_line_text.filter(lambda s: "," not in s))
def test_any_printable_text_typed_at_the_prompt_reads_back_from_the_toml_files(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    description: str,
    author: str,
) -> None:
    typed = {"project_slug": "prop", "description": description, "author_name": author}

    def read_user_variable(var_name: str, default: object, *args: object, **kwargs: object) -> object:
        return typed.get(var_name, default)

    monkeypatch.setattr("cookiecutter.prompt.read_user_variable", read_user_variable)
    from cookiecutter.main import cookiecutter

    out = tmp_path_factory.mktemp("prop")
    project = Path(cookiecutter(str(TEMPLATE), no_input=False, output_dir=str(out)))
    assert_round_trip(project, "Rust in Python", description, author)


def test_pre_gen_hook_reads_answers_as_json_data() -> None:
    source = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    assert source.count("{{") == 1 and "{{ cookiecutter | tojson }}" in source


def test_dependency_names_cover_every_crate_the_project_builds(tmp_path: Path) -> None:
    project = render(tmp_path)
    proc = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--features", "python"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    packages = json.loads(proc.stdout)["packages"]
    crates = {p["name"].replace("-", "_") for p in packages} - {"rust_in_python"}
    assert crates <= pre_gen.DEPENDENCIES, crates - pre_gen.DEPENDENCIES


def test_hooks_are_idempotent(tmp_path: Path) -> None:
    answers = render_defaults()
    assert pre_gen.validate(answers) == pre_gen.validate(answers) == []
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "file").write_text("x")
    assert post_gen.prune_empty_dirs(tmp_path) == [tmp_path / "a" / "b", tmp_path / "a"]
    assert post_gen.prune_empty_dirs(tmp_path) == []
    assert (tmp_path / "keep" / "file").exists()


def test_hook_main_reports_to_stderr_and_exits_nonzero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pre_gen, "RENDERED_ANSWERS", json.dumps({**render_defaults(), "layout": "x"}))
    assert pre_gen.main() == 1
    assert "Invalid layout 'x'" in capsys.readouterr().err
