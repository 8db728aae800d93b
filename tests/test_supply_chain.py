"""What goes into a release, and who can check it: cargo-deny's policy (deny.toml), the
RELEASING.md's rebuild from any clone, the wheel's SBOM and the sdist."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (
    IN_CI,
    PINS,
    TEMPLATE,
    Variant,
    build_env,
    commit_all,
    doc_blocks,
    git,
    make_venv,
    posix_shell,
    render,
    replace_in,
    run,
    variants,
    venv_env,
    venv_python,
    with_tools,
)

pytestmark = pytest.mark.build

Deny = Callable[..., subprocess.CompletedProcess[str]]

# cargo-deny keeps each advisory database in a folder named after its URL (the default URL's,
# for the RustSec database, is this one); a copy there is what `--offline` reads.
ADVISORY_DB_FOLDER = "advisory-db-3157b0e258782691"


@pytest.fixture(scope="session")
def cargo_deny() -> Deny:
    """`cargo deny ...` in a project, at the pinned version that .ci/run installs."""
    proc = run(["cargo", "deny", "--version"], cwd=TEMPLATE, check=False)
    wanted = f"cargo-deny {PINS['cargo_deny']}"
    if proc.stdout.strip() != wanted:
        found = proc.stdout.strip() or proc.stderr.strip()[:200]
        message = f"{wanted} is not installed (found: {found}): `bash .ci/run` installs it"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def deny(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        # cargo-deny prints its summary to stdout, the rest to stderr: one stream, in order.
        return run(["cargo", "deny", *args], project, timeout=300, check=False, merged=True)

    return deny


# --- cargo-deny ---------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", variants())
def test_the_offline_checks_pass_on_every_variant(
    rendered: Callable[..., Path], cargo_deny: Deny, variant: Variant
) -> None:
    project = rendered(**variant.answers)
    proc = cargo_deny(project, "--locked", "check", "licenses", "bans", "sources")
    assert proc.returncode == 0, proc.stdout
    assert "bans ok, licenses ok, sources ok" in proc.stdout


def depend(project: Path, licence: str, source: str) -> None:
    """Make the project depend on a crate `helper` of that licence, in git beside it, by `source`:
    "git" (its URL) or "path" (its folder)."""
    helper = project.parent / "helper"
    (helper / "src").mkdir(parents=True)
    (helper / "src" / "lib.rs").write_text("", encoding="utf-8")
    manifest = f'[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\nlicense = "{licence}"\n'
    (helper / "Cargo.toml").write_text(manifest, encoding="utf-8")
    commit_all(helper, "helper")
    where = helper.as_uri() if source == "git" else helper.as_posix()
    line = f'helper = {{ {source} = "{where}", version = "0.1.0" }}'
    replace_in(project / "Cargo.toml", "[dependencies]\n", f"[dependencies]\n{line}\n")


def wildcard_pyo3(project: Path) -> None:
    replace_in(project / "Cargo.toml", f'pyo3 = {{ version = "{PINS["pyo3"]}"', 'pyo3 = { version = "*"')


@pytest.mark.parametrize(
    ("mutate", "check", "cause"),
    [
        (lambda p: depend(p, "MIT", "git"), "sources", "error[source-not-allowed]: detected 'git' source"),
        (lambda p: depend(p, "GPL-3.0-only", "path"), "licenses", "GPL-3.0-only"),
        (wildcard_pyo3, "bans", "error[wildcard]: found 1 wildcard dependency"),
    ],
    ids=["a git dependency", "a licence off the list", "a wildcard version"],
)
def test_the_check_refuses_and_names_the_cause(
    bake: Callable[..., Path], cargo_deny: Deny, mutate: Callable[[Path], None], check: str, cause: str
) -> None:
    project = bake()
    mutate(project)
    proc = cargo_deny(project, "check", "licenses", "bans", "sources")
    assert proc.returncode != 0
    assert cause in proc.stdout
    assert f"{check} FAILED" in proc.stdout


def use_seeded_advisory_db(project: Path, patched: str) -> None:
    """Point the project's deny.toml at a local copy of the RustSec database whose one advisory,
    against PyO3, is patched in the versions `patched`."""
    source = project.parent / "advisory-source"
    advisory = source / "crates" / "pyo3" / "RUSTSEC-2026-0176.md"
    advisory.parent.mkdir(parents=True)
    advisory.write_text(
        "```toml\n[advisory]\n"
        'id = "RUSTSEC-2026-0176"\npackage = "pyo3"\ndate = "2026-06-11"\n'
        'url = "https://rustsec.org/advisories/RUSTSEC-2026-0176"\ncategories = ["memory-exposure"]\n\n'
        f'[versions]\npatched = ["{patched}"]\n```\n\n'
        "# Out-of-bounds read in list and tuple iterators\n\nThe advisory, as the database words it.\n",
        encoding="utf-8",
    )
    commit_all(source, "advisory")
    db = project.parent / "advisory-dbs"
    git(project.parent, "clone", "-q", str(source), str(db / ADVISORY_DB_FOLDER))
    replace_in(project / "deny.toml", "[advisories]\n", f"[advisories]\ndb-path = '{db}'\n")


@pytest.mark.parametrize(
    ("patched", "fails"),
    [(">= 0.29.0", False), (">= 99.0.0", True)],
    ids=["fixed in the locked pyo3", "not fixed"],
)
def test_the_advisories_section_refuses_a_locked_crate_with_an_advisory(
    bake: Callable[..., Path], cargo_deny: Deny, patched: str, fails: bool
) -> None:
    """The database lives on GitHub, out of reach here: a local copy with one advisory shows the
    rendered [advisories] section is valid and refuses what it should."""
    project = bake()
    use_seeded_advisory_db(project, patched)
    proc = cargo_deny(project, "--offline", "--locked", "check", "advisories")
    if fails:
        assert proc.returncode != 0
        assert "RUSTSEC-2026-0176" in proc.stdout and "security vulnerability detected" in proc.stdout
        assert "advisories FAILED" in proc.stdout
    else:
        assert proc.returncode == 0, proc.stdout
        assert "advisories ok" in proc.stdout


def releasing_block(project: Path, first_line: str) -> str:
    """The block of RELEASING.md's commands that starts with `first_line`."""
    (block,) = [b for b in doc_blocks(project / "RELEASING.md", "sh") if b.startswith(first_line)]
    return block


