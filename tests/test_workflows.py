"""Rendered and template workflows are valid, pinned, least-privilege and zizmor-clean."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import DEFAULTS, TEMPLATE, answers_id

PINS = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_pins"]
NEWEST_MINOR = int(PINS["newest_python"].split(".")[1])
USES = re.compile(r"uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)(?: # (?P<comment>\S+))?")

WORKFLOW_VARIANTS = [
    {},
    {"abi3_floor": "none", "layout": "mixed"},
    {"abi3_floor": "3.9"},
    {"abi3_floor": "3.15"},
]


@pytest.fixture(params=WORKFLOW_VARIANTS, ids=answers_id)
def github_dir(request: pytest.FixtureRequest, bake: Callable[..., Path]) -> tuple[dict[str, str], Path]:
    return {**DEFAULTS, **request.param}, bake(**request.param) / ".github"


def template_github_dir() -> Path:
    return TEMPLATE / ".github"


def workflow_files(github: Path) -> list[Path]:
    return sorted((github / "workflows").glob("*.yml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, timeout=120)


def test_rendered_workflows_have_zero_zizmor_findings(github_dir: tuple[dict[str, str], Path]) -> None:
    _, github = github_dir
    proc = check("zizmor", "--offline", "--no-progress", github)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_template_workflows_have_zero_zizmor_findings() -> None:
    proc = check("zizmor", "--offline", "--no-progress", template_github_dir())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


@pytest.mark.parametrize("which", ["rendered", "template"])
def test_workflows_and_dependabot_validate_against_their_schemas(
    which: str, bake: Callable[..., Path]
) -> None:
    github = bake() / ".github" if which == "rendered" else template_github_dir()
    proc = check("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files(github))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check("check-jsonschema", "--builtin-schema", "vendor.dependabot", github / "dependabot.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version(
    github_dir: tuple[dict[str, str], Path],
) -> None:
    _, github = github_dir
    for path in [*workflow_files(github), *workflow_files(template_github_dir())]:
        text = path.read_text()
        assert "uses:" in text
        for line in text.splitlines():
            if "uses:" not in line:
                continue
            match = USES.search(line)
            assert match, f"{path.name}: {line}"
            assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{path.name}: {line}"
            pin = PINS["actions"][match["action"]]
            assert (match["ref"], match["comment"]) == (pin["sha"], pin["version"])


def test_workflows_grant_no_permissions_by_default(github_dir: tuple[dict[str, str], Path]) -> None:
    _, github = github_dir
    for path in workflow_files(github):
        workflow = load(path)
        assert workflow["permissions"] == {}
        for name, job in workflow["jobs"].items():
            writes = {k for k, v in job["permissions"].items() if v == "write"}
            assert writes <= ({"id-token", "attestations"} if name == "release" else set()), name


def test_test_matrix_runs_from_the_floor_to_the_newest_python(
    github_dir: tuple[dict[str, str], Path],
) -> None:
    answers, github = github_dir
    floor = answers["abi3_floor"]
    first = 10 if floor == "none" else int(floor.split(".")[1])
    expected = [f"3.{minor}" for minor in range(first, NEWEST_MINOR + 1)]
    if floor == "none":
        expected.append(PINS["free_threaded_python"])
    matrix = load(github / "workflows" / "ci.yml")["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["python"] == expected
    assert matrix["os"] == ["ubuntu-latest", "macos-15", "windows-latest"]


def test_wheels_cover_every_major_platform(github_dir: tuple[dict[str, str], Path]) -> None:
    _, github = github_dir
    include = load(github / "workflows" / "wheels.yml")["jobs"]["wheels"]["strategy"]["matrix"]["include"]
    built = {(entry["platform"], entry["target"]) for entry in include}
    assert built == {
        ("manylinux", "x86_64"),
        ("manylinux", "aarch64"),
        ("musllinux", "x86_64"),
        ("musllinux", "aarch64"),
        ("windows", "x64"),
        ("windows", "aarch64"),
        ("macos", "x86_64"),
        ("macos", "aarch64"),
    }
    assert "macos-13" not in (github / "workflows" / "wheels.yml").read_text()


def test_abi3_projects_also_build_a_free_threaded_wheel(github_dir: tuple[dict[str, str], Path]) -> None:
    answers, github = github_dir
    steps = load(github / "workflows" / "wheels.yml")["jobs"]["wheels"]["steps"]
    args = [s["with"]["args"] for s in steps if "maturin-action" in s.get("uses", "")]
    if answers["abi3_floor"] == "none":
        assert args == ["--release --out dist --compatibility pypi --find-interpreter"]
    else:
        assert args == [
            "--release --out dist --compatibility pypi",
            f"--release --out dist --compatibility pypi --interpreter {PINS['free_threaded_python']}",
        ]


def test_release_uses_trusted_publishing_with_attestations(github_dir: tuple[dict[str, str], Path]) -> None:
    _, github = github_dir
    release = load(github / "workflows" / "wheels.yml")["jobs"]["release"]
    assert release["environment"]["name"] == "pypi"
    assert release["permissions"]["id-token"] == "write"
    steps = [s["uses"].split("@")[0] for s in release["steps"]]
    assert steps == ["actions/download-artifact", "actions/attest", "pypa/gh-action-pypi-publish"]
    assert "password" not in release["steps"][-1].get("with", {})


def test_dependabot_watches_actions_crates_and_python(bake: Callable[..., Path]) -> None:
    config = load(bake() / ".github" / "dependabot.yml")
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "cargo", "pip"}
