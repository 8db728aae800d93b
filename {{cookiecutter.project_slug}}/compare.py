"""Time the same naive Fibonacci in pure Python and in the Rust extension, then in threads."""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import {{ cookiecutter.module_name }}
from {{ cookiecutter.module_name }} import MAX_N, fibo

PHI = (1 + math.sqrt(5)) / 2  # the work grows by this factor with each step of n


def fibo_python(n: int) -> int:  # the same naive recursion as the Rust code
    return 1 if n <= 2 else fibo_python(n - 2) + fibo_python(n - 1)


def median_time(runs: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # Not __doc__, which `python -OO` removes.
    parser = argparse.ArgumentParser(description="Time pure Python against the Rust extension.")
    parser.add_argument("n", nargs="?", type=int, default=35)
    parser.add_argument("--runs", type=int, default=3, help="the median of this many runs")
    parser.add_argument("--rust-only", action="store_true")
    parser.add_argument("--parallel-n", type=int, help="n in threads (default: 0.3 s calls)")
    args = parser.parse_args(argv)
    for name, n in (("n", args.n), ("--parallel-n", args.parallel_n)):
        if n is not None and not 1 <= n <= MAX_N:  # as fibo would refuse it, but at once
            parser.error(f"{name} must be between 1 and {MAX_N}, got {n}")
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    return args


def compare_single_calls(n: int, runs: int, rust_only: bool) -> None:
    rows = []
    if not rust_only:
        guess = median_time(1, lambda: fibo_python(min(n, 25))) * PHI ** (n - min(n, 25)) * runs
        if guess > 10:
            print(f"Pure Python needs about {guess:.0f} s for {runs} run(s) of fibo({n}).", end="")
            print(" Ctrl+C stops it; --rust-only times Rust alone.", flush=True)
        results: list[int] = []
        rows.append(("pure Python", median_time(runs, lambda: results.append(fibo_python(n)))))
        if results[0] != fibo(n):
            sys.exit(f"error: Rust says fibo({n}) = {fibo(n)}, Python says {results[0]}")
    rows.append(("Rust extension", median_time(runs, lambda: fibo(n))))
    print(f"fibo({n}) = {fibo(n)}\n\n| implementation | seconds | vs Python |\n|---|--:|--:|")
    for name, seconds in rows:
        speedup = f"{rows[0][1] / seconds:.1f}x" if not rust_only else "-"
        print(f"| {name} | {seconds:.3f} | {speedup} |")


def usable_cpus() -> int:
    """The CPUs this process may use (taskset, containers), not all the machine's."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    affinity = getattr(os, "sched_getaffinity", None)  # Linux
    return int(count() or 1) if count else len(affinity(0)) if affinity else os.cpu_count() or 1


def compare_threads(n: int | None, runs: int) -> None:
    """One call per usable CPU (two at least), one after another, then all at once in threads."""
    cpus = usable_cpus()
    workers = max(cpus, 2)
    if n is None:  # calls of about 0.3 s each
        one_call = max(median_time(1, lambda: fibo(25)), 1e-6)
        n = min(25 + math.ceil(math.log(0.3 / one_call, PHI)), MAX_N)
    one_by_one = median_time(runs, lambda: [fibo(n) for _ in range(workers)])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        threaded = median_time(runs, lambda: list(pool.map(fibo, [n] * workers)))
    print(
        f"\n{workers} calls of fibo({n}): {one_by_one:.3f} s one after another, {threaded:.3f} s in"
        f" {workers} threads: {one_by_one / threaded:.1f}x as fast, where {cpus} usable CPU(s)"
        f" allow at most {min(workers, cpus)}x (fibo releases the GIL)."
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if {{ cookiecutter.module_name }}.DEBUG_BUILD:
        print(
            "warning: the extension was built without optimisations, so Rust looks slower than"
            " it is; `maturin develop` rebuilds it optimised.\n",
            file=sys.stderr,
        )
    compare_single_calls(args.n, args.runs, args.rust_only)
    if sys.platform == "emscripten":
        print("\nPyodide (WebAssembly) runs no threads: no threads comparison.")
    else:
        compare_threads(args.parallel_n, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
