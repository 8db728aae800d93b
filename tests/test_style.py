"""The template's own Python (hooks, tests, scripts) is as clean as what it renders."""

from __future__ import annotations

import subprocess

import pytest

from conftest import TEMPLATE

SOURCES = ["hooks", "tests", "benchmarks", ".ci/check_pins.py", "local_extensions.py"]


@pytest.mark.parametrize("command", [["ruff", "check"], ["ruff", "format", "--check"]], ids=" ".join)
def test_template_python_passes_ruff(command: list[str]) -> None:
    proc = subprocess.run([*command, *SOURCES], cwd=TEMPLATE, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
