//! Tier 1 against tier 0: a generated program (valid, terminating, deterministic) runs
//! interpreted, fully compiled, and tiering up after two calls or loop iterations; stdout,
//! stderr and the exit status must be the same.
//!
//! `RUFF_FUZZ_SHOW=1` prints each generated program and its interpreted output, to look
//! at what the generator makes of an input.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use ruff::jit::{Mode, Settings};
use ruff::vm::Options;
use ruff_fuzz::{generate, run_program, Output};

/// Low enough that the deep-recursion template stays cheap, high enough to need many
/// compiled frames.
const CALL_DEPTH_LIMIT: usize = 1000;

fn options(mode: Mode, threshold: u32) -> Options {
    Options {
        call_depth_limit: CALL_DEPTH_LIMIT,
        jit: Settings {
            mode,
            threshold,
            stats: false,
            dump_dir: None,
        },
        ..Options::default()
    }
}

fn show(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}--- stderr\n{}",
        output.status, output.stdout, output.stderr
    )
}

fuzz_target!(|data: &[u8]| {
    let Ok(program) = generate::program(&mut Unstructured::new(data)) else {
        return;
    };
    let reference = run_program(&program, options(Mode::Off, 1000));
    if std::env::var_os("RUFF_FUZZ_SHOW").is_some() {
        eprintln!("=== program\n{program}=== tier 0\n{}", show(&reference));
    }
    if reference.status == 3 {
        panic!(
            "generator bug: the program does not parse\n{program}\n{}",
            reference.stderr
        );
    }
    for (mode, threshold) in [(Mode::Eager, 1000), (Mode::Auto, 2)] {
        let tiered = run_program(&program, options(mode, threshold));
        if tiered != reference {
            panic!(
                "tier 1 ({mode:?}, threshold {threshold}) differs from tier 0\n\
                 === program\n{program}=== tier 0\n{}=== tier 1\n{}",
                show(&reference),
                show(&tiered)
            );
        }
    }
});
