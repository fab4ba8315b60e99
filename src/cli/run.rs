//! `ruff run` and `ruff check`.

use std::io::Write;

use clap::Args;

use super::report::{self, read_source};
use super::{JitMode, EXIT_INPUT, EXIT_PARSE, EXIT_RUNTIME};
use crate::diagnostics::SourceFile;
use crate::vm::{Io, Options, Outcome, Vm};

/// Native stack for the thread that runs a program: deep (but limited) Ruff recursion
/// through callbacks and deep value structures must never overflow it.
const RUN_STACK_BYTES: usize = 1 << 30;

#[derive(Args)]
pub struct RunArgs {
    /// The program (`-` reads standard input).
    file: String,
    /// When to compile to native code (tier 1).
    #[arg(long, value_enum, default_value_t = JitMode::Auto, env = "RUFF_JIT")]
    jit: JitMode,
    /// Calls plus loop iterations after which a function is compiled.
    #[arg(long, default_value_t = 1000, env = "RUFF_JIT_THRESHOLD")]
    jit_threshold: u32,
    /// Print what tier 1 did (functions compiled, compile times, deopts) at exit.
    #[arg(long)]
    jit_stats: bool,
    /// Write each function tier 1 compiles to DIR as NAME.ll, NAME.opt.ll and NAME.s.
    #[arg(long, value_name = "DIR", env = "RUFF_JIT_DUMP")]
    jit_dump: Option<std::path::PathBuf>,
    /// Most calls that may be active at once.
    #[arg(
        long,
        default_value_t = crate::vm::DEFAULT_CALL_DEPTH_LIMIT,
        env = "RUFF_CALL_DEPTH",
        value_parser = call_depth_limit
    )]
    call_depth: usize,
    /// Arguments for the program (after `--`).
    #[arg(last = true)]
    args: Vec<String>,
}

/// Parses `--call-depth`: 1 up to `vm::MAX_CALL_DEPTH_LIMIT`.
fn call_depth_limit(text: &str) -> Result<usize, String> {
    let max = crate::vm::MAX_CALL_DEPTH_LIMIT;
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from 1 to {max}")),
    }
}

pub fn check(path: &str) -> i32 {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_INPUT;
        }
    };
    match crate::syntax::parse(&source.text).and_then(|ast| crate::compile::compile(&ast)) {
        Ok(_) => 0,
        Err(e) => {
            eprint!("{}", report::parse_error(&source, &e));
            EXIT_PARSE
        }
    }
}

pub fn run(args: RunArgs) -> i32 {
    let source = match read_source(&args.file) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_INPUT;
        }
    };
    tracing::debug!(jit = ?args.jit, threshold = args.jit_threshold, "run");
    let options = Options {
        call_depth_limit: args.call_depth,
        jit: crate::jit::Settings {
            mode: match args.jit {
                JitMode::Off => crate::jit::Mode::Off,
                JitMode::Auto => crate::jit::Mode::Auto,
                JitMode::Eager => crate::jit::Mode::Eager,
            },
            threshold: args.jit_threshold,
            stats: args.jit_stats,
            dump_dir: args.jit_dump,
        },
    };
    let runner = std::thread::Builder::new()
        .name("ruff-main".into())
        .stack_size(RUN_STACK_BYTES)
        .spawn(move || run_source(&source, options));
    match runner.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: the interpreter thread failed");
            EXIT_RUNTIME
        }
    }
}

/// Parses, compiles and runs `source`, printing any error report; returns the exit status.
fn run_source(source: &SourceFile, options: Options) -> i32 {
    let stats = options.jit.stats;
    let started = std::time::Instant::now();
    let program =
        match crate::syntax::parse(&source.text).and_then(|ast| crate::compile::compile(&ast)) {
            Ok(p) => p,
            Err(e) => {
                eprint!("{}", report::parse_error(source, &e));
                return EXIT_PARSE;
            }
        };
    tracing::debug!(
        micros = started.elapsed().as_micros() as u64,
        "parsed and compiled"
    );
    let mut vm = match Vm::new(program, source.lines.clone(), Io::standard(), options) {
        Ok(vm) => vm,
        Err(e) => {
            eprintln!(
                "internal error: the compiler produced invalid bytecode: {}",
                e.0
            );
            return EXIT_RUNTIME;
        }
    };
    let outcome = vm.run();
    vm.flush();
    if stats {
        eprint!("{}", vm.jit_stats().summary());
    }
    // Compiled code only runs inside this VM: with it gone, the JIT and its code can go
    // (so leak checkers see the LLVM memory released, not lost).
    drop(vm);
    crate::jit::orc::shutdown();
    match outcome {
        Outcome::Finished => 0,
        Outcome::Exit(code) => code,
        Outcome::Error(error) => {
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(report::runtime_error(source, &error).as_bytes());
            EXIT_RUNTIME
        }
    }
}
