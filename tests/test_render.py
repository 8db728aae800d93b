"""Every combination of answers renders into a complete, well-formed project (no build)."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import tomllib
import trove_classifiers
import yaml

from conftest import CONFIG, PINS, PRE_GEN, answers, answers_id, read_toml, render

COMBINATIONS = [
    {},
    *({"abi3_floor": floor} for floor in PRE_GEN.ABI3_FLOORS[1:]),
    *({"license": license_} for license_ in PRE_GEN.LICENSES[1:]),
    {"layout": "mixed"},
    {"layout": "mixed", "abi3_floor": "none", "github_actions": "no", "license": "none"},
    {"github_actions": "no"},
    {"module_name": "fast_fib", "project_name": "Fast Fib", "version": "2.3.4", "author_email": ""},
]


@pytest.fixture(scope="module", params=COMBINATIONS, ids=answers_id)
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    """Each combination rendered once for this module's tests, which only read it."""
    return answers(**request.param), render(tmp_path_factory.mktemp("render"), **request.param)


def files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file())


def test_no_template_syntax_is_left(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    leftovers = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#|cookiecutter")
    for path in files(project):
        assert not leftovers.search(str(path.relative_to(project))), path
        text = path.read_text(encoding="utf-8")
        assert not leftovers.search(text), f"{path}: {leftovers.search(text)}"


def test_toml_yaml_and_python_files_parse(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    for path in files(project):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            yaml.safe_load(text)
        elif path.suffix in (".py", ".pyi"):
            ast.parse(text, filename=str(path))


def test_no_empty_folder_is_left(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    empty = [d for d, dirs, names in os.walk(project) if not dirs and not names]
    assert empty == []


def test_abi3_floor_sets_the_pyo3_feature_and_requires_python(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    floor = answers["abi3_floor"]
    pyo3 = read_toml(project / "Cargo.toml")["dependencies"]["pyo3"]
    pyproject = read_toml(project / "pyproject.toml")
    assert pyproject["project"]["requires-python"] == f">={answers['__min_python']}"
    if floor == "none":
        assert "features" not in pyo3
    else:
        assert answers["__min_python"] == floor
        assert pyo3["features"] == [f"abi3-py{floor.replace('.', '')}"]


def test_classifiers_name_every_python_the_floor_serves_and_free_threading(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    classifiers = read_toml(project / "pyproject.toml")["project"]["classifiers"]
    assert set(classifiers) <= trove_classifiers.classifiers  # each one PyPI accepts
    newest = int(PINS["newest_python"].split(".")[1])
    first = int(answers["__min_python"].split(".")[1])
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)]
    assert versions == [f"3.{minor}" for minor in range(first, newest + 1)]
    assert "Programming Language :: Python :: 3 :: Only" in classifiers
    # The release ships cp314t and abi3t wheels whatever the floor (floors never pass 3.15).
    assert "Programming Language :: Python :: Free Threading :: 3 - Stable" in classifiers


def test_project_urls_name_the_repository_with_a_placeholder_the_user_is_told_to_replace(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    urls = read_toml(project / "pyproject.toml")["project"]["urls"]
    assert urls == {"Repository": f"https://github.com/OWNER/{answers['project_slug']}"}
    assert "# A placeholder: put the project's real repository here" in (
        project / "pyproject.toml"
    ).read_text(encoding="utf-8")


def test_uv_rebuilds_when_any_input_of_the_build_changes(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    keys = read_toml(project / "pyproject.toml")["tool"]["uv"]["cache-keys"]
    files_ = {key["file"] for key in keys}
    assert files_ == {"pyproject.toml", "Cargo.toml", "Cargo.lock", ".cargo/config.toml", "src/**/*.rs"}
    for pattern in files_:
        assert list(project.glob(pattern)), pattern  # each names a file the project has


def test_module_name_names_the_library_the_binary_and_the_import(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    module = answers["module_name"]
    cargo = read_toml(project / "Cargo.toml")
    assert cargo["lib"]["name"] == module
    assert cargo["lib"]["crate-type"] == ["cdylib", "rlib"]
    assert [b["name"] for b in cargo["bin"]] == [module.replace("_", "-") + "-timer"]
    assert f"use {module}::fibo;" in (project / "src" / "main.rs").read_text()
    assert f"import {module}\n" in (project / "compare.py").read_text()


def test_layout_places_the_stub_where_type_checkers_look(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    module = answers["module_name"]
    maturin = read_toml(project / "pyproject.toml")["tool"]["maturin"]
    lib_rs = (project / "src" / "lib.rs").read_text()
    if answers["layout"] == "mixed":
        package = project / "python" / module
        assert sorted(p.name for p in package.iterdir()) == ["__init__.py", "_core.pyi", "py.typed"]
        assert maturin["module-name"] == f"{module}._core"
        assert maturin["python-source"] == "python"
        assert '#[pyo3::pymodule(name = "_core")]' in lib_rs
        assert not (project / f"{module}.pyi").exists()
    else:
        assert (project / f"{module}.pyi").is_file()
        assert not (project / "python").exists()
        assert "module-name" not in maturin
        assert f'#[pyo3::pymodule(name = "{module}")]' in lib_rs


def test_license_answer_chooses_license_files_and_metadata(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    license_ = answers["license"]
    present = sorted(p.name for p in project.glob("LICENSE*"))
    expected = {
        "none": [],
        "MIT OR Apache-2.0": ["LICENSE-APACHE", "LICENSE-MIT"],
    }.get(license_, ["LICENSE"])
    assert present == expected
    cargo = read_toml(project / "Cargo.toml")["package"]
    pyproject = read_toml(project / "pyproject.toml")["project"]
    if license_ == "none":
        assert "license" not in cargo and "license" not in pyproject
    else:
        assert cargo["license"] == pyproject["license"] == license_


def test_github_actions_answer_chooses_the_workflows(rendered: tuple[dict[str, str], Path]) -> None:
    answers, project = rendered
    has_workflows = (project / ".github").exists()
    assert has_workflows == (answers["github_actions"] == "yes")


def test_version_is_written_once_in_cargo_toml(rendered: tuple[dict[str, str], Path]) -> None:
    answers, project = rendered
    assert read_toml(project / "Cargo.toml")["package"]["version"] == answers["version"]
    pyproject = read_toml(project / "pyproject.toml")["project"]
    assert "version" not in pyproject and pyproject["dynamic"] == ["version"]


def test_metadata_is_the_same_in_cargo_toml_and_pyproject(
    rendered: tuple[dict[str, str], Path],
) -> None:
    answers, project = rendered
    cargo = read_toml(project / "Cargo.toml")["package"]
    pyproject = read_toml(project / "pyproject.toml")["project"]
    assert cargo["name"] == pyproject["name"] == project.name
    assert cargo["description"] == pyproject["description"]
    (author,) = pyproject["authors"]
    email = answers["author_email"]
    assert author.get("email", "") == email
    assert cargo["authors"] == [f"{author['name']} <{email}>" if email else author["name"]]


def test_defaults_render_the_classic_fibo_rust_project(bake: Callable[..., Path]) -> None:
    project = bake()
    assert project.name == "rust-in-python"
    assert read_toml(project / "Cargo.toml")["lib"]["name"] == "fibo_rust"
    assert read_toml(project / "Cargo.toml")["dependencies"]["pyo3"]["features"] == ["abi3-py310"]


@pytest.mark.parametrize(
    ("project_name", "slug", "module"),
    [("Fast Fib", "fast-fib", "fast_fib"), ("Ünïcode Maths 2", "unicode-maths-2", "unicode_maths_2")],
)
def test_slug_and_module_name_follow_the_project_name(project_name: str, slug: str, module: str) -> None:
    derived = answers(project_name=project_name)
    assert (derived["project_slug"], derived["module_name"]) == (slug, module)


@pytest.mark.parametrize(
    ("question", "choices"),
    [
        ("abi3_floor", PRE_GEN.ABI3_FLOORS),
        ("layout", PRE_GEN.LAYOUTS),
        ("license", PRE_GEN.LICENSES),
        ("github_actions", PRE_GEN.YES_NO),
    ],
)
def test_choice_menus_offer_what_the_hook_accepts_with_a_label_each(
    question: str, choices: tuple[str, ...]
) -> None:
    assert tuple(CONFIG[question]) == choices
    labels = CONFIG["__prompts__"][question]
    assert set(labels) == {"__prompt__", *choices}


def test_the_users_own_cookiecutter_config_does_not_leak_in(
    bake: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text("default_context:\n  module_name: hostile\n  license: none\n", encoding="utf-8")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(hostile))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".cookiecutterrc").write_text(hostile.read_text(encoding="utf-8"), encoding="utf-8")
    project = bake()
    assert read_toml(project / "Cargo.toml")["lib"]["name"] == "fibo_rust"
    assert (project / "LICENSE").is_file()
    assert not (tmp_path / ".cookiecutter_replay").exists()
