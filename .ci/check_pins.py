"""Report every pin of the template that is behind, and every pinned fact that no longer holds.

Run weekly by .github/workflows/pins.yml (which also asks zizmor's online audits whether each
action commit is its tag), from crates.io, PyPI, the GitHub API, setup-python's manifest and the
runner images' README: each version of `_pins` against its newest release; the PyO3 features and
Rust the template needs; the CPythons each pinned runner offers, and each runner label's image;
the rendered Cargo.lock against what cargo resolves today.

`--write` refreshes tests/data/python-versions.json and the Cargo.lock template, and moves each
action pin (cookiecutter.json and the template's own workflows) to its newest release.
Exit status: 0 all current, 1 something behind or broken, 2 a source could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"
SNAPSHOT = ROOT / "tests" / "data" / "python-versions.json"
LOCK_TEMPLATE = ROOT / "{{cookiecutter.project_slug}}" / "Cargo.lock"
MANIFEST_URL = "https://raw.githubusercontent.com/actions/python-versions/main/versions-manifest.json"
RUNNER_IMAGES_URL = "https://raw.githubusercontent.com/actions/runner-images/main/README.md"
CONFIG = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
# The oldest CPython a project can ask for: the lowest floor on the menu.
OLDEST_PYTHON = min(tuple(map(int, floor.split("."))) for floor in CONFIG["abi3_floor"] if floor != "none")
# The pins that are crates.io releases: the PyO3 the project builds with, and the cargo tools
# its CI installs (their release binaries, by taiki-e/install-action).
CRATES = {"pyo3": "pyo3", "cargo_deny": "cargo-deny", "cargo_llvm_cov": "cargo-llvm-cov"}
Getter = Callable[[str], Any]


class SourceError(Exception):
    """A registry could not be read or answered something unexpected."""


def fetch(url: str, as_json: bool = True) -> Any:
    headers = {"User-Agent": "rust-in-python-pin-check"}
    if os.environ.get("GITHUB_TOKEN") and url.startswith("https://api.github.com/"):
        headers["Authorization"] = f"Bearer {os.environ['GITHUB_TOKEN']}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            text = response.read().decode("utf-8")
        return json.loads(text) if as_json else text
    except (urllib.error.URLError, TimeoutError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"{url}: {error}") from error


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def minor(version: str) -> tuple[int, int]:
    """ "3.14.2", "3.14t" -> (3, 14)."""
    major, minor_ = version.rstrip("t").split(".")[:2]
    return int(major), int(minor_)


def place(platform: str, platform_version: str, arch: str) -> str:
    """How the snapshot names a build: "linux 24.04 x64", "win32 arm64-freethreaded"."""
    return " ".join(part for part in (platform, platform_version, arch) if part)


# --- actions/python-versions' manifest: what setup-python can install where -------------------


def trim_manifest(manifest: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """For each CPython minor from the oldest floor on: the builds ("platform [version] arch";
    free-threaded ones have an arch ending in `-freethreaded`) of its stable and pre-releases."""
    pythons: dict[str, dict[str, set[str]]] = {}
    for release in manifest:
        if minor(release["version"]) < OLDEST_PYTHON:
            continue
        entry = pythons.setdefault(
            "{}.{}".format(*minor(release["version"])), {"stable": set(), "prerelease": set()}
        )
        for file in release["files"]:
            where = place(file["platform"], file.get("platform_version", ""), file["arch"])
            entry["stable" if release["stable"] else "prerelease"].add(where)
    return {
        v: {k: sorted(pythons[v][k]) for k in ("stable", "prerelease")} for v in sorted(pythons, key=minor)
    }


def offers(snapshot: Mapping[str, Any], runner: str, python: str, allow_prereleases: bool) -> bool:
    """Whether setup-python finds `python` ("3.12", "3.14t") for `runner` in the manifest: a file
    of the runner's platform, exact Linux version and arch (`<arch>-freethreaded` for a `t`
    version). `3.X` matches stable releases; with `allow-prereleases` it is `~3.X.0-0`, which
    also matches pre-releases, so a pre-release serves where no stable 3.X has a file."""
    if runner not in snapshot["runners"]:
        return False
    platform, platform_version, arch = snapshot["runners"][runner]["setup_python"]
    where = place(platform, platform_version, arch + ("-freethreaded" if python.endswith("t") else ""))
    entry = snapshot["pythons"].get("{}.{}".format(*minor(python)))
    return entry is not None and (
        where in entry["stable"] or (allow_prereleases and where in entry["prerelease"])
    )


def snapshot_problems(pins: Mapping[str, Any], snapshot: Mapping[str, Any]) -> list[str]:
    """The pinned CPython facts the workflows rely on, checked against a manifest snapshot."""
    needed = [
        pins["free_threaded_python"],
        pins["abi3t_python"],
        pins["newest_python"],
        pins["newest_python"] + "t",
    ]
    report = [
        f"python-versions: no CPython {python} for {runner}"
        for runner in pins["runners"].values()
        for python in needed
        if not offers(snapshot, runner, python, allow_prereleases=True)
    ]
    newest_stable = max((v for v, entry in snapshot["pythons"].items() if entry["stable"]), key=minor)
    if minor(newest_stable) > minor(pins["newest_python"]):
        report.append(f"newest_python: pinned {pins['newest_python']}, newest {newest_stable}")
    return report


# --- actions/runner-images' README: which image each runner label names ------------------------

BADGE = re.compile(r"\[?!\[([^\]]*)\]\([^)]*\)(?:\]\([^)]*\))?")


def parse_runner_images(readme: str) -> dict[str, dict[str, Any]]:
    """Every label of the README's "Available Images" table: the image it names ("Ubuntu 24.04"),
    its arch, its status (GA, preview or deprecated, from the badges) and what setup-python
    looks up on it (platform, Linux version, arch)."""
    section = readme.split("## Available Images", 1)[1].split("\n## ", 1)[0]
    labels: dict[str, dict[str, Any]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.search(r"`[\w.-]+`", cells[2]):
            continue
        first = cells[0].split("<br>")[0]
        badges = [b.lower() for b in BADGE.findall(first)]
        image, arch = " ".join(BADGE.sub("", first).split()), cells[1]
        status = "deprecated" if "deprecated" in badges else "preview" if "preview" in badges else "GA"
        if image.startswith("Ubuntu") and (version := re.search(r"\d+\.\d+", image)):
            setup_python = ["linux", version[0], arch]
        elif image.startswith(("macOS", "Windows")):
            setup_python = ["darwin" if image.startswith("macOS") else "win32", "", arch]
        else:
            continue  # no CPython from setup-python's manifest (Ubuntu Slim, Xcode)
        for label in re.findall(r"`([\w.-]+)`", cells[2]):
            labels[label] = {"image": image, "arch": arch, "status": status, "setup_python": setup_python}
    return labels


def served(snapshot: Mapping[str, Any], label: str, pins: Mapping[str, Any]) -> set[str]:
    """The CPythons (the oldest floor to the newest, free-threaded too) setup-python has for `label`."""
    newest, first_free = minor(pins["newest_python"])[1], minor(pins["free_threaded_python"])[1]
    pythons = [f"3.{m}" for m in range(OLDEST_PYTHON[1], newest + 1)]
    pythons += [f"3.{m}t" for m in range(first_free, newest + 1)]
    return {p for p in pythons if offers(snapshot, label, p, allow_prereleases=True)}


def runner_problems(
    pins: Mapping[str, Any], snapshot: Mapping[str, Any], images: Mapping[str, Any]
) -> list[str]:
    """Each pinned label against the README: listed, not deprecated, the image the snapshot
    says; and a move to a newer GA image of the same OS and CPU when it serves every CPython
    the pinned one serves (a newer image that serves fewer is named, not proposed)."""
    report = []
    current = {**snapshot, "runners": images}
    family = lambda entry: (re.sub(r"[\d.]+", "", entry["image"]).split(), entry["arch"])  # noqa: E731
    for role, label in pins["runners"].items():
        entry = images.get(label)
        if entry is None:
            report.append(f"runners.{role}: {label} is no longer listed by actions/runner-images")
            continue
        if entry["status"] == "deprecated":
            report.append(f"runners.{role}: {label} ({entry['image']}) is deprecated")
        known = snapshot["runners"].get(label, {}).get("image")
        if known != entry["image"]:
            report.append(f"runners.{role}: {label} is now {entry['image']}, not {known}")
        for other, candidate in images.items():
            newer = version_key(candidate["image"]) > version_key(entry["image"])
            if not (newer and family(candidate) == family(entry) and candidate["status"] == "GA"):
                continue
            if not re.search(r"\d", other) or other.endswith(("-large", "-xlarge")):
                continue
            if missing := served(current, label, pins) - served(current, other, pins):
                print(
                    f"note: runners.{role}: {other} lacks CPython {', '.join(sorted(missing))}: kept {label}"
                )
            else:
                report.append(f"runners.{role}: move {label} to {other} ({candidate['image']})")
    return report


def image_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One line for each label the README dropped, added, or shows with another image or status."""
    report = [f"runner images: {label} is no longer listed" for label in old if label not in new]
    for label, entry in new.items():
        before = old.get(label)
        if before is None:
            report.append(f"runner images: {label} is new ({entry['image']}, {entry['status']})")
        elif before != entry:
            changes = [
                f"{key} {before.get(key)} -> {value}"
                for key, value in entry.items()
                if before.get(key) != value
            ]
            report.append(f"runner images: {label}: " + ", ".join(changes))
    return report


