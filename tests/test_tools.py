"""The tools users reach for work with the template and what it renders: the template README's
commands (uvx or a venv, on a Python that refuses installs outside a venv), cruft, copier, and uv's
rebuild after a Rust edit. Slow: each builds the extension for real."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import (
    ANSWERS_FILE,
    IN_CI,
    PINS,
    TEMPLATE,
    build_env,
    child_env,
    commit_all,
    doc_blocks,
    git,
    read_toml,
    replace_in,
    run,
    runner_os,
    shell,
    template_change,
    tool,
    users_edit,
    uv_env,
    with_tools,
)

pytestmark = pytest.mark.build

PLACEHOLDER = "gh:<owner>/rust-in-python"


def readme_block(first_word: str, holding: str) -> str:
    """The one console block of the template README that starts with `first_word` and holds `holding`."""
    blocks = doc_blocks(TEMPLATE / "README.md")
    (block,) = [b.strip() for b in blocks if b.split()[0] == first_word and holding in b]
    return block


def externally_managed_python() -> Path | None:
    """A system Python that refuses `pip install` outside a venv (PEP 668), as Debian's,
    Ubuntu's and Homebrew's do."""
    for folder in ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"):
        python = Path(folder) / "python3"
        if python.is_file():
            stdlib = run(
                [python, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"], cwd=Path.cwd()
            )
            if (Path(stdlib.stdout.strip()) / "EXTERNALLY-MANAGED").is_file():
                return python
    return None


@pytest.fixture
def newcomer_env(tmp_path: Path, rustup_installs_nothing: dict[str, str]) -> dict[str, str]:
    """A PATH with only a PEP 668 system Python, rustup (no toolchain installed, and none
    installed on its own), uv and the usual system tools."""
    python = externally_managed_python()
    if python is None:
        message = "no Python here refuses installs outside a venv (PEP 668)"
        # Debian's and Ubuntu's system Python always does; elsewhere (Homebrew's, Windows) it may
        # not be installed at all.
        if IN_CI and runner_os() == "Linux":
            pytest.fail(message)
        pytest.skip(message)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("uv", "uvx"):
        (bin_dir / name).symlink_to(tool(name))
    cargo = Path(tool("cargo")).parent
    env = build_env(UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1", **rustup_installs_nothing)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(python.parent), str(cargo), "/usr/bin", "/bin"])
    return env


def as_written(block: str, repo: Path) -> str:
    assert PLACEHOLDER in block
    return block.replace(PLACEHOLDER, str(repo))


@pytest.mark.parametrize("first_word", ["uvx", "python3"])
def test_the_template_readme_renders_and_runs_the_default_project_from_a_clean_folder(
    template_repo: Path, newcomer_env: dict[str, str], tmp_path: Path, first_word: str
) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    out = shell(as_written(readme_block(first_word, "compare.py"), template_repo), clean, newcomer_env)
    assert "fibo(35) = 9227465" in out
    assert re.search(r"\| Rust extension +\| +\d+\.\d+ \| +\d+\.\dx \|", out)


def test_the_contributing_guide_installs_the_pinned_toolchains_and_tools_as_written(tmp_path: Path) -> None:
    """Every version the block names is a pin, and after it runs (here each command finds its
    toolchain or tool installed, says so and stops) every pinned one is there."""
    (block,) = doc_blocks(TEMPLATE / "CONTRIBUTING.md")
    named = set(re.findall(r"\d+\.\d+\.\d+|nightly-[\d-]+", block))
    rust, msrv, nightly = PINS["rust"], PINS["msrv"], PINS["pyodide"]["default_rust"]
    assert named == {rust, msrv, nightly, PINS["cargo_deny"], PINS["cargo_llvm_cov"]}
    shell(block, tmp_path, build_env())
    for toolchain, component in [(rust, "llvm-tools"), (msrv, "rustc"), (nightly, "rust-src")]:
        listed = run(["rustup", "component", "list", "--installed", "--toolchain", toolchain], cwd=tmp_path)
        assert re.search(rf"^{component}", listed.stdout, re.M), toolchain
    for name, version in [("deny", PINS["cargo_deny"]), ("llvm-cov", PINS["cargo_llvm_cov"])]:
        found = run(["cargo", f"+{rust}", name, "--version"], cwd=tmp_path).stdout.strip()
        assert found == f"cargo-{name} {version}"


def test_rustup_gives_the_project_and_any_copy_of_it_the_rust_of_rust_toolchain_toml(
    rendered: Callable[..., Path], tmp_path: Path
) -> None:
    """Whatever this machine's default Rust: in the project, and in a copy elsewhere (as the
    release workflow builds), the toolchain file picks the pinned Rust, with its rustfmt and
    clippy (so every lint run of this suite uses them); RUSTUP_TOOLCHAIN (the msrv job)
    overrides it."""
    project = rendered()
    copy = tmp_path / "elsewhere"
    shutil.copytree(project, copy)
    for folder in (project, copy):
        active = run(["rustup", "show", "active-toolchain"], cwd=folder, env=child_env()).stdout
        assert active.startswith(f"{PINS['rust']}-") and "rust-toolchain.toml" in active, active
        rustc = run(["rustc", "--version"], cwd=folder, env=child_env()).stdout
        assert rustc.startswith(f"rustc {PINS['rust']} ")
        commit = re.search(r"\(([0-9a-f]{9}) ", rustc)[1]  # type: ignore[index]
        for tool_ in (["cargo", "fmt", "--version"], ["cargo", "clippy", "--version"]):
            assert f"({commit}" in run(tool_, cwd=folder, env=child_env()).stdout, tool_
    msrv = run(["rustc", "--version"], cwd=copy, env=child_env(RUSTUP_TOOLCHAIN=PINS["msrv"])).stdout
    assert msrv.startswith(f"rustc {PINS['msrv']} ")


@pytest.mark.parametrize("first_word", ["uv", "python3"])
def test_the_readme_test_command_runs_as_written_from_a_clean_clone(
    template_repo: Path, newcomer_env: dict[str, str], tmp_path: Path, first_word: str
) -> None:
    """On a stock machine (Debian's PEP 668 python3 first on PATH, uv, Rust), from a fresh clone,
    each form installs the test tools and runs plain `pytest`: here only the tests that render the
    default project (local_extensions and the hooks load), since the suite itself runs the rest."""
    git(tmp_path, "clone", "-q", str(template_repo), str(tmp_path / "clone"))
    env = {k: v for k, v in newcomer_env.items() if not k.startswith("PYTEST_")}
    command = readme_block(first_word, "requirements.txt")
    command += ' -m "not build" tests/test_render.py -k defaults'
    out = shell(command, tmp_path / "clone", env, timeout=900)
    summary = re.findall(r"^=+ (.* in [\d.]+s.*) =+$", out, re.M)
    assert summary and re.fullmatch(r"[1-9]\d* passed(, \d+ deselected)? in .*", summary[-1]), out[-3000:]


def test_answers_on_the_command_line_as_the_readme_gives_them(template_repo: Path, tmp_path: Path) -> None:
    (block,) = [b for b in doc_blocks(TEMPLATE / "README.md") if "module_name=" in b]
    env = with_tools(child_env(), "cookiecutter")
    shell(as_written(block, template_repo), tmp_path, env)
    project = tmp_path / "rust-in-python"
    assert read_toml(project / "Cargo.toml")["lib"]["name"] == "fast_fib"
    assert read_toml(project / "pyproject.toml")["project"]["requires-python"] == ">=3.12"


def test_cruft_commands_of_the_readme_render_the_same_project_and_find_it_current(
    template_repo: Path, tmp_path: Path, rendered: Callable[..., Path]
) -> None:
    (block,) = [b for b in doc_blocks(TEMPLATE / "README.md") if b.startswith("cruft ")]
    env = with_tools(child_env(), "cruft")
    shell(as_written(block, template_repo), tmp_path, env)
    project = tmp_path / "rust-in-python"
    assert (project / ".cruft.json").is_file()
    plain = rendered()
    for path in plain.rglob("*"):
        if path.is_file():
            assert (project / path.relative_to(plain)).read_bytes() == path.read_bytes(), path


def test_uv_run_rebuilds_after_a_rust_edit(bake: Callable[..., Path]) -> None:
    project = bake(module_name="uv_edit")
    code = "import uv_edit\ntry: uv_edit.fibo(0)\nexcept ValueError as e: print(e)"
    probe = ["uv", "run", "python", "-c", code]
    run(["uv", "sync"], cwd=project, env=uv_env())
    assert "positive integer" in run(probe, cwd=project, env=uv_env()).stdout
    replace_in(project / "src" / "lib.rs", "be a positive", "be a natural")
    assert "n must be a natural integer" in run(probe, cwd=project, env=uv_env()).stdout


# --- The README's copier commands, as written -------------------------------------------------------
def readme_copier_commands() -> dict[str, str]:
    """The README's copier commands, keyed by what they do: copy with uvx, copy in a venv, update."""
    blocks = [b.strip() for b in doc_blocks(TEMPLATE / "README.md") if "copier " in b]
    keys = {"uvx": "copy with uvx", "python3": "copy in a venv"}
    return {("update" if " copier update " in b else keys[b.split()[0]]): b for b in blocks}


def test_the_readme_gives_copier_commands_to_copy_with_and_without_uv_and_to_update() -> None:
    commands = readme_copier_commands()
    assert sorted(commands) == ["copy in a venv", "copy with uvx", "update"]
    # at the versions the suite tests (Dependabot moves tests/requirements.txt)
    required = (TEMPLATE / "tests" / "requirements.txt").read_text(encoding="utf-8")
    for command in commands.values():
        for pin in re.findall(r"[\w-]+==[\w.]+", command):
            assert re.search(rf"^{re.escape(pin)}$", required, re.M), pin


def test_the_readmes_uvx_commands_copy_then_update_keeping_the_users_edit(
    template_repo: Path, tmp_path: Path
) -> None:
    template_git = tmp_path / "template"
    git(tmp_path, "clone", "-q", str(template_repo), str(template_git))
    commands = readme_copier_commands()
    env = with_tools(uv_env(), "uvx")
    work = tmp_path / "work"
    work.mkdir()
    shell(as_written(commands["copy with uvx"], template_git), work, env)
    project = work / "rust-in-python"
    assert (project / ANSWERS_FILE).is_file()
    commit_all(project, "As made")
    edit = users_edit(project)
    line = template_change(template_git)
    shell(commands["update"], project, env)
    assert (project / "src" / "lib.rs").read_text(encoding="utf-8").endswith(edit)
    assert (project / "README.md").read_text(encoding="utf-8").endswith(f"\n{line}\n")


@pytest.mark.skipif(os.name == "nt", reason="the venv block activates with the POSIX .venv/bin/activate")
def test_the_readmes_venv_command_copies_the_project(template_repo: Path, tmp_path: Path) -> None:
    shell(as_written(readme_copier_commands()["copy in a venv"], template_repo), tmp_path, child_env())
    assert (tmp_path / "rust-in-python" / ANSWERS_FILE).is_file()
    assert (tmp_path / "rust-in-python" / "Cargo.toml").is_file()
