"""Every combination of answers renders into a complete, well-formed project (no build)."""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tomllib
import trove_classifiers
import yaml

from conftest import CONFIG, MENUS, PINS, QUESTIONS, TEMPLATE, Variant, answers, read_toml, run, variants

Project = tuple[dict[str, str], Path]


@pytest.fixture(params=variants())
def project(request: pytest.FixtureRequest, rendered: Callable[..., Path]) -> Project:
    """(every answer, the project) for each row of VARIANTS, rendered once per worker."""
    variant: Variant = request.param
    return variant.all_answers, rendered(**variant.answers)


def files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file())


def test_no_template_syntax_is_left(project: Project) -> None:
    _, root = project
    leftovers = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#|cookiecutter")
    for path in files(root):
        assert not leftovers.search(str(path.relative_to(root))), path
        text = path.read_text(encoding="utf-8")
        assert not leftovers.search(text), f"{path}: {leftovers.search(text)}"


def test_toml_yaml_and_python_files_parse(project: Project) -> None:
    parsers = {".toml": tomllib.loads, ".yml": yaml.safe_load, ".yaml": yaml.safe_load}
    parsers.update({".py": ast.parse, ".pyi": ast.parse})
    for path in files(project[1]):
        if path.suffix in parsers:
            parsers[path.suffix](path.read_text(encoding="utf-8"))


def test_no_empty_folder_is_left(project: Project) -> None:
    assert [d for d, dirs, names in os.walk(project[1]) if not dirs and not names] == []


def test_abi3_floor_sets_the_pyo3_feature_requires_python_and_classifiers(project: Project) -> None:
    given, root = project
    floor, first = given["abi3_floor"], given["__min_python"]
    pyo3 = read_toml(root / "Cargo.toml")["dependencies"]["pyo3"]
    metadata = read_toml(root / "pyproject.toml")["project"]
    assert metadata["requires-python"] == f">={first}"
    assert pyo3.get("features") == (None if floor == "none" else [f"abi3-py{floor.replace('.', '')}"])
    classifiers = metadata["classifiers"]
    assert set(classifiers) <= trove_classifiers.classifiers  # each one PyPI accepts
    newest = int(PINS["newest_python"].split(".")[1])
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)]
    assert versions == [f"3.{minor}" for minor in range(int(first.split(".")[1]), newest + 1)]
    # The release ships cp314t and abi3t wheels whatever the floor (floors never pass 3.15).
    assert "Programming Language :: Python :: Free Threading :: 3 - Stable" in classifiers


def test_uv_rebuilds_when_any_input_of_the_build_changes(project: Project) -> None:
    """Every file cargo and maturin read to build the extension is one of uv's cache keys."""
    _, root = project
    keys = [key["file"] for key in read_toml(root / "pyproject.toml")["tool"]["uv"]["cache-keys"]]
    sources = [path.relative_to(root).as_posix() for path in root.glob("src/**/*.rs")]
    read = ["Cargo.toml", "Cargo.lock", "pyproject.toml", "rust-toolchain.toml", *sources]
    matched = {path.relative_to(root).as_posix() for key in keys for path in root.glob(key)}
    assert [path for path in read if path not in matched] == []


def test_module_name_names_the_library_the_binary_and_the_import(project: Project) -> None:
    given, root = project
    module = given["module_name"]
    cargo = read_toml(root / "Cargo.toml")
    assert cargo["lib"]["name"] == module
    assert cargo["lib"]["crate-type"] == ["cdylib", "rlib"]
    assert [b["name"] for b in cargo["bin"]] == [module.replace("_", "-") + "-timer"]
    assert f"use {module}::fibo;" in (root / "src" / "main.rs").read_text(encoding="utf-8")
    assert f"import {module}\n" in (root / "compare.py").read_text(encoding="utf-8")


def test_layout_places_the_stub_where_type_checkers_look(project: Project) -> None:
    given, root = project
    module = given["module_name"]
    maturin = read_toml(root / "pyproject.toml")["tool"]["maturin"]
    lib_rs = (root / "src" / "lib.rs").read_text(encoding="utf-8")
    if given["layout"] == "mixed":
        package = root / "python" / module
        assert sorted(p.name for p in package.iterdir()) == ["__init__.py", "_core.pyi", "py.typed"]
        assert (maturin["module-name"], maturin["python-source"]) == (f"{module}._core", "python")
        assert '#[pyo3::pymodule(name = "_core")]' in lib_rs
        assert not (root / f"{module}.pyi").exists()
    else:
        assert (root / f"{module}.pyi").is_file() and not (root / "python").exists()
        assert "module-name" not in maturin
        assert f'#[pyo3::pymodule(name = "{module}")]' in lib_rs


