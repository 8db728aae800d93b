"""What the type stub promises about `fibo`, held two ways: mypy checks the calls below
against the stub (strict, so a `type: ignore` that is no longer needed is an error too),
and pytest runs them against the compiled module."""

from __future__ import annotations

import pytest

from {{ cookiecutter.module_name }} import fibo


class Three:
    """Not an int, but usable as one through `__index__`, as NumPy's integers are."""

    def __index__(self) -> int:
        return 3


def test_fibo_takes_any_integer_like_object_and_returns_an_int() -> None:
    result: int = fibo(Three())
    assert result == 2
    assert fibo(True) == 1


def test_a_float_or_a_string_is_refused_by_the_type_checker_and_at_run_time() -> None:
    with pytest.raises(TypeError):
        fibo(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fibo("3")  # type: ignore[arg-type]
