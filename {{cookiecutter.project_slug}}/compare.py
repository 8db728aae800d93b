"""Time the same naive Fibonacci in pure Python and in the Rust extension.

Usage: python compare.py [N]   (N defaults to 35, about a second in pure Python)
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


def median_time(runs: int, call: Callable[[], object]) -> float:
    """The median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    python_time = median_time(args.runs, lambda: fibo_python(n))
    rust_time = median_time(args.runs, lambda: rust(n))
    sequential_time = median_time(args.runs, lambda: [rust(n) for _ in range(cores)])
    with ThreadPoolExecutor(max_workers=cores) as pool:
        threaded_time = median_time(args.runs, lambda: list(pool.map(rust, [n] * cores)))

    print(f"fibo({n}) = {expected}")
    print()
    print("| implementation                | seconds | vs Python |")
    print("|-------------------------------|--------:|----------:|")
    print(f"| pure Python                   | {python_time:7.3f} |     1.0x  |")
    speedup = python_time / rust_time
    print(f"| Rust extension                | {rust_time:7.3f} | {speedup:8.1f}x |")
    print()
    print(f"{cores} calls of the Rust fibo({n}):")
    print(f"  one after another: {sequential_time:7.3f} s")
    print(
        f"  in {cores} threads:      {threaded_time:7.3f} s "
        f"({sequential_time / threaded_time:.1f}x as fast: Rust releases the GIL while it computes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
