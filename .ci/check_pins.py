"""Report every pin of the template that is behind, and every pinned fact that no longer holds.

Run weekly by .github/workflows/pins.yml. It reads crates.io, PyPI, the GitHub API
(authenticated with $GITHUB_TOKEN when set) and actions/python-versions' manifest, and runs
cargo. It checks:

- each pinned version (PyO3, maturin, ruff, uv, the lint Rust, the newest CPython, each
  action; the dev tools and pre-commit hooks through .ci/pre_commit_pins.py) against the
  newest release;
- each action's pinned commit is the commit of its version tag;
- the pinned PyO3 has the features the template asks for (abi3-pyXY for every floor, abi3t);
- the manifest setup-python installs from still offers the free-threaded and abi3t pins on
  every runner; the vendored snapshot (tests/data/python-versions.json) is current;
- each pinned runner label (`_pins.runners`) is still listed in actions/runner-images' README,
  is not deprecated, and names the image the snapshot says; a newer GA image that offers every
  CPython the label serves now is proposed as a move;
- the rendered Cargo.lock is what cargo resolves today.

`--write` refreshes the snapshot (CPythons and runner images) and the Cargo.lock template
and moves each action pin (in cookiecutter.json and the template's own workflows) to its
newest release; review the diff.
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

ROOT = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"
SNAPSHOT = ROOT / "tests" / "data" / "python-versions.json"
ACTION_TAGS = ROOT / "tests" / "data" / "action-tags.json"
LOCK_TEMPLATE = ROOT / "{{cookiecutter.project_slug}}" / "Cargo.lock"
WORKFLOWS = ROOT / ".github" / "workflows"
MANIFEST_URL = "https://raw.githubusercontent.com/actions/python-versions/main/versions-manifest.json"
RUNNER_IMAGES_URL = "https://raw.githubusercontent.com/actions/runner-images/main/README.md"
# The oldest CPython a project can ask for: the lowest floor on the menu.
OLDEST_PYTHON = min(
    tuple(int(part) for part in floor.split("."))
    for floor in json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))["abi3_floor"]
    if floor != "none"
)


class SourceError(Exception):
    """A registry could not be read or answered something unexpected."""


def fetch_json(url: str) -> Any:
    headers = {"User-Agent": "rust-in-python-pin-check", "Accept": "application/json"}
    token = os.environ.get("GITHUB_TOKEN")
    if token and url.startswith("https://api.github.com/"):
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as error:
        raise SourceError(f"{url}: {error}") from error


def fetch_text(url: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "rust-in-python-pin-check"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, TimeoutError, UnicodeDecodeError) as error:
        raise SourceError(f"{url}: {error}") from error


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.lstrip("v")))


def minor(version: str) -> tuple[int, int]:
    major, minor_ = version.rstrip("t").split(".")[:2]
    return int(major), int(minor_)


def minor_name(version: str) -> str:
    """ "3.14.2", "3.14t" -> "3.14"."""
    return "{}.{}".format(*minor(version))


def place(platform: str, platform_version: str, arch: str) -> str:
    """How the snapshot names a build: "linux 24.04 x64", "win32 arm64-freethreaded"."""
    return " ".join(part for part in (platform, platform_version, arch) if part)


# --- actions/python-versions' manifest: what setup-python can install where -------------------


def trim_manifest(manifest: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """For each CPython minor from the oldest floor on: the "platform [platform_version] arch"
    entries of its stable releases and of its pre-releases (free-threaded builds have an arch ending in
    `-freethreaded`)."""
    pythons: dict[str, dict[str, set[str]]] = {}
    for release in manifest:
        version = release["version"]
        if minor(version) < OLDEST_PYTHON:
            continue
        entry = pythons.setdefault(minor_name(version), {"stable": set(), "prerelease": set()})
        kind = "stable" if release["stable"] else "prerelease"
        for file in release["files"]:
            entry[kind].add(place(file["platform"], file.get("platform_version", ""), file["arch"]))
    ordered = sorted(pythons, key=minor)
    return {v: {k: sorted(pythons[v][k]) for k in ("stable", "prerelease")} for v in ordered}


def offers(snapshot: Mapping[str, Any], runner: str, python: str, allow_prereleases: bool) -> bool:
    """Whether setup-python finds `python` ("3.12", "3.14t") for `runner` in the manifest.

    setup-python looks for a file of the runner's platform, its exact Linux version and its
    arch (`<arch>-freethreaded` for a `t` version). `3.X` matches stable releases only;
    with `allow-prereleases` it becomes `~3.X.0-0`, which also matches 3.X's pre-releases,
    the newest first, so a pre-release serves where no stable 3.X has a file."""
    if runner not in snapshot["runners"]:
        return False
    platform, platform_version, arch = snapshot["runners"][runner]["setup_python"]
    if python.endswith("t"):
        arch += "-freethreaded"
    where = place(platform, platform_version, arch)
    entry = snapshot["pythons"].get(minor_name(python))
    if entry is None:
        return False
    return where in entry["stable"] or (allow_prereleases and where in entry["prerelease"])


def snapshot_problems(pins: Mapping[str, Any], snapshot: Mapping[str, Any]) -> list[str]:
    """The pinned CPython facts the workflows rely on, checked against a manifest snapshot."""
    report = []
    needed = [pins["free_threaded_python"], pins["abi3t_python"], pins["newest_python"]]
    needed.append(pins["newest_python"] + "t")
    for runner in pins["runners"].values():
        for python in needed:
            if not offers(snapshot, runner, python, allow_prereleases=True):
                report.append(f"python-versions: no CPython {python} for {runner}")
    stable = [v for v, entry in snapshot["pythons"].items() if entry["stable"]]
    newest_stable = max(stable, key=minor)
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
        image = " ".join(BADGE.sub("", first).split())
        status = "deprecated" if "deprecated" in badges else "preview" if "preview" in badges else "GA"
        arch = cells[1]
        if image.startswith("Ubuntu") and (version := re.search(r"\d+\.\d+", image)):
            setup_python = ["linux", version[0], arch]
        elif image.startswith("macOS"):
            setup_python = ["darwin", "", arch]
        elif image.startswith("Windows"):
            setup_python = ["win32", "", arch]
        else:
            continue  # no CPython from setup-python's manifest (Ubuntu Slim, Xcode)
        for label in re.findall(r"`([\w.-]+)`", cells[2]):
            labels[label] = {"image": image, "arch": arch, "status": status, "setup_python": setup_python}
    return labels


def family(image: str, arch: str) -> tuple[str, str]:
    """ "Ubuntu 24.04 Arm64", "arm64" -> ("Ubuntu Arm64", "arm64"): the same OS on the same CPU."""
    return " ".join(re.sub(r"\d+(\.\d+)*", "", image).split()), arch


def served(snapshot: Mapping[str, Any], label: str, pins: Mapping[str, Any]) -> set[str]:
    """The CPythons (the oldest floor up to the newest, free-threaded ones too) setup-python has
    for `label`."""
    newest = minor(pins["newest_python"])[1]
    first_free = minor(pins["free_threaded_python"])[1]
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
    for role, label in pins["runners"].items():
        entry = images.get(label)
        if entry is None:
            report.append(f"runners.{role}: {label} is no longer listed by actions/runner-images")
            continue
        if entry["status"] == "deprecated":
            report.append(f"runners.{role}: {label} ({entry['image']}) is deprecated")
        known = snapshot["runners"].get(label, {})
        if known.get("image") != entry["image"]:
            report.append(f"runners.{role}: {label} is now {entry['image']}, not {known.get('image')}")
        needed = served(current, label, pins)
        for other, candidate in images.items():
            newer = version_key(candidate["image"]) > version_key(entry["image"])
            same = family(candidate["image"], candidate["arch"]) == family(entry["image"], entry["arch"])
            if not (newer and same and candidate["status"] == "GA" and re.search(r"\d", other)):
                continue
            if other.endswith(("-large", "-xlarge")):
                continue
            missing = needed - served(current, other, pins)
            if not missing:
                report.append(f"runners.{role}: move {label} to {other} ({candidate['image']})")
            else:
                lacks = ", ".join(sorted(missing))
                print(f"note: runners.{role}: {other} lacks CPython {lacks}; keeping {label}")
    return report


def image_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One line for each label the README dropped, added, or shows with another image or status
    than the snapshot (a label leaving preview, a deprecation, a retirement)."""
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
        LOCK_HEAD
        + "{%- set crates -%}\n"
        + "\n\n".join(crates)
        + "\n{%- endset -%}\n{%- set project -%}\n"
        + own
        + "\n{%- endset -%}\n"
        + header
        + '\n\n{{ (crates.split("\\n\\n") + [project]) | sort(case_sensitive=true) | join("\\n\\n") }}\n'
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
    pinned = set(re.findall(r'name = "([^"{]+)"\nversion = "([^"]+)"', template))
    newest = set(re.findall(r'name = "([^"{]+)"\nversion = "([^"]+)"', resolved_template))
    changes = sorted(f"{n} {v}" for n, v in newest - pinned) or ["entries changed"]
    return ["Cargo.lock: cargo now resolves " + ", ".join(changes)]


