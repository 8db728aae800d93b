"""The tools users reach for work on a rendered project: uv, cruft and pre-commit.

Slow: uv and pre-commit build or lint for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE, build_env, render, run

pytestmark = pytest.mark.build


def uv_env() -> dict[str, str]:
    """uv with this machine's Python only (it may not download one)."""
    return build_env(UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")


def test_uv_sync_then_uv_run_pytest_passes(tmp_path: Path) -> None:
    project = render(tmp_path, layout="mixed", module_name="uv_fib")
    run(["uv", "sync"], cwd=project, env=uv_env())
    out = run(["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=uv_env()).stdout
    assert " passed" in out and "failed" not in out


def test_uv_run_rebuilds_after_a_rust_edit(tmp_path: Path) -> None:
    project = render(tmp_path, module_name="uv_edit")
    probe = [
        "uv",
        "run",
        "python",
        "-c",
        "import uv_edit\ntry: uv_edit.fibo(0)\nexcept ValueError as e: print(e)",
    ]
    run(["uv", "sync"], cwd=project, env=uv_env())
    assert "positive integer" in run(probe, cwd=project, env=uv_env()).stdout
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("n must be a positive integer", "n must be one or more"))
    assert "n must be one or more" in run(probe, cwd=project, env=uv_env()).stdout


def git_repo_copy_of_the_template(tmp_path: Path) -> Path:
    """A local git clone of the template as it is in this working tree."""
    repo = tmp_path / "template-repo"
    ignore = shutil.ignore_patterns(".git", ".cache", "__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(TEMPLATE, repo, ignore=ignore)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "template"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo


def test_cruft_create_renders_the_same_project_and_cruft_check_passes(tmp_path: Path) -> None:
    repo = git_repo_copy_of_the_template(tmp_path)
    out = tmp_path / "cruft-out"
    out.mkdir()
    run(["cruft", "create", "--no-input", "--output-dir", out, repo], cwd=tmp_path)
    project = out / "rust-in-python"
    assert (project / ".cruft.json").is_file()
    plain = render(tmp_path / "plain")
    for path in plain.rglob("*"):
        if path.is_file():
            assert (project / path.relative_to(plain)).read_bytes() == path.read_bytes(), path
    run(["cruft", "check"], cwd=project)


def test_pre_commit_hooks_pass_on_a_fresh_project(tmp_path: Path) -> None:
    project = render(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    out = run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=project).stdout
    for hook in ("ruff check", "ruff format", "cargo fmt", "cargo clippy"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in out.splitlines()), out