def test_the_releasing_guides_cargo_deny_commands_run(bake: Callable[..., Path], cargo_deny: Deny) -> None:
    """As written, but `cargo deny check` (all four), whose advisory database is on GitHub, runs
    offline against an empty local copy of it."""
    project = bake()
    install, check_all, offline = releasing_block(project, "cargo install").strip().splitlines()
    assert install.split("#")[0].split() == f"cargo install --locked cargo-deny@{PINS['cargo_deny']}".split()
    run(install.split("#")[0].split(), cwd=project)  # already installed: cargo says so and stops
    proc = cargo_deny(project, *offline.split("#")[0].split()[2:])
    assert proc.returncode == 0, proc.stdout
    assert check_all.split("#")[0].split() == ["cargo", "deny", "check"]
    use_seeded_advisory_db(project, ">= 0.0.0")
    proc = cargo_deny(project, "--offline", "check")
    assert proc.returncode == 0, proc.stdout
    assert "advisories ok, bans ok, licenses ok, sources ok" in proc.stdout


# --- A release, rebuilt from two clones ---------------------------------------------------------
@dataclass
class Rebuild:
    project: Path  # the rendered project, as a git repository with its release tag
    dists: list[Path]  # what the RELEASING.md's commands built, once from each of two clones
    printed: list[str]  # what they printed

    def hashes(self, n: int) -> dict[str, str]:
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in self.dists[n].iterdir()}


@pytest.fixture(scope="module")
def rebuild(tmp_path_factory: pytest.TempPathFactory) -> Rebuild:
    """Run the RELEASING.md's rebuild commands twice: from the project's repository and from a clone
    of it in another folder, each with a cargo target directory of its own."""
    if os.name == "nt":
        pytest.skip("the RELEASING.md's rebuild commands build in the POSIX folder /tmp/<slug>")
    project = render(tmp_path_factory.mktemp("rebuild"), project_name="Rebuild Check")
    commit_all(project, "The release")
    git(project, "tag", "v0.1.0")
    elsewhere = tmp_path_factory.mktemp("another-folder") / project.name
    git(elsewhere.parent, "clone", "-q", str(project), str(elsewhere))

    block = releasing_block(project, "git clone")
    url = f"https://github.com/OWNER/{project.name}"
    assert url in block
    build_dir = Path(re.search(r"git clone \S+ (\S+)", block)[1])  # /tmp/rebuild-check
    dists, printed = [], []
    for n, origin in enumerate([project, elsewhere]):
        shutil.rmtree(build_dir, ignore_errors=True)
        script = "set -e\n" + block.replace(url, origin.as_posix())
        target = tmp_path_factory.mktemp(f"target-{n}")
        env = with_tools({**build_env(), "CARGO_TARGET_DIR": str(target)}, "maturin")
        printed.append(run([posix_shell(), "-c", script], origin.parent, env).stdout)
        dists.append(shutil.copytree(build_dir / "dist", tmp_path_factory.mktemp(f"dist-{n}") / "dist"))
        shutil.rmtree(build_dir)
        shutil.rmtree(target)
    return Rebuild(project=project, dists=dists, printed=printed)


