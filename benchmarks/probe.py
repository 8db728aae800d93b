"""Timed side by side inside the benchmark's venv: python probe.py TIMER RUNS N_NATIVE N_PYTHON.

Each round measures every pair once, back to back, and each figure is the median of
the per-round ratios, so slow drifts of a shared machine cancel out. Prints JSON.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import fibo_rust
from compare import fibo_python

UNITS = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}
CORES = os.cpu_count() or 1


def seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def native(timer: str, n: int) -> float:
    """The native timer's own in-process measurement of fibo(n)."""
    out = subprocess.run([timer, str(n)], capture_output=True, text=True, check=True).stdout
    value, unit = re.search(r" in ([\d.]+)(ns|µs|ms|s) ", out).groups()
    return float(value) * UNITS[unit]


def native_processes(timer: str, n: int, count: int) -> None:
    """Run `count` native timers at once and wait for all."""
    procs = [subprocess.Popen([timer, str(n)], stdout=subprocess.DEVNULL) for _ in range(count)]
    for proc in procs:
        proc.wait()


def pin(cores: set[int]) -> None:
    """Run this process (and what it starts) on these cores, where the OS allows it."""
    if cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)


def in_threads(func: Callable[[int], int], n: int) -> None:
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(func, [n] * CORES))


def main() -> None:
    timer, runs, n_native, n_python = sys.argv[1], *map(int, sys.argv[2:5])
    all_cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    rounds = []
    for _ in range(runs):
        # Single calls run on one pinned core (the native timer inherits the pinning),
        # each after an untimed warm-up call, so neither side pays for a migration.
        pin(set(sorted(all_cores)[-1:]))
        fibo_rust.fibo(25)
        round_ = {"native": native(timer, n_native)}
        fibo_rust.fibo(25)
        round_["extension"] = seconds(lambda: fibo_rust.fibo(n_native))
        round_["python_small"] = seconds(lambda: fibo_python(n_python))
        round_["extension_small"] = seconds(lambda: fibo_rust.fibo(n_python))
        pin(all_cores)
        round_["extension_one"] = seconds(lambda: fibo_rust.fibo(n_native))
        round_["extension_threads"] = seconds(lambda: in_threads(fibo_rust.fibo, n_native))
        round_["native_one"] = seconds(lambda: native_processes(timer, n_native, 1))
        round_["native_parallel"] = seconds(lambda: native_processes(timer, n_native, CORES))
        round_["python_one"] = seconds(lambda: fibo_python(30))
        round_["python_threads"] = seconds(lambda: in_threads(fibo_python, 30))
        rounds.append(round_)

    def ratio(top: str, bottom: str) -> float:
        return statistics.median(r[top] / r[bottom] for r in rounds)

    print(
        json.dumps(
            {
                "extension_vs_native": ratio("extension", "native"),
                "python_vs_extension": ratio("python_small", "extension_small"),
                "threads_vs_one": ratio("extension_threads", "extension_one"),
                "python_threads_vs_one": ratio("python_threads", "python_one"),
                "native_parallel_vs_one": ratio("native_parallel", "native_one"),
                "threads_vs_native_parallel": ratio("extension_threads", "native_parallel"),
                "seconds": {k: statistics.median(r[k] for r in rounds) for k in rounds[0]},
            }
        )
    )


if __name__ == "__main__":
    main()
