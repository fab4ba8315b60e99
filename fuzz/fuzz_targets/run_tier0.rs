//! Tier 0 on arbitrary programs: whatever parses must compile to bytecode the verifier
//! accepts (the interpreter's memory safety rests on it), and running it must end (the
//! step budget and heap limit turn runaway programs into errors) without a panic or
//! crash, with any runtime error rendered as a report.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ruff::diagnostics::SourceFile;
use ruff::vm::{Options, Outcome, Vm};

/// Loop iterations plus calls per run: enough for real programs, few enough that one run
/// takes milliseconds.
const STEP_BUDGET: u64 = 20_000;

/// Heap a run may add to what is live before it; a program building a huge value gets
/// `Out of memory` well below libFuzzer's RSS limit.
const RUN_HEAP: usize = 64 << 20;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.ruff", text);
    let program =
        match ruff::syntax::parse(&source.text).and_then(|ast| ruff::compile::compile(&ast)) {
            Ok(program) => program,
            Err(error) => {
                drop(ruff::cli::report::parse_error(&source, &error));
                return;
            }
        };
    if let Err(e) = ruff::bytecode::verify(&program) {
        panic!(
            "the compiler produced bytecode the verifier rejects: {}",
            e.0
        );
    }
    let options = Options {
        step_budget: Some(STEP_BUDGET),
        // The limit counts the whole process's live bytes, the fuzzer's own (corpus,
        // coverage data) included, so it is set relative to what is live now.
        max_heap: ruff_runtime::heap::used() + RUN_HEAP,
        ..Options::default()
    };
    let (io, _stdout, _stderr) = ruff_fuzz::captured_io();
    let mut vm =
        Vm::new(program, source.lines.clone(), io, options).expect("bytecode verified above");
    if let Outcome::Error(error) = vm.run() {
        // The report slices the source at the error's location.
        drop(ruff::cli::report::runtime_error(&source, &error));
    }
});
