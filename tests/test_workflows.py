"""The rendered and the template's own workflows: what they ask of GitHub's runners exists, they
do what the rendered documents say they do, and they are hardened (zizmor's pedantic persona,
pins, permissions, timeouts, bash, concurrency)."""

from __future__ import annotations

import functools
import itertools
import json
import operator
import os
import re
import sys
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import (
    PINS,
    SNAPSHOT,
    TEMPLATE,
    Variant,
    check_pins,
    child_env,
    git,
    interpreters,
    job_steps,
    load_yaml,
    posix_shell,
    read_toml,
    replace_in,
    run,
    supported,
    variants,
)

USES = re.compile(r"uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)(?: # (?P<comment>\S+))?")
MATRIX_REF = re.compile(r"\$\{\{ matrix\.([\w.]+) \}\}")
WITH_WORKFLOWS = variants(lambda v: v.all_answers["github_actions"] == "yes")


@pytest.fixture(scope="module")
def githubs(rendered: Callable[..., Path]) -> list[Path]:
    return [*(rendered(**p.values[0].answers) / ".github" for p in WITH_WORKFLOWS), TEMPLATE / ".github"]


@pytest.fixture(params=WITH_WORKFLOWS)
def github(request: pytest.FixtureRequest, rendered: Callable[..., Path]) -> Path:
    return rendered(**request.param.answers) / ".github"


def workflow_files(github: Path) -> list[Path]:
    return sorted((github / "workflows").glob("*.yml"))


def action_files(github: Path) -> list[Path]:
    return sorted((github / "actions").glob("*/action.yml"))


def all_workflows(githubs: list[Path]) -> list[Path]:
    return [path for github in githubs for path in workflow_files(github)]


