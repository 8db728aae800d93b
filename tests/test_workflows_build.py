"""What the workflows build, proven here with cargo and maturin: the rendered Cargo.lock is the
one cargo resolves, the sdist carries what a build needs, and the wheels the build steps make
carry tags that serve every supported CPython, free-threaded included, and nothing else.

(No 3.14 or 3.15 interpreter exists here: maturin builds abi3, abi3t and cp314t wheels from
its bundled interpreter data. Loading them is proven by the template's own workflow.)"""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.tags import cpython_tags
from packaging.utils import parse_wheel_filename

from conftest import TEMPLATE, answers, run

pytestmark = pytest.mark.build

CONFIG = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
PINS = CONFIG["_pins"]
NEWEST = int(PINS["newest_python"].split(".")[1])
ABI3T_FEATURE = "pyo3/abi3t-py" + PINS["abi3t_python"].replace(".", "")


@pytest.mark.parametrize(
    "answers",
    [{}, {"project_slug": "a-b", "version": "2.3.4"}, {"project_slug": "zzz-last"}],
    ids=["defaults", "sorts-first", "sorts-last"],
)
def test_rendered_lock_file_is_exactly_what_cargo_writes(bake, answers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    project = bake(**answers)
    rendered = (project / "Cargo.lock").read_text(encoding="utf-8")
    run(["cargo", "metadata", "--format-version", "1"], cwd=project)
    assert (project / "Cargo.lock").read_text(encoding="utf-8") == rendered


@pytest.mark.parametrize("floor", CONFIG["abi3_floor"])
@pytest.mark.parametrize(
    "features", [[], ["--features", "python"], ["--features", f"python,{ABI3T_FEATURE}"]]
)
def test_every_build_configuration_resolves_from_the_lock_file_unchanged(
    bake,  # type: ignore[no-untyped-def]
    floor: str,
    features: list[str],
) -> None:
    project = bake(abi3_floor=floor)
    run(["cargo", "tree", "--locked", "--edges", "normal,build", *features], cwd=project)


def test_sdist_carries_the_lock_file_and_the_build_flags(bake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = bake()
    run(["maturin", "sdist", "--out", tmp_path], cwd=project)
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames()}
    assert {"Cargo.lock", ".cargo/config.toml"} <= names


def serves(wheel: Path, python: str) -> bool:
    """Whether installers put this wheel on CPython `python` ("3.12", "3.14t"), by packaging's
    own tag rules (abi3t included), which pip and uv follow."""
    free_threaded = python.endswith("t")
    minor = int(python.rstrip("t").split(".")[1])
    wheel_tags = parse_wheel_filename(wheel.name)[3]
    abi = f"cp3{minor}{'t' if free_threaded else ''}"
    accepted = cpython_tags((3, minor), [abi], sorted({tag.platform for tag in wheel_tags}))
    return not wheel_tags.isdisjoint(accepted)


def supported(floor: str) -> list[str]:
    first = int(answers(abi3_floor=floor)["__min_python"].split(".")[1])
    gil = [f"3.{m}" for m in range(first, NEWEST + 1)]
    return gil + [f"3.{m}t" for m in range(max(first, 14), NEWEST + 1)]


# One floor of each kind the workflow treats apart: abi3 below 3.14 (the default), abi3 at
# 3.14 (with its cp314t wheel), 3.15 (abi3t alone), and version-specific wheels. The other
# floors' wheels are built in test_interpreters.py and test_build.py.
@pytest.mark.parametrize("floor", ["3.10", "3.14", "3.15", "none"])
def test_ci_build_steps_make_wheels_that_serve_exactly_the_supported_pythons(
    ci_wheels: Callable[[str], list[Path]], floor: str
) -> None:
    wheels = ci_wheels(floor)
    tags = sorted("-".join(w.name.split("-")[2:4]) for w in wheels)
    unserved = [p for p in supported(floor) if not any(serves(w, p) for w in wheels)]
    useless = [w.name for w in wheels if not any(serves(w, p) for p in supported(floor))]
    assert (unserved, useless) == ([], []), tags
    if floor not in ("none", PINS["abi3t_python"]):
        assert f"cp3{floor.split('.')[1]}-abi3" in tags  # the stable-ABI wheel starts at the floor
    assert all(re.fullmatch(r"cp3\d+-(abi3|abi3\.abi3t|cp3\d+t?)", t) for t in tags)
