//! Front-end tests: lexer, parser, static checks and nesting limits.

mod expressions;
mod lexing;
mod limits;
mod sexp;
mod statements;
mod static_checks;

use super::ast::{Expr, Program, Stmt, StmtKind};
use super::{parse, ParseError};

fn parse_ok(src: &str) -> Program {
    match parse(src) {
        Ok(program) => program,
        Err(e) => panic!("{src:?} failed to parse: {} at {:?}", e.message, e.span),
    }
}

fn parse_err(src: &str) -> ParseError {
    match parse(src) {
        Ok(program) => panic!("{src:?} parsed but should fail: {program:#?}"),
        Err(e) => e,
    }
}

/// The only statement of `src`.
fn single_stmt(src: &str) -> Stmt {
    let mut program = parse_ok(src);
    assert_eq!(program.stmts.len(), 1, "{src:?}: {program:#?}");
    program.stmts.remove(0)
}

/// `src`, which must be one expression statement.
fn expr(src: &str) -> Expr {
    match single_stmt(src).kind {
        StmtKind::Expr(e) => e,
        other => panic!("{src:?} is not an expression statement: {other:#?}"),
    }
}

/// `src` as one expression, rendered by [`sexp::expr`].
fn sx(src: &str) -> String {
    sexp::expr(&expr(src))
}

/// Byte offset of the first occurrence of `needle` in `src`.
fn offset(src: &str, needle: &str) -> u32 {
    src.find(needle).expect("needle in source") as u32
}

/// Asserts that `src` fails with `message` and the caret at the first `at` in `src`.
fn assert_error(src: &str, message: &str, at: &str) {
    let e = parse_err(src);
    assert_eq!(e.message, message, "{src:?}");
    assert_eq!(e.span.start, offset(src, at), "{src:?}: caret position");
}
