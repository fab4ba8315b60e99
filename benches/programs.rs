//! Whole-process benchmarks: the `ruff` binary running the anchor programs.
//!
//! Every iteration spawns `ruff run --jit=<mode> benches/programs/<name>.ruff` and
//! compares its stdout with the expected number, so a wrong answer fails the run
//! loudly instead of yielding a fast, meaningless time. The programs are copies of
//! the shared bench suite kept in `benches/programs/`.
//!
//! ```sh
//! cargo bench --bench programs              # fib, loop, mandel at --jit=off
//! cargo bench --bench programs -- mandel    # one program
//! RUFF_BENCH_JIT=off,auto cargo bench --bench programs
//! RUFF_BENCH_SIZE=large cargo bench --bench programs   # fib40, loop100m, mandel2000
//! ```
//!
//! Environment:
//! * `RUFF_BIN` — run this binary instead of the one cargo built for the bench.
//! * `RUFF_BENCH_JIT` — comma-separated `--jit` modes, one benchmark group each
//!   (default `off`, i.e. tier 0).
//! * `RUFF_BENCH_SIZE` — `standard` (default), `large` or `both`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

/// One anchor program: benchmark name, file under `benches/programs/`, expected stdout.
struct Program {
    name: &'static str,
    file: &'static str,
    expected: &'static str,
    large: bool,
}

const PROGRAMS: &[Program] = &[
    Program {
        name: "fib",
        file: "fib.ruff",
        expected: "832040",
        large: false,
    },
    Program {
        name: "loop",
        file: "loop.ruff",
        expected: "2033000",
        large: false,
    },
    Program {
        name: "mandel",
        file: "mandel.ruff",
        expected: "63572",
        large: false,
    },
    Program {
        name: "fib40",
        file: "fib40.ruff",
        expected: "102334155",
        large: true,
    },
    Program {
        name: "loop100m",
        file: "loop100m.ruff",
        expected: "239168496",
        large: true,
    },
    Program {
        name: "mandel2000",
        file: "mandel2000.ruff",
        expected: "1589711",
        large: true,
    },
];

/// The binary under test: `RUFF_BIN`, else the one cargo built alongside this bench
/// (`CARGO_BIN_EXE_ruff`, set for benches and integration tests), else
/// `target/release/ruff`.
fn ruff_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("RUFF_BIN") {
        return PathBuf::from(path);
    }
    if let Some(path) = option_env!("CARGO_BIN_EXE_ruff") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("release").join("ruff")
}

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join("programs")
}

/// Runs the program once and panics unless it exits 0 and prints exactly the
/// expected line.
fn run_checked(bin: &Path, jit: &str, file: &Path, expected: &str) {
    let output = Command::new(bin)
        .arg("run")
        .arg(format!("--jit={jit}"))
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || stdout.trim_end() != expected {
        panic!(
            "{} run --jit={jit} {}: expected {expected:?}, got {:?} ({})\nstderr:\n{}",
            bin.display(),
            file.display(),
            stdout.trim_end(),
            output.status,
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

fn selected_sizes() -> (bool, bool) {
    match std::env::var("RUFF_BENCH_SIZE").as_deref() {
        Ok("large") => (false, true),
        Ok("both") => (true, true),
        Ok("standard") | Err(_) => (true, false),
        Ok(other) => panic!("RUFF_BENCH_SIZE must be standard, large or both, not {other:?}"),
    }
}

fn bench_programs(c: &mut Criterion) {
    let bin = ruff_binary();
    assert!(
        bin.is_file(),
        "ruff binary not found at {} (run `cargo build --release` or set RUFF_BIN)",
        bin.display()
    );
    let modes = std::env::var("RUFF_BENCH_JIT").unwrap_or_else(|_| "off".to_string());
    let (standard, large) = selected_sizes();
    let dir = programs_dir();

    for jit in modes.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let mut group = c.benchmark_group(format!("jit-{jit}"));
        // Each run is a whole process taking tens of milliseconds to seconds:
        // few samples, one run per iteration.
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(5));
        for program in PROGRAMS {
            if (program.large && !large) || (!program.large && !standard) {
                continue;
            }
            let file = dir.join(program.file);
            // Check once up front so a wrong result is reported before any timing.
            run_checked(&bin, jit, &file, program.expected);
            group.bench_function(program.name, |b| {
                b.iter(|| run_checked(&bin, jit, &file, program.expected))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_programs);
criterion_main!(benches);
