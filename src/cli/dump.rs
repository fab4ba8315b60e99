//! `ruff dump`: prints tokens, the syntax tree or bytecode of a program.

use clap::{Args, ValueEnum};

use super::report::{self, read_source};
use super::{EXIT_INPUT, EXIT_PARSE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// One token per line.
    Tokens,
    /// The syntax tree.
    Ast,
    /// The bytecode of every function, with source lines.
    Bytecode,
}

#[derive(Args)]
pub struct DumpArgs {
    /// The program (`-` reads standard input).
    file: String,
    /// What to print (comma-separated for several).
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    emit: Vec<Emit>,
    /// Only this function (bytecode).
    #[arg(long)]
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
    for emit in &args.emit {
        let text = match emit {
            Emit::Tokens => crate::syntax::lexer::dump_tokens(&source.text),
            Emit::Ast => crate::syntax::parse(&source.text).map(|ast| format!("{ast:#?}\n")),
            Emit::Bytecode => crate::syntax::parse(&source.text)
                .and_then(|ast| crate::compile::compile(&ast))
                .map(|program| {
                    crate::bytecode::disassemble(&program, &source.lines, args.function.as_deref())
                }),
        };
        match text {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprint!("{}", report::parse_error(&source, &e));
                return EXIT_PARSE;
            }
        }
    }
    0
}
