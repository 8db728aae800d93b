"""The rendered and the template's own workflows: what they ask of GitHub's runners exists,
they cover every CPython the project supports, and they are hardened (zizmor's pedantic
persona, pins, permissions, timeouts, bash, concurrency)."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CI_PYTHONS, PINS, TEMPLATE, Variant, load_module, posix_shell, read_toml, tool, variants

check_pins = load_module(TEMPLATE / ".ci" / "check_pins.py")

SNAPSHOT = json.loads((TEMPLATE / "tests" / "data" / "python-versions.json").read_text(encoding="utf-8"))
ACTION_TAGS = json.loads((TEMPLATE / "tests" / "data" / "action-tags.json").read_text(encoding="utf-8"))
NEWEST = check_pins.minor(PINS["newest_python"])[1]
FIRST_FREE_THREADED = check_pins.minor(PINS["free_threaded_python"])[1]
USES = re.compile(r"uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)(?: # (?P<comment>\S+))?")
MATRIX_REF = re.compile(r"\$\{\{ matrix\.(\w+) \}\}")
WITH_WORKFLOWS = variants(lambda v: v.has_workflows)


@pytest.fixture(scope="module")
def githubs(rendered: Callable[..., Path]) -> list[tuple[Variant, Path]]:
    """(the variant, its .github) for every variant with workflows."""
    return [(param.values[0], rendered(**param.values[0].answers) / ".github") for param in WITH_WORKFLOWS]


@pytest.fixture(params=WITH_WORKFLOWS)
def github(request: pytest.FixtureRequest, rendered: Callable[..., Path]) -> tuple[Variant, Path]:
    return request.param, rendered(**request.param.answers) / ".github"


def workflow_files(github: Path) -> list[Path]:
    return sorted((github / "workflows").glob("*.yml"))


def all_workflows(githubs: list[tuple[Variant, Path]]) -> list[Path]:
    return [p for _, github in githubs for p in workflow_files(github)] + workflow_files(TEMPLATE / ".github")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(str(args[0])), *(str(a) for a in args[1:])], capture_output=True, encoding="utf-8", timeout=120
    )


def supported(floor: str) -> list[str]:
    """Every CPython a project with this floor supports: GIL-enabled from the floor to the newest,
    free-threaded from 3.14t (PyO3 refuses older free-threaded builds), never below the floor."""
    first = check_pins.minor("3.11" if floor == "none" else floor)[1]
    gil = [f"3.{m}" for m in range(first, NEWEST + 1)]
    return gil + [f"3.{m}t" for m in range(max(first, FIRST_FREE_THREADED), NEWEST + 1)]


def rows(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix rows of a job (one empty row without a matrix)."""
    matrix = dict(job.get("strategy", {}).get("matrix", {}))
    include = matrix.pop("include", [])
    product = [dict(zip(matrix, values, strict=True)) for values in itertools.product(*matrix.values())]
    return [r for r in product if r] + include or [{}]


def expand(value: Any, row: dict[str, Any]) -> str:
    return MATRIX_REF.sub(lambda m: str(row[m[1]]), str(value))


def jobs(path: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, job, matrix row) for every row of every job of a workflow."""
    for name, job in load(path)["jobs"].items():
        for row in rows(job):
            yield name, job, row


def setup_python_requests(path: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(job, runner, python, allow-prereleases) for every CPython a setup-python step asks for."""
    for name, job, row in jobs(path):
        for step in job["steps"]:
            if "actions/setup-python" in step.get("uses", ""):
                for python in expand(step["with"]["python-version"], row).split():
                    yield (
                        name,
                        expand(job["runs-on"], row),
                        python,
                        step["with"].get("allow-prereleases", False),
                    )


# --- What the runners must have ----------------------------------------------------------------


def test_every_runner_and_python_any_job_requests_exists(githubs: list[tuple[Variant, Path]]) -> None:
    """Each runner label is one the snapshot of actions/runner-images knows, and each (runner,
    CPython) pair a setup-python step asks for is in setup-python's manifest, by its rules for
    pre-releases and free-threaded builds (check_pins.offers)."""
    missing = []
    for path in all_workflows(githubs):
        for job, runner, python, prereleases in setup_python_requests(path):
            if not check_pins.offers(SNAPSHOT, runner, python, prereleases):
                missing.append(f"{path}: {job} wants CPython {python} on {runner}")
        for name, job, row in jobs(path):
            if expand(job["runs-on"], row) not in SNAPSHOT["runners"]:
                missing.append(f"{path}: {name} runs on unknown {expand(job['runs-on'], row)}")
    assert missing == []


