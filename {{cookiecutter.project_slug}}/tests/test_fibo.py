"""The Python API of the extension: results, errors and metadata."""

from __future__ import annotations

import importlib.metadata
import sys
import threading
from collections.abc import Iterator

import pytest

import {{ cookiecutter.module_name }}
from {{ cookiecutter.module_name }} import fibo


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (2, 1), (3, 2), (20, 6765), (40, 102_334_155)])
def test_fibo_gives_the_nth_fibonacci_number(n: int, expected: int) -> None:
    assert fibo(n) == expected


@pytest.mark.parametrize(
    ("n", "error", "said"),
    [
        (0, ValueError, "n >= 1"),
        (-(2**63), ValueError, "n >= 1"),
        ({{ cookiecutter.module_name }}.MAX_N + 1, OverflowError, "at most 93"),
        (2**63 - 1, OverflowError, "at most 93"),
        (2**64, OverflowError, None),  # refused as it is converted
        *((not_an_int, TypeError, None) for not_an_int in (3.0, "3", None, [3])),
    ],
)
def test_fibo_refuses_a_bad_n_with_the_matching_exception(
    n: object, error: type[Exception], said: str | None
) -> None:
    with pytest.raises(error, match=said):
        fibo(n)  # type: ignore[arg-type]


def test_max_n_is_the_largest_n_whose_result_fits_in_64_bits() -> None:
    previous, current = 0, 1  # fibo(0) and fibo(1), then by iteration (recursion takes centuries)
    for _ in range({{ cookiecutter.module_name }}.MAX_N - 1):
        previous, current = current, previous + current
    assert current < 2**64 <= previous + current  # fibo(MAX_N) fits, fibo(MAX_N + 1) does not


def test_module_and_fibo_explain_themselves_in_help() -> None:
    assert "Fibonacci" in ({{ cookiecutter.module_name }}.__doc__ or "")
    assert (fibo.__doc__ or "").startswith("Return the n-th Fibonacci number")


def test_version_matches_the_installed_distribution() -> None:
    assert {{ cookiecutter.module_name }}.__version__ == importlib.metadata.version("{{ cookiecutter.project_slug }}")


@pytest.fixture
def no_forced_gil_switch() -> Iterator[None]:  # a thread keeps the GIL until it lets it go
    interval = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    yield
    sys.setswitchinterval(interval)


@pytest.mark.skipif(sys.platform == "emscripten", reason="Pyodide (WebAssembly) runs no threads")
@pytest.mark.skipif(
    not getattr(sys, "_is_gil_enabled", lambda: True)(),
    reason="free-threaded Python: no GIL for fibo to hold, so this test cannot fail",
)
@pytest.mark.thread_unsafe(reason="it sets the switch interval, which is interpreter-wide")
@pytest.mark.usefixtures("no_forced_gil_switch")
def test_python_code_runs_while_fibo_computes_in_another_thread() -> None:
    # The main thread counts while a worker is inside fibo. With no forced GIL switches, the
    # count moves during the call only if fibo released the GIL: no timing threshold, no flake.
    count = 0
    during: list[int] = []
    started, finished = threading.Event(), threading.Event()

    def worker() -> None:
        started.set()
        before = count
        fibo(40)
        during.append(count - before)
        finished.set()

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait()
    while not finished.wait(0.001):  # waiting releases the GIL for the worker's return
        count += 1
    thread.join()
    assert during[0] > 0, "no Python code ran while fibo computed: it holds the GIL"
