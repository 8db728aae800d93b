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
MATRIX_REF = re.compile(r"\$\{\{ matrix\.([\w.]+) \}\}")
INPUT_REF = re.compile(r"\$\{\{ inputs\.(\w+) \}\}")
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


def action_files(github: Path) -> list[Path]:
    return sorted((github / "actions").glob("*/action.yml"))


def all_workflows(githubs: list[tuple[Variant, Path]]) -> list[Path]:
    return [p for _, github in githubs for p in workflow_files(github)] + workflow_files(TEMPLATE / ".github")


def all_workflows_and_actions(githubs: list[tuple[Variant, Path]]) -> list[Path]:
    return all_workflows(githubs) + [a for _, github in githubs for a in action_files(github)]


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
    def lookup(path: str) -> str:
        value: Any = row
        for key in path.split("."):
            value = value[key]
        return str(value)

    return MATRIX_REF.sub(lambda m: lookup(m[1]), str(value))


def substitute(value: Any, given: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: substitute(v, given) for k, v in value.items()}
    if isinstance(value, str):
        return INPUT_REF.sub(lambda m: given[m[1]], value)
    return value


def job_steps(job: dict[str, Any], project: Path) -> Iterator[dict[str, Any]]:
    """A job's steps, with the steps of the project's own composite action (`uses: $/...`) in
    place of the step that runs it, given what that step passes."""
    for step in job["steps"]:
        if not step.get("uses", "").startswith("$/"):
            yield step
            continue
        action = load(project / step["uses"][2:] / "action.yml")
        given = {
            name: str(step.get("with", {}).get(name, spec.get("default", "")))
            for name, spec in action["inputs"].items()
        }
        yield from (substitute(inner, given) for inner in action["runs"]["steps"])


def jobs(path: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, job, matrix row) for every row of every job of a workflow."""
    for name, job in load(path)["jobs"].items():
        for row in rows(job):
            yield name, job, row


def setup_python_requests(path: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(job, runner, python, allow-prereleases) for every CPython a setup-python step asks for."""
    for name, job, row in jobs(path):
        for step in job_steps(job, path.parents[2]):
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
        "rust-toolchain.toml",
        ".github/workflows/wheels.yml",
        ".github/actions/wheels/action.yml",
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
        if action_files(github):
            proc = check(
                "check-jsonschema", "--builtin-schema", "vendor.github-actions", *action_files(github)
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
    for path in all_workflows_and_actions(githubs):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line and not re.search(r"uses: (\$|\.)/", line):  # the project's own action
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
    for tools in re.findall(r"tool: (\S+)", text):  # taiki-e/install-action
        for name, version in (t.split("@") for t in tools.split(",")):
            yield name.replace("-", "_"), version
    for match in re.finditer(r"setup-uv@\S+ # \S+\n(?:.*\n)*?\s+version: \"([\d.]+)\"", text):
        yield "uv", match[1]


def test_every_tool_a_workflow_installs_is_at_its_pinned_version(githubs: list[tuple[Variant, Path]]) -> None:
    """uv and the cargo tools (release binaries; the rendered coverage job reads cargo-llvm-cov's
    version from noxfile.py) come at their `_pins` versions, so a new release cannot change what
    CI runs."""
    found = set()
    for path in all_workflows_and_actions(githubs):
        for name, version in installed_versions(path.read_text(encoding="utf-8")):
            if version != "${{":  # read from the project's own file
                assert version == PINS[name], (path, name, version)
            found.add(name)
    assert found == {"cargo_deny", "cargo_llvm_cov", "uv"}


def github_env(script: str, project: Path, tmp_path: Path) -> dict[str, str]:
    """What a step's script writes to $GITHUB_ENV, run here by bash in the project (rustup
    stubbed: the step would install the toolchain it names)."""
    (tmp_path / "rustup").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "rustup").chmod(0o755)
    env_file = tmp_path / "github_env"
    env_file.write_text("", encoding="utf-8")
    path = f"{tmp_path}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(
        [posix_shell("bash"), "-c", script],
        cwd=project,
        env={**os.environ, "GITHUB_ENV": str(env_file), "PATH": path},
        check=True,
    )
    return dict(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines())


