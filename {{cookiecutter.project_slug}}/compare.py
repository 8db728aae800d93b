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


def in_threads(
    call: Callable[[int], object], n: int, runs: int, workers: int
) -> tuple[float, float]:
    """Median seconds for `workers` calls one after another, then in as many threads."""
    sequential = median_time(runs, lambda: [call(n) for _ in range(workers)])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        threaded = median_time(runs, lambda: list(pool.map(call, [n] * workers)))
    return sequential, threaded


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask (taskset, cgroups, containers),
    not every CPU the machine has."""
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if process_cpu_count is not None:
        return int(process_cpu_count() or 1)
    affinity = getattr(os, "sched_getaffinity", None)  # Linux
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


def compare_threads(n: int | None, runs: int) -> None:
    rust = {{ cookiecutter.module_name }}.fibo
    cpus = usable_cpus()
    workers = max(cpus, 2)
    if n is None:
        one_call = max(timed(lambda: rust(25)), 1e-6)
        n = min(25 + math.ceil(math.log(PARALLEL_CALL / one_call, PHI)), MAX_N)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    rows = [("Rust extension", n, *in_threads(rust, n, runs, workers))]
    if not gil:
        python_n = max(n - 9, 1)  # PHI ** 9, about 76 times less work: pure Python is 50-80x slower
        rows.append(("pure Python", python_n, *in_threads(fibo_python, python_n, runs, workers)))
    print()
    usable = f"{cpus} usable CPU{'' if cpus == 1 else 's'}"
    print(f"{workers} calls, one after another and then in {workers} threads ({usable}):")
    for name, row_n, sequential, threaded in rows:
        print(
            f"  {name:<15} fibo({row_n}): {sequential:7.3f} s one after another,"
            f" {threaded:7.3f} s in threads: {sequential / threaded:.1f}x as fast"
        )
    print(verdict(rows[0][2] / rows[0][3], workers=workers, cpus=cpus, gil=gil))


FULL = 0.8  # of the ideal speed-up: the threads ran in parallel
NONE = 1.2  # at most this speed-up: they took turns


def verdict(speedup: float, workers: int, cpus: int, gil: bool) -> str:
    """What the Rust threads figure shows, measured against the ideal speed-up, which is
    min(workers, usable CPUs), and no more."""
    ideal = min(workers, cpus)
    measured = f"{speedup:.1f}x, against an ideal of {ideal}x"
    if ideal < 2:
        said = f"Only one CPU is usable here, so threads cannot run in parallel ({measured})."
    elif speedup >= FULL * ideal:
        released = " Rust released the GIL while it computed." if gil else ""
        said = f"The threads ran in parallel ({measured}).{released}"
    elif speedup > NONE:
        said = (
            f"The threads ran partly in parallel ({measured}): other programs or shared"
            " virtual CPUs took part of the machine."
        )
    else:
        held = " or the GIL held while Rust computes" if gil else ""
        said = f"No parallel speed-up was measured ({measured}): the machine may be busy{held}."
    free = "This Python is free-threaded: with no GIL, pure Python threads run in parallel too."
    return said if gil else f"{free} {said}"


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
    compare_threads(args.parallel_n, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
