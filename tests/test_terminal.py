"""A person at a real terminal: cookiecutter driven through a pseudo-terminal, as typed.

What is on the screen is asserted: the menus, the derived defaults, our message with
no traceback, the command that keeps the answers, and the next steps.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE, child_env, posix_shell, read_toml, with_tools

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a POSIX pseudo-terminal (not on Windows)")

QUESTIONS = 11
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours and styles of the prompts
STYLE = r"(?:\x1b\[[0-9;]*m)*"


class Terminal:
    """cookiecutter running in a pseudo-terminal; `screen` is everything shown so far."""

    def __init__(self, cwd: Path, config: Path, *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "cookiecutter", *args],
            cwd=str(cwd),
            env=child_env(COOKIECUTTER_CONFIG=str(config), TERM="xterm-256color", COLUMNS="200"),
            encoding="utf-8",
            timeout=60,
            dimensions=(50, 200),
        )
        self.screen = ""

    def answer(self, question: int, typed: str = "") -> str:
        """Wait for question number `question`'s prompt, type `typed` and Enter; return the prompt."""
        self.child.expect(rf"\[{question}/{QUESTIONS}\]{STYLE} .*?\){STYLE}: ", timeout=20)
        shown = ANSI.sub("", self.child.before + self.child.after)
        self.screen += shown
        self.child.sendline(typed)
        return shown

    def finish(self) -> tuple[str, int]:
        self.child.expect(pexpect.EOF, timeout=120)
        self.screen += ANSI.sub("", self.child.before)
        self.child.close()
        return self.screen, self.child.exitstatus


@pytest.fixture
def terminal(tmp_path: Path, cookiecutter_config: Path) -> Terminal:
    return Terminal(tmp_path, cookiecutter_config, str(TEMPLATE))


def test_defaults_follow_the_project_name_and_next_steps_are_shown(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.answer(1, "Fast Fib")
    assert "(fast-fib)" in terminal.answer(2)
    assert "(fast_fib)" in terminal.answer(3)
    for question in range(4, QUESTIONS + 1):
        terminal.answer(question)
    screen, status = terminal.finish()
    assert status == 0, screen
    assert "Traceback" not in screen
    assert re.search(r"^ +cd fast-fib\s*$", screen, re.M)
    assert "uv run python compare.py" in screen
    assert read_toml(tmp_path / "fast-fib" / "Cargo.toml")["lib"]["name"] == "fast_fib"


def test_a_choice_is_picked_from_a_labelled_menu(terminal: Terminal, tmp_path: Path) -> None:
    for question in range(1, 4):
        terminal.answer(question)
    menu = terminal.answer(4, "4")
    assert "Oldest CPython the project supports" in menu
    assert "4 - 3.12: one abi3 wheel for CPython 3.12 and newer" in menu
    assert "8 - none: one wheel per CPython version" in menu
    assert "Choose from [1/2/3/4/5/6/7/8] (1)" in menu
    layout = terminal.answer(5, "2")
    assert "2 - mixed: a Python package in python/ around a private native module" in layout
    for question in range(6, QUESTIONS + 1):
        terminal.answer(question)
    screen, status = terminal.finish()
    assert status == 0, screen
    pyproject = read_toml(tmp_path / "rust-in-python" / "pyproject.toml")
    assert pyproject["project"]["requires-python"] == ">=3.12"
    assert pyproject["tool"]["maturin"]["python-source"] == "python"


def test_a_bad_module_name_stops_with_our_message_and_the_printed_command_renders(
    terminal: Terminal, tmp_path: Path, cookiecutter_config: Path
) -> None:
    terminal.answer(1, "Fast Fib")
    terminal.answer(2)
    terminal.answer(3, "my-mod")
    terminal.answer(4, "3")
    for question in range(5, QUESTIONS + 1):
        terminal.answer(question)
    screen, status = terminal.finish()
    assert status == 1
    assert "Traceback" not in screen and "FailedHookException" not in screen
    assert "rust-in-python: Invalid module_name 'my-mod': " in screen
    assert "For example: module_name=my_mod" in screen
    assert list(tmp_path.iterdir()) == []
    (command,) = re.findall(r"^ *(cookiecutter .*# replaced: module_name)\s*$", screen, re.M)
    assert "abi3_floor=3.11" in command and "'project_name=Fast Fib'" in command

    shell = pexpect.spawn(
        posix_shell(),
        ["-c", command],
        cwd=str(tmp_path),
        env=with_tools(child_env(COOKIECUTTER_CONFIG=str(cookiecutter_config)), "cookiecutter"),
        encoding="utf-8",
        timeout=120,
    )
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0, shell.before
    cargo = read_toml(tmp_path / "fast-fib" / "Cargo.toml")
    assert cargo["lib"]["name"] == "my_mod"
    assert cargo["dependencies"]["pyo3"]["features"] == ["abi3-py311"]
