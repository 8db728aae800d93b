"""A person at a real terminal: cookiecutter driven through a pseudo-terminal, as typed.

What is on the screen is asserted: the menus, the derived defaults, our message with
no traceback, the command that keeps the answers, and the next steps.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import CONFIG, MENUS, QUESTIONS, TEMPLATE, child_env, posix_shell, read_toml, run, with_tools

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a POSIX pseudo-terminal (not on Windows)")

ASKED = len(QUESTIONS)
ORDER = {name: number for number, name in enumerate(QUESTIONS, start=1)}
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours and styles of the prompts
STYLE = r"(?:\x1b\[[0-9;]*m)*"


class Terminal:
    """cookiecutter running in a pseudo-terminal; `screen` is everything shown so far."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "cookiecutter", *args],
            cwd=str(cwd),
            env=child_env(TERM="xterm-256color", COLUMNS="200"),
            encoding="utf-8",
            timeout=60,
            dimensions=(50, 200),
        )
        self.screen = ""

    def answer(self, question: int, typed: str = "") -> str:
        """Wait for question number `question`'s prompt, type `typed` and Enter; return the prompt."""
        self.child.expect(rf"\[{question}/{ASKED}\]{STYLE} .*?\){STYLE}: ", timeout=20)
        shown = ANSI.sub("", self.child.before + self.child.after)
        self.screen += shown
        self.child.sendline(typed)
        return shown

    def answer_all(self, **typed: str) -> dict[str, str]:
        """Answer every question in order, typing these answers and Enter for the others;
        return what each question showed."""
        return {name: self.answer(number, typed.get(name, "")) for name, number in ORDER.items()}

    def finish(self) -> tuple[str, int]:
        self.child.expect(pexpect.EOF, timeout=120)
        self.screen += ANSI.sub("", self.child.before)
        self.child.close()
        return self.screen, self.child.exitstatus


@pytest.fixture
def terminal(tmp_path: Path) -> Terminal:
    return Terminal(tmp_path, str(TEMPLATE))


def pick(name: str, choice: str) -> str:
    """What to type at a menu to pick `choice`: its number."""
    return str(MENUS[name].index(choice) + 1)


def test_menus_are_labelled_defaults_follow_the_name_and_next_steps_are_shown(
    terminal: Terminal, tmp_path: Path
) -> None:
    floor, layout = pick("abi3_floor", "3.12"), pick("layout", "mixed")
    shown = terminal.answer_all(project_name="Fast Fib", abi3_floor=floor, layout=layout)
    assert "(fast-fib)" in shown["project_slug"] and "(fast_fib)" in shown["module_name"]
    labels = CONFIG["__prompts__"]["abi3_floor"]
    assert labels["__prompt__"] in shown["abi3_floor"]
    for number, choice in enumerate(MENUS["abi3_floor"], start=1):
        assert f"{number} - {labels[choice]}" in shown["abi3_floor"]
    assert CONFIG["__prompts__"]["layout"]["mixed"] in shown["layout"]
    screen, status = terminal.finish()
    assert status == 0 and "Traceback" not in screen, screen
    assert re.search(r"^ +cd fast-fib\s*$", screen, re.M) and "uv run python compare.py" in screen
    pyproject = read_toml(tmp_path / "fast-fib" / "pyproject.toml")
    assert pyproject["project"]["requires-python"] == ">=3.12"
    assert pyproject["tool"]["maturin"]["module-name"] == "fast_fib._core"


def test_a_bad_module_name_stops_with_our_message_and_the_printed_command_renders(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.answer_all(project_name="Fast Fib", module_name="my-mod", abi3_floor=pick("abi3_floor", "3.12"))
    screen, status = terminal.finish()
    assert status == 1
    assert "Traceback" not in screen and "FailedHookException" not in screen
    assert "rust-in-python: Invalid module_name 'my-mod': " in screen
    assert "For example: module_name=my_mod" in screen
    assert list(tmp_path.iterdir()) == []
    (command,) = re.findall(r"^ *(cookiecutter .*# replaced: module_name)\s*$", screen, re.M)
    assert "abi3_floor=3.12" in command and "'project_name=Fast Fib'" in command
    run([posix_shell(), "-c", command], cwd=tmp_path, env=with_tools(child_env(), "cookiecutter"))
    cargo = read_toml(tmp_path / "fast-fib" / "Cargo.toml")
    assert cargo["lib"]["name"] == "my_mod"
    assert cargo["dependencies"]["pyo3"]["features"] == ["abi3-py312"]
