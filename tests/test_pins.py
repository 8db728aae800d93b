"""The weekly pin check reports exactly the pins that are behind and the facts that broke."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import TEMPLATE, load_module

check_pins = load_module(TEMPLATE / ".ci" / "check_pins.py")

CONFIG = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
PINS = CONFIG["_pins"]
SNAPSHOT = json.loads((TEMPLATE / "tests" / "data" / "python-versions.json").read_text(encoding="utf-8"))


def registry(**overrides: str) -> dict[str, str]:
    """What the registries would answer if everything pinned were current, changed by `overrides`."""
    newest = {k: PINS[k] for k in ("pyo3", "maturin", "ruff", "uv", "rust")}
    newest |= {action: pin["version"] for action, pin in PINS["actions"].items()}
    return {**newest, **overrides}


def test_nothing_is_reported_when_every_pin_is_current() -> None:
    assert check_pins.behind(PINS, registry()) == []


def test_newer_crate_tool_rust_and_action_releases_are_reported() -> None:
    newest = registry(pyo3="9.0.0", uv="9.0.0", rust="9.0.0", **{"actions/checkout": "v99.0.0"})
    report = check_pins.behind(PINS, newest)
    assert [line.split(":")[0] for line in report] == ["pyo3", "uv", "rust", "actions/checkout"]


def test_versions_compare_numerically() -> None:
    assert check_pins.version_key("v1.10.0") > check_pins.version_key("v1.9.9")
    assert check_pins.version_key("3.15") > check_pins.version_key("3.9")


def answers_for_registries(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "https://crates.io/api/v1/crates/pyo3": {"crate": {"max_stable_version": "0.31.0"}},
        "https://pypi.org/pypi/maturin/json": {"info": {"version": "1.17.0"}},
        "https://pypi.org/pypi/ruff/json": {"info": {"version": PINS["ruff"]}},
        "https://pypi.org/pypi/uv/json": {"info": {"version": PINS["uv"]}},
        "https://api.github.com/repos/rust-lang/rust/releases/latest": {"tag_name": PINS["rust"]},
    }
    for action, pin in PINS["actions"].items():
        answers[f"https://api.github.com/repos/{action}/releases/latest"] = {"tag_name": pin["version"]}
        answers[f"https://api.github.com/repos/{action}/commits/{pin['version']}"] = {"sha": pin["sha"]}
    return {**answers, **changes}


def test_newest_releases_reads_each_registry() -> None:
    newest = check_pins.newest_releases(PINS, get=answers_for_registries().__getitem__)
    assert [line.split(":")[0] for line in check_pins.behind(PINS, newest)] == ["pyo3", "maturin"]


def test_a_pinned_commit_that_is_not_its_tag_is_reported() -> None:
    checkout = PINS["actions"]["actions/checkout"]
    url = f"https://api.github.com/repos/actions/checkout/commits/{checkout['version']}"
    answers = answers_for_registries(**{url: {"sha": "0" * 40}})
    report = check_pins.tag_problems(PINS, get=answers.__getitem__)
    assert report == [
        f"actions/checkout: pinned {checkout['sha']} as {checkout['version']}, but the tag is {'0' * 40}"
    ]


def test_every_pinned_commit_is_its_tag_when_the_tags_agree() -> None:
    assert check_pins.tag_problems(PINS, get=answers_for_registries().__getitem__) == []


@pytest.mark.parametrize("missing", ["abi3-py39", "abi3t-py315"])
def test_a_pyo3_without_a_feature_the_template_needs_is_reported(missing: str) -> None:
    features = {f"abi3-py3{m}": [] for m in range(9, 16)} | {"abi3t-py315": []}
    del features[missing]
    url = f"https://crates.io/api/v1/crates/pyo3/{PINS['pyo3']}"
    report = check_pins.pyo3_problems(
        PINS, CONFIG["abi3_floor"], get={url: {"version": {"features": features}}}.get
    )
    assert report == [f"pyo3 {PINS['pyo3']}: no feature {missing}"]


def test_an_unreadable_registry_is_an_error_not_a_crash() -> None:
    with pytest.raises(check_pins.SourceError):
        check_pins.fetch_json("http://127.0.0.1:9/unreachable.json")


MANIFEST = [
    {
        "version": "3.16.0-beta.1",
        "stable": False,
        "files": [{"platform": "linux", "platform_version": "24.04", "arch": "x64"}],
    },
    {
        "version": "3.14.2",
        "stable": True,
        "files": [
            {"platform": "win32", "arch": "arm64-freethreaded"},
            {"platform": "linux", "platform_version": "24.04", "arch": "x64"},
        ],
    },
    {"version": "3.8.10", "stable": True, "files": [{"platform": "win32", "arch": "x64"}]},
]


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
        ("ubuntu-latest", "3.13t", False, True),
        ("ubuntu-latest", "3.15", False, False),  # a pre-release in the snapshot
        ("ubuntu-latest", "3.15", True, True),
        ("macos-15", "3.99", True, False),
    ],
)
def test_the_snapshot_answers_what_setup_python_finds(
    runner: str, python: str, prereleases: bool, offered: bool
) -> None:
    assert check_pins.offers(SNAPSHOT, runner, python, prereleases) is offered


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
