"""Type information for the compiled extension module."""

from typing import Final, SupportsIndex

__all__ = ["DEBUG_BUILD", "MAX_N", "__version__", "fibo"]

__version__: Final[str]
DEBUG_BUILD: Final[bool]
"""True when the extension was compiled without optimisations."""
MAX_N: Final[int]
"""The largest n whose Fibonacci number fits in 64 bits."""

def fibo(n: SupportsIndex) -> int:
    """Return the n-th Fibonacci number, computed by naive recursion.

    Raises ValueError for n < 1, OverflowError for n > MAX_N and TypeError
    for a non-integer. The GIL is released while it computes, so calls from
    several Python threads run in parallel.
    """
