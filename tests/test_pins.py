"""The weekly pin check reports exactly the pins that are behind and the facts that broke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from conftest import CONFIG, PINS, SNAPSHOT, TEMPLATE, check_pins


def test_versions_compare_numerically() -> None:
    assert check_pins.version_key("v1.10.0") > check_pins.version_key("v1.9.9")
    assert check_pins.version_key("3.15") > check_pins.version_key("3.9")


def registries(**newer: str) -> Callable[[str], Any]:
    """crates.io, PyPI and GitHub as if every pin were the newest release, except `newer`."""
    newest = {k: PINS[k] for k in (*check_pins.CRATES, "maturin", "ruff", "uv", "rust")}
    newest["pyodide-build"] = PINS["pyodide"]["build"]
    newest |= {action: pin["version"] for action, pin in PINS["actions"].items()} | newer
    answers: dict[str, Any] = {
        f"https://crates.io/api/v1/crates/{c}": {"crate": {"max_stable_version": newest[pin]}}
        for pin, c in check_pins.CRATES.items()
    }
    for name in ("maturin", "ruff", "uv", "pyodide-build"):
        answers[f"https://pypi.org/pypi/{name}/json"] = {"info": {"version": newest[name]}}
    answers["https://api.github.com/repos/rust-lang/rust/releases/latest"] = {"tag_name": newest["rust"]}
    for action in PINS["actions"]:
        answers[f"https://api.github.com/repos/{action}/releases/latest"] = {"tag_name": newest[action]}
    return answers.__getitem__


def test_nothing_is_behind_when_every_registry_answers_the_pinned_release() -> None:
    assert check_pins.behind(PINS, check_pins.newest_releases(PINS, get=registries())) == []


def test_each_newer_release_of_a_crate_a_tool_the_rust_or_an_action_is_reported() -> None:
    newer = {"pyo3": "0.99.0", "cargo_llvm_cov": "9.0.0", "maturin": "9.0", "rust": "9.0.0"}
    newer["actions/checkout"] = "v99"
    report = check_pins.behind(PINS, check_pins.newest_releases(PINS, get=registries(**newer)))
    assert [line.split(":")[0] for line in report] == list(newer)


def pyo3_answering(missing: str = "", rust_version: str = PINS["msrv"]) -> Any:
    features = {f"abi3-py3{m}": [] for m in range(9, 16)} | {"abi3t-py315": []}
    features.pop(missing, None)
    url = f"https://crates.io/api/v1/crates/pyo3/{PINS['pyo3']}"
    return {url: {"version": {"features": features, "rust_version": rust_version}}}.get


@pytest.mark.parametrize("missing", ["abi3-py310", "abi3t-py315"])
def test_a_pyo3_without_a_feature_the_template_needs_is_reported(missing: str) -> None:
    report = check_pins.pyo3_problems(PINS, CONFIG["abi3_floor"], get=pyo3_answering(missing))
    assert report == [f"pyo3 {PINS['pyo3']}: no feature {missing}"]


def test_a_pyo3_that_needs_a_newer_rust_than_the_declared_minimum_is_reported() -> None:
    assert check_pins.pyo3_problems(PINS, CONFIG["abi3_floor"], get=pyo3_answering()) == []
    report = check_pins.pyo3_problems(PINS, CONFIG["abi3_floor"], get=pyo3_answering(rust_version="1.99"))
    assert report == [f"msrv: pinned {PINS['msrv']}, but pyo3 {PINS['pyo3']} needs Rust 1.99"]


def test_an_unreadable_registry_is_an_error_not_a_crash() -> None:
    with pytest.raises(check_pins.SourceError):
        check_pins.fetch("http://127.0.0.1:9/unreachable.json")


# --- The dev tools and the pre-commit hooks, against PyPI ---------------------------------------
def pypi_answering(**newer: str) -> Callable[[str], dict[str, Any]]:
    """PyPI's JSON API as if every pinned release were the newest, except `newer`."""
    newest = {check_pins.pypi_name(r): check_pins.pypi_version(v) for r, v in PINS["pre_commit"].items()}
    newest |= PINS["dev"] | newer
    for_py310 = {n: {v: [{"requires_python": ">=3.10"}]} for n, v in PINS["dev_py310"].items()}
    for_py310["coverage"]["99.0"] = [{"requires_python": ">=3.11"}]

    def answer(url: str) -> dict[str, Any]:
        name = url.removeprefix("https://pypi.org/pypi/").split("/")[0]
        return {"info": {"version": newest[name]}, "releases": for_py310.get(name, {})}

    return answer


