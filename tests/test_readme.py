"""Every command the rendered README gives and the template prints works as written, with a
rustup that installs no toolchain on its own. The commands are read from the README's ```console
blocks and from what cookiecutter prints, so a README and its test cannot drift apart; they run in
a POSIX shell (Git's bash on Windows), from the folder a reader would be in."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import POST_GEN, build_env, doc_blocks, passed, shell, uv_env

pytestmark = pytest.mark.build


@pytest.mark.skipif(os.name == "nt", reason="the venv block activates with the POSIX .venv/bin/activate")
@pytest.mark.parametrize("layout", ["rust", "mixed"])
def test_every_command_of_the_rendered_readme_runs_as_written(
    bake: Callable[..., Path], rustup_installs_nothing: dict[str, str], layout: str
) -> None:
    """With a rustup that installs no toolchain on its own, so that the first block run, the
    venv one in the rust layout and the uv one in the mixed layout, shows that its own first
    command installs it. The mixed layout leaves out the Speed section, whose commands are the
    same in both layouts and run the same crate."""
    project = bake(layout=layout)
    readme = (project / "README.md").read_text(encoding="utf-8")
    if layout == "mixed":
        readme = readme.split("## Speed", 1)[0] + "## Tests" + readme.split("## Tests", 1)[1]
        (project / "README.md").write_text(readme, encoding="utf-8")
    blocks = doc_blocks(project / "README.md")
    (uv_block,) = [block for block in blocks if "\nuv sync\n" in block]
    if layout == "mixed":  # in a copy of its own: uv makes its own .venv
        copy = shutil.copytree(project, project.parent / "uv")
        out = shell(uv_block, copy, uv_env(**rustup_installs_nothing))
        assert "fibo(35) = 9227465" in out and passed(out)
    out = shell("\n".join(b for b in blocks if b != uv_block), project, build_env(**rustup_installs_nothing))
    assert "fibo(35) = 9227465" in out and passed(out)
    if layout == "rust":
        assert "built without optimisations" in out
        assert re.search(r"fibo\(40\) = 102334155 in \S+ \(Rust, release build\)", out)
    # nox -s coverage: every region, function and line of src/lib.rs (and of the mixed layout's
    # package: coverage.py's own report) ran
    assert re.search(r"^TOTAL(?:\s+\d+\s+0\s+100\.00%){3}", out, re.M)
    assert bool(re.search(r"^TOTAL(?:\s+\d+\s+0){2}\s+100%$", out, re.M)) == (layout == "mixed")


@pytest.mark.parametrize("with_uv", [True, False], ids=["uv on PATH", "no uv"])
def test_the_printed_next_steps_are_the_readmes_commands(bake: Callable[..., Path], with_uv: bool) -> None:
    """What the hook prints after a render is a README block (the uv one runs as written above)."""
    project = bake()
    printed = POST_GEN.next_steps(project.name, [], with_uv=with_uv).splitlines()
    assert printed[1].strip() == f"cd {project.name}"
    marker = "\nuv sync\n" if with_uv else "python3 -m venv"
    (block,) = [b for b in doc_blocks(project / "README.md") if marker in b]
    assert [line.split("  #")[0].strip() for line in printed[2:]] == [
        line.split("  #")[0].strip() for line in block.strip().splitlines()
    ]
