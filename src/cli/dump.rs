//! `ruff dump`: prints tokens, the syntax tree, bytecode, or tier 1's LLVM IR (before and
//! after optimization) and native assembly of a program.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::report::{self, read_source};
use super::{EXIT_INPUT, EXIT_PARSE, EXIT_RUNTIME, EXIT_USAGE};
use crate::bytecode::Program;
use crate::diagnostics::SourceFile;
use crate::jit::dump::{self as jit_dump, FunctionListing, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// One token per line.
    Tokens,
    /// The syntax tree.
    Ast,
    /// The bytecode of every function, with source lines.
    Bytecode,
    /// Tier 1's LLVM IR of every function, before optimization.
    #[value(name = "llvm-ir")]
    LlvmIr,
    /// Tier 1's LLVM IR of every function, after its IR pipeline (`default<O1>`).
    #[value(name = "llvm-ir-opt")]
    LlvmIrOpt,
    /// Tier 1's native assembly of every function.
    Asm,
}

impl Emit {
    /// The tier-1 listing this prints, if it is one.
    fn llvm(self) -> Option<Kind> {
        match self {
            Emit::LlvmIr => Some(Kind::Ir),
            Emit::LlvmIrOpt => Some(Kind::Optimized),
            Emit::Asm => Some(Kind::Asm),
            Emit::Tokens | Emit::Ast | Emit::Bytecode => None,
        }
    }

    /// Whether this prints per function (and so `--function` applies).
    fn per_function(self) -> bool {
        self == Emit::Bytecode || self.llvm().is_some()
    }
}

#[derive(Args)]
#[command(
    after_help = "The LLVM listings (llvm-ir, llvm-ir-opt, asm) compile each function \
                  as tier 1 would with no run-time feedback yet (so operations with no \
                  observed types go through the generic paths); they are not installed. \
                  Each function's text follows a `; function NAME` line (`# function NAME` \
                  for asm) and is a complete module. To see what a run compiles, with its \
                  feedback, use `ruff run --jit-dump DIR`.\n\n\
                  Exit status: 0 success, 1 bad command line or unknown --function, \
                  2 unreadable program file, 3 parse or static error, 4 tier 1 (LLVM) \
                  could not compile a function (the other functions are still printed)."
)]
pub struct DumpArgs {
    /// The program (`-` reads standard input).
    file: String,
    /// What to print (comma-separated for several, printed in that order).
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    emit: Vec<Emit>,
    /// Only the functions with this name (bytecode, llvm-ir, llvm-ir-opt, asm), such as
    /// `fib`, `Point.norm`, `<lambda>` or `<main>`.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
}

pub fn dump(args: DumpArgs) -> i32 {
    let source = match read_source(&args.file) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_INPUT;
        }
    };
    let only = args.function.as_deref();
    let mut program: Option<Program> = None;
    // With --function, check the name before printing anything.
    if only.is_some() && args.emit.iter().any(|e| e.per_function()) {
        if let Err(status) = ensure_compiled(&source, &mut program, only) {
            return status;
        }
    }
    // Every function's listings, made once for however many LLVM kinds are printed.
    let mut listings: Option<Vec<FunctionListing>> = None;
    let mut status = 0;
    for &emit in &args.emit {
        let text = match emit {
            Emit::Tokens => crate::syntax::lexer::dump_tokens(&source.text),
            Emit::Ast => crate::syntax::parse(&source.text).map(|ast| format!("{ast:#?}\n")),
            Emit::Bytecode | Emit::LlvmIr | Emit::LlvmIrOpt | Emit::Asm => {
                let program = match ensure_compiled(&source, &mut program, only) {
                    Ok(p) => p,
                    Err(status) => return status,
                };
                match emit.llvm() {
                    None => Ok(crate::bytecode::disassemble(program, &source.lines, only)),
                    Some(kind) => {
                        let functions =
                            listings.get_or_insert_with(|| jit_dump::listings(program, only));
                        let mut text = String::new();
                        for function in functions.iter() {
                            match function.render(kind) {
                                Ok(listing) => text.push_str(&listing),
                                Err(message) => {
                                    eprintln!("error: {message}");
                                    status = EXIT_RUNTIME;
                                }
                            }
                        }
                        Ok(text)
                    }
                }
            }
        };
        match text {
            Ok(text) => {
                if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
                    // A closed pipe (`| head`): nobody is reading any more.
                    return status;
                }
            }
            Err(e) => {
                eprint!("{}", report::parse_error(&source, &e));
                return EXIT_PARSE;
            }
        }
    }
    status
}

/// The program compiled (once) and verified, with `only` checked against its functions;
/// otherwise the error is reported and the exit status returned.
fn ensure_compiled<'p>(
    source: &SourceFile,
    program: &'p mut Option<Program>,
    only: Option<&str>,
) -> Result<&'p Program, i32> {
    if program.is_none() {
        let compiled =
            crate::syntax::parse(&source.text).and_then(|ast| crate::compile::compile(&ast));
        let compiled = match compiled {
            Ok(p) => p,
            Err(e) => {
                eprint!("{}", report::parse_error(source, &e));
                return Err(EXIT_PARSE);
            }
        };
        // Tier 1 lowers only verified bytecode (as `Vm::new` checks before a run).
        if let Err(e) = crate::bytecode::verify(&compiled) {
            eprintln!(
                "internal error: the compiler produced invalid bytecode: {}",
                e.0
            );
            return Err(EXIT_RUNTIME);
        }
        if let Some(name) = only {
            if !jit_dump::has_function(&compiled, name) {
                let mut names: Vec<&str> = compiled.protos.iter().map(|p| &*p.name).collect();
                names.sort_unstable();
                names.dedup();
                eprintln!(
                    "error: --function {name}: '{}' has no function of that name \
                     (its functions: {})",
                    source.path,
                    names.join(", ")
                );
                return Err(EXIT_USAGE);
            }
        }
        *program = Some(compiled);
    }
    program.as_ref().ok_or(EXIT_RUNTIME)
}