def test_the_pin_check_reports_nothing_when_every_rev_and_dev_tool_is_current() -> None:
    assert check_pins.pypi_behind(PINS, pypi_answering()) == []


def test_the_pin_check_reports_a_release_for_python_3_10_behind_pypi() -> None:
    answer = pypi_answering()
    answer("https://pypi.org/pypi/coverage/json")["releases"]["98.0"] = [{"requires_python": ">=3.9"}]
    report = check_pins.pypi_behind(PINS, answer)
    assert report == [
        f"dev_py310.coverage: pinned {PINS['dev_py310']['coverage']}, newest for Python 3.10 98.0"
    ]


def test_the_pin_check_reports_a_rev_and_a_dev_tool_behind_pypi() -> None:
    codespell = PINS["pre_commit"]["codespell-project/codespell"]
    assert check_pins.pypi_behind(PINS, pypi_answering(codespell="99.0.0", pytest="99.1")) == [
        f"codespell-project/codespell: pinned {codespell}, newest 99.0.0",
        f"pytest: pinned {PINS['dev']['pytest']}, newest 99.1",
    ]


# The shape of actions/python-versions' versions-manifest.json.
MANIFEST = yaml.safe_load("""
- {version: 3.16.0-beta.1, stable: false, files: [{platform: linux, platform_version: '24.04', arch: x64}]}
- {version: 3.14.2, stable: true, files: [{platform: win32, arch: arm64-freethreaded},
   {platform: linux, platform_version: '24.04', arch: x64}]}
- {version: 3.8.10, stable: true, files: [{platform: win32, arch: x64}]}
""")


def test_the_manifest_is_trimmed_to_where_each_minor_exists() -> None:
    assert check_pins.trim_manifest(MANIFEST) == {
        "3.14": {"stable": ["linux 24.04 x64", "win32 arm64-freethreaded"], "prerelease": []},
        "3.16": {"stable": [], "prerelease": ["linux 24.04 x64"]},
    }


@pytest.mark.parametrize(
    ("runner", "python", "prereleases", "offered"),
    [
        ("windows-11-arm", "3.10", True, False),  # actions/setup-python#976
        ("windows-11-arm", "3.11", False, True),
        ("windows-11-arm", "3.14t", False, True),
        ("ubuntu-24.04", "3.9", False, True),
        ("ubuntu-26.04", "3.9", True, False),  # no CPython 3.9 built for Ubuntu 26.04
        ("ubuntu-26.04", "3.10", False, True),
        ("ubuntu-latest", "3.9", False, False),  # ubuntu-latest is Ubuntu 26.04 now
        ("ubuntu-24.04", "3.13t", False, True),
        ("ubuntu-24.04", "3.15", False, False),  # a pre-release in the snapshot
        ("ubuntu-24.04", "3.15", True, True),
        ("ubuntu-24.04", "3.15t", True, True),
        ("macos-26", "3.99", True, False),
        ("macos-26", "3.9", False, True),
        ("no-such-runner", "3.12", True, False),
    ],
)
def test_the_snapshot_answers_what_setup_python_finds(
    runner: str, python: str, prereleases: bool, offered: bool
) -> None:
    assert check_pins.offers(SNAPSHOT, runner, python, prereleases) is offered