# --- registries ----------------------------------------------------------------------------------

Getter = Callable[[str], Any]
# The pins that are crates.io releases: the PyO3 the project builds with, and the cargo tools
# its CI installs (their release binaries, by taiki-e/install-action).
CRATES = {"pyo3": "pyo3", "cargo_deny": "cargo-deny", "cargo_llvm_cov": "cargo-llvm-cov"}


def newest_releases(pins: Mapping[str, Any], get: Getter = fetch_json) -> dict[str, str]:
    """The newest release of everything pinned, keyed like the pins (actions by name)."""
    pypi = lambda name: get(f"https://pypi.org/pypi/{name}/json")["info"]["version"]  # noqa: E731
    crates_io = lambda crate: get(f"https://crates.io/api/v1/crates/{crate}")["crate"]  # noqa: E731
    latest = lambda repo: get(f"https://api.github.com/repos/{repo}/releases/latest")["tag_name"]  # noqa: E731
    newest = {
        **{pin: crates_io(crate)["max_stable_version"] for pin, crate in CRATES.items()},
        "maturin": pypi("maturin"),
        "ruff": pypi("ruff"),
        "uv": pypi("uv"),
        "rust": latest("rust-lang/rust"),
    }
    for action in pins["actions"]:
        newest[action] = latest(action)
    return newest


