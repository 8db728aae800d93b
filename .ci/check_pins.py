"""Report every version the template pins that is behind its registry's newest release.

Run weekly by .github/workflows/pins.yml (it needs the network: crates.io, PyPI,
endoflife.date and the GitHub API). Exit status 1 when a pin is behind.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

COOKIECUTTER_JSON = Path(__file__).resolve().parent.parent / "cookiecutter.json"


def fetch_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": "rust-in-python-pin-check"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split(".") if part.isdigit())


def newest_releases(pins: Mapping[str, Any], get: Callable[[str], Any] = fetch_json) -> dict[str, str]:
    """The newest release of everything pinned, keyed like the pins."""
    newest = {
        "pyo3": get("https://crates.io/api/v1/crates/pyo3")["crate"]["max_stable_version"],
        "maturin": get("https://pypi.org/pypi/maturin/json")["info"]["version"],
        "ruff": get("https://pypi.org/pypi/ruff/json")["info"]["version"],
        "newest_python": get("https://endoflife.date/api/python.json")[0]["cycle"],
    }
    for action, pin in pins["actions"].items():
        if pin["version"] == "master":
            branch = get(f"https://api.github.com/repos/{action}/branches/master")
            newest[action] = branch["commit"]["sha"]
        else:
            newest[action] = get(f"https://api.github.com/repos/{action}/releases/latest")["tag_name"]
    return newest


def behind(pins: Mapping[str, Any], newest: Mapping[str, str]) -> list[str]:
    """One line for each pin older than the newest release."""
    report = []
    for name in ("pyo3", "maturin", "ruff", "newest_python"):
        if version_key(pins[name]) < version_key(newest[name]):
            report.append(f"{name}: pinned {pins[name]}, newest {newest[name]}")
    for action, pin in pins["actions"].items():
        if pin["version"] == "master":
            if pin["sha"] != newest[action]:
                report.append(f"{action}: pinned master at {pin['sha']}, now {newest[action]}")
        elif version_key(pin["version"]) < version_key(newest[action]):
            report.append(f"{action}: pinned {pin['version']}, newest {newest[action]}")
    return report


def main() -> int:
    pins = json.loads(COOKIECUTTER_JSON.read_text())["_pins"]
    report = behind(pins, newest_releases(pins))
    for line in report:
        print(f"behind: {line}")
    if not report:
        print("Every pin is at its newest release.")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