def test_a_pre_release_serves_where_no_stable_release_has_a_file() -> None:
    """`~3.X.0-0` matches a pre-release and stable releases alike: a runner whose platform only a
    pre-release was built for gets it with allow-prereleases, even when 3.X is final elsewhere."""
    snapshot = {
        "runners": {"r": {"setup_python": ["linux", "26.04", "x64"]}},
        "pythons": {"3.15": {"stable": ["linux 24.04 x64"], "prerelease": ["linux 26.04 x64"]}},
    }
    assert check_pins.offers(snapshot, "r", "3.15", allow_prereleases=True)
    assert not check_pins.offers(snapshot, "r", "3.15", allow_prereleases=False)


def test_the_snapshot_holds_every_pinned_python_fact() -> None:
    assert check_pins.snapshot_problems(PINS, SNAPSHOT) == []


def test_a_newer_stable_python_or_a_vanished_free_threaded_build_is_reported() -> None:
    pythons = {**SNAPSHOT["pythons"], "3.16": {"stable": ["linux 24.04 x64"], "prerelease": []}}
    pythons["3.14"] = {"stable": [p for p in pythons["3.14"]["stable"] if "win32 arm64-free" not in p]}
    pythons["3.14"]["prerelease"] = []
    report = check_pins.snapshot_problems(PINS, {**SNAPSHOT, "pythons": pythons})
    assert report == [
        "python-versions: no CPython 3.14t for windows-11-arm",
        f"newest_python: pinned {PINS['newest_python']}, newest 3.16",
    ]


def test_a_lock_that_cargo_would_resolve_differently_is_reported() -> None:
    template = (TEMPLATE / "{{cookiecutter.project_slug}}" / "Cargo.lock").read_text(encoding="utf-8")
    assert check_pins.lock_problems(template, template) == []
    newer = template.replace('name = "libc"\nversion = "', 'name = "libc"\nversion = "9')
    (line,) = check_pins.lock_problems(template, newer)
    assert line.startswith("Cargo.lock: cargo now resolves libc 9")


BADGE = "![Endpoint Badge](https://example.invalid/badge.json)"
DEPRECATED = "[![deprecated](https://example.invalid/d.svg)](https://example.invalid/13518)"
# The shape of actions/runner-images' README: the table, then other sections naming labels too.
README = f"""# GitHub Actions Runner Images
## Available Images
| Image | Architecture | YAML Label | Included Software |
| --------------------|--------------|---------------------|------------------|
| Ubuntu 26.04 ![preview](https://example.invalid/p.svg)<br>{BADGE} | x64 | `ubuntu-26.04` | [software] |
| Ubuntu 24.04<br>{BADGE} | x64 | `ubuntu-latest` or `ubuntu-24.04` | [software] |
| Ubuntu Slim<br>{BADGE} | x64 | `ubuntu-slim` | [software] |
| macOS 14 Arm64 {DEPRECATED}<br>{BADGE} | arm64 | `macos-14` or `macos-14-xlarge` | [software] |
| Windows Server 2025<br>{BADGE} | x64 | `windows-latest`, `windows-2025` | [software] |
### Label scheme
- In general the `-latest` label is used for the latest OS image version that is GA.
## Announcements"""


def test_the_runner_images_table_gives_each_label_its_image_status_and_setup_python_lookup() -> None:
    images = check_pins.parse_runner_images(README)
    labels = "ubuntu-26.04 ubuntu-latest ubuntu-24.04 macos-14 macos-14-xlarge windows-latest windows-2025"
    assert list(images) == labels.split()
    assert images["ubuntu-26.04"] == {
        "image": "Ubuntu 26.04",
        "arch": "x64",
        "status": "preview",
        "setup_python": ["linux", "26.04", "x64"],
    }
    assert images["ubuntu-latest"]["image"] == "Ubuntu 24.04" and images["ubuntu-latest"]["status"] == "GA"
    assert images["macos-14"]["status"] == "deprecated"
    assert images["windows-2025"]["setup_python"] == ["win32", "", "x64"]