def behind(pins: Mapping[str, Any], newest: Mapping[str, str]) -> list[str]:
    """One line for each pin older than the newest release."""
    current = {k: pins[k] for k in (*CRATES, "maturin", "ruff", "uv", "rust")}
    current |= {action: pin["version"] for action, pin in pins["actions"].items()}
    return [
        f"{name}: pinned {pinned}, newest {newest[name]}"
        for name, pinned in current.items()
        if version_key(pinned) < version_key(newest[name])
    ]


def tag_problems(pins: Mapping[str, Any], get: Getter = fetch_json) -> list[str]:
    """Each action's pinned commit must be the commit its version tag points to."""
    report = []
    for action, pin in pins["actions"].items():
        sha = get(f"https://api.github.com/repos/{action}/commits/{pin['version']}")["sha"]
        if sha != pin["sha"]:
            report.append(f"{action}: pinned {pin['sha']} as {pin['version']}, but the tag is {sha}")
    return report


def pyo3_problems(pins: Mapping[str, Any], floors: Iterable[str], get: Getter = fetch_json) -> list[str]:
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


def install_action_problems(pins: Mapping[str, Any], get: Getter = fetch_json) -> list[str]:
    """The rendered CI installs the cargo tools with taiki-e/install-action and no fallback to a
    source build: each pinned version must be in the manifest of the pinned commit."""
    sha = pins["actions"]["taiki-e/install-action"]["sha"]
    report = []
    for pin in ("cargo_deny", "cargo_llvm_cov"):
        crate = CRATES[pin]
        manifest = get(
            f"https://raw.githubusercontent.com/taiki-e/install-action/{sha}/manifests/{crate}.json"
        )
        if pins[pin] not in manifest:
            report.append(f"{pin}: taiki-e/install-action {sha[:12]} has no binary of {crate} {pins[pin]}")
    return report


