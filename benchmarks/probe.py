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


def in_threads(func: Callable[[int], int], n: int) -> None:
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(func, [n] * CORES))


def main() -> None:
    timer, runs, n_native, n_python = sys.argv[1], *map(int, sys.argv[2:5])
    rounds = []
    for _ in range(runs):
        rounds.append(
            {
                "native": native(timer, n_native),
                "extension": seconds(lambda: fibo_rust.fibo(n_native)),
                "python_small": seconds(lambda: fibo_python(n_python)),
                "extension_small": seconds(lambda: fibo_rust.fibo(n_python)),
                "extension_threads": seconds(lambda: in_threads(fibo_rust.fibo, n_native)),
                "extension_one": seconds(lambda: fibo_rust.fibo(n_native)),
                "python_threads": seconds(lambda: in_threads(fibo_python, 30)),
                "python_one": seconds(lambda: fibo_python(30)),
            }
        )

    def ratio(top: str, bottom: str) -> float:
        return statistics.median(r[top] / r[bottom] for r in rounds)

    print(
        json.dumps(
            {
                "extension_vs_native": ratio("extension", "native"),
                "python_vs_extension": ratio("python_small", "extension_small"),
                "threads_vs_one": ratio("extension_threads", "extension_one"),
                "python_threads_vs_one": ratio("python_threads", "python_one"),
                "seconds": {k: statistics.median(r[k] for r in rounds) for k in rounds[0]},
            }
        )
    )


if __name__ == "__main__":
    main()