def test_license_answer_chooses_license_files_and_metadata(project: Project) -> None:
    given, root = project
    license_ = given["license"]
    expected = {"none": [], "MIT OR Apache-2.0": ["LICENSE-APACHE", "LICENSE-MIT"]}.get(license_, ["LICENSE"])
    assert sorted(p.name for p in root.glob("LICENSE*")) == expected
    cargo = read_toml(root / "Cargo.toml")["package"]
    pyproject = read_toml(root / "pyproject.toml")["project"]
    assert cargo.get("license") == pyproject.get("license") == (None if license_ == "none" else license_)


def test_github_actions_answer_chooses_the_workflows(project: Project) -> None:
    given, root = project
    assert (root / ".github").exists() == (given["github_actions"] == "yes")


def test_version_is_written_once_and_metadata_agrees(project: Project) -> None:
    given, root = project
    cargo = read_toml(root / "Cargo.toml")["package"]
    pyproject = read_toml(root / "pyproject.toml")["project"]
    assert cargo["version"] == given["version"]
    assert "version" not in pyproject and pyproject["dynamic"] == ["version"]
    assert cargo["name"] == pyproject["name"] == root.name == given["project_slug"]
    assert cargo["description"] == pyproject["description"] == given["description"]
    (author,) = pyproject["authors"]
    email = given["author_email"]
    assert (author["name"], author.get("email", "")) == (given["author_name"], email)
    assert cargo["authors"] == [f"{author['name']} <{email}>" if email else author["name"]]
    # The repository URL is a placeholder the user is told to replace.
    assert pyproject["urls"] == {"Repository": f"https://github.com/OWNER/{given['project_slug']}"}


@pytest.mark.parametrize(
    ("project_name", "slug", "module"),
    [("Fast Fib", "fast-fib", "fast_fib"), ("Ünïcode Maths 2", "unicode-maths-2", "unicode_maths_2")],
)
def test_slug_and_module_name_follow_the_project_name(project_name: str, slug: str, module: str) -> None:
    derived = answers(project_name=project_name)
    assert (derived["project_slug"], derived["module_name"]) == (slug, module)


def test_every_question_has_a_label_and_every_menu_choice_a_label_of_its_own() -> None:
    """The hook reads the questions and their menus from these labels."""
    asked = [name for name in CONFIG if not name.startswith("_")]
    assert list(QUESTIONS) == asked
    for name in asked:
        label = CONFIG["__prompts__"][name]
        if isinstance(CONFIG[name], list):
            assert list(label) == ["__prompt__", *CONFIG[name]], name
            assert MENUS[name] == tuple(CONFIG[name])
        else:
            assert isinstance(label, str), name


def test_every_question_is_in_the_readmes_table_with_its_default() -> None:
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", readme, re.M))
    assert list(table) == list(QUESTIONS)
    for name, choices in MENUS.items():
        assert table[name].strip() == f"`{choices[0]}`", name


def test_the_quick_renders_ignore_the_users_own_configuration(tmp_path: Path) -> None:
    """The user's cookiecutter, cruft, copier and git settings, wherever they put them, change
    nothing the suite renders: the renders of this module and of the engines' comparisons run
    in a pytest of their own with hostile settings in every place the tools read."""
    home = tmp_path / "home"
    copier = home / ".config" / "copier" / "settings.yml"
    copier.parent.mkdir(parents=True)
    copier.write_text("defaults:\n  module_name: hostile\n  license: none\n", encoding="utf-8")
    cookiecutter = "default_context:\n  module_name: hostile\n  license: none\n"
    (home / ".cookiecutterrc").write_text(cookiecutter, encoding="utf-8")
    (home / "hostile.yaml").write_text(cookiecutter, encoding="utf-8")
    git = "[commit]\n\tgpgsign = true\n[init]\n\tdefaultBranch = hostile\n"
    (home / ".gitconfig").write_text(git, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COPIER_", "GIT_CONFIG"))}
    env.update(HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.update(COOKIECUTTER_CONFIG=str(home / "hostile.yaml"), COPIER_SETTINGS_PATH=str(copier))
    modules = ["tests/test_render.py", "tests/test_copier.py", "tests/test_validation.py"]
    pytest_ = [sys.executable, "-m", "pytest", "-n0", "-q", "-m", "defaults and not build"]
    proc = run([*pytest_, *modules], cwd=TEMPLATE, env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed", proc.stdout)
