"""The rendered project follows the Scientific Python development guide: sp-repo-review passes,
pre-commit uses the hook repositories people use (pinned by rev to the template's `_pins`), the
pytest and mypy settings are strict, and nox runs the checks CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from repo_review.processor import process

from conftest import (
    PINS,
    build_env,
    check_pins,
    child_env,
    commit_all,
    git,
    make_venv,
    read_toml,
    render,
    replace_in,
    required_cpython,
    run,
    variants,
    venv_env,
    venv_python,
)

# Hook repositories only a project with GitHub Actions needs (they check its workflows).
WORKFLOW_HOOK_REPOS = {"python-jsonschema/check-jsonschema", "zizmorcore/zizmor-pre-commit"}


class Rendered(NamedTuple):
    answers: dict[str, str]
    path: Path


@pytest.fixture(params=variants())
def project(request: pytest.FixtureRequest, rendered: Callable[..., Path]) -> Rendered:
    return Rendered(request.param.all_answers, rendered(**request.param.answers))


def hook_repos(project: Path) -> dict[str, dict[str, Any]]:
    """The remote repositories of the project's pre-commit config, keyed by owner/name."""
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {r["repo"].removeprefix("https://github.com/"): r for r in config["repos"] if r["repo"] != "local"}


# --- sp-repo-review ------------------------------------------------------------------------
def test_sp_repo_review_finds_no_failing_check(project: Rendered) -> None:
    _, results = process(project.path)
    failed = {r.name: f"{r.description}: {r.err_msg}" for r in results if r.result is False}
    assert failed == {}
    passed_families = {r.family for r in results if r.result is True}
    assert passed_families >= {"general", "pyproject", "pre-commit", "mypy", "noxfile", "ruff"}


# --- pre-commit config and pins ------------------------------------------------------------
def test_pre_commit_accepts_the_config(project: Rendered) -> None:
    config = ".pre-commit-config.yaml"
    run([sys.executable, "-m", "pre_commit", "validate-config", config], cwd=project.path)


def test_each_hook_repository_is_pinned_to_the_rev_the_pin_check_watches(project: Rendered) -> None:
    expected = check_pins.revs(PINS)
    if project.answers["github_actions"] == "no":
        expected = {repo: rev for repo, rev in expected.items() if repo not in WORKFLOW_HOOK_REPOS}
    assert {repo: entry["rev"] for repo, entry in hook_repos(project.path).items()} == expected


# The hook repositories whose release tags have no `v` (their GitHub tags).
TAGS_WITHOUT_V = {"hukkin/mdformat", "python-jsonschema/check-jsonschema"}


def test_each_hook_rev_is_a_release_tag_as_its_repository_spells_it(project: Rendered) -> None:
    for repo, entry in hook_repos(project.path).items():
        prefix = "" if repo in TAGS_WITHOUT_V else "v"
        assert re.fullmatch(re.escape(prefix) + r"\d+(\.\d+)+", entry["rev"]), (repo, entry["rev"])


def test_the_dev_group_pins_the_ruff_and_mypy_the_hooks_run(project: Rendered) -> None:
    """Read from the rendered files alone: the hook's rev is `v` + the dev group's version."""
    dev = [r.split(";")[0] for r in read_toml(project.path / "pyproject.toml")["dependency-groups"]["dev"]]
    hooks = hook_repos(project.path)
    for dist, repo in (("ruff", "astral-sh/ruff-pre-commit"), ("mypy", "pre-commit/mirrors-mypy")):
        assert f"{dist}=={hooks[repo]['rev'].removeprefix('v')}" in dev


