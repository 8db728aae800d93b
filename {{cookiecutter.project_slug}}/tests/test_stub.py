"""The type stub names what the compiled module has, checked by mypy's stubtest: its
functions, constants and their kinds. stubtest cannot see the argument types of a compiled
function; tests/test_types.py holds those, through mypy and at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
if sys.platform == "emscripten":
    pytest.skip("Pyodide starts no process and has no mypy", allow_module_level=True)
pytest.importorskip("mypy", reason="stubtest comes with mypy, one of the dev tools")


@pytest.mark.thread_unsafe(reason="stubtest runs in a process of its own: once is enough")
def test_stub_matches_the_compiled_module() -> None:
    # The same command as in README.md, run from the project root.
{%- if cookiecutter.layout == "mixed" %}
    command = [sys.executable, "-m", "mypy.stubtest", "{{ cookiecutter.module_name }}._core"]
{%- else %}
    command = [
        sys.executable,
        "-m",
        "mypy.stubtest",
        "{{ cookiecutter.module_name }}",
        "--allowlist",
        "tests/stubtest-allowlist.txt",
    ]
{%- endif %}
    proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PROJECT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
