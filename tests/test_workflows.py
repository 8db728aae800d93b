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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import (
    CI_PYTHONS,
    CONFIG,
    DEFAULTS,
    PINS,
    TEMPLATE,
    answers_id,
    load_module,
    posix_shell,
    read_toml,
    render,
    tool,
)

check_pins = load_module(TEMPLATE / ".ci" / "check_pins.py")

SNAPSHOT = json.loads((TEMPLATE / "tests" / "data" / "python-versions.json").read_text(encoding="utf-8"))
ACTION_TAGS = json.loads((TEMPLATE / "tests" / "data" / "action-tags.json").read_text(encoding="utf-8"))
NEWEST = check_pins.minor(PINS["newest_python"])[1]
FIRST_FREE_THREADED = check_pins.minor(PINS["free_threaded_python"])[1]
USES = re.compile(r"uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)(?: # (?P<comment>\S+))?")
MATRIX_REF = re.compile(r"\$\{\{ matrix\.(\w+) \}\}")

# Every answer combination that changes a workflow: the floor and the layout, from the choice lists.
VARIANTS = [
    {"abi3_floor": floor, "layout": layout}
    for floor, layout in itertools.product(CONFIG["abi3_floor"], CONFIG["layout"])
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each variant rendered once for this module: answers id -> the project's .github."""
    root = tmp_path_factory.mktemp("workflows")
    return {
        answers_id(answers): render(root / answers_id(answers).replace("=", "-").replace(",", "_"), **answers)
        / ".github"
        for answers in VARIANTS
    }


def github_dirs(rendered: dict[str, Path]) -> Iterator[tuple[dict[str, str], Path]]:
    """(the variant's answers, its .github) for every variant."""
    for answers in VARIANTS:
        yield answers, rendered[answers_id(answers)]


def workflow_files(github: Path) -> list[Path]:
    return sorted((github / "workflows").glob("*.yml"))


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(str(args[0])), *(str(a) for a in args[1:])],
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )


def supported(floor: str) -> list[str]:
    """Every CPython a project with this floor supports: GIL-enabled from the floor to the newest,
    free-threaded from 3.14t (PyO3 refuses older free-threaded builds), never below the floor."""
    first = 10 if floor == "none" else check_pins.minor(floor)[1]
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


