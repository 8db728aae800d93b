"""The template's own Python (hooks, tests, scripts) is as clean as what it renders."""

from __future__ import annotations

import ast
from pathlib import Path, PureWindowsPath

import pytest

from conftest import TEMPLATE, candidate_paths, git_bash, run

SOURCES = ["hooks", "tests", "benchmarks", ".ci", "local_extensions.py", "noxfile.py"]


@pytest.mark.parametrize("command", [["ruff", "check"], ["ruff", "format", "--check"]], ids=" ".join)
def test_template_python_passes_ruff(command: list[str]) -> None:
    run([*command, *SOURCES], cwd=TEMPLATE)  # fails the test with ruff's findings


SHELLS = {"bash", "sh", "bash.exe", "sh.exe"}
STARTS = {"run", "Popen", "call", "check_call", "check_output", "spawn", "system", "tool", "which"}


def shell_starts(source: str) -> list[int]:
    """Lines that start a shell by its bare name, or through `shell=True` or `os.system`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name not in STARTS:
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, (ast.List, ast.Tuple)) and first.elts:
            first = first.elts[0]
        bare = isinstance(first, ast.Constant) and first.value in SHELLS
        os_system = name == "system" and getattr(node.func, "value", None) is not None
        os_system = os_system and getattr(node.func.value, "id", "") == "os"  # type: ignore[attr-defined]
        via_shell = os_system or any(
            k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if bare or via_shell:
            found.append(node.lineno)
    return found


def test_no_child_process_is_a_shell_found_by_its_bare_name() -> None:
    """Windows starts System32's WSL `bash.exe` for a bare `bash`, before PATH
    (runner-images#12646): shells come from conftest.posix_shell, by full path."""
    roots = [TEMPLATE / source for source in SOURCES]
    sources = [p for root in roots for p in ([root] if root.is_file() else sorted(root.glob("**/*.py")))]
    assert len(sources) > 10
    offenders = {
        str(p.relative_to(TEMPLATE)): lines
        for p in sources
        if (lines := shell_starts(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "line",
    [
        *(f"subprocess.run([{shell!r}, '-c', 'true'])" for shell in ("bash", "sh")),
        'subprocess.run(("sh", "-c", "true"), check=True)',
        'pexpect.spawn("sh", ["-c", "x"])',
        'subprocess.run("make", shell=True)',
        'os.system("ls")',
        'tool("bash")',
    ],
)
def test_the_shell_check_sees_a_bare_shell(line: str) -> None:
    assert shell_starts(line) == [1]


@pytest.mark.parametrize(
    "line",
    ['subprocess.run([posix_shell("bash"), "-c", "true"], shell=False)', "platform.system()"],
)
def test_the_shell_check_lets_a_full_path_through(line: str) -> None:
    assert shell_starts(line) == []


@pytest.mark.parametrize("folder", ["cmd", "bin", "mingw64/bin"])
def test_git_bash_is_found_from_any_git_that_path_resolves(folder: str) -> None:
    """A bash step on Windows runners puts Git's `mingw64\\bin` first on PATH; a terminal, its
    `cmd\\`; Git's own bash is in `bin\\` either way."""
    root = PureWindowsPath("C:/Program Files/Git")
    assert git_bash(str(root / folder / "git.exe"), PureWindowsPath) == root / "bin" / "bash.exe"


def test_pyenv_and_pyenv_win_interpreters_are_both_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyenv keeps each version's interpreter in `bin/python`; pyenv-win, on Windows, keeps
    `python.exe` at the top of the version's folder."""
    layouts = [
        tmp_path / "versions" / "3.10.13" / "bin" / "python",
        tmp_path / "versions" / "3.12.1" / "python.exe",
    ]
    for interpreter in layouts:
        interpreter.parent.mkdir(parents=True)
        interpreter.write_text("", encoding="utf-8")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.delenv("RIP_PYTHONS", raising=False)
    found = candidate_paths()
    assert [str(interpreter) for interpreter in layouts] == [p for p in found if p.startswith(str(tmp_path))]