# --- pytest settings: strict --------------------------------------------------------------------
@pytest.fixture(scope="module")
def pytest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a venv holding the pytest its dev group pins."""
    root = tmp_path_factory.mktemp("pytest")
    project = render(root)
    dev = read_toml(project / "pyproject.toml")["dependency-groups"]["dev"]
    make_venv(root, sys.executable, *[r for r in dev if r.startswith("pytest==")])
    return project


# Each probe is a test that must fail, and a line its output must show, because of a setting.
@pytest.mark.parametrize(
    ("source", "shows"),
    [
        ("import warnings\n\ndef test_probe():\n    warnings.warn('probe')\n", "UserWarning: probe"),
        ("import pytest\n\n@pytest.mark.xfail\ndef test_probe():\n    pass\n", "[XPASS(strict)]"),
        (
            "import pytest\n\n@pytest.mark.probe_marker\ndef test_probe():\n    pass\n",
            "'probe_marker' not found in `markers`",
        ),
        (
            "import logging\n\ndef test_probe():\n"
            "    logging.getLogger('p').info('probe-info')\n    assert False\n",
            "INFO     p:test_probe.py:4 probe-info",
        ),
    ],
    ids=["filterwarnings", "strict xfail", "strict markers", "log_level"],
)
def test_the_pytest_setting_is_in_force(pytest_project: Path, source: str, shows: str) -> None:
    probe = pytest_project / "tests" / "test_probe.py"
    probe.write_text(source, encoding="utf-8")
    python = venv_python(pytest_project.parent / "venv")
    proc = run([python, "-m", "pytest", "-p", "no:cacheprovider", probe], cwd=pytest_project, check=False)
    probe.unlink()
    assert proc.returncode != 0
    assert shows in proc.stdout + proc.stderr


# --- nox: the sessions CI runs, on a fresh project ------------------------------------------
# (lint and tests run in test_readme.py, as the README gives them, in both layouts)
@pytest.mark.build
@pytest.mark.parametrize(
    ("answers", "python", "session"),
    [({}, None, "build"), ({"abi3_floor": "3.10", "layout": "mixed"}, "3.10", "tests")],
    ids=["build on this Python", "tests, mixed at 3.10 on CPython 3.10"],
)
def test_nox_sessions_pass_on_a_fresh_project(
    tmp_path: Path, answers: dict[str, str], python: str | None, session: str
) -> None:
    project = render(tmp_path, **answers)
    venv = make_venv(tmp_path, required_cpython(python) if python else sys.executable, "pip>=25.1")
    run([venv_python(venv), "-m", "pip", "install", "-q", "--group", "dev"], cwd=project)
    proc = run([venv_python(venv), "-m", "nox", "-s", session], cwd=project, env=venv_env(venv))
    out = proc.stdout + proc.stderr
    assert f"Session {session} was successful" in out
    if session == "tests":
        assert f"-- Python {python}." in out  # pytest ran on that Python
    else:
        assert sorted(path.suffix for path in (project / "dist").iterdir()) == [".gz", ".whl"]


# --- pre-commit, every hook, with a local stand-in for each hook repository ------------------
# Where GitHub cannot be reached, a local git repository stands in for each hook repository: tagged
# with the pinned rev, declaring the hooks as the real .pre-commit-hooks.yaml does (language python,
# name = id, for reading the output), and installing the tool from PyPI at the version the rev tags.
MANIFESTS: dict[str, list[dict[str, Any]]] = yaml.safe_load(r"""
pre-commit/pre-commit-hooks:
- {id: check-added-large-files, entry: check-added-large-files}
- {id: check-case-conflict, entry: check-case-conflict}
- {id: check-merge-conflict, entry: check-merge-conflict, types: [text]}
- {id: check-toml, entry: check-toml, types: [toml]}
- {id: check-yaml, entry: check-yaml, types: [yaml]}
- {id: end-of-file-fixer, entry: end-of-file-fixer, types: [text]}
- {id: trailing-whitespace, entry: trailing-whitespace-fixer, types: [text]}
astral-sh/ruff-pre-commit:
- {id: ruff-check, entry: ruff check --force-exclude, types_or: [python, pyi, jupyter]}
- {id: ruff-format, entry: ruff format --force-exclude, types_or: [python, pyi, jupyter]}
pre-commit/mirrors-mypy:
- {id: mypy, entry: mypy, types_or: [python, pyi], args: [--ignore-missing-imports, --scripts-are-modules],
   require_serial: true}
codespell-project/codespell:
- {id: codespell, entry: codespell, types: [text]}
abravalheri/validate-pyproject:
- {id: validate-pyproject, entry: validate-pyproject, files: ^pyproject.toml$}
hukkin/mdformat:
- {id: mdformat, entry: mdformat, types: [markdown]}
python-jsonschema/check-jsonschema:
- {id: check-github-workflows, entry: check-jsonschema --builtin-schema vendor.github-workflows,
   files: '^\.github/workflows/[^/]+$', types: [yaml]}
- {id: check-dependabot, entry: check-jsonschema --builtin-schema vendor.dependabot,
   files: '^\.github/dependabot\.(yml|yaml)$', types: [yaml]}