def test_each_tool_version_has_one_home_that_the_workflows_read(
    bake: Callable[..., Path], tmp_path: Path
) -> None:
    """Rust in rust-toolchain.toml, maturin in the dev group (which Dependabot moves), the
    minimum Rust in Cargo.toml, cargo-llvm-cov in noxfile.py: no workflow names their versions,
    and after a version moves in its home, the workflows read the new one."""
    project = bake()
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(f'"maturin=={PINS["maturin"]}"', '"maturin==9.8.7"'),
        encoding="utf-8",
    )
    github = project / ".github"
    texts = [p.read_text(encoding="utf-8") for p in workflow_files(github) + action_files(github)]
    for version in (PINS["rust"], PINS["msrv"], PINS["maturin"], PINS["cargo_llvm_cov"]):
        assert all(version not in text for text in texts), version
    read: dict[str, set[str]] = {}
    for path in workflow_files(github):
        for _, job, _ in jobs(path):
            steps = list(job_steps(job, project))
            for step in steps:
                if "GITHUB_ENV" in step.get("run", "") and "SOURCE_DATE_EPOCH" not in step["run"]:
                    for key, value in github_env(step["run"], project, tmp_path).items():
                        read.setdefault(key, set()).add(value)
            for step in steps:
                if "maturin-action" in step.get("uses", ""):
                    assert step["with"]["maturin-version"] == "${{ env.MATURIN_VERSION }}"
    assert read == {
        "MATURIN_VERSION": {"9.8.7"},
        "CARGO_LLVM_COV": {PINS["cargo_llvm_cov"]},
        "RUSTUP_TOOLCHAIN": {PINS["msrv"]},
    }
    assert read_toml(project / "rust-toolchain.toml")["toolchain"]["channel"] == PINS["rust"]


def test_every_build_step_of_every_row_runs_with_the_rust_of_rust_toolchain_toml(
    github: tuple[Variant, Path],
) -> None:
    """rustup reads rust-toolchain.toml in the folder a build runs in: the checkout, or the copy
    of it the release builds in (maturin-action reads the file there too, and installs its Rust
    on the runner or in the container). No step names another Rust, except the msrv job."""
    project = github[1].parent
    for path in workflow_files(github[1]):
        for name, job, _ in jobs(path):
            for step in job_steps(job, project):
                text = yaml.safe_dump(step)
                assert "rust-toolchain" not in step.get("with", {}), (path.name, name)
                if re.search(r"rustup (override|default)|cargo \+|RUSTUP_TOOLCHAIN", text):
                    assert name == "msrv", (path.name, name, text)
                if "maturin-action" in step.get("uses", ""):
                    assert step["with"].get("working-directory") in (None, "${{ env.BUILD_DIR }}")
    wheels = load(github[1] / "workflows" / "wheels.yml")["jobs"]["wheels"]
    (copy,) = [s["run"] for s in job_steps(wheels, project) if "BUILD_DIR=" in s.get("run", "")]
    assert 'cp -R . "$build_dir"' in copy  # the whole project, rust-toolchain.toml included


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
    assert 'echo "RUSTUP_TOOLCHAIN=$msrv"' in runs["msrv"]
    module = variant.all_answers["module_name"]
    assert (
        "cargo test --locked" in runs["msrv"]
        and f"import {module} as m; assert m.fibo(20) == 6765" in runs["msrv"]
    )


def test_every_build_uses_the_lock_file_as_it_is(github: tuple[Variant, Path]) -> None:
    commands = []
    for path in workflow_files(github[1]):
        for _, job, _ in jobs(path):
            for step in job_steps(job, github[1].parent):
                if "maturin-action" in step.get("uses", ""):
                    commands.append(f"maturin {step['with'].get('command', 'build')} {step['with']['args']}")
                commands += re.findall(r"(?:cargo \w+|pip wheel)[^\n]*", step.get("run", ""))
    builds = [c for c in commands if not re.match(r"cargo (fmt|install|deny)|maturin sdist", c)]
    assert builds and [c for c in builds if "--locked" not in c] == []


