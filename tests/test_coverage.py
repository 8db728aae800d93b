"""`nox -s coverage` in a rendered project measures what the tests run of src/lib.rs, for real
(the README's command runs as written, in both layouts, in test_readme.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import render, replace_in

pytestmark = pytest.mark.build

Nox = Callable[..., subprocess.CompletedProcess[str]]

UNTESTED = """
/// Doubles `n` and adds one; no test calls it.
#[must_use]
pub fn untested(n: u64) -> u64 {
    let doubled = n * 2;
    doubled + 1
}
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory, nox: Nox) -> tuple[Path, str]:
    project = render(tmp_path_factory.mktemp("coverage"), project_name="Coverage Check")
    proc = nox(project, "-s", "coverage")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return project, proc.stdout + proc.stderr


def lib_rs_counts(lcov: Path) -> dict[int, int]:
    """Line number -> how often the tests ran it, for src/lib.rs."""
    counts, in_lib = {}, False
    for line in lcov.read_text(encoding="utf-8").splitlines():
        if line.startswith("SF:"):
            in_lib = Path(line[3:]).as_posix().endswith("src/lib.rs")  # a Windows path too
        elif in_lib and line.startswith("DA:"):
            number, count = line[3:].split(",")[:2]
            counts[int(number)] = int(count)
    return counts


def lines(out: str) -> tuple[int, int]:
    """(covered, total) lines of src/lib.rs, from the TOTAL row of cargo-llvm-cov's report:
    regions, missed, cover, functions, missed, cover, lines, missed, cover, ..."""
    row = re.findall(r"^TOTAL\s+(.*)$", out, re.M)[-1].split()
    total, missed = int(row[6]), int(row[7])
    return total - missed, total


def unmeasured_copy(project: Path, where: Path) -> Path:
    return shutil.copytree(project, where / project.name, ignore=shutil.ignore_patterns("coverage", ".nox"))


def test_the_rust_figure_is_real_and_counts_every_line_of_the_fibo_binding(
    measured: tuple[Path, str],
) -> None:
    project, out = measured
    covered, total = lines(out)
    assert 0 < covered == total
    source = (project / "src" / "lib.rs").read_text(encoding="utf-8").splitlines()
    binding = source.index("    #[pyfunction]") + 1  # the binding, inside `mod python`
    end = binding + source[binding:].index("    }")
    counts = lib_rs_counts(project / "coverage" / "rust.lcov")
    measured_lines = [n for n in range(binding + 1, end + 2) if n in counts]
    assert len(measured_lines) >= 3, "the lcov report counts no lines of the fibo binding"
    assert all(counts[n] > 0 for n in measured_lines), {n: counts[n] for n in measured_lines}
    assert (project / "coverage" / "html" / "index.html").is_file()


def test_a_function_no_test_calls_lowers_the_figure_and_is_named(
    measured: tuple[Path, str], nox: Nox, tmp_path: Path
) -> None:
    project = unmeasured_copy(measured[0], tmp_path)
    lib = project / "src" / "lib.rs"
    before = lib.read_text(encoding="utf-8")
    lib.write_text(before + UNTESTED, encoding="utf-8")
    first_new = len(before.splitlines()) + 1
    new_lines = set(range(first_new, first_new + len(UNTESTED.splitlines())))
    proc = nox(project, "-s", "coverage")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    covered, total = lines(out)
    assert covered == lines(measured[1])[0] and total > covered
    named = re.search(r"^\S*src[/\\]lib\.rs: ([\d, -]+)$", out, re.M)[1]  # type: ignore[index]
    missed = set()
    for part in named.split(", "):
        first, _, last = part.partition("-")
        missed |= set(range(int(first), int(last or first) + 1))
    assert missed and missed <= new_lines
    # A floor at the figure, as the README gives one (`nox -s coverage -- --fail-under-lines 90`), passes.
    floor = str(int(100 * covered / total))
    assert nox(project, "-s", "coverage", "--", "--fail-under-lines", floor).returncode == 0


def test_without_rustup_the_session_says_what_to_install(measured: tuple[Path, str], nox: Nox) -> None:
    proc = nox(measured[0], "-s", "coverage", without_rust=True)
    assert proc.returncode != 0
    assert "Coverage needs rustup" in proc.stderr and "https://rustup.rs" in proc.stderr


def test_a_build_that_lost_its_instrumentation_fails_the_session(
    measured: tuple[Path, str], nox: Nox, tmp_path: Path
) -> None:
    """The pitfall: cargo-llvm-cov instruments through RUSTC_WRAPPER; clear it in the session
    (as setting up sccache would) and the build is plain."""
    project = unmeasured_copy(measured[0], tmp_path)
    anchor = '    env["CARGO_TARGET_DIR"] = env["CARGO_LLVM_COV_TARGET_DIR"]\n'
    replace_in(project / "noxfile.py", anchor, anchor + '    env["RUSTC_WRAPPER"] = ""\n')
    proc = nox(project, "-s", "coverage")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "The Python tests wrote no coverage data" in out
    assert "TOTAL" not in out  # no figure at all