def rows(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix rows of a job (one empty row without a matrix)."""
    matrix = dict(job.get("strategy", {}).get("matrix", {}))
    include = matrix.pop("include", [])
    product = [dict(zip(matrix, values, strict=True)) for values in itertools.product(*matrix.values())]
    return [r for r in product if r] + include or [{}]


def expand(value: Any, row: dict[str, Any]) -> str:
    """`value` with each `${{ matrix.a.b }}` replaced by the row's row["a"]["b"]."""
    return MATRIX_REF.sub(lambda m: str(functools.reduce(operator.getitem, m[1].split("."), row)), str(value))


def jobs(path: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    return ((name, job, row) for name, job in load_yaml(path)["jobs"].items() for row in rows(job))


def runs(job: dict[str, Any], project: Path) -> str:
    """Every command a job runs, its composite action's included."""
    return "\n".join(step.get("run", "") for step in job_steps(job, project))


def setup_python_requests(path: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(job, runner, python, allow-prereleases) for every CPython a setup-python step asks for."""
    for name, job, row in jobs(path):
        for step in job_steps(job, path.parents[2]):
            if "actions/setup-python" in step.get("uses", ""):
                for python in expand(step["with"]["python-version"], row).split():
                    prereleases = step["with"].get("allow-prereleases", False)
                    yield name, expand(job["runs-on"], row), python, prereleases


# --- What the runners must have ----------------------------------------------------------------
@pytest.mark.runners
def test_every_runner_and_python_any_job_requests_exists(githubs: list[Path]) -> None:
    """Each runner label is a pinned one (never a `-latest` label, which GitHub moves to another
    image with other CPythons) that the snapshot of actions/runner-images knows, and each (runner,
    CPython) pair a setup-python step asks for is in setup-python's manifest, by its rules for
    pre-releases and free-threaded builds (check_pins.offers)."""
    missing = []
    for path in all_workflows(githubs):
        for job, runner, python, prereleases in setup_python_requests(path):
            if not check_pins.offers(SNAPSHOT, runner, python, prereleases):
                missing.append(f"{path}: {job} wants CPython {python} on {runner}")
        for name, job, row in jobs(path):
            label = expand(job["runs-on"], row)
            if label not in SNAPSHOT["runners"] or label not in PINS["runners"].values():
                missing.append(f"{path}: {name} runs on {label}")
    assert missing == []


@pytest.mark.runners
@pytest.mark.parametrize("variant", WITH_WORKFLOWS)
def test_the_workflows_ask_for_every_supported_python_and_no_other(
    rendered: Callable[..., Path], variant: Variant
) -> None:
    """CI tests every supported CPython on each OS; each wheel row imports its wheels on every one
    its runner has; no step asks for a CPython the project does not support."""
    path = rendered(**variant.answers) / ".github"
    wanted = supported(variant.all_answers["abi3_floor"])
    requested = {python for f in workflow_files(path) for _, _, python, _ in setup_python_requests(f)}
    assert requested <= set(wanted)
    matrix = load_yaml(path / "workflows" / "ci.yml")["jobs"]["test"]["strategy"]["matrix"]
    oses = [PINS["runners"][name] for name in ("linux", "macos", "windows")]
    assert (matrix["python"], matrix["os"]) == (wanted, oses)
    for row in rows(load_yaml(path / "workflows" / "wheels.yml")["jobs"]["wheels"]):
        offered = [p for p in wanted if check_pins.offers(SNAPSHOT, row["runner"], p, True)]
        assert row["pythons"].split() == offered, row["runner"]


def test_ci_tests_on_each_os_the_wheels_built_there_without_building_again(github: Path) -> None:
    ci = load_yaml(github / "workflows" / "ci.yml")["jobs"]
    build, test = ci["build"], ci["test"]
    (upload,) = [s for s in build["steps"] if "upload-artifact" in s.get("uses", "")]
    (download,) = [s for s in test["steps"] if "download-artifact" in s.get("uses", "")]
    assert test["needs"] == "build" and download["with"]["name"] == upload["with"]["name"]
    assert rows(build) == [{"os": os} for os in test["strategy"]["matrix"]["os"]]
    script = runs(test, github.parent)
    installs = re.findall(r"pip install [^\n]*", script)
    assert [i for i in installs if " --no-index " in i and " --only-binary :all: " in i]
    assert not re.search(r"maturin|cargo|pip (wheel|install) \.", script)


# What a release build reads: the sources, the build's settings, the release workflow and its action.
BUILD_INPUTS = ["src/**/*", "python/**/*", "Cargo.*", "pyproject.toml", "rust-toolchain.toml", ".github/*.py"]
BUILD_INPUTS += [".github/actions/**/*", ".github/workflows/wheels.yml"]


def test_a_pull_request_that_changes_how_the_project_builds_builds_every_platform(github: Path) -> None:
    """Tags release; pull requests that touch a file a build reads, and a weekly run, compile
    every platform first, so that a platform break is seen before a version is tagged."""
    on = load_yaml(github / "workflows" / "wheels.yml")[True]  # YAML 1.1 reads `on` as True
    assert "branches" not in on["push"] and on["push"]["tags"] == ["v*"] and "workflow_dispatch" in on
    files = [path for pattern in BUILD_INPUTS for path in github.parent.glob(pattern) if path.is_file()]
    read_by_builds = [path.relative_to(github.parent).as_posix() for path in files]
    assert len(read_by_builds) >= 9
    unwatched = [f for f in read_by_builds if not any(fnmatch(f, p) for p in on["pull_request"]["paths"])]
    assert unwatched == []
    (schedule,) = on["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"])  # once a week


# --- What RELEASING.md says CI does --------------------------------------------------------------
# Each claim of RELEASING.md about ci.yml: the words, the job, and what the job must run.
CI_CLAIMS = {
    "the lints": (
        "lint",
        ["cargo fmt --check", "cargo clippy .*-D warnings", "ruff check", "ruff format --check"],
    ),
    "the stub": ("lint", ["nox -s stubs -- --check"]),
    "`cargo deny check`": ("lint", ["cargo deny --locked check$"]),
    "`nox -s coverage`": ("lint", ["nox -s coverage$"]),
    "a wheel built from the sdist": ("sdist", [r"pip wheel .*dist/\*\.tar\.gz", r"import \w+ as m; assert"]),
    "the oldest Rust of `Cargo.toml`": (
        "sdist",
        [r'rustup toolchain install "\$MSRV"', "cargo test --locked$"],
    ),
}


@pytest.mark.parametrize("claim", list(CI_CLAIMS))
def test_ci_runs_what_releasing_md_says(github: Path, claim: str) -> None:
    assert claim in " ".join((github.parent / "RELEASING.md").read_text(encoding="utf-8").split())
    name, commands = CI_CLAIMS[claim]
    script = runs(load_yaml(github / "workflows" / "ci.yml")["jobs"][name], github.parent)
    assert [c for c in commands if not re.search(c, script, re.M)] == []


def test_ci_runs_each_test_in_4_threads_on_free_threaded_python_only(rendered: Callable[..., Path]) -> None:
    test = load_yaml(rendered() / ".github" / "workflows" / "ci.yml")["jobs"]["test"]
    (step,) = [s for s in test["steps"] if "pytest" in s.get("run", "")]
    assert step["run"] == "python -m pytest $THREADS"
    assert step["env"]["THREADS"] == "${{ endsWith(matrix.python, 't') && '--parallel-threads=4' || '' }}"


def test_coverage_reports_are_kept_even_when_the_floor_fails(github: Path) -> None:
    lint = load_yaml(github / "workflows" / "ci.yml")["jobs"]["lint"]
    (upload,) = [s for s in lint["steps"] if "upload-artifact" in s.get("uses", "")]
    assert (upload["with"]["path"], upload["if"]) == ("coverage", "${{ !cancelled() }}")


# --- Hardening ----------------------------------------------------------------------------------
def test_workflows_have_zero_pedantic_zizmor_findings_and_match_their_schemas(githubs: list[Path]) -> None:
    for github in githubs:  # (run fails the test when a command exits non-zero)
        proc = run(["zizmor", "--offline", "--no-progress", "--persona=pedantic", github], cwd=github)
        assert "No findings to report" in proc.stdout
        schemas = {"github-workflows": workflow_files(github), "dependabot": [github / "dependabot.yml"]}
        for schema, files in {**schemas, "github-actions": action_files(github)}.items():
            if files:
                run(["check-jsonschema", "--builtin-schema", f"vendor.{schema}", *files], cwd=github)


def pinned_actions(project: Path) -> Iterator[tuple[Path, re.Match[str]]]:
    for path in sorted(project.rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line and not re.search(r"uses: (\$|\.)/", line):  # not the project's own
                match = USES.search(line)
                assert match, f"{path.name}: {line}"
                yield path, match


def test_every_action_is_pinned_by_commit_to_the_same_release_everywhere(githubs: list[Path]) -> None:
    """The commit and its tag of `_pins` (the weekly check asks zizmor's online audits whether
    each commit is its tag), in every workflow and action of a project alike."""
    for github in githubs:  # of the template, only .github: its other files are Jinja
        root = github if github.parent == TEMPLATE else github.parent
        found = {(m["action"], m["ref"], m["comment"]) for _, m in pinned_actions(root)}
        pinned = {(a, PINS["actions"][a]["sha"], PINS["actions"][a]["version"]) for a, _, _ in found}
        assert found == pinned, github


def dependabot_reads(path: str, directories: list[str]) -> bool:
    """Whether Dependabot's github-actions ecosystem reads this file (`/`-rooted), listed in one
    of these `directories` (globs): a directory's action.yml, and for `/` the workflows too
    (dependabot-core's github_actions file_fetcher.rb)."""
    folder, name = path.rsplit("/", 1)
    if name in ("action.yml", "action.yaml"):
        return any(fnmatch(folder or "/", d) for d in directories)
    return folder == "/.github/workflows" and "/" in directories


def test_dependabot_reads_every_file_that_pins_an_action(github: Path) -> None:
    updates = load_yaml(github / "dependabot.yml")["updates"]
    (update,) = [u for u in updates if u["package-ecosystem"] == "github-actions"]
    directories = update.get("directories", [update.get("directory")])
    pinning = {"/" + path.relative_to(github.parent).as_posix() for path, _ in pinned_actions(github.parent)}
    assert {"/.github/workflows/ci.yml", "/.github/actions/wheels/action.yml"} <= pinning
    assert [f for f in pinning if not dependabot_reads(f, directories)] == []
    assert "groups" in update  # one pull request moves an action in every file at once


def test_every_job_is_least_privileged_bounded_in_time_and_runs_bash(githubs: list[Path]) -> None:
    """No permissions by default (only the release writes, and only what publishing needs), a
    timeout on every job, bash wherever a job can run on Windows, and no checkout that keeps
    its credentials in .git/config for a later step or artifact to read."""
    for path in all_workflows(githubs):
        workflow = load_yaml(path)
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            writes = {k for k, v in job["permissions"].items() if v == "write"}
            assert writes <= ({"id-token", "attestations"} if name == "release" else set()), (path, name)
            assert 0 < job.get("timeout-minutes", 0) <= 60, (path, name)
            if any(expand(job["runs-on"], row).startswith("windows") for row in rows(job)):
                shell = job.get("defaults", workflow.get("defaults", {})).get("run", {}).get("shell")
                assert {s.get("shell", shell) for s in job["steps"] if "run" in s} <= {"bash"}, (path, name)
            checkouts = [s for s in job["steps"] if "actions/checkout" in s.get("uses", "")]
            assert all(s["with"]["persist-credentials"] is False for s in checkouts), (path, name)


def cancels(expression: Any, event: str, ref: str) -> bool:
    """Evaluate a `cancel-in-progress` value (a boolean or one `==`/`!=` comparison)."""
    if isinstance(expression, bool):
        return expression
    match = re.fullmatch(r"\$\{\{ github\.(\w+) (==|!=) '([^']*)' \}\}", expression)
    assert match, expression
    value = {"event_name": event, "ref": ref}[match[1]]
    return (value == match[3]) == (match[2] == "==")


def test_concurrency_groups_never_cancel_runs_on_main_or_tags(githubs: list[Path]) -> None:
    finishing = [("push", "refs/heads/main"), ("push", "refs/tags/v1.2.3"), ("schedule", "refs/heads/main")]
    for path in all_workflows(githubs):
        cancel = load_yaml(path)["concurrency"]["cancel-in-progress"]
        assert not any(cancels(cancel, event, ref) for event, ref in finishing), path


# --- One home per version, one Rust ---------------------------------------------------------------
def tool_versions(project: Path, **env: str) -> tuple[str, dict[str, str]]:
    printed = run([sys.executable, ".github/tool_versions.py"], cwd=project, env=child_env(**env)).stdout
    return printed, dict(line.split("=", 1) for line in printed.splitlines())


def test_each_tool_version_has_one_home_that_the_workflows_read(bake: Callable[..., Path]) -> None:
    """maturin in the dev group (which Dependabot moves), the version and the oldest Rust in
    Cargo.toml, cargo-llvm-cov in noxfile.py: .github/tool_versions.py reads them, no workflow
    names them, and every job that uses one runs that script first."""
    project = bake()
    moves = {
        "pyproject.toml": (f'"maturin=={PINS["maturin"]}"', '"maturin==9.8.7"'),
        "Cargo.toml": (f'rust-version = "{PINS["msrv"]}"', 'rust-version = "1.86.0"'),
        "noxfile.py": (f'CARGO_LLVM_COV = "{PINS["cargo_llvm_cov"]}"', 'CARGO_LLVM_COV = "0.99.0"'),
    }
    for name, (old, new) in moves.items():
        replace_in(project / name, old, new)
    env_file = project.parent / "github_env"
    printed, versions = tool_versions(project, GITHUB_ENV=str(env_file))
    assert env_file.read_text(encoding="utf-8") == printed
    moved = {"VERSION": "0.1.0", "MSRV": "1.86.0", "MATURIN_VERSION": "9.8.7", "LLVM_COV_VERSION": "0.99.0"}
    assert moved.items() <= versions.items() and versions["PYTEST_VERSION"] == PINS["dev"]["pytest"]
    github = project / ".github"
    pinned = [PINS["rust"], PINS["msrv"], PINS["maturin"], PINS["cargo_llvm_cov"]]
    for path in workflow_files(github) + action_files(github):
        assert [v for v in pinned if v in path.read_text(encoding="utf-8")] == [], path.name
        for _, job, _ in jobs(path) if path.name != "action.yml" else []:
            steps = [yaml.safe_dump(step) for step in job_steps(job, project)]
            uses = [i for i, s in enumerate(steps) if re.search("|".join(versions), s)]
            reads = [i for i, s in enumerate(steps) if "tool_versions.py" in s]
            assert not uses or (reads and reads[0] < uses[0]), (path.name, job["name"])


def test_the_versions_script_stops_at_once_without_rust_toolchain_toml(bake: Callable[..., Path]) -> None:
    """maturin-action looks for the file upward from the release's build folder, outside the
    workspace, and never stops: the 8 release jobs would hang until their timeout."""
    project = bake()
    (project / "rust-toolchain.toml").unlink()
    proc = run([sys.executable, ".github/tool_versions.py"], cwd=project, check=False)
    assert (proc.returncode, proc.stdout) == (1, "") and "rust-toolchain.toml is missing" in proc.stderr


def test_every_step_of_every_row_builds_with_the_rust_of_rust_toolchain_toml(github: Path) -> None:
    """rustup reads rust-toolchain.toml in the folder a build runs in: the checkout, or the copy
    of it the release builds in. No step names another Rust but the one that takes the oldest
    and the Pyodide one, which takes the dated nightly pyodide-build names."""
    project = github.parent
    for path in workflow_files(github):
        for name, job, _ in jobs(path):
            for step in job_steps(job, project):
                text = json.dumps(step)
                assert "rust-toolchain" not in step.get("with", {}), (path.name, name)
                if re.search(r"rustup (override|default)|cargo \+|RUSTUP_TOOLCHAIN", text):
                    assert "$MSRV" in text or "pyodide config get rust_toolchain" in text, (path.name, name)
                if "maturin-action" in step.get("uses", ""):
                    assert step["with"].get("working-directory") in (None, "${{ env.BUILD_DIR }}")
    wheels = load_yaml(github / "workflows" / "wheels.yml")["jobs"]["wheels"]
    assert 'cp -R . "$build_dir"' in runs(wheels, project)  # the whole project, the toolchain file too


def test_every_build_uses_the_lock_file_as_it_is(github: Path) -> None:
    commands = []
    for path in workflow_files(github):
        for _, job, _ in jobs(path):
            for step in job_steps(job, github.parent):
                if "maturin-action" in step.get("uses", ""):
                    commands.append(f"maturin {step['with'].get('command', 'build')} {step['with']['args']}")
                commands += re.findall(r"(?:cargo \w+|pip wheel)[^\n]*", step.get("run", ""))
    builds = [c for c in commands if not re.match(r"cargo (fmt|install|deny)|maturin sdist", c)]
    assert builds and [c for c in builds if "--locked" not in c] == []


# --- The release --------------------------------------------------------------------------------
def condition_holds(condition: str | None, private: bool) -> bool:
    """Evaluate a step's `if` (none, or the one on the repository's visibility)."""
    if condition is None:
        return True
    assert condition == "${{ !github.event.repository.private }}", condition
    return not private


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_a_release_builds_every_wheel_in_public_and_private_repositories_alike(
    github: Path, private: bool
) -> None:
    """Every wheel row runs on a standard GitHub-hosted runner, which private repositories have
    too: the arm64 ones since 2026-01-29 (GitHub changelog, "arm64 standard runners are now
    available in private repositories"). Only build provenance needs a public repository (or
    GitHub Enterprise Cloud); the wheels go out by trusted publishing, with no token."""
    wheels = load_yaml(github / "workflows" / "wheels.yml")["jobs"]
    platforms = {(row["platform"], row["target"]) for row in rows(wheels["wheels"])}
    assert len(platforms) == 8 and not any(row["runner"].endswith("large") for row in rows(wheels["wheels"]))
    assert all(condition_holds(s.get("if"), private) for s in wheels["wheels"]["steps"])
    release = wheels["release"]
    assert release["environment"]["name"] == "pypi" and release["permissions"]["id-token"] == "write"
    steps = [s for s in release["steps"] if condition_holds(s.get("if"), private)]
    provenance = [] if private else ["actions/attest"]
    used = [s["uses"].split("@")[0] for s in steps]
    assert used == ["actions/download-artifact", *provenance, "pypa/gh-action-pypi-publish"]
    assert "password" not in steps[-1].get("with", {})


@pytest.mark.parametrize("variant", WITH_WORKFLOWS)
def test_a_release_carries_a_pyodide_wheel_whenever_pyodides_cpython_serves_the_floor(
    rendered: Callable[..., Path], variant: Variant
) -> None:
    """Pyodide's CPython loads an abi3 wheel of a floor up to its own, or the wheel of its own
    version for floor "none": the release builds it, tests it in Pyodide (the action) and
    publishes it; the documents say how a user loads it."""
    project = rendered(**variant.answers)
    floor = variant.all_answers["__min_python"]
    served = check_pins.minor(floor) <= check_pins.minor(PINS["pyodide"]["python"])
    jobs_ = load_yaml(project / ".github" / "workflows" / "wheels.yml")["jobs"]
    assert ("pyodide" in jobs_) == served == (project / ".github" / "actions" / "pyodide").is_dir()
    assert ("pyodide" in jobs_["release"]["needs"]) == served
    said = (project / "README.md").read_text(encoding="utf-8") + (project / "RELEASING.md").read_text("utf-8")
    assert (f'micropip.install("{project.name}")' in said) == served
    if served:
        script = runs(jobs_["pyodide"], project)
        assert "pyodide build" in script and "-m pytest" in script
        (upload,) = [s for s in jobs_["pyodide"]["steps"] if "upload-artifact" in s.get("uses", "")]
        assert upload["with"]["name"].startswith("wheels-")  # what the release downloads


@pytest.mark.parametrize(
    ("tag", "placeholder", "refusal"),
    [
        ("v0.1.0", False, None),
        ("v0.1.1", False, "does not match Cargo.toml's version 0.1.0 (expected v0.1.0)"),
        ("0.1.0", False, "expected v0.1.0"),
        ("v0.1.0", True, "still has the placeholder OWNER: put the repository's address there"),
    ],
    ids=["tag-and-url-right", "other-version", "no-v", "placeholder-url"],
)
def test_release_refuses_a_tag_that_is_not_the_cargo_version_or_a_placeholder_url(
    bake: Callable[..., Path], tag: str, placeholder: bool, refusal: str | None
) -> None:
    project = bake()
    if not placeholder:
        replace_in(project / "pyproject.toml", "github.com/OWNER/", "github.com/someone/")
    sdist = load_yaml(project / ".github" / "workflows" / "wheels.yml")["jobs"]["sdist"]
    (step,) = [s for s in sdist["steps"] if "tag" in s.get("name", "")]
    env = {**tool_versions(project)[1], "GITHUB_REF_NAME": tag, "GITHUB_REPOSITORY": "someone/rust-in-python"}
    proc = run([posix_shell("bash"), "-c", step["run"]], cwd=project, env=child_env(**env), check=False)
    assert (proc.returncode == 0) == (refusal is None), proc.stdout + proc.stderr
    assert refusal is None or refusal in proc.stdout
    if placeholder:
        assert "(https://github.com/someone/rust-in-python for this one)" in proc.stdout


def test_the_first_push_runs_ci_on_the_default_branch_of_git_or_github(
    rendered: Callable[..., Path], tmp_path: Path
) -> None:
    """GitHub names a new repository's branch `main`; git, without init.defaultBranch set, names
    it `master`, and the first push makes that the default branch."""
    git(tmp_path, "init", "-q")
    head = git(tmp_path, "symbolic-ref", "--short", "HEAD").strip()
    on = load_yaml(rendered() / ".github" / "workflows" / "ci.yml")[True]
    assert {head, "main"} <= set(on["push"]["branches"])
    assert {"pull_request", "schedule"} <= set(on)


def test_dependabot_watches_every_pin_and_leaves_alone_a_tool_pinned_twice(github: Path) -> None:
    """Dependabot moves every requirement of a name together, so it would put a version on an
    older Python's line that it cannot install: it ignores the names the dev group pins twice
    (the mixed layout's coverage at floor 3.10), and only those."""
    config = load_yaml(github / "dependabot.yml")
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"github-actions", "cargo", "rust-toolchain", "pip"}
    dev = read_toml(github.parent / "pyproject.toml")["dependency-groups"]["dev"]
    names = [re.match(r"[\w.-]+", requirement)[0] for requirement in dev]  # type: ignore[index]
    (pip,) = [u for u in config["updates"] if u["package-ecosystem"] == "pip"]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert sorted(rule["dependency-name"] for rule in pip.get("ignore", [])) == twice


# --- The template's own workflows ---------------------------------------------------------------
TEST_YML = TEMPLATE / ".github" / "workflows" / "test.yml"


def test_each_row_of_the_template_suite_installs_the_cpythons_the_suite_requires() -> None:
    """Run as each row of test.yml sees it: the CPythons its setup-python steps install (the last
    one is `python`, the others in RIP_PYTHONS), no pyenv, no other `python3.X`. A test that needs
    a particular CPython can ask only for one of CI_PYTHONS (conftest.required_cpython), and under
    CI=true the suite's collection fails while one of those is missing."""
    job = load_yaml(TEST_YML)["jobs"]["test"]
    found = {i.name: i.path for i in interpreters()}
    setups = [s for s in job["steps"] if "actions/setup-python" in s.get("uses", "")]
    assert all("if" not in s for s in setups)  # every row gets every step
    installed = [str(s["with"]["python-version"]) for s in setups]
    (suite,) = [s for s in job["steps"] if s.get("run") == "bash .ci/run"]
    assert suite["env"]["RIP_PYTHONS"] == f"${{{{ steps.{setups[0]['id']}.outputs.python-path }}}}"
    env = child_env(CI="true", PYENV_ROOT=os.devnull, RIP_PYTHONS=str(found[installed[0]]))
    env["PATH"] = str(Path(sys.executable).parent)
    for row in rows(job):
        assert all(check_pins.offers(SNAPSHOT, row["os"], python, False) for python in installed), row
    collect = "-m pytest --collect-only -q -n0 tests/test_interpreters.py tests/test_guide.py"
    run([sys.executable, *collect.split()], cwd=TEMPLATE, env=env)  # fails the test unless it exits 0


def test_template_builds_and_tests_the_default_projects_pyodide_wheel_with_its_own_action(
    rendered: Callable[..., Path],
) -> None:
    job = load_yaml(TEST_YML)["jobs"]["pyodide"]
    (render,) = [s["run"] for s in job["steps"] if "cookiecutter --no-input" in s.get("run", "")]
    (ours,) = [s for s in job["steps"] if "actions/pyodide" in s.get("uses", "")]
    project = rendered()
    assert "--output-dir out" in render and ours["with"]["project"] == f"out/{project.name}"
    assert (project / ours["uses"].removeprefix(f"./{ours['with']['project']}/") / "action.yml").is_file()


def test_template_proves_the_default_project_on_the_newest_and_free_threaded_python() -> None:
    job = load_yaml(TEST_YML)["jobs"]["newest"]
    assert job["strategy"]["matrix"]["python"] == [PINS["newest_python"], PINS["free_threaded_python"]]
    wanted = ["-m cookiecutter --no-input .", "-m pip install .", '"$python" -m pytest', "_is_gil_enabled()"]
    assert [command for command in wanted if command not in runs(job, TEMPLATE)] == []


def test_template_builds_the_rendered_release_on_all_six_images_with_the_projects_own_action(
    rendered: Callable[..., Path],
) -> None:
    job = load_yaml(TEST_YML)["jobs"]["release"]
    matrix = job["strategy"]["matrix"]
    projects = {"defaults": {}, "abi3_floor=none": {"abi3_floor": "none"}}
    assert matrix["project"] == list(projects)
    assert {row["runner"] for row in matrix["row"]} == set(PINS["runners"].values())
    (ours,) = [s for s in job["steps"] if "actions/wheels" in s.get("uses", "")]
    for answers in projects.values():
        project = rendered(**answers)
        wheels = load_yaml(project / ".github" / "workflows" / "wheels.yml")["jobs"]["wheels"]
        assert matrix["row"] == wheels["strategy"]["matrix"]["include"]
        (theirs,) = [s for s in wheels["steps"] if "actions/wheels" in s.get("uses", "")]
        assert ours["with"]["project"] == f"out/{project.name}"
        assert ours["uses"] == f"./{ours['with']['project']}/{theirs['uses'].removeprefix('$/')}"
        passed = {k: v.replace("matrix.row.", "matrix.") for k, v in ours["with"].items() if k != "project"}
        assert passed == theirs["with"]
