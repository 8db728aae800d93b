"""Time the same naive Fibonacci in pure Python and in the Rust extension.

Usage: python compare.py [N] [--runs R] [--rust-only] [--parallel-n M]
"""

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

MAX_N = {{ cookiecutter.module_name }}.MAX_N  # the largest n the extension accepts
# Not taken from __doc__, which `python -OO` removes.
DESCRIPTION = "Time the same naive Fibonacci in pure Python and in the Rust extension."
DEFAULT_N = 35
PHI = (1 + math.sqrt(5)) / 2  # each step of n multiplies the work by about this much
WARN_AFTER = 10.0  # seconds of pure Python worth a warning before it starts
PARALLEL_CALL = 0.3  # seconds each call should last to show threads running in parallel


def fibo_python(n: int) -> int:
    """The same naive recursion as the Rust code, in pure Python."""
    if n <= 2:
        return 1
    return fibo_python(n - 2) + fibo_python(n - 1)


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def median_time(runs: int, call: Callable[[], object]) -> float:
    """The median wall time of `runs` calls, in seconds."""
    return statistics.median(timed(call) for _ in range(runs))


def estimate(call: Callable[[int], object], n: int, probe: int) -> float:
    """Seconds `call(n)` should take, from one call at a smaller `probe`."""
    return timed(lambda: call(probe)) * PHI ** (n - probe)


def check_n(parser: argparse.ArgumentParser, n: int, name: str) -> None:
    """Refuse an n the extension would refuse, before any work is done."""
    if not 1 <= n <= MAX_N:
        parser.error(f"{name} must be between 1 and {MAX_N} (fibo({MAX_N + 1}) overflows), got {n}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("n", nargs="?", type=int, default=DEFAULT_N, help="which Fibonacci number")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median is shown)")
    parser.add_argument("--rust-only", action="store_true", help="time the Rust extension alone")
    parser.add_argument(
        "--parallel-n",
        type=int,
        help=f"n for the threads comparison (default: a call of about {PARALLEL_CALL} s in Rust)",
    )
    args = parser.parse_args(argv)
    check_n(parser, args.n, "n")
    if args.parallel_n is not None:
        check_n(parser, args.parallel_n, "--parallel-n")
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    return args


def compare_single_calls(n: int, runs: int, rust_only: bool) -> None:
    rust = {{ cookiecutter.module_name }}.fibo
    python_time = None
    if not rust_only:
        guess = estimate(fibo_python, n, min(n, 25)) * runs
        if guess > WARN_AFTER:
            print(
                f"Pure Python needs about {guess:.0f} s for {runs} run(s) of fibo({n})."
                " Ctrl+C stops it; --rust-only times Rust alone.",
                flush=True,
            )
        results: list[int] = []
        python_time = median_time(runs, lambda: results.append(fibo_python(n)))
        if results[0] != rust(n):
            sys.exit(f"error: Rust says fibo({n}) = {rust(n)}, Python says {results[0]}")
    rust_time = median_time(runs, lambda: rust(n))

    print(f"fibo({n}) = {rust(n)}")
    print()
    print("| implementation                | seconds | vs Python |")
    print("|-------------------------------|--------:|----------:|")
    if python_time is not None:
        print(f"| pure Python                   | {python_time:7.3f} |     1.0x  |")
        speedup = python_time / rust_time
        print(f"| Rust extension                | {rust_time:7.3f} | {speedup:8.1f}x |")
    else:
        print(f"| Rust extension                | {rust_time:7.3f} |         - |")


def usable_cpus() -> int:
    """The CPUs this process may run on (taskset, containers), not all the machine has."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return int(count() or 1)
    affinity = getattr(os, "sched_getaffinity", None)  # Linux
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def compare_threads(n: int | None, runs: int) -> None:
    """One call per usable CPU (two at least), one after another, then all at once in threads."""
    rust = {{ cookiecutter.module_name }}.fibo
    cpus = usable_cpus()
    workers = max(cpus, 2)
    if n is None:  # calls of about PARALLEL_CALL seconds each
        one_call = max(timed(lambda: rust(25)), 1e-6)
        n = min(25 + math.ceil(math.log(PARALLEL_CALL / one_call, PHI)), MAX_N)
    sequential = median_time(runs, lambda: [rust(n) for _ in range(workers)])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        threaded = median_time(runs, lambda: list(pool.map(rust, [n] * workers)))
    print(
        f"\n{workers} calls of fibo({n}): {sequential:.3f} s one after another, {threaded:.3f} s in"
        f" {workers} threads: {sequential / threaded:.1f}x as fast, where {cpus} usable CPU(s)"
        f" allow at most {min(workers, cpus)}x.\nfibo releases the GIL while it computes, so"
        " threads can run it on several CPUs at once."
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if {{ cookiecutter.module_name }}.DEBUG_BUILD:
        print(
            "warning: the extension was built without optimisations, so Rust looks slower "
            "than it is.\n         Rebuild it with `maturin develop --release` "
            "(or `pip install .`).\n",
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