# --- the rendered Cargo.lock ---------------------------------------------------------------------

LOCK_HEAD = """{#- Cargo.lock of the rendered project. The crates.io entries are what
    `cargo generate-lockfile` wrote for a rendered project; the project's own entry goes where
    cargo sorts it, by name.
    Regenerate with `python .ci/check_pins.py --write`. -#}
"""


def lock_template(lock: str, name: str, version: str) -> str:
    """Turn a lock file cargo wrote for a project `name` into the template that renders it."""
    header, _, body = lock.partition("\n\n")
    entries = body.rstrip("\n").split("\n\n")
    (own,) = [e for e in entries if e.startswith(f'[[package]]\nname = "{name}"\n')]
    crates = [e for e in entries if e is not own]
    if crates != sorted(crates):
        raise ValueError("cargo no longer sorts the lock file by name")
    own = own.replace(f'name = "{name}"', 'name = "{{ cookiecutter.project_slug }}"')
    own = own.replace(f'version = "{version}"', 'version = "{{ cookiecutter.version }}"', 1)
    return (
        f"{LOCK_HEAD}{{%- set crates -%}}\n" + "\n\n".join(crates) + "\n{%- endset -%}\n{%- set project -%}\n"
        f"{own}\n{{%- endset -%}}\n{header}\n\n"
        '{{ (crates.split("\\n\\n") + [project]) | sort(case_sensitive=true) | join("\\n\\n") }}\n'
    )