def setup_python_requests(*paths: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(job, runner, python, allow-prereleases) for every CPython a setup-python step of these
    workflows asks for."""
    for path in paths:
        for name, job in load(path)["jobs"].items():
            for row in rows(job):
                for step in job["steps"]:
                    if "actions/setup-python" not in step.get("uses", ""):
                        continue
                    versions = expand(step["with"]["python-version"], row).split()
                    for python in versions:
                        yield (
                            name,
                            expand(job["runs-on"], row),
                            python,
                            step["with"].get("allow-prereleases", False),
                        )


def test_every_runner_and_python_any_job_requests_exists(rendered: dict[str, Path]) -> None:
    """Over every variant's workflows and the template's own: each job's runner label is one
    the snapshot of actions/runner-images knows, and each (runner image, CPython) pair a
    setup-python step asks for is in setup-python's manifest, by its rules for pre-releases
    and free-threaded builds (check_pins.offers)."""
    missing = []
    for path in all_workflows(rendered):
        for job, runner, python, prereleases in setup_python_requests(path):
            if not check_pins.offers(SNAPSHOT, runner, python, prereleases):
                missing.append(f"{path}: {job} wants CPython {python} on {runner}")
        for name, job in load(path)["jobs"].items():
            for row in rows(job):
                if expand(job["runs-on"], row) not in SNAPSHOT["runners"]:
                    missing.append(f"{path}: {name} runs on unknown {expand(job['runs-on'], row)}")
    assert missing == []


def test_every_job_names_a_pinned_runner_image_never_a_latest_label(rendered: dict[str, Path]) -> None:
    """A `-latest` label moves to a newer image with other CPythons when GitHub says so
    (ubuntu-latest became Ubuntu 26.04, without CPython 3.9); a versioned label moves only
    when `_pins.runners` does."""
    used = {
        expand(job["runs-on"], row)
        for path in all_workflows(rendered)
        for job in load(path)["jobs"].values()
        for row in rows(job)
    }
    assert [label for label in used if "latest" in label] == []
    assert used <= set(PINS["runners"].values())


def test_no_workflow_asks_for_a_python_the_project_does_not_support(rendered: dict[str, Path]) -> None:
    outside = {
        (answers["abi3_floor"], python)
        for answers, github in github_dirs(rendered)
        for _, _, python, _ in setup_python_requests(*workflow_files(github))
        if python not in supported(answers["abi3_floor"])
    }
    assert outside == set()


def test_each_wheel_row_smoke_tests_every_supported_python_its_runner_has(rendered: dict[str, Path]) -> None:
    for answers, github in github_dirs(rendered):
        for row in rows(load(github / "workflows" / "wheels.yml")["jobs"]["wheels"]):
            offered = [
                p
                for p in supported(answers["abi3_floor"])
                if check_pins.offers(SNAPSHOT, row["runner"], p, True)
            ]
            assert row["pythons"].split() == offered, (answers_id(answers), row["runner"])


def test_ci_tests_every_supported_python_on_linux_macos_and_windows(rendered: dict[str, Path]) -> None:
    for answers, github in github_dirs(rendered):
        matrix = load(github / "workflows" / "ci.yml")["jobs"]["test"]["strategy"]["matrix"]
        assert matrix["python"] == supported(answers["abi3_floor"])
        runners = PINS["runners"]
        assert matrix["os"] == [runners["linux"], runners["macos"], runners["windows"]]


def test_ci_builds_once_per_os_and_tests_those_wheels(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        jobs = load(github / "workflows" / "ci.yml")["jobs"]
        build, test = jobs["build"], jobs["test"]
        (upload,) = [s for s in build["steps"] if "upload-artifact" in s.get("uses", "")]
        (download,) = [s for s in test["steps"] if "download-artifact" in s.get("uses", "")]
        assert test["needs"] == "build"
        assert download["with"]["name"] == upload["with"]["name"] == "wheels-${{ matrix.os }}"
        assert rows(build) == [{"os": os} for os in test["strategy"]["matrix"]["os"]]
        install = " ".join(s.get("run", "") for s in test["steps"])
        assert "--no-index --find-links dist --only-binary :all:" in install
        assert "pip install ." not in install and "maturin" not in install


def compiling_jobs(github: Path, workflow: str) -> int:
    """How many job runs compile the Rust crate (each starts from a cold cargo cache)."""
    jobs = load(github / "workflows" / workflow)["jobs"]
    compiles = re.compile(
        r"maturin-action|maturin build|cargo (clippy|build|test)|pip (wheel|install) \.|nox -s coverage"
    )
    return sum(
        len(rows(job))
        for job in jobs.values()
        if any(compiles.search(s.get("uses", "") + s.get("run", "")) for s in job["steps"])
    )


def test_a_push_compiles_once_per_os_plus_lint_minimum_rust_sdist_and_coverage(
    rendered: dict[str, Path],
) -> None:
    for _, github in github_dirs(rendered):
        assert compiling_jobs(github, "ci.yml") == 1 + 3 + 1 + 1 + 1


def test_wheels_build_every_platform_before_a_tag(rendered: dict[str, Path]) -> None:
    """Tags release; pull requests that touch the code or the build, and a weekly run, compile
    every platform first, so a platform break is seen before a version is tagged."""
    for _, github in github_dirs(rendered):
        on = load(github / "workflows" / "wheels.yml")[True]  # YAML 1.1 reads `on` as True
        assert "branches" not in on["push"] and on["push"]["tags"] == ["v*"]
        paths = on["pull_request"]["paths"]
        for path in [
            "src/**",
            "Cargo.toml",
            "Cargo.lock",
            "pyproject.toml",
            ".cargo/**",
            ".github/workflows/wheels.yml",
        ]:
            assert path in paths
        (schedule,) = on["schedule"]
        assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"])  # once a week


def test_rendered_workflows_have_zero_pedantic_zizmor_findings(rendered: dict[str, Path]) -> None:
    for answers, github in github_dirs(rendered):
        proc = check("zizmor", "--offline", "--no-progress", "--persona=pedantic", github)
        assert proc.returncode == 0, answers_id(answers) + proc.stdout + proc.stderr
        assert "No findings to report" in proc.stdout


def test_template_workflows_have_zero_pedantic_zizmor_findings() -> None:
    proc = check("zizmor", "--offline", "--no-progress", "--persona=pedantic", TEMPLATE / ".github")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


@pytest.mark.parametrize("floor", CONFIG["abi3_floor"])
def test_rendered_workflows_and_dependabot_validate_against_their_schemas(
    floor: str, rendered: dict[str, Path]
) -> None:
    github = rendered[answers_id({"abi3_floor": floor, "layout": "rust"})]
    proc = check("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files(github))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check("check-jsonschema", "--builtin-schema", "vendor.dependabot", github / "dependabot.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_template_workflows_and_dependabot_validate_against_their_schemas() -> None:
    github = TEMPLATE / ".github"
    proc = check("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files(github))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check("check-jsonschema", "--builtin-schema", "vendor.dependabot", github / "dependabot.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def all_workflows(rendered: dict[str, Path]) -> list[Path]:
    return [p for _, github in github_dirs(rendered) for p in workflow_files(github)] + workflow_files(
        TEMPLATE / ".github"
    )


def test_every_action_is_pinned_to_the_commit_its_tag_points_to(rendered: dict[str, Path]) -> None:
    """Against tests/data/action-tags.json, read outside this repository (the weekly job
    refreshes it from the GitHub API), not against `_pins`, which the workflows render from."""
    tags = ACTION_TAGS["actions"]
    assert {a: (p["sha"], p["version"]) for a, p in PINS["actions"].items()} == {
        a: (t["sha"], t["tag"]) for a, t in tags.items()
    }
    for path in all_workflows(rendered):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" not in line:
                continue
            match = USES.search(line)
            assert match, f"{path.name}: {line}"
            known = tags[match["action"]]
            assert (match["ref"], match["comment"]) == (known["sha"], known["tag"]), f"{path.name}: {line}"


def test_workflows_grant_no_permissions_by_default(rendered: dict[str, Path]) -> None:
    for path in all_workflows(rendered):
        workflow = load(path)
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            writes = {k for k, v in job["permissions"].items() if v == "write"}
            assert writes <= ({"id-token", "attestations"} if name == "release" else set()), (path, name)


def test_every_job_has_a_timeout(rendered: dict[str, Path]) -> None:
    for path in all_workflows(rendered):
        for name, job in load(path)["jobs"].items():
            assert 0 < job.get("timeout-minutes", 0) <= 60, (path, name)


def test_every_job_that_can_run_on_windows_runs_bash(rendered: dict[str, Path]) -> None:
    for path in all_workflows(rendered):
        workflow = load(path)
        for name, job in workflow["jobs"].items():
            runners = {expand(job["runs-on"], row) for row in rows(job)}
            if any(r.startswith("windows") for r in runners):
                shell = job.get("defaults", workflow.get("defaults", {})).get("run", {}).get("shell")
                steps = [s.get("shell", shell) for s in job["steps"] if "run" in s]
                assert set(steps) <= {"bash"}, (path, name)


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
    rendered: dict[str, Path], event: str, ref: str, may_cancel: bool
) -> None:
    for path in all_workflows(rendered):
        concurrency = load(path)["concurrency"]
        assert cancels(concurrency["cancel-in-progress"], event, ref) in ({False, may_cancel}), path


def test_release_uses_trusted_publishing_keeps_pep740_attestations_on_and_attests_public_repositories(
    rendered: dict[str, Path],
) -> None:
    for _, github in github_dirs(rendered):
        release = load(github / "workflows" / "wheels.yml")["jobs"]["release"]
        assert release["environment"]["name"] == "pypi"
        assert release["permissions"]["id-token"] == "write"
        steps = {s["uses"].split("@")[0]: s for s in release["steps"]}
        assert list(steps) == ["actions/download-artifact", "actions/attest", "pypa/gh-action-pypi-publish"]
        assert steps["actions/attest"]["if"] == "${{ !github.event.repository.private }}"
        publish = steps["pypa/gh-action-pypi-publish"].get("with", {})
        assert "password" not in publish
        # PEP 740 attestations: the publish action makes them under trusted publishing unless told not to.
        assert publish.get("attestations", True) is True


def test_ci_checks_the_supply_chain_on_every_push_and_weekly(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        ci = load(github / "workflows" / "ci.yml")
        assert {"push", "pull_request", "schedule"} <= set(ci[True])
        runs = [step.get("run", "") for step in ci["jobs"]["supply-chain"]["steps"]]
        assert f"cargo install --locked cargo-deny@{PINS['cargo_deny']}" in "\n".join(runs)
        assert "cargo deny --locked check" in runs


def test_ci_measures_coverage_with_the_session_and_keeps_the_reports(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        steps = load(github / "workflows" / "ci.yml")["jobs"]["coverage"]["steps"]
        assert "--component llvm-tools" in steps[1]["run"]
        assert [s["run"] for s in steps if s.get("run", "").startswith("nox")] == ["nox -s coverage"]
        (upload,) = [s for s in steps if "upload-artifact" in s.get("uses", "")]
        assert upload["with"]["path"] == "coverage" and upload["if"] == "${{ !cancelled() }}"


# The step line that dates every file a job builds by the release commit.
DATED_BY_THE_COMMIT = 'echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" >> "$GITHUB_ENV"'


def test_release_wheels_build_in_one_folder_dated_by_the_release_commit(rendered: dict[str, Path]) -> None:
    """What a bit-for-bit rebuild needs (README, "Rebuild a release"): the pinned Rust, one build
    folder on every machine, SOURCE_DATE_EPOCH from the commit, all passed into the container."""
    for _, github in github_dirs(rendered):
        jobs = load(github / "workflows" / "wheels.yml")["jobs"]
        wheels = jobs["wheels"]
        assert "/tmp/" in wheels["env"]["BUILD_DIR"] and "C:/" in wheels["env"]["BUILD_DIR"]
        runs = "\n".join(step.get("run", "") for step in wheels["steps"])
        assert DATED_BY_THE_COMMIT in runs
        assert 'cp -R . "$BUILD_DIR"' in runs
        builds = [step["with"] for step in wheels["steps"] if "maturin-action" in step.get("uses", "")]
        assert builds
        for build in builds:
            assert build["rust-toolchain"] == PINS["rust"]
            assert build["working-directory"] == "${{ env.BUILD_DIR }}"
            assert (
                build["docker-options"] == "-e SOURCE_DATE_EPOCH -v ${{ env.BUILD_DIR }}:${{ env.BUILD_DIR }}"
            )
        sdist_runs = "\n".join(step.get("run", "") for step in jobs["sdist"]["steps"])
        assert DATED_BY_THE_COMMIT in sdist_runs


def tag_check(github: Path) -> str:
    (step,) = [
        s
        for s in load(github / "workflows" / "wheels.yml")["jobs"]["sdist"]["steps"]
        if "tag" in s.get("name", "")
    ]
    return step["run"]


@pytest.mark.parametrize(("tag", "accepted"), [("v0.1.0", True), ("v0.1.1", False), ("0.1.0", False)])
def test_release_refuses_a_tag_that_is_not_the_cargo_version(
    rendered: dict[str, Path], tag: str, accepted: bool, tmp_path: Path
) -> None:
    github = rendered[answers_id(VARIANTS[0])]
    # The step calls `python3`, which every Linux runner has; here it is this Python.
    (tmp_path / "python3").write_text(
        f'#!/bin/sh\nexec "{Path(sys.executable).as_posix()}" "$@"\n', encoding="utf-8"
    )
    (tmp_path / "python3").chmod(0o755)
    proc = subprocess.run(
        [posix_shell("bash"), "-c", tag_check(github)],
        cwd=github.parent,
        env={**os.environ, "GITHUB_REF_NAME": tag, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert (proc.returncode == 0) == accepted, proc.stdout + proc.stderr
    assert "python3: not found" not in proc.stderr and "command not found" not in proc.stderr


def test_lint_uses_the_pinned_rust_not_a_toolchain_action(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        text = (github / "workflows" / "ci.yml").read_text(encoding="utf-8")
        assert f"rustup toolchain install {PINS['rust']} " in text
        # The runners have rustup; a toolchain action is what zizmor calls superfluous.
        assert "rust-toolchain@" not in text


def build_commands(github: Path) -> Iterator[str]:
    """Every command line of the workflows that resolves crates: cargo, maturin, pip wheel."""
    for path in workflow_files(github):
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                if "maturin-action" in step.get("uses", ""):
                    yield f"maturin {step['with'].get('command', 'build')} {step['with']['args']}"
                yield from re.findall(r"(?:cargo \w+|pip wheel)[^\n]*", step.get("run", ""))


def test_every_build_uses_the_lock_file_as_it_is(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        commands = [c for c in build_commands(github) if not re.match(r"cargo fmt|maturin sdist", c)]
        assert commands
        assert [c for c in commands if "--locked" not in c] == []


def test_dependabot_watches_actions_crates_and_the_dev_tools(rendered: dict[str, Path]) -> None:
    for _, github in github_dirs(rendered):
        config = load(github / "dependabot.yml")
        assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "cargo", "pip"}


def test_template_dependabot_leaves_the_pinned_actions_to_the_pins_check() -> None:
    """Dependabot cannot edit `_pins`, which the pin test compares with every workflow, so it must
    not bump the template's actions; `.ci/check_pins.py --write` moves both together."""
    config = load(TEMPLATE / ".github" / "dependabot.yml")
    assert "github-actions" not in {u["package-ecosystem"] for u in config["updates"]}


def test_template_suite_rows_install_exactly_the_pythons_the_suite_requires() -> None:
    """test.yml gives each OS row the CPythons conftest.CI_PYTHONS declares for it (and so the
    suite, under CI=true, fails rather than skips without one), and lists the extra ones in
    RIP_PYTHONS."""
    job = load(TEMPLATE / ".github" / "workflows" / "test.yml")["jobs"]["test"]
    runner_os = {
        PINS["runners"]["linux"]: "Linux",
        PINS["runners"]["macos"]: "macOS",
        PINS["runners"]["windows"]: "Windows",
    }
    assert sorted(job["strategy"]["matrix"]["os"]) == sorted(runner_os)
    setups = [s for s in job["steps"] if "actions/setup-python" in s.get("uses", "")]
    assert all("if" not in s for s in setups)  # every row gets every step
    for label, os_name in runner_os.items():
        installed = sorted(str(s["with"]["python-version"]) for s in setups)
        assert installed == sorted(CI_PYTHONS[os_name]), label
        for python in installed:
            assert check_pins.offers(SNAPSHOT, label, python, False), (label, python)
    (suite,) = [s for s in job["steps"] if "bash .ci/run" in s.get("run", "")]
    exported = {s["id"] for s in setups if f"steps.{s.get('id')}.outputs.python-path" in str(suite["env"])}
    assert exported == {s["id"] for s in setups[:-1]}  # the last one is `python` itself
    assert "export RIP_PYTHONS=" in suite["run"]


def test_template_proves_the_default_project_on_the_newest_and_free_threaded_python() -> None:
    job = load(TEMPLATE / ".github" / "workflows" / "test.yml")["jobs"]["newest"]
    assert job["strategy"]["matrix"]["python"] == [PINS["newest_python"], PINS["free_threaded_python"]]
    (setup,) = [s for s in job["steps"] if "actions/setup-python" in s.get("uses", "")]
    assert setup["with"]["python-version"] == "${{ matrix.python }}"
    runs = [s for s in job["steps"] if "run" in s]
    commands = [line.strip() for s in runs for line in s["run"].splitlines()]
    assert '"$python" -m cookiecutter --no-input . --output-dir "$RUNNER_TEMP/out"' in commands
    assert '"$python" -m pip install .' in commands
    assert '"$python" -m pytest' in commands
    (gil,) = [s for s in runs if "_is_gil_enabled" in s["run"]]
    assert gil["if"] == "endsWith(matrix.python, 't')"
    assert "assert not sys._is_gil_enabled()" in gil["run"] and "import sys, fibo_rust" in gil["run"]


def test_every_checkout_leaves_no_credentials_behind(rendered: dict[str, Path]) -> None:
    """No job pushes with the token, so none keeps it in .git/config, where a later step or an
    uploaded artifact could read it."""
    checkouts = [
        (path, name, step)
        for path in all_workflows(rendered)
        for name, job in load(path)["jobs"].items()
        for step in job["steps"]
        if "actions/checkout" in step.get("uses", "")
    ]
    assert checkouts
    kept = [
        (str(path), name)
        for path, name, step in checkouts
        if step.get("with", {}).get("persist-credentials") is not False
    ]
    assert kept == []


def test_minimum_rust_job_builds_tests_and_imports_with_the_declared_rust_version(
    rendered: dict[str, Path],
) -> None:
    for answers, github in github_dirs(rendered):
        cargo = read_toml(github.parent / "Cargo.toml")
        assert cargo["package"]["rust-version"] == PINS["msrv"]
        job = load(github / "workflows" / "ci.yml")["jobs"]["msrv"]
        script = "\n".join(s.get("run", "") for s in job["steps"])
        assert f"rustup toolchain install {PINS['msrv']} " in script
        assert f"rustup override set {PINS['msrv']}" in script
        assert "cargo test --locked" in script and "maturin build --locked" in script
        assert f"import {DEFAULTS['module_name']} as m; assert m.fibo(20) == 6765" in script, answers_id(
            answers
        )


def test_dependabot_leaves_alone_every_tool_pinned_twice_for_an_older_python(
    rendered: dict[str, Path],
) -> None:
    """At floor 3.9 the dev group pins mypy, nox and pytest twice: the newest for 3.10 and up,
    the last release that installs on 3.9; the mixed layout's coverage, newest from 3.11, is
    pinned again below that. Dependabot moves every requirement of a name together, so it would
    put a version on an older Python's line that it cannot install; it must ignore those names,
    and only those."""
    for answers, github in github_dirs(rendered):
        dev = read_toml(github.parent / "pyproject.toml")["dependency-groups"]["dev"]
        names = [re.match(r"[\w.-]+", requirement)[0] for requirement in dev]  # type: ignore[index]
        twice = sorted({name for name in names if names.count(name) > 1})
        (pip,) = [u for u in load(github / "dependabot.yml")["updates"] if u["package-ecosystem"] == "pip"]
        ignored = sorted(rule["dependency-name"] for rule in pip.get("ignore", []))
        assert ignored == twice, answers_id(answers)
        old_floor = answers["abi3_floor"] in ("3.9", "3.10", "none")
        expected = (["coverage"] if answers["layout"] == "mixed" and old_floor else []) + (
            ["mypy", "nox", "pytest"] if answers["abi3_floor"] == "3.9" else []
        )
        assert twice == expected


def test_the_weekly_pins_job_selects_tests_that_exist() -> None:
    """pins.yml reruns the runner tests on the refreshed snapshot by name: each name it gives
    must still select a test of this module."""
    steps = load(TEMPLATE / ".github" / "workflows" / "pins.yml")["jobs"]["pins"]["steps"]
    (command,) = [s["run"] for s in steps if "pytest" in s.get("run", "")]
    words = re.search(r'-k "([^"]+)"', command)[1].split(" or ")  # type: ignore[index]
    tests = [name for name in globals() if name.startswith("test_")]
    assert [word for word in words if not any(word in name for name in tests)] == []
