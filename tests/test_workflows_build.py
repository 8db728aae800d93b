"""What the workflows build from, proven here with cargo: the rendered Cargo.lock is the one
cargo resolves, for every build configuration. (The wheels the build steps make are checked in
test_interpreters.py, which shares their builds; the sdist's files in test_supply_chain.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MENUS, PINS, run

pytestmark = pytest.mark.build

ABI3T_FEATURE = "pyo3/abi3t-py" + PINS["abi3t_python"].replace(".", "")


@pytest.mark.parametrize(
    "answers",
    [{}, {"project_slug": "a-b", "version": "2.3.4"}, {"project_slug": "zzz-last"}],
    ids=["defaults", "sorts-first", "sorts-last"],
)
def test_rendered_lock_file_is_exactly_what_cargo_writes(
    bake: Callable[..., Path], answers: dict[str, str]
) -> None:
    project = bake(**answers)
    rendered = (project / "Cargo.lock").read_text(encoding="utf-8")
    run(["cargo", "metadata", "--format-version", "1"], cwd=project)
    assert (project / "Cargo.lock").read_text(encoding="utf-8") == rendered


@pytest.mark.parametrize("floor", MENUS["abi3_floor"])
@pytest.mark.parametrize(
    "features", [[], ["--features", "python"], ["--features", f"python,{ABI3T_FEATURE}"]]
)
def test_every_build_configuration_resolves_from_the_lock_file_unchanged(
    rendered: Callable[..., Path], floor: str, features: list[str]
) -> None:
    project = rendered(abi3_floor=floor)
    run(["cargo", "tree", "--locked", "--edges", "normal,build", *features], cwd=project)
