"""The pre-commit hook repositories the rendered projects pin, and the PyPI release behind each.

Each of these repositories tags every PyPI release of its tool (some as `v1.2.3`, some as
`1.2.3`), so a rev is behind when PyPI has a newer release: no GitHub API needed. The revs
of ruff-pre-commit and mirrors-mypy come from the `ruff` and `dev.mypy` pins, so the
pre-commit hooks and the dev group run the same ruff and mypy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from packaging.specifiers import SpecifierSet

# Hook repository (GitHub owner/name) -> the PyPI distribution its tags release.
PYPI_NAMES = {
    "pre-commit/pre-commit-hooks": "pre-commit-hooks",
    "astral-sh/ruff-pre-commit": "ruff",
    "pre-commit/mirrors-mypy": "mypy",
    "codespell-project/codespell": "codespell",
    "abravalheri/validate-pyproject": "validate-pyproject",
    "hukkin/mdformat": "mdformat",
    "python-jsonschema/check-jsonschema": "check-jsonschema",
    "zizmorcore/zizmor-pre-commit": "zizmor",
}


def revs(pins: Mapping[str, Any]) -> dict[str, str]:
    """The rev of every hook repository, keyed by owner/name."""
    return {
        **pins["pre_commit"],
        "astral-sh/ruff-pre-commit": f"v{pins['ruff']}",
        "pre-commit/mirrors-mypy": f"v{pins['dev']['mypy']}",
    }


def pypi_version(rev: str) -> str:
    """The PyPI version a rev tags: `v2.4.3` -> `2.4.3`."""
    return rev.removeprefix("v")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def newest_for(releases: Mapping[str, list[Mapping[str, Any]]], python: str) -> str:
    """The newest final release on PyPI whose files all install on CPython `python`."""
    fits = [
        version
        for version, files in releases.items()
        if files
        and version.replace(".", "").isdigit()
        and all(python in SpecifierSet(f.get("requires_python") or "") for f in files)
    ]
    return max(fits, key=version_key)


def behind(pins: Mapping[str, Any], get: Callable[[str], Any]) -> list[str]:
    """One line for each pin in `pre_commit` and `dev` older than its newest PyPI release, and
    for each pin in `dev_py310` older than the newest release that installs on Python 3.10.

    `get(url)` returns the decoded JSON of a URL (check_pins.fetch_json)."""
    pinned = {repo: (PYPI_NAMES[repo], rev) for repo, rev in pins["pre_commit"].items()}
    pinned |= {name: (name, version) for name, version in pins["dev"].items()}
    report = []
    for key, (dist, rev) in pinned.items():
        newest = get(f"https://pypi.org/pypi/{dist}/json")["info"]["version"]
        if version_key(pypi_version(rev)) < version_key(newest):
            report.append(f"{key}: pinned {rev}, newest {newest}")
    for name, version in pins["dev_py310"].items():
        newest = newest_for(get(f"https://pypi.org/pypi/{name}/json")["releases"], "3.10")
        if version_key(version) < version_key(newest):
            report.append(f"dev_py310.{name}: pinned {version}, newest for Python 3.10 {newest}")
    return report
