"""The type stub describes the compiled module exactly, checked by mypy's stubtest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_stub_matches_the_compiled_module(tmp_path: Path) -> None:
{%- if cookiecutter.layout == "mixed" %}
    command = [sys.executable, "-m", "mypy.stubtest", "{{ cookiecutter.module_name }}._core"]
{%- else %}
    # maturin wraps the extension in a package of the same name; the compiled submodule
    # inside it is an implementation detail with no stub of its own.
    allowlist = tmp_path / "stubtest-allowlist.txt"
    allowlist.write_text("{{ cookiecutter.module_name }}.{{ cookiecutter.module_name }}\n")
    command = [
        sys.executable,
        "-m",
        "mypy.stubtest",
        "{{ cookiecutter.module_name }}",
        "--allowlist",
        str(allowlist),
    ]
{%- endif %}
    proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
