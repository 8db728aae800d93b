"""Every command the rendered README gives and the template prints works as written, with a
rustup that installs no toolchain on its own.

The commands are read from the README's ```console blocks and from what cookiecutter prints, so
a README and its test cannot drift apart. They run in a POSIX shell (Git's bash on Windows),
from the folder a reader would be in.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import POST_GEN, TEMPLATE, build_env, doc_blocks, passed, shell, uv_env

pytestmark = pytest.mark.build


@pytest.mark.skipif(os.name == "nt", reason="the venv block activates with the POSIX .venv/bin/activate")
@pytest.mark.parametrize("layout", ["rust", "mixed"])
def test_every_command_of_the_rendered_readme_runs_as_written(
    bake: Callable[..., Path], rustup_installs_nothing: dict[str, str], layout: str
) -> None:
    """With a rustup that installs no toolchain on its own: the README's own command does."""
    project = bake(layout=layout)
    blocks = doc_blocks(project / "README.md")
    uv_blocks = [block for block in blocks if "\nuv sync\n" in block]
    fresh = project.parent / f"{layout}-uv"  # where uv makes its own .venv
    shutil.copytree(project, fresh)
    env = build_env(**rustup_installs_nothing)
    out = shell("\n".join(block for block in blocks if block not in uv_blocks), project, env)
    assert "fibo(35) = 9227465" in out
    assert "built without optimisations" in out
    assert re.search(r"fibo\(40\) = 102334155 in \S+ \(Rust, release build\)", out)
    assert passed(out)
    # nox -s coverage: every region, function and line of src/lib.rs (and of the mixed layout's
    # package: coverage.py's own report) ran
    assert re.search(r"^TOTAL(?:\s+\d+\s+0\s+100\.00%){3}", out, re.M)
    assert bool(re.search(r"^TOTAL(?:\s+\d+\s+0){2}\s+100%$", out, re.M)) == (layout == "mixed")
    if layout == "rust":  # its uv commands are the next steps, run as printed in the test below
        return
    for block in uv_blocks:
        out = shell(block, fresh, uv_env(**rustup_installs_nothing))
        assert "fibo(35) = 9227465" in out and passed(out)


def test_the_next_steps_printed_after_a_render_run_as_printed(
    tmp_path: Path, cookiecutter_cli: Callable[..., Any], rustup_installs_nothing: dict[str, str]
) -> None:
    proc = cookiecutter_cli("--no-input", str(TEMPLATE), "project_name=Next Steps", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    steps = [line.strip() for line in proc.stdout.splitlines() if line.startswith("    ")]
    assert steps[0] == "cd next-steps"
    out = shell("\n".join(steps), tmp_path, uv_env(**rustup_installs_nothing))
    assert "fibo(35) = 9227465" in out and passed(out)


@pytest.mark.parametrize("with_uv", [True, False], ids=["uv on PATH", "no uv"])
def test_the_printed_next_steps_are_the_readmes_commands(bake: Callable[..., Path], with_uv: bool) -> None:
    """What the hook prints after a render is a README block, which the test above runs as written."""
    project = bake()
    printed = POST_GEN.next_steps(project.name, [], with_uv=with_uv).splitlines()
    assert printed[1].strip() == f"cd {project.name}"
    marker = "\nuv sync\n" if with_uv else "python3 -m venv"
    (block,) = [b for b in doc_blocks(project / "README.md") if marker in b]
    assert [line.split("  #")[0].strip() for line in printed[2:]] == [
        line.split("  #")[0].strip() for line in block.strip().splitlines()
    ]
