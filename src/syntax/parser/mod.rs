//! Tokens -> syntax tree: recursive descent over the LANGUAGE.md §3 grammar, with the
//! static checks that need nothing beyond the construct at hand. The checks that need the
//! whole file (enums) run afterwards in `check`.
//!
//! Rules undo the context they change (loop depth, condition position) on every path,
//! errors included; nesting counters need no undoing after an error, which ends the parse.
//!
//! Stack use: rules on the recursive path combine large results (`Expr`, `Stmt`) with
//! `map`/`and_then` or a `match` rather than `?`, because in an unoptimized build each `?`
//! reserves stack slots of its own and nesting multiplies them. Together with
//! [`MAX_EXPR_DEPTH`] and [`MAX_BLOCK_DEPTH`] this keeps the deepest accepted input within
//! a 2 MiB stack even unoptimized (`syntax/tests/limits.rs` proves it).

mod decl;
mod expr;
mod later;
mod pattern;
mod primary;
mod stmt;

use std::rc::Rc;

use super::ast::{Block, Ident, Program, Stmt};
use super::check::{self, Detached};
use super::lexer::lex;
use super::span::Span;
use super::token::{Keyword, Punct, Token, TokenKind};
use super::{too_deep, ParseError, MAX_BLOCK_DEPTH, MAX_EXPR_DEPTH};

type PResult<T> = Result<T, ParseError>;

/// Parses and statically checks a whole program; only the first error is reported.
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let (tokens, eof) = lex(src)?;
    let mut parser = Parser::new(&tokens, &eof);
    let program = parser.program()?;
    check::check(&program, &parser.detached)?;
    Ok(program)
}

struct Parser<'t> {
    /// The token list being read: the file's, or one interpolation's while it is parsed.
    tokens: &'t [Token],
    /// The token after the list (`Eof` or `InterpEnd`); reading past the end yields it.
    end: &'t Token,
    pos: usize,
    expr_depth: usize,
    block_depth: usize,
    /// Loops around the current statement, up to the enclosing function boundary.
    loop_depth: usize,
    /// In a condition position, `Name {}` is a name and an empty block, not a literal.
    in_condition: bool,
    /// Parsed sub-trees the syntax tree does not keep but the whole-file checks must see.
    detached: Detached,
}

