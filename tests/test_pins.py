"""The weekly pin check reports exactly the pins that are behind."""

from __future__ import annotations

import json
from typing import Any

from conftest import TEMPLATE, load_module

check_pins = load_module(TEMPLATE / ".ci" / "check_pins.py")

PINS = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_pins"]


def registry(**overrides: str) -> dict[str, str]:
    """What the registries would answer if everything pinned were current, changed by `overrides`."""
    newest: dict[str, str] = {k: PINS[k] for k in ("pyo3", "maturin", "ruff", "newest_python")}
    for action, pin in PINS["actions"].items():
        newest[action] = pin["sha"] if pin["version"] == "master" else pin["version"]
    return {**newest, **overrides}


def test_nothing_is_reported_when_every_pin_is_current() -> None:
    assert check_pins.behind(PINS, registry()) == []


def test_newer_crate_python_and_action_releases_are_reported() -> None:
    newest = registry(pyo3="9.0.0", newest_python="3.99", **{"actions/checkout": "v99.0.0"})
    report = check_pins.behind(PINS, newest)
    assert [line.split(":")[0] for line in report] == ["pyo3", "newest_python", "actions/checkout"]


def test_a_moved_branch_pin_is_reported() -> None:
    pinned = PINS["actions"]["dtolnay/rust-toolchain"]["sha"]
    report = check_pins.behind(PINS, registry(**{"dtolnay/rust-toolchain": "0" * 40}))
    assert report == [f"dtolnay/rust-toolchain: pinned master at {pinned}, now {'0' * 40}"]


def test_versions_compare_numerically() -> None:
    assert check_pins.version_key("v1.10.0") > check_pins.version_key("v1.9.9")
    assert check_pins.version_key("3.15") > check_pins.version_key("3.9")


def test_newest_releases_reads_each_registry() -> None:
    answers: dict[str, Any] = {
        "https://crates.io/api/v1/crates/pyo3": {"crate": {"max_stable_version": "0.31.0"}},
        "https://pypi.org/pypi/maturin/json": {"info": {"version": "1.17.0"}},
        "https://pypi.org/pypi/ruff/json": {"info": {"version": "0.18.0"}},
        "https://endoflife.date/api/python.json": [{"cycle": "3.15"}, {"cycle": "3.14"}],
    }
    for action, pin in PINS["actions"].items():
        if pin["version"] == "master":
            answers[f"https://api.github.com/repos/{action}/branches/master"] = {
                "commit": {"sha": pin["sha"]}
            }
        else:
            answers[f"https://api.github.com/repos/{action}/releases/latest"] = {"tag_name": pin["version"]}
    newest = check_pins.newest_releases(PINS, get=answers.__getitem__)
    assert (newest["pyo3"], newest["maturin"], newest["ruff"]) == ("0.31.0", "1.17.0", "0.18.0")
    assert [line.split(":")[0] for line in check_pins.behind(PINS, newest)] == ["pyo3", "maturin", "ruff"]