def resolve_lock() -> str:
    """The lock file cargo resolves today for the default rendered project."""
    from cookiecutter.main import cookiecutter

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=tmp))
        (project / "Cargo.lock").unlink()
        subprocess.run(["cargo", "generate-lockfile", "--quiet"], cwd=project, check=True, timeout=600)
        return (project / "Cargo.lock").read_text(encoding="utf-8")


def lock_problems(template: str, resolved_template: str) -> list[str]:
    if template == resolved_template:
        return []
    pinned, newest = (
        set(re.findall(r'name = "([^"{]+)"\nversion = "([^"]+)"', t)) for t in (template, resolved_template)
    )
    return [
        "Cargo.lock: cargo now resolves "
        + (", ".join(sorted(f"{n} {v}" for n, v in newest - pinned)) or "entries changed")
    ]


# --- registries ----------------------------------------------------------------------------------


def newest_releases(pins: Mapping[str, Any], get: Getter = fetch) -> dict[str, str]:
    """The newest release of everything pinned, keyed like the pins (actions by name)."""
    pypi = lambda name: get(f"https://pypi.org/pypi/{name}/json")["info"]["version"]  # noqa: E731
    latest = lambda repo: get(f"https://api.github.com/repos/{repo}/releases/latest")["tag_name"]  # noqa: E731
    newest = {
        pin: get(f"https://crates.io/api/v1/crates/{crate}")["crate"]["max_stable_version"]
        for pin, crate in CRATES.items()
    }
    newest |= {name: pypi(name) for name in ("maturin", "ruff", "uv")} | {"rust": latest("rust-lang/rust")}
    newest["pyodide"] = pypi("pyodide-build")
    return newest | {action: latest(action) for action in pins["actions"]}


