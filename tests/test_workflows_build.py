"""What the workflows build from, proven here with cargo: the rendered Cargo.lock is the one
cargo resolves, for every build configuration, and the crate type-checks for Pyodide. (The
wheels the build steps make are checked in test_interpreters.py; the sdist in test_supply_chain.py.)"""

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
    run("cargo metadata --format-version 1".split(), cwd=project)
    assert (project / "Cargo.lock").read_text(encoding="utf-8") == rendered


@pytest.mark.parametrize("floor", MENUS["abi3_floor"])
@pytest.mark.parametrize("features", ["", "--features python", f"--features python,{ABI3T_FEATURE}"])
def test_every_build_configuration_resolves_from_the_lock_file_unchanged(
    rendered: Callable[..., Path], floor: str, features: str
) -> None:
    run(f"cargo tree --locked --edges normal,build {features}".split(), cwd=rendered(abi3_floor=floor))


def test_the_crate_type_checks_for_pyodide_with_a_nightly_and_rust_src(rendered: Callable[..., Path]) -> None:
    """GitHub builds the Pyodide wheel with Emscripten; here, where neither Emscripten nor a
    prebuilt std for the target can be had, the nightly pyodide-build names by default checks the
    crate, the bindings included, against a std built from its rust-src."""
    check = "check --locked -Zbuild-std=std,panic_abort --target wasm32-unknown-emscripten --features python"
    run(["cargo", f"+{PINS['pyodide']['default_rust']}", *check.split()], cwd=rendered())