def test_the_releasing_guides_rebuild_gives_the_same_wheel_and_sdist_from_any_clone(rebuild: Rebuild) -> None:
    assert sorted(name.rsplit(".", 1)[-1] for name in rebuild.hashes(0)) == ["gz", "whl"]
    assert rebuild.hashes(0) == rebuild.hashes(1)
    # and `pip hash` printed each file's hash, the same both times
    hashes = [re.findall(r"--hash=sha256:([0-9a-f]{64})", printed) for printed in rebuild.printed]
    assert len(hashes[0]) == 2 and hashes[0] == hashes[1]


def test_the_sbom_lists_the_project_and_every_crate_compiled_in_and_no_path_of_the_machine(
    rebuild: Rebuild, tmp_path: Path
) -> None:
    """Read by RELEASING.md's command, as written; the crates linked into the extension are the
    python feature's normal dependencies but proc-macros (which run in the compiler)."""
    (tmp_path / "dist").mkdir()
    (wheel,) = [shutil.copy2(w, tmp_path / "dist") for w in rebuild.dists[0].glob("*.whl")]
    command = releasing_block(rebuild.project, "python3 -c").strip()
    listed = run([posix_shell(), "-c", command], cwd=tmp_path, env=with_tools(build_env(), "python3")).stdout
    tree = "cargo tree --locked --features python -e normal,no-proc-macro --prefix none --format {p}".split()
    out = run(tree, cwd=rebuild.project).stdout
    compiled = {" ".join(line.split()[:2]).replace(" v", " ") for line in out.splitlines() if line.strip()}
    compiled -= {"rebuild-check 0.1.0"}
    assert {f"pyo3 {PINS['pyo3']}", f"pyo3-ffi {PINS['pyo3']}"} <= compiled
    assert compiled <= set(listed.splitlines())
    lock = (rebuild.project / "Cargo.lock").read_text(encoding="utf-8")
    locked = {f"{n} {v}" for n, v in re.findall(r'name = "([^"]+)"\nversion = "([^"]+)"', lock)}
    assert set(listed.splitlines()) <= locked  # each at its locked version
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if "/sboms/" in n]
        text = archive.read(name).decode("utf-8")
    own = json.loads(text)["metadata"]["component"]
    assert (own["name"], own["version"], own["licenses"]) == (
        "rebuild-check",
        "0.1.0",
        [{"expression": "MIT"}],
    )
    assert set(re.findall(r"file://(/[^#\"]*)", text)) == {"/tmp/rebuild-check"}
    assert [p for p in (str(Path.home()), str(rebuild.project), str(tmp_path)) if p in text] == []


# --- The sdist ----------------------------------------------------------------------------------
# What a rendered project has that its sdist leaves out: the repository's own settings.
NOT_IN_SDIST = {".github", ".gitignore", ".pre-commit-config.yaml"}


@pytest.mark.parametrize("in_git", [False, True], ids=["fresh project", "git repository"])
def test_the_sdist_holds_exactly_the_project_after_a_build(
    bake: Callable[..., Path], tmp_path: Path, in_git: bool
) -> None:
    project = bake()
    files = [path.relative_to(project) for path in project.rglob("*") if path.is_file()]
    expected = {file.as_posix() for file in files if file.parts[0] not in NOT_IN_SDIST} | {"PKG-INFO"}
    if in_git:
        commit_all(project, "project")
    # What a build and a session leave behind: dist/ (a wheel and an sdist), target/, .venv/, .nox/.
    run(["maturin", "sdist", "--out", "dist"], cwd=project)
    (project / "dist" / "rust_in_python-0.1.0-cp310-abi3-manylinux_2_34_x86_64.whl").write_bytes(b"a wheel")
    left_behind = "target/release/libfibo_rust.so .venv/pyvenv.cfg .nox/tests/pyvenv.cfg build/lib/x.py"
    for left in left_behind.split():
        (project / left).parent.mkdir(parents=True, exist_ok=True)
        (project / left).write_text("left behind\n", encoding="utf-8")
    run(["maturin", "sdist", "--out", tmp_path], cwd=project)
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert members == expected
    if in_git:  # and a wheel built from it, as CI builds one, installs, imports and passes twine
        venv = make_venv(tmp_path)
        build = ["pip", "wheel", "-q", "--no-deps", "--config-settings=build-args=--locked", "-w", tmp_path]
        run([venv_python(venv), "-m", *build, sdist], cwd=tmp_path, env=venv_env(venv))
        (wheel,) = tmp_path.glob("*.whl")
        assert "fibo_rust/py.typed" in zipfile.ZipFile(wheel).namelist()
        run([venv_python(venv), "-m", "pip", "install", "-q", wheel], cwd=tmp_path)
        out = run([venv_python(venv), "-c", "import fibo_rust; print(fibo_rust.fibo(30))"], cwd=tmp_path)
        assert out.stdout.strip() == "832040"
        run([sys.executable, "-m", "twine", "check", "--strict", sdist, wheel], cwd=tmp_path)