def behind(pins: Mapping[str, Any], newest: Mapping[str, str]) -> list[str]:
    """One line for each pin older than the newest release."""
    current = {k: pins[k] for k in (*CRATES, "maturin", "ruff", "uv", "rust")} | {
        "pyodide": pins["pyodide"]["build"]
    }
    current |= {action: pin["version"] for action, pin in pins["actions"].items()}
    return [
        f"{name}: pinned {pinned}, newest {newest[name]}"
        for name, pinned in current.items()
        if version_key(pinned) < version_key(newest[name])
    ]


def revs(pins: Mapping[str, Any]) -> dict[str, str]:
    """The rev of every pre-commit hook repository: ruff's and mypy's are the dev group's."""
    ruff_mypy = {
        "astral-sh/ruff-pre-commit": f"v{pins['ruff']}",
        "pre-commit/mirrors-mypy": f"v{pins['dev']['mypy']}",
    }
    return {**pins["pre_commit"], **ruff_mypy}


def pypi_name(repo: str) -> str:
    """The PyPI distribution whose releases a hook repository tags: `astral-sh/ruff-pre-commit` ->
    `ruff`, `pre-commit/mirrors-mypy` -> `mypy`, `codespell-project/codespell` -> `codespell`."""
    return repo.split("/")[1].removeprefix("mirrors-").removesuffix("-pre-commit")


def pypi_version(rev: str) -> str:
    """The PyPI version a hook repository's rev tags: `v2.4.3` -> `2.4.3`."""
    return rev.removeprefix("v")


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


def pypi_behind(pins: Mapping[str, Any], get: Getter) -> list[str]:
    """The pre-commit revs and dev tools behind their newest PyPI release, and the `dev_py310`
    pins behind the newest release that installs on Python 3.10."""
    pinned = {repo: (pypi_name(repo), rev) for repo, rev in pins["pre_commit"].items()}
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


def pyo3_problems(pins: Mapping[str, Any], floors: Iterable[str], get: Getter = fetch) -> list[str]:
    """The pinned PyO3 must have abi3-pyXY for every floor offered, and abi3t-pyXY; and the
    crate's declared minimum Rust (`msrv`) must be at least the one PyO3 declares."""
    version = get(f"https://crates.io/api/v1/crates/pyo3/{pins['pyo3']}")["version"]
    wanted = [f"abi3-py{f.replace('.', '')}" for f in floors if f != "none"]
    wanted.append(f"abi3t-py{pins['abi3t_python'].replace('.', '')}")
    report = [f"pyo3 {pins['pyo3']}: no feature {w}" for w in wanted if w not in version["features"]]
    needs = version.get("rust_version") or "0"
    if version_key(needs) > version_key(pins["msrv"]):
        report.append(f"msrv: pinned {pins['msrv']}, but pyo3 {pins['pyo3']} needs Rust {needs}")
    return report