def test_the_snapshot_names_the_image_of_every_pinned_runner() -> None:
    assert set(PINS["runners"].values()) <= set(SNAPSHOT["runners"])
    assert check_pins.runner_problems(PINS, SNAPSHOT, SNAPSHOT["runners"]) == []


def test_a_deprecated_unlisted_or_moved_runner_label_is_reported() -> None:
    images = {k: dict(v) for k, v in SNAPSHOT["runners"].items()}
    images["macos-26"]["status"] = "deprecated"
    del images["windows-2025"]
    images["ubuntu-26.04-arm"]["image"] = "Ubuntu 28.04 Arm64"
    report = check_pins.runner_problems(PINS, SNAPSHOT, images)
    assert report == [
        "runners.linux_arm: ubuntu-26.04-arm is now Ubuntu 28.04 Arm64, not Ubuntu 26.04 Arm64",
        "runners.macos: macos-26 (macOS 26 Arm64) is deprecated",
        "runners.windows: windows-2025 is no longer listed by actions/runner-images",
    ]


@pytest.mark.parametrize(("offered", "report"), [(True, []), (False, ["cargo_llvm_cov"])])
def test_a_cargo_tool_version_without_a_checked_binary_in_the_install_action_is_reported(
    offered: bool, report: list[str]
) -> None:
    def get(url: str) -> dict[str, object]:
        assert PINS["actions"]["taiki-e/install-action"]["sha"] in url
        versions = [PINS["cargo_deny"]] + ([PINS["cargo_llvm_cov"]] if offered else [])
        return {version: {"x86_64_linux_musl": {"hash": "0" * 64}} for version in versions}

    found = check_pins.install_action_problems(PINS, get)
    assert [line.split(":")[0] for line in found] == report


def test_each_label_the_readme_adds_drops_or_changes_is_reported_by_itself() -> None:
    """The changes of autumn 2026, replayed: 26.04 Arm64 left preview, 22.04 was deprecated,
    macOS 14 was retired."""
    before = {k: dict(v) for k, v in SNAPSHOT["runners"].items()}
    before["ubuntu-26.04-arm"]["status"] = "preview"
    before["ubuntu-22.04"]["status"] = "GA"
    before["macos-14"] = {**before["macos-15"], "image": "macOS 14 Arm64"}
    assert check_pins.image_changes(before, SNAPSHOT["runners"]) == [
        "runner images: macos-14 is no longer listed",
        "runner images: ubuntu-26.04-arm: status preview -> GA",
        "runner images: ubuntu-22.04: status GA -> deprecated",
    ]
    assert check_pins.image_changes(SNAPSHOT["runners"], SNAPSHOT["runners"]) == []


def test_a_newer_image_is_proposed_only_when_it_serves_every_python_the_pinned_one_does() -> None:
    """Pinned to ubuntu-24.04, a move to Ubuntu 26.04 is proposed while it has every CPython from
    the oldest floor on; without one of them it is only named."""
    older = {**PINS, "runners": {**PINS["runners"], "linux": "ubuntu-24.04"}}
    report = check_pins.runner_problems(older, SNAPSHOT, SNAPSHOT["runners"])
    assert report == ["runners.linux: move ubuntu-24.04 to ubuntu-26.04 (Ubuntu 26.04)"]
    stable = [p for p in SNAPSHOT["pythons"]["3.10"]["stable"] if p != "linux 26.04 x64"]
    pythons = {**SNAPSHOT["pythons"], "3.10": {**SNAPSHOT["pythons"]["3.10"], "stable": stable}}
    assert check_pins.runner_problems(older, {**SNAPSHOT, "pythons": pythons}, SNAPSHOT["runners"]) == []