# --- The release --------------------------------------------------------------------------------


def test_release_uses_trusted_publishing_and_keeps_pep740_attestations(
    github: tuple[Variant, Path],
) -> None:
    release = load(github[1] / "workflows" / "wheels.yml")["jobs"]["release"]
    assert release["environment"]["name"] == "pypi" and release["permissions"]["id-token"] == "write"
    steps = {s["uses"].split("@")[0]: s for s in release["steps"]}
    assert list(steps) == ["actions/download-artifact", "actions/attest", "pypa/gh-action-pypi-publish"]
    publish = steps["pypa/gh-action-pypi-publish"].get("with", {})
    # No token, and PEP 740 attestations, which the action makes under trusted publishing unless told not to.
    assert "password" not in publish and publish.get("attestations", True) is True


def runs(condition: str | None, private: bool) -> bool:
    """Evaluate a step's `if` (none, or the one on the repository's visibility)."""
    if condition is None:
        return True
    assert condition == "${{ !github.event.repository.private }}", condition
    return not private


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_a_release_builds_every_wheel_in_public_and_private_repositories_alike(
    github: tuple[Variant, Path], private: bool
) -> None:
    """Every wheel row runs on a standard GitHub-hosted runner, which private repositories have
    too: the arm64 ones since 2026-01-29 (GitHub changelog, "arm64 standard runners are now
    available in private repositories"); larger runners (-large, -xlarge) would need a paid
    plan. Only build provenance needs a public repository (or GitHub Enterprise Cloud)."""
    wheels = load(github[1] / "workflows" / "wheels.yml")["jobs"]
    runners = {row["runner"] for row in rows(wheels["wheels"])}
    assert runners <= set(SNAPSHOT["runners"]) and not any(r.endswith(("-large", "-xlarge")) for r in runners)
    assert all(runs(s.get("if"), private) for s in wheels["wheels"]["steps"])
    steps = [s["uses"].split("@")[0] for s in wheels["release"]["steps"] if runs(s.get("if"), private)]
    provenance = [] if private else ["actions/attest"]
    assert steps == ["actions/download-artifact", *provenance, "pypa/gh-action-pypi-publish"]


def test_release_wheels_build_in_one_folder_dated_by_the_release_commit(github: tuple[Variant, Path]) -> None:
    """What a bit-for-bit rebuild needs (RELEASING.md): one build folder on every machine,
    SOURCE_DATE_EPOCH from the commit, both passed into the container."""
    project = github[1].parent
    jobs_ = load(github[1] / "workflows" / "wheels.yml")["jobs"]
    for name in ("wheels", "sdist"):
        script = "\n".join(step.get("run", "") for step in job_steps(jobs_[name], project))
        assert 'echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"' in script, name
    steps = list(job_steps(jobs_["wheels"], project))
    builds = [s["with"] for s in steps if "maturin-action" in s.get("uses", "")]
    assert builds
    for build in builds:
        assert build["working-directory"] == "${{ env.BUILD_DIR }}"
        assert build["docker-options"] == "-e SOURCE_DATE_EPOCH -v ${{ env.BUILD_DIR }}:${{ env.BUILD_DIR }}"


REAL_URL = "https://github.com/someone/rust-in-python"


@pytest.mark.parametrize(
    ("tag", "url", "refusal"),
    [
        ("v0.1.0", REAL_URL, None),
        ("v0.1.1", REAL_URL, "does not match Cargo.toml's version 0.1.0 (expected v0.1.0)"),
        ("0.1.0", REAL_URL, "expected v0.1.0"),
        ("v0.1.0", None, "still has the placeholder OWNER: put the repository's address there"),
    ],
    ids=["tag-and-url-right", "other-version", "no-v", "placeholder-url"],
)
def test_release_refuses_a_tag_that_is_not_the_cargo_version_or_a_placeholder_url(
    bake: Callable[..., Path], tag: str, url: str | None, refusal: str | None, tmp_path: Path
) -> None:
    project = bake()
    if url:
        pyproject = project / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(text.replace("https://github.com/OWNER/rust-in-python", url), encoding="utf-8")
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
        env={
            **os.environ,
            "GITHUB_REF_NAME": tag,
            "GITHUB_REPOSITORY": "someone/rust-in-python",
            "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        },
        capture_output=True,
        encoding="utf-8",
    )
    assert (proc.returncode == 0) == (refusal is None), proc.stdout + proc.stderr
    assert refusal is None or refusal in proc.stdout
    if url is None:
        assert "(https://github.com/someone/rust-in-python for this one)" in proc.stdout
    assert "not found" not in proc.stderr