def install_action_problems(pins: Mapping[str, Any], get: Getter = fetch) -> list[str]:
    """The rendered CI installs the cargo tools with taiki-e/install-action and no fallback to a
    source build: each pinned version must be in the manifest of the pinned commit."""
    sha = pins["actions"]["taiki-e/install-action"]["sha"]
    return [
        f"{pin}: taiki-e/install-action {sha[:12]} has no binary of {CRATES[pin]} {pins[pin]}"
        for pin in ("cargo_deny", "cargo_llvm_cov")
        if pins[pin]
        not in get(
            f"https://raw.githubusercontent.com/taiki-e/install-action/{sha}/manifests/{CRATES[pin]}.json"
        )
    ]


# --- writing -------------------------------------------------------------------------------------


def move_action_pins(pins: Mapping[str, Any], newest: Mapping[str, str], get: Getter = fetch) -> None:
    """Point each action that is behind at its newest release, in cookiecutter.json and in the
    template's own workflows (the rendered ones read cookiecutter.json)."""
    files = [COOKIECUTTER_JSON, *(ROOT / ".github" / "workflows").glob("*.yml")]
    for action, pin in pins["actions"].items():
        tag = newest[action]
        if version_key(pin["version"]) >= version_key(tag):
            continue
        sha = get(f"https://api.github.com/repos/{action}/commits/{tag}")["sha"]
        for path in files:
            text = path.read_text(encoding="utf-8").replace(
                f"{action}@{pin['sha']} # {pin['version']}", f"{action}@{sha} # {tag}"
            )
            old = f'"sha": "{pin["sha"]}",\n        "version": "{pin["version"]}"'
            path.write_text(
                text.replace(old, f'"sha": "{sha}",\n        "version": "{tag}"'), encoding="utf-8"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="refresh what can be refreshed in place")
    args = parser.parse_args(argv)
    pins = CONFIG["_pins"]
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    try:
        newest = newest_releases(pins)
        report = behind(pins, newest) + pypi_behind(pins, fetch) + pyo3_problems(pins, CONFIG["abi3_floor"])
        report += install_action_problems(pins)
        trimmed = trim_manifest(fetch(MANIFEST_URL))
        images = parse_runner_images(fetch(RUNNER_IMAGES_URL, as_json=False))
    except (SourceError, KeyError, TypeError, ValueError, IndexError) as error:
        print(f"error: could not read a source: {error!r}", file=sys.stderr)
        return 2
    report += snapshot_problems(pins, {**snapshot, "runners": images, "pythons": trimmed})
    report += runner_problems(pins, {**snapshot, "pythons": trimmed}, images)
    report += image_changes(snapshot["runners"], images)
    if trimmed != snapshot["pythons"]:
        report.append("tests/data/python-versions.json: setup-python's manifest changed")
    resolved = lock_template(resolve_lock(), "rust-in-python", "0.1.0")
    report += lock_problems(LOCK_TEMPLATE.read_text(encoding="utf-8"), resolved)
    if args.write:
        today = date.today().isoformat()
        sources = {"pythons": f"{MANIFEST_URL} on {today}", "runners": f"{RUNNER_IMAGES_URL} on {today}"}
        refreshed = {**snapshot, "sources": sources, "fetched": today, "runners": images, "pythons": trimmed}
        SNAPSHOT.write_text(json.dumps(refreshed, indent=2) + "\n", encoding="utf-8")
        LOCK_TEMPLATE.write_text(resolved, encoding="utf-8")
        move_action_pins(pins, newest)
    for line in report:
        print(f"behind: {line}")
    if not report:
        print("Every pin is at its newest release and every pinned fact holds.")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
