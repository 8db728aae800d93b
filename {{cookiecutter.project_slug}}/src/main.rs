//! Times the Rust `fibo` natively: `cargo run --release -- [N]` (N defaults to 40).

use std::process::ExitCode;
use std::time::Instant;

use {{ cookiecutter.module_name }}::fibo;

const DEFAULT_N: i64 = 40;

fn main() -> ExitCode {
    let n = match std::env::args().nth(1).map(|arg| arg.parse::<i64>()) {
        None => DEFAULT_N,
        Some(Ok(n)) => n,
        Some(Err(err)) => {
            eprintln!("error: N must be an integer: {err}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match fibo(n) {
        Ok(result) => {
            let elapsed = start.elapsed();
            let profile = if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            };
            println!("fibo({n}) = {result} in {elapsed:.3?} (Rust, {profile} build)");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
