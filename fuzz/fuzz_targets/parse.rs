//! Front end on arbitrary bytes: lexing, parsing, static checks, compiling to bytecode,
//! verifying it, and rendering the parse error report. None of it may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ruff::diagnostics::SourceFile;

fuzz_target!(|data: &[u8]| {
    // Like `ruff run`: a file that is not UTF-8 is refused before the front end sees it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.ruff", text);
    match ruff::syntax::parse(&source.text).and_then(|ast| ruff::compile::compile(&ast)) {
        Ok(program) => {
            if let Err(e) = ruff::bytecode::verify(&program) {
                panic!(
                    "the compiler produced bytecode the verifier rejects: {}",
                    e.0
                );
            }
        }
        // The report slices the source at the error's offset: it must cope with any span.
        Err(error) => drop(ruff::cli::report::parse_error(&source, &error)),
    }
});
