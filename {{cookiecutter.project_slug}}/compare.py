"""Time the same naive Fibonacci in pure Python and in the Rust extension.

Usage: python compare.py [N]   (N defaults to 35; the blog post's figure is N=40)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import {{ cookiecutter.module_name }}

DEFAULT_N = 35


def fibo_python(n: int) -> int:
    """The same naive recursion as the Rust code, in pure Python."""
    if n < 1:
        raise ValueError(f"n must be a positive integer (n >= 1), got {n}")
    if n <= 2:
        return 1
    return fibo_python(n - 2) + fibo_python(n - 1)


def best_of(runs: int, call: Callable[[], object]) -> float:
    """The median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_threads(threads: int, func: Callable[[int], int], n: int) -> Callable[[], list[int]]:
    """A call that runs `func(n)` once in each of `threads` threads and waits for all."""

    def run() -> list[int]:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(func, [n] * threads))

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=DEFAULT_N, help="which Fibonacci number")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median is shown)")
    args = parser.parse_args(argv)
    n: int = args.n
    rust = {{ cookiecutter.module_name }}.fibo

    if {{ cookiecutter.module_name }}.DEBUG_BUILD:
        print(
            "warning: the extension was built without optimisations, so Rust looks slower "
            "than it is.\n         Rebuild it with `maturin develop --release` "
            "(or `pip install .`).\n",
            file=sys.stderr,
        )

    expected = fibo_python(n)
    got = rust(n)
    if got != expected:
        print(f"error: Rust says fibo({n}) = {got}, Python says {expected}", file=sys.stderr)
        return 1

    cores = os.cpu_count() or 1
    python_time = best_of(args.runs, lambda: fibo_python(n))
    rust_time = best_of(args.runs, lambda: rust(n))
    threaded_time = best_of(args.runs, in_threads(cores, rust, n))

    print(f"fibo({n}) = {expected}")
    print()
    print("| implementation                | seconds | vs Python |")
    print("|-------------------------------|--------:|----------:|")
    print(f"| pure Python                   | {python_time:7.3f} |     1.0x  |")
    speedup = python_time / rust_time
    print(f"| Rust extension                | {rust_time:7.3f} | {speedup:8.1f}x |")
    print()
    ratio = threaded_time / rust_time
    print(
        f"{cores} calls in {cores} threads took {threaded_time:.3f} s, "
        f"{ratio:.2f}x the time of one call: the GIL is released while Rust computes."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
