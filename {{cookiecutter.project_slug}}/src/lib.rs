//! A naive recursive Fibonacci in plain Rust (`cargo run` and `cargo test` need no Python), and
//! the Python binding at the bottom, behind maturin's `python` feature.

use std::fmt;

/// The largest `n` whose Fibonacci number fits in a `u64`.
pub const MAX_N: u32 = 93;

/// Why [`fibo`] refused its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FiboError {
    /// The sequence starts at `n = 1`.
    NotPositive(i64),
    /// The result would not fit in a `u64`.
    TooLarge(i64),
}

impl fmt::Display for FiboError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPositive(n) => write!(f, "n must be a positive integer (n >= 1), got {n}"),
            Self::TooLarge(n) => write!(f, "fibo({n}) overflows: n must be at most {MAX_N}"),
        }
    }
}

impl std::error::Error for FiboError {}

/// The `n`th Fibonacci number (`fibo(1) == fibo(2) == 1`), the slow way, once `n` is checked.
///
/// # Errors
///
/// [`FiboError::NotPositive`] for `n < 1`, [`FiboError::TooLarge`] for `n > MAX_N`.
pub fn fibo(n: i64) -> Result<u64, FiboError> {
    if n < 1 {
        return Err(FiboError::NotPositive(n));
    }
    match u32::try_from(n) {
        Ok(small) if small <= MAX_N => Ok(naive(small)),
        _ => Err(FiboError::TooLarge(n)),
    }
}

/// The naive recursion, which computes the same numbers again and again.
fn naive(n: u32) -> u64 {
    if n <= 2 {
        1
    } else {
        naive(n - 2) + naive(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::{FiboError, MAX_N, fibo};

    #[test]
    fn starts_with_one_one_and_each_number_is_the_sum_of_the_two_before() {
        assert_eq!(
            (fibo(1), fibo(2), fibo(40)),
            (Ok(1), Ok(1), Ok(102_334_155))
        );
        for n in 3..=30 {
            assert_eq!(fibo(n), Ok(fibo(n - 1).unwrap() + fibo(n - 2).unwrap()));
        }
    }

    #[test]
    fn refuses_n_below_one_or_above_max_n_naming_the_rule() {
        for n in [0, -1, i64::MIN] {
            assert_eq!(fibo(n), Err(FiboError::NotPositive(n)));
        }
        for n in [i64::from(MAX_N) + 1, i64::from(u32::MAX) + 1, i64::MAX] {
            assert_eq!(fibo(n), Err(FiboError::TooLarge(n)));
        }
        assert!(fibo(0).unwrap_err().to_string().contains("n >= 1"));
        assert!(fibo(94).unwrap_err().to_string().contains("at most 93"));
    }
}

// The Python module. Its doc comment is the module's `__doc__`.
/// Fibonacci numbers computed in Rust by naive recursion, to compare with the same
/// function in pure Python. `fibo(n)` returns the n-th number; `MAX_N` is the largest n.
#[cfg(feature = "python")]
#[pyo3::pymodule(name = "{% if cookiecutter.layout == 'mixed' %}_core{% else %}{{ cookiecutter.module_name }}{% endif %}")]
mod python {
    use pyo3::exceptions::{PyOverflowError, PyValueError};
    use pyo3::prelude::*;

    use super::FiboError;

    /// True when the extension was compiled without optimisations.
    #[pymodule_export]
    const DEBUG_BUILD: bool = cfg!(debug_assertions);

    /// The largest n whose Fibonacci number fits in 64 bits.
    #[pymodule_export]
    const MAX_N: u32 = super::MAX_N;

    impl From<FiboError> for PyErr {
        fn from(err: FiboError) -> Self {
            match err {
                FiboError::NotPositive(_) => PyValueError::new_err(err.to_string()),
                FiboError::TooLarge(_) => PyOverflowError::new_err(err.to_string()),
            }
        }
    }

    /// The version, from Cargo.toml, the one place it is written.
    #[allow(non_upper_case_globals)]
    #[pymodule_export]
    const __version__: &str = env!("CARGO_PKG_VERSION");

    /// Return the n-th Fibonacci number, computed by naive recursion.
    ///
    /// Raises `ValueError` for n < 1, `OverflowError` for n > `MAX_N` and
    /// `TypeError` for a non-integer. The GIL is released while it computes, so
    /// calls from several Python threads run in parallel.
    #[pyfunction]
    fn fibo(py: Python<'_>, n: i64) -> PyResult<u64> {
        Ok(py.detach(|| super::fibo(n))?)
    }
}
