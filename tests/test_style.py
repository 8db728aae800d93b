"""The template's own Python (hooks, tests, scripts) is as clean as what it renders."""

from __future__ import annotations

import subprocess

import pytest

from conftest import TEMPLATE, tool

SOURCES = ["hooks", "tests", "benchmarks", ".ci", "local_extensions.py"]


@pytest.mark.parametrize("command", [["ruff", "check"], ["ruff", "format", "--check"]], ids=" ".join)
def test_template_python_passes_ruff(command: list[str]) -> None:
    proc = subprocess.run(
        [tool(command[0]), *command[1:], *SOURCES],
        cwd=TEMPLATE,
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