def test_the_first_push_runs_ci_on_the_default_branch_of_git_or_github(
    rendered: Callable[..., Path], tmp_path: Path
) -> None:
    """GitHub names a new repository's branch `main`; git, without init.defaultBranch set, names
    it `master`, and the first push makes that the default branch."""
    run_git = lambda *args: subprocess.run(  # noqa: E731
        ["git", *args], cwd=tmp_path, capture_output=True, encoding="utf-8", check=True
    ).stdout.strip()
    run_git("init", "-q")
    gits = run_git("symbolic-ref", "--short", "HEAD")
    ci = load(rendered() / ".github" / "workflows" / "ci.yml")
    assert {gits, "main"} <= set(ci[True]["push"]["branches"])


# --- Dependabot ---------------------------------------------------------------------------------


def test_dependabot_watches_every_pin_and_leaves_alone_a_tool_pinned_twice(
    github: tuple[Variant, Path],
) -> None:
    """Dependabot moves every requirement of a name together, so it would put a version on an
    older Python's line that it cannot install: it ignores the names the dev group pins twice
    (the mixed layout's coverage at floor 3.10), and only those."""
    config = load(github[1] / "dependabot.yml")
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"github-actions", "cargo", "rust-toolchain", "pip"}
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


def test_template_builds_the_rendered_release_on_all_six_images_with_the_projects_own_action(
    rendered: Callable[..., Path],
) -> None:
    """test.yml's release job renders the default project and the floor-"none" one, and runs
    each one's own wheels action on the rows of its wheels.yml, passing what wheels.yml passes."""
    job = load(TEMPLATE / ".github" / "workflows" / "test.yml")["jobs"]["release"]
    matrix = job["strategy"]["matrix"]
    projects = {"defaults": {}, "abi3_floor=none": {"abi3_floor": "none"}}
    assert matrix["project"] == list(projects)
    assert {row["runner"] for row in matrix["row"]} == set(PINS["runners"].values())
    (render,) = [s["run"] for s in job["steps"] if "cookiecutter --no-input" in s.get("run", "")]
    assert 'cookiecutter --no-input . --output-dir out "${answers[@]}"' in render
    (ours,) = [s for s in job["steps"] if "actions/wheels" in s.get("uses", "")]
    for answers in projects.values():
        project = rendered(**answers)
        wheels = load(project / ".github" / "workflows" / "wheels.yml")["jobs"]["wheels"]
        assert matrix["row"] == wheels["strategy"]["matrix"]["include"]
        (theirs,) = [s for s in wheels["steps"] if "actions/wheels" in s.get("uses", "")]
        assert ours["with"]["project"] == f"out/{project.name}"
        assert ours["uses"] == f"./{ours['with']['project']}/{theirs['uses'].removeprefix('$/')}"
        passed = {k: v.replace("matrix.row.", "matrix.") for k, v in ours["with"].items() if k != "project"}
        assert passed == theirs["with"]


def test_the_weekly_pins_job_selects_tests_that_exist() -> None:
    """pins.yml reruns the runner tests on the refreshed snapshot by name."""
    steps = load(TEMPLATE / ".github" / "workflows" / "pins.yml")["jobs"]["pins"]["steps"]
    (command,) = [s["run"] for s in steps if "pytest" in s.get("run", "")]
    words = re.search(r'-k "([^"]+)"', command)[1].split(" or ")  # type: ignore[index]
    assert [
        word for word in words if not any(word in name for name in globals() if name.startswith("test_"))
    ] == []