zizmorcore/zizmor-pre-commit:
- {id: zizmor, entry: zizmor, args: [--no-progress], types: [yaml],
   files: '(\.github/(workflows/.*|dependabot.ya?ml))|(action\.ya?ml)$', require_serial: true}
""")
# The extra a hook's tool is installed with, where it has one.
EXTRAS = {"abravalheri/validate-pyproject": "[all]"}


def stand_in(repo: str, rev: str, where: Path) -> Path:
    where.mkdir(parents=True)
    requirement = f"{check_pins.pypi_name(repo)}{EXTRAS.get(repo, '')}=={check_pins.pypi_version(rev)}"
    (where / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "stand-in"\nversion = "0"\ndependencies = ["{requirement}"]\n\n'
        "[tool.setuptools]\npy-modules = []\n",
        encoding="utf-8",
    )
    hooks = [{"name": hook["id"], "language": "python", **hook} for hook in MANIFESTS[repo]]
    (where / ".pre-commit-hooks.yaml").write_text(yaml.safe_dump(hooks), encoding="utf-8")
    commit_all(where, "stand-in")
    git(where, "tag", rev)
    return where


def github_reachable() -> bool:
    probe = ["git", "ls-remote", "--heads", "https://github.com/pre-commit/pre-commit-hooks"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20, env=child_env()).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@pytest.mark.build
def test_every_pre_commit_hook_passes_on_a_fresh_project(tmp_path: Path) -> None:
    """With the real hook repositories where GitHub answers (the template's CI), else a stand-in each."""
    project = render(tmp_path / "out")  # the defaults have every hook
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    offline = not github_reachable()
    for repo in config["repos"]:
        if repo["repo"] != "local" and offline:
            name = repo["repo"].removeprefix("https://github.com/")
            repo["repo"] = str(stand_in(name, repo["rev"], tmp_path / "hook-repos" / name))
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = build_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    pre_commit = [sys.executable, *"-m pre_commit run --all-files --config".split(), config_path]
    out = run(pre_commit, cwd=project, env=env, timeout=1800).stdout
    results = dict(re.findall(r"^(\S.*?)\.{3,}(?:\(.*\))?(Passed|Failed|Skipped)$", out, re.MULTILINE))
    hooks = sum(len(repo["hooks"]) for repo in config["repos"])
    assert len(results) == hooks and set(results.values()) == {"Passed"}, out


@pytest.mark.build
def test_the_public_api_gate_fails_a_break_until_the_version_says_so(
    bake: Callable[..., Path], nox: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """`nox -s api` (README.md), in a repository with release tags: a parameter renamed or a
    function removed in the stub fails it until Cargo.toml's version is bumped as semver asks
    (the minor one while 0.x); a function added needs no bump."""
    project = bake()
    commit_all(project, "The first release")
    git(project, "tag", "v0.1.0")

    def change(old: str, new: str, name: str = "fibo_rust.pyi") -> None:
        replace_in(project / name, old, new)
        git(project, "commit", "-qam", "A change")

    change("def fibo(n: SupportsIndex)", "def fibo(k: SupportsIndex)")
    broken = nox(project, "-s", "api")
    said = broken.stdout + broken.stderr
    assert broken.returncode != 0 and "fibo(n): Parameter was removed" in said and "as 0.2.0" in said
    change('version = "0.1.0"', 'version = "0.1.1"', "Cargo.toml")
    assert nox(project, "-R", "-s", "api").returncode != 0  # a patch release does not say so
    change('version = "0.1.1"', 'version = "0.2.0"', "Cargo.toml")
    assert nox(project, "-R", "-s", "api").returncode == 0
    git(project, "tag", "v0.2.0")
    added = "def double(n: SupportsIndex) -> int: ...\n"
    change("def fibo(k: SupportsIndex)", added + "def fibo(k: SupportsIndex)")
    change('"fibo"]', '"double", "fibo"]')  # and in __all__: public
    assert nox(project, "-R", "-s", "api").returncode == 0
    change('version = "0.2.0"', 'version = "0.2.1"', "Cargo.toml")
    git(project, "tag", "v0.2.1")
    change("def fibo(k: SupportsIndex)", "def fib(k: SupportsIndex)")
    removed = nox(project, "-R", "-s", "api")
    said = removed.stdout + removed.stderr
    assert removed.returncode != 0 and "fibo: Public object was removed" in said and "as 0.3.0" in said