def test_every_job_names_a_pinned_runner_image_never_a_latest_label(
    githubs: list[tuple[Variant, Path]],
) -> None:
    """A `-latest` label moves to a newer image with other CPythons when GitHub says so; a
    versioned label moves only when `_pins.runners` does."""
    used = {expand(job["runs-on"], row) for path in all_workflows(githubs) for _, job, row in jobs(path)}
    assert used <= set(PINS["runners"].values())


def test_the_workflows_ask_for_every_supported_python_and_no_other(github: tuple[Variant, Path]) -> None:
    """CI tests every supported CPython on each OS; each wheel row smoke-tests every one its
    runner has; no step asks for a CPython the project does not support."""
    variant, path = github
    wanted = supported(variant.all_answers["abi3_floor"])
    requested = {python for f in workflow_files(path) for _, _, python, _ in setup_python_requests(f)}
    assert requested <= set(wanted)
    matrix = load(path / "workflows" / "ci.yml")["jobs"]["test"]["strategy"]["matrix"]
    runners = PINS["runners"]
    assert (matrix["python"], matrix["os"]) == (
        wanted,
        [runners["linux"], runners["macos"], runners["windows"]],
    )
    for row in rows(load(path / "workflows" / "wheels.yml")["jobs"]["wheels"]):
        offered = [p for p in wanted if check_pins.offers(SNAPSHOT, row["runner"], p, True)]
        assert row["pythons"].split() == offered, row["runner"]


def test_ci_builds_once_per_os_and_tests_those_wheels(github: tuple[Variant, Path]) -> None:
    ci = load(github[1] / "workflows" / "ci.yml")["jobs"]
    build, test = ci["build"], ci["test"]
    (upload,) = [s for s in build["steps"] if "upload-artifact" in s.get("uses", "")]
    (download,) = [s for s in test["steps"] if "download-artifact" in s.get("uses", "")]
    assert test["needs"] == "build"
    assert download["with"]["name"] == upload["with"]["name"] == "wheels-${{ matrix.os }}"
    assert rows(build) == [{"os": os} for os in test["strategy"]["matrix"]["os"]]
    install = " ".join(s.get("run", "") for s in test["steps"])
    assert "--no-index --find-links dist --only-binary :all:" in install and "maturin" not in install


def test_a_push_compiles_once_per_os_plus_lint_minimum_rust_sdist_and_coverage(
    github: tuple[Variant, Path],
) -> None:
    """Each job run starts from a cold cargo cache: count the ones that compile the crate."""
    compiles = re.compile(
        r"maturin-action|maturin build|cargo (clippy|build|test)|pip (wheel|install) \.|nox -s coverage"
    )
    compiling = [
        name
        for name, job, _ in jobs(github[1] / "workflows" / "ci.yml")
        if any(compiles.search(s.get("uses", "") + s.get("run", "")) for s in job["steps"])
    ]
    assert len(compiling) == 1 + 3 + 1 + 1 + 1, compiling


def test_wheels_build_every_platform_before_a_tag(github: tuple[Variant, Path]) -> None:
    """Tags release; pull requests that touch the code or the build, and a weekly run, compile
    every platform first, so a platform break is seen before a version is tagged."""
    project = github[1].parent
    on = load(github[1] / "workflows" / "wheels.yml")[True]  # YAML 1.1 reads `on` as True
    assert "branches" not in on["push"] and on["push"]["tags"] == ["v*"]
    inputs = [
        "src/lib.rs",
        "src/main.rs",
        "Cargo.toml",
        "Cargo.lock",
        "pyproject.toml",
        ".github/workflows/wheels.yml",
    ]
    for name in inputs:
        assert (project / name).exists() and any(fnmatch(name, p) for p in on["pull_request"]["paths"]), name
    (schedule,) = on["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"])  # once a week


