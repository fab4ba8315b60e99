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

/// What of that stack stays free for native code below the deepest nested run: builtins,
/// compiling a function, reporting an error.
const NATIVE_STACK_RESERVE: usize = 16 << 20;

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
    /// Heap limit: a size such as 512M or 2G (binary units; bytes without a unit).
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "4G",
        env = "RUFF_MAX_HEAP",
        value_parser = ruff_runtime::heap::parse_size
    )]
    max_heap: usize,
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
        max_heap: args.max_heap,
        step_budget: None,
        native_stack: RUN_STACK_BYTES - NATIVE_STACK_RESERVE,
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
        .spawn(move || run_source(&source, options, Io::standard()));
    match runner.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: the interpreter thread failed");
            EXIT_RUNTIME
        }
    }
}

/// Parses, compiles and runs `source` with `io`, writing any error report to `io.stderr`;
/// returns the exit status. `ruff run` passes the process's streams, the fuzzer buffers.
pub fn run_source(source: &SourceFile, options: Options, mut io: Io) -> i32 {
    let stats = options.jit.stats;
    let started = std::time::Instant::now();
    let program =
        match crate::syntax::parse(&source.text).and_then(|ast| crate::compile::compile(&ast)) {
            Ok(p) => p,
            Err(e) => {
                let _ = io
                    .stderr
                    .write_all(report::parse_error(source, &e).as_bytes());
                return EXIT_PARSE;
            }
        };
    tracing::debug!(
        micros = started.elapsed().as_micros() as u64,
        "parsed and compiled"
    );
    let mut vm = match Vm::new(program, source.lines.clone(), io, options) {
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
    let mut io = vm.into_io();
    crate::jit::orc::shutdown();
    match outcome {
        Outcome::Finished => 0,
        Outcome::Exit(code) => code,
        Outcome::Error(error) => {
            let _ = io
                .stderr
                .write_all(report::runtime_error(source, &error).as_bytes());
            EXIT_RUNTIME
        }
    }
}
