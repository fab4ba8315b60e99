//! Stage 1: source text -> tokens -> syntax tree, with spans and parse diagnostics.

pub mod ast;
mod check;
pub mod lexer;
pub mod parser;
pub mod span;
pub mod token;

#[cfg(test)]
mod tests;

use std::fmt;

use span::Span;

/// Deepest nesting of sub-expressions the front end accepts: brackets, prefix operators,
/// links of an operator or postfix chain (`a + b + c`, `a.b.c`), type arguments and
/// nested interpolations each count one level. Deeper input is a `ParseError` instead of
/// a native stack overflow in the parser or in any later pass that recurses over the tree.
pub const MAX_EXPR_DEPTH: usize = 256;

/// Deepest nesting of blocks (`{ }` bodies, and each `else if` link, which nests in the
/// tree), for the same reason as [`MAX_EXPR_DEPTH`].
pub const MAX_BLOCK_DEPTH: usize = 256;

/// A lexical, syntax or static error found before anything runs (exit status 3).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// The message after `Parse Error: `.
    pub message: String,
    /// Where the caret points (its `start`).
    pub span: Span,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// The error for input nested deeper than `limit`.
fn too_deep(limit: usize, span: Span) -> ParseError {
    ParseError::new(format!("Nesting too deep (limit {limit})"), span)
}

pub use lexer::{dump_tokens, tokenize};
pub use parser::parse;