# --- Hardening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["rendered", "template"])
def test_workflows_have_zero_pedantic_zizmor_findings_and_match_their_schemas(
    githubs: list[tuple[Variant, Path]], where: str
) -> None:
    folders = [github for _, github in githubs] if where == "rendered" else [TEMPLATE / ".github"]
    for github in folders:
        proc = check("zizmor", "--offline", "--no-progress", "--persona=pedantic", github)
        assert proc.returncode == 0 and "No findings to report" in proc.stdout, proc.stdout + proc.stderr
        proc = check(
            "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files(github)
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        proc = check("check-jsonschema", "--builtin-schema", "vendor.dependabot", github / "dependabot.yml")
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_action_is_pinned_to_the_commit_its_tag_points_to(githubs: list[tuple[Variant, Path]]) -> None:
    """Against tests/data/action-tags.json, read outside this repository (the weekly job
    refreshes it from the GitHub API), not against `_pins`, which the workflows render from."""
    tags = ACTION_TAGS["actions"]
    assert {a: (p["sha"], p["version"]) for a, p in PINS["actions"].items()} == {
        a: (t["sha"], t["tag"]) for a, t in tags.items()
    }
    for path in all_workflows(githubs):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                match = USES.search(line)
                assert match, f"{path.name}: {line}"
                known = tags[match["action"]]
                assert (match["ref"], match["comment"]) == (known["sha"], known["tag"]), (
                    f"{path.name}: {line}"
                )


def test_every_job_is_least_privileged_bounded_in_time_and_runs_bash(
    githubs: list[tuple[Variant, Path]],
) -> None:
    """No permissions by default (only the release writes, and only what publishing needs), a
    timeout on every job, bash wherever a job can run on Windows, and no checkout that keeps
    its credentials in .git/config for a later step or artifact to read."""
    for path in all_workflows(githubs):
        workflow = load(path)
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            writes = {k for k, v in job["permissions"].items() if v == "write"}
            assert writes <= ({"id-token", "attestations"} if name == "release" else set()), (path, name)
            assert 0 < job.get("timeout-minutes", 0) <= 60, (path, name)
            if any(expand(job["runs-on"], row).startswith("windows") for row in rows(job)):
                shell = job.get("defaults", workflow.get("defaults", {})).get("run", {}).get("shell")
                assert {s.get("shell", shell) for s in job["steps"] if "run" in s} <= {"bash"}, (path, name)
            for step in job["steps"]:
                if "actions/checkout" in step.get("uses", ""):
                    assert step["with"]["persist-credentials"] is False, (path, name)


def cancels(expression: Any, event: str, ref: str) -> bool:
    """Evaluate a `cancel-in-progress` value (a boolean or one `==`/`!=` comparison)."""
    if isinstance(expression, bool):
        return expression
    match = re.fullmatch(r"\$\{\{ github\.(\w+) (==|!=) '([^']*)' \}\}", expression)
    assert match, expression
    value = {"event_name": event, "ref": ref}[match[1]]
    return (value == match[3]) == (match[2] == "==")


@pytest.mark.parametrize(
    ("event", "ref", "may_cancel"),
    [
        ("push", "refs/heads/main", False),
        ("push", "refs/tags/v1.2.3", False),
        ("schedule", "refs/heads/main", False),
        ("pull_request", "refs/pull/7/merge", True),
    ],
)
def test_concurrency_groups_never_cancel_runs_on_main_or_tags(
    githubs: list[tuple[Variant, Path]], event: str, ref: str, may_cancel: bool
) -> None:
    for path in all_workflows(githubs):
        assert cancels(load(path)["concurrency"]["cancel-in-progress"], event, ref) in {False, may_cancel}, (
            path
        )


def installed_versions(text: str) -> Iterator[tuple[str, str]]:
    """(tool, version) for every tool a workflow installs at a version it names."""
    for pattern, name in [
        (r"rustup toolchain install (\S+)", "rust"),
        (r"rust-toolchain: \"?([\d.]+)", "rust"),
        (r"cargo install --locked ([\w-]+)@(\S+)", None),
        (r"maturin-version: \"?([\d.]+)", "maturin"),
        (r"\"maturin==([\d.]+)\"", "maturin"),
        (r"setup-uv@\S+ # \S+\n(?:.*\n)*?\s+version: \"([\d.]+)\"", "uv"),
    ]:
        for match in re.finditer(pattern, text):
            yield (name, match[1]) if name else (match[1].replace("-", "_"), match[2])


def test_every_tool_a_workflow_installs_is_at_its_pinned_version(githubs: list[tuple[Variant, Path]]) -> None:
    """Rust (the pinned one, or the declared minimum for the msrv job), maturin, uv and the cargo
    tools come at their `_pins` versions, so a new release cannot change what CI runs."""
    found = set()
    for _, github in githubs:
        for path in workflow_files(github):
            for name, version in installed_versions(path.read_text(encoding="utf-8")):
                allowed = {PINS["rust"], PINS["msrv"]} if name == "rust" else {PINS[name]}
                assert version in allowed, (path, name, version)
                found.add(name)
    assert found == {"rust", "maturin", "uv", "cargo_deny"}


def test_the_jobs_that_check_the_crate_run_on_every_push_and_weekly(github: tuple[Variant, Path]) -> None:
    """cargo-deny (advisories appear without a code change), coverage with its reports kept,
    and the declared minimum Rust, which builds, tests and imports the project."""
    variant, path = github
    ci = load(path / "workflows" / "ci.yml")
    assert {"push", "pull_request", "schedule"} <= set(ci[True])
    runs = {name: "\n".join(s.get("run", "") for s in job["steps"]) for name, job in ci["jobs"].items()}
    assert "cargo deny --locked check" in runs["supply-chain"]
    assert "nox -s coverage" in runs["coverage"]
    (upload,) = [s for s in ci["jobs"]["coverage"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert (upload["with"]["path"], upload["if"]) == ("coverage", "${{ !cancelled() }}")
    assert read_toml(path.parent / "Cargo.toml")["package"]["rust-version"] == PINS["msrv"]
    assert f"rustup override set {PINS['msrv']}" in runs["msrv"]
    module = variant.all_answers["module_name"]
    assert (
        "cargo test --locked" in runs["msrv"]
        and f"import {module} as m; assert m.fibo(20) == 6765" in runs["msrv"]
    )


def test_every_build_uses_the_lock_file_as_it_is(github: tuple[Variant, Path]) -> None:
    commands = []
    for path in workflow_files(github[1]):
        for _, job, _ in jobs(path):
            for step in job["steps"]:
                if "maturin-action" in step.get("uses", ""):
                    commands.append(f"maturin {step['with'].get('command', 'build')} {step['with']['args']}")
                commands += re.findall(r"(?:cargo \w+|pip wheel)[^\n]*", step.get("run", ""))
    builds = [c for c in commands if not re.match(r"cargo (fmt|install|deny)|maturin sdist", c)]
    assert builds and [c for c in builds if "--locked" not in c] == []


# --- The release --------------------------------------------------------------------------------


def test_release_uses_trusted_publishing_keeps_pep740_attestations_and_attests_public_repositories(
    github: tuple[Variant, Path],
) -> None:
    release = load(github[1] / "workflows" / "wheels.yml")["jobs"]["release"]
    assert release["environment"]["name"] == "pypi" and release["permissions"]["id-token"] == "write"
    steps = {s["uses"].split("@")[0]: s for s in release["steps"]}
    assert list(steps) == ["actions/download-artifact", "actions/attest", "pypa/gh-action-pypi-publish"]
    assert steps["actions/attest"]["if"] == "${{ !github.event.repository.private }}"
    publish = steps["pypa/gh-action-pypi-publish"].get("with", {})
    # No token, and PEP 740 attestations, which the action makes under trusted publishing unless told not to.
    assert "password" not in publish and publish.get("attestations", True) is True


def test_release_wheels_build_in_one_folder_dated_by_the_release_commit(github: tuple[Variant, Path]) -> None:
    """What a bit-for-bit rebuild needs (RELEASING.md): the pinned Rust, one build folder on
    every machine, SOURCE_DATE_EPOCH from the commit, all passed into the container."""
    jobs_ = load(github[1] / "workflows" / "wheels.yml")["jobs"]
    dated = 'echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" >> "$GITHUB_ENV"'
    for name in ("wheels", "sdist"):
        assert dated in "\n".join(step.get("run", "") for step in jobs_[name]["steps"]), name
    builds = [s["with"] for s in jobs_["wheels"]["steps"] if "maturin-action" in s.get("uses", "")]
    assert builds
    for build in builds:
        assert build["working-directory"] == "${{ env.BUILD_DIR }}"
        assert build["docker-options"] == "-e SOURCE_DATE_EPOCH -v ${{ env.BUILD_DIR }}:${{ env.BUILD_DIR }}"


@pytest.mark.parametrize(("tag", "accepted"), [("v0.1.0", True), ("v0.1.1", False), ("0.1.0", False)])
def test_release_refuses_a_tag_that_is_not_the_cargo_version(
    rendered: Callable[..., Path], tag: str, accepted: bool, tmp_path: Path
) -> None:
    project = rendered()
    (step,) = [
        s
        for s in load(project / ".github" / "workflows" / "wheels.yml")["jobs"]["sdist"]["steps"]
        if "tag" in s.get("name", "")
    ]
    # The step calls `python3`, which every Linux runner has; here it is this Python.
    (tmp_path / "python3").write_text(
        f'#!/bin/sh\nexec "{Path(sys.executable).as_posix()}" "$@"\n', encoding="utf-8"
    )
    (tmp_path / "python3").chmod(0o755)
    proc = subprocess.run(
        [posix_shell("bash"), "-c", step["run"]],
        cwd=project,
        env={**os.environ, "GITHUB_REF_NAME": tag, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        encoding="utf-8",
    )
    assert (proc.returncode == 0) == accepted, proc.stdout + proc.stderr
    assert "not found" not in proc.stderr


# --- Dependabot ---------------------------------------------------------------------------------


def test_dependabot_watches_every_pin_and_leaves_alone_a_tool_pinned_twice(
    github: tuple[Variant, Path],
) -> None:
    """Dependabot moves every requirement of a name together, so it would put a version on an
    older Python's line that it cannot install: it ignores the names the dev group pins twice
    (the mixed layout's coverage at floor 3.10), and only those."""
    config = load(github[1] / "dependabot.yml")
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "cargo", "pip"}
    dev = read_toml(github[1].parent / "pyproject.toml")["dependency-groups"]["dev"]
    names = [re.match(r"[\w.-]+", requirement)[0] for requirement in dev]  # type: ignore[index]
    (pip,) = [u for u in config["updates"] if u["package-ecosystem"] == "pip"]
    assert sorted(rule["dependency-name"] for rule in pip.get("ignore", [])) == sorted(
        {name for name in names if names.count(name) > 1}
    )


def test_template_dependabot_leaves_the_pinned_actions_to_the_pins_check() -> None:
    """Dependabot cannot edit `_pins`, which every workflow must equal; `.ci/check_pins.py
    --write` moves both together."""
    config = load(TEMPLATE / ".github" / "dependabot.yml")
    assert "github-actions" not in {u["package-ecosystem"] for u in config["updates"]}


# --- The template's own workflows ---------------------------------------------------------------


def test_template_suite_rows_install_exactly_the_pythons_the_suite_requires() -> None:
    """test.yml gives each OS row the CPythons conftest.CI_PYTHONS declares (so that the suite,
    under CI=true, fails rather than skips without one), the extra ones in RIP_PYTHONS."""
    job = load(TEMPLATE / ".github" / "workflows" / "test.yml")["jobs"]["test"]
    runners = PINS["runners"]
    assert job["strategy"]["matrix"]["os"] == [runners["linux"], runners["macos"], runners["windows"]]
    setups = [s for s in job["steps"] if "actions/setup-python" in s.get("uses", "")]
    assert all("if" not in s for s in setups)  # every row gets every step
    assert [str(s["with"]["python-version"]) for s in setups] == list(CI_PYTHONS)
    for label in job["strategy"]["matrix"]["os"]:
        assert all(check_pins.offers(SNAPSHOT, label, python, False) for python in CI_PYTHONS), label
    (suite,) = [s for s in job["steps"] if s.get("run") == "bash .ci/run"]
    (extra,) = setups[:-1]  # the last one is `python` itself
    assert suite["env"]["RIP_PYTHONS"] == f"${{{{ steps.{extra['id']}.outputs.python-path }}}}"


def test_template_proves_the_default_project_on_the_newest_and_free_threaded_python() -> None:
    job = load(TEMPLATE / ".github" / "workflows" / "test.yml")["jobs"]["newest"]
    assert job["strategy"]["matrix"]["python"] == [PINS["newest_python"], PINS["free_threaded_python"]]
    script = "\n".join(s.get("run", "") for s in job["steps"])
    for command in [
        "-m cookiecutter --no-input .",
        "-m pip install .",
        '"$python" -m pytest',
        "_is_gil_enabled()",
    ]:
        assert command in script


def test_the_weekly_pins_job_selects_tests_that_exist() -> None:
    """pins.yml reruns the runner tests on the refreshed snapshot by name."""
    steps = load(TEMPLATE / ".github" / "workflows" / "pins.yml")["jobs"]["pins"]["steps"]
    (command,) = [s["run"] for s in steps if "pytest" in s.get("run", "")]
    words = re.search(r'-k "([^"]+)"', command)[1].split(" or ")  # type: ignore[index]
    assert [
        word for word in words if not any(word in name for name in globals() if name.startswith("test_"))
    ] == []