impl<'t> Parser<'t> {
    fn new(tokens: &'t [Token], end: &'t Token) -> Parser<'t> {
        Parser {
            tokens,
            end,
            pos: 0,
            expr_depth: 0,
            block_depth: 0,
            loop_depth: 0,
            in_condition: false,
            detached: Detached::default(),
        }
    }

    fn program(&mut self) -> PResult<Program> {
        let mut stmts = Vec::new();
        while !self.at_end() {
            if self.eat(Punct::Semi).is_none() {
                stmts.push(self.stmt()?);
            }
        }
        Ok(Program { stmts })
    }

    /// `"{" { stmt | ";" } "}"`
    fn block(&mut self) -> PResult<Block> {
        let open = self.expect(Punct::LBrace, "to start a block")?.span;
        self.enter_block(open)?;
        let saved_condition = std::mem::replace(&mut self.in_condition, false);
        let stmts = self.block_stmts();
        self.in_condition = saved_condition;
        self.block_depth -= 1;
        stmts.map(|(stmts, close)| Block {
            stmts,
            span: open.to(close),
        })
    }

    /// The statements of a block up to and including its `}`, whose span is returned.
    fn block_stmts(&mut self) -> PResult<(Vec<Stmt>, Span)> {
        let mut stmts = Vec::new();
        loop {
            if let Some(close) = self.eat(Punct::RBrace) {
                return Ok((stmts, close.span));
            }
            if self.at_end() {
                return Err(self.expected("'}' to close the block"));
            }
            if self.eat(Punct::Semi).is_none() {
                match self.stmt() {
                    Ok(stmt) => stmts.push(stmt),
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// `[ item { "," item } [","] ] close` after an opening bracket: the items and the
    /// span of `close`; `context` completes "Expected '<close>' ..." in errors.
    fn comma_list<T>(
        &mut self,
        close: Punct,
        context: &str,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<(Vec<T>, Span)> {
        let mut items = Vec::new();
        while !self.at(close) {
            match item(self) {
                Ok(value) => items.push(value),
                Err(e) => return Err(e),
            }
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        let close = self.expect(close, context)?;
        Ok((items, close.span))
    }

    /// A block that `break`/`continue` cannot leave: function, test and `spawn` bodies.
    fn boundary_block(&mut self) -> PResult<Block> {
        let saved = std::mem::replace(&mut self.loop_depth, 0);
        let block = self.block();
        self.loop_depth = saved;
        block
    }

    /// Counts one more level of block nesting; `at` is where an excess is reported.
    fn enter_block(&mut self, at: Span) -> PResult<()> {
        self.block_depth += 1;
        if self.block_depth > MAX_BLOCK_DEPTH {
            return Err(too_deep(MAX_BLOCK_DEPTH, at));
        }
        Ok(())
    }

    /// Counts one more level of expression nesting. Callers restore `expr_depth` to the
    /// value they saw on entry once their sub-tree is built.
    fn enter_expr(&mut self) -> PResult<()> {
        self.expr_depth += 1;
        if self.expr_depth > MAX_EXPR_DEPTH {
            return Err(too_deep(MAX_EXPR_DEPTH, self.peek().span));
        }
        Ok(())
    }

    /// Runs `f` in a condition position (LANGUAGE.md §3, struct literal trigger).
    fn condition<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let saved = std::mem::replace(&mut self.in_condition, true);
        let result = f(self);
        self.in_condition = saved;
        result
    }

    /// Runs `f` inside brackets, where no condition position is in effect.
    fn bracketed<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let saved = std::mem::replace(&mut self.in_condition, false);
        let result = f(self);
        self.in_condition = saved;
        result
    }

    // ---- reading tokens ----

    fn peek(&self) -> &'t Token {
        self.peek_nth(0)
    }

    fn peek_nth(&self, n: usize) -> &'t Token {
        self.tokens.get(self.pos + n).unwrap_or(self.end)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// The current token; moves on unless already at the end.
    fn advance(&mut self) -> &'t Token {
        let token = self.peek();
        if !self.at_end() {
            self.pos += 1;
        }
        token
    }

    fn at(&self, punct: Punct) -> bool {
        self.peek().kind == TokenKind::Punct(punct)
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.peek().kind == TokenKind::Keyword(keyword)
    }

    fn eat(&mut self, punct: Punct) -> Option<&'t Token> {
        self.at(punct).then(|| self.advance())
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> Option<&'t Token> {
        self.at_keyword(keyword).then(|| self.advance())
    }

    /// Consumes `punct` or fails with "Expected '<punct>' <context>, found ...".
    fn expect(&mut self, punct: Punct, context: &str) -> PResult<&'t Token> {
        match self.eat(punct) {
            Some(token) => Ok(token),
            None => Err(self.expected(&format!("'{}' {context}", punct.text()))),
        }
    }

    fn expect_keyword(&mut self, keyword: Keyword, context: &str) -> PResult<&'t Token> {
        match self.eat_keyword(keyword) {
            Some(token) => Ok(token),
            None => Err(self.expected(&format!("'{}' {context}", keyword.text()))),
        }
    }

    /// Consumes an identifier; `what` names it for the error message.
    fn expect_ident(&mut self, what: &str) -> PResult<Ident> {
        let token = self.peek();
        match &token.kind {
            TokenKind::Ident(name) => {
                self.advance();
                Ok(Ident {
                    name: name.clone(),
                    span: token.span,
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    /// The error for finding the current token where `what` was expected.
    fn expected(&self, what: &str) -> ParseError {
        let token = self.peek();
        let message = match token.kind {
            TokenKind::Eof => format!("Unexpected end of input: expected {what}"),
            ref found => format!("Expected {what}, found {}", found.describe()),
        };
        ParseError::new(message, token.span)
    }
}

/// The identifier an explicit `self` stands for in parameters and targets.
fn self_ident(span: Span) -> Ident {
    Ident {
        name: Rc::from("self"),
        span,
    }
}