# --- writing -------------------------------------------------------------------------------------


def move_action_pins(pins: Mapping[str, Any], newest: Mapping[str, str], get: Getter = fetch_json) -> None:
    """Point each action that is behind at its newest release, in cookiecutter.json and in the
    template's own workflows (the rendered ones read cookiecutter.json)."""
    files = [COOKIECUTTER_JSON, *WORKFLOWS.glob("*.yml")]
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    for action, pin in pins["actions"].items():
        tag = newest[action]
        if version_key(pin["version"]) >= version_key(tag):
            continue
        sha = get(f"https://api.github.com/repos/{action}/commits/{tag}")["sha"]
        for path, text in texts.items():
            text = text.replace(f"{action}@{pin['sha']} # {pin['version']}", f"{action}@{sha} # {tag}")
            block = f'"{action}": {{\n        "sha": "{pin["sha"]}",\n        "version": "{pin["version"]}"'
            text = text.replace(block, f'"{action}": {{\n        "sha": "{sha}",\n        "version": "{tag}"')
            texts[path] = text
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")


def write_action_tags(get: Getter = fetch_json) -> None:
    """Record the commit each pinned action tag points to now (after any move), from the API."""
    pins = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))["_pins"]["actions"]
    data = json.loads(ACTION_TAGS.read_text(encoding="utf-8"))
    data["actions"] = {
        action: {
            "tag": pin["version"],
            "sha": get(f"https://api.github.com/repos/{action}/commits/{pin['version']}")["sha"],
            "source": f"the GitHub API on {date.today().isoformat()}",
        }
        for action, pin in pins.items()
    }
    ACTION_TAGS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def write_snapshot(trimmed: Mapping[str, Any], images: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    today = date.today().isoformat()
    sources = {"pythons": f"{MANIFEST_URL} on {today}", "runners": f"{RUNNER_IMAGES_URL} on {today}"}
    snapshot = {**old, "sources": sources, "fetched": today, "runners": dict(images), "pythons": trimmed}
    SNAPSHOT.write_text(json.dumps(snapshot, indent=2) + "\n", encoding="utf-8")


def other_checks() -> list[Callable[[Mapping[str, Any], Getter], list[str]]]:
    """The `behind(pins, get)` of the sibling pin checks (the dev tools and pre-commit hooks)."""
    import importlib.util

    checks = []
    for path in sorted(Path(__file__).parent.glob("*_pins.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        checks.append(module.behind)
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="refresh what can be refreshed in place")
    args = parser.parse_args(argv)
    config = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    pins = config["_pins"]
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    report: list[str] = []
    try:
        newest = newest_releases(pins)
        report += behind(pins, newest)
        for check in other_checks():
            report += check(pins, fetch_json)
        report += tag_problems(pins)
        report += pyo3_problems(pins, config["abi3_floor"])
        report += install_action_problems(pins)
        trimmed = trim_manifest(fetch_json(MANIFEST_URL))
        images = parse_runner_images(fetch_text(RUNNER_IMAGES_URL))
    except (SourceError, KeyError, TypeError, ValueError, IndexError) as error:
        print(f"error: could not read a source: {error!r}", file=sys.stderr)
        return 2
    report += snapshot_problems(pins, {**snapshot, "runners": images, "pythons": trimmed})
    report += runner_problems(pins, {**snapshot, "pythons": trimmed}, images)
    report += image_changes(snapshot["runners"], images)
    if trimmed != snapshot["pythons"]:
        report.append(f"{SNAPSHOT.relative_to(ROOT).as_posix()}: setup-python's manifest changed")
    resolved = lock_template(resolve_lock(), "rust-in-python", "0.1.0")
    report += lock_problems(LOCK_TEMPLATE.read_text(encoding="utf-8"), resolved)
    if args.write:
        write_snapshot(trimmed, images, snapshot)
        LOCK_TEMPLATE.write_text(resolved, encoding="utf-8")
        move_action_pins(pins, newest)
        write_action_tags()
    for line in report:
        print(f"behind: {line}")
    if not report:
        print("Every pin is at its newest release and every pinned fact holds.")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
