"""
Fibonacci numbers computed in Rust by naive recursion, to compare with the same
function in pure Python. `fibo(n)` returns the n-th number; `MAX_N` is the largest n.
"""

from typing import Final, SupportsIndex

__all__ = ["DEBUG_BUILD", "MAX_N", "__version__", "fibo"]

DEBUG_BUILD: Final[bool]
"""
True when the extension was compiled without optimisations.
"""

MAX_N: Final[int]
"""
The largest n whose Fibonacci number fits in 64 bits.
"""

__version__: Final[str]
"""
The version, from Cargo.toml, the one place it is written.
"""

def fibo(n: SupportsIndex) -> int:
    """
    Return the n-th Fibonacci number, computed by naive recursion.

    Raises `ValueError` for n < 1, `OverflowError` for n > `MAX_N` and
    `TypeError` for a non-integer. The GIL is released while it computes, so
    calls from several Python threads run in parallel.
    """
