//! Everything that binds or stores rather than computes: `match` statements and their
//! case patterns, destructuring bindings, and assignment targets.

use super::{self_ident, PResult, Parser};
use crate::syntax::ast::{
    Binding, Block, Expr, ExprKind, Ident, MatchCase, PatItem, Pattern, Stmt, StmtKind, Target,
    TargetStep,
};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Punct, StrSegment, TokenKind};
use crate::syntax::ParseError;

impl<'t> Parser<'t> {
    /// `"match" expr "{" { "case" pattern ":" block | "default" ":" block } "}"`
    pub(super) fn match_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.condition(Self::expr)
            .and_then(|subject| self.match_body(start, subject))
    }

    /// The braced cases after the subject; a second `default` is a static error.
    fn match_body(&mut self, start: Span, subject: Expr) -> PResult<Stmt> {
        self.expect(Punct::LBrace, "after the match subject")?;
        let mut cases = Vec::new();
        let mut default = None;
        let end = loop {
            let token = self.peek();
            match token.kind {
                TokenKind::Punct(Punct::RBrace) => break self.advance().span,
                TokenKind::Keyword(Keyword::Case) => match self.match_case() {
                    Ok(case) => cases.push(case),
                    Err(e) => return Err(e),
                },
                TokenKind::Keyword(Keyword::Default) => self.match_default(&mut default)?,
                _ => return Err(self.expected("'case', 'default' or '}' in the match")),
            }
        };
        Ok(Stmt {
            kind: StmtKind::Match {
                subject,
                cases,
                default,
            },
            span: start.to(end),
        })
    }

    /// `"default" ":" block`, stored in `default`, which must still be empty.
    fn match_default(&mut self, default: &mut Option<Block>) -> PResult<()> {
        let keyword = self.advance().span;
        if default.is_some() {
            return Err(ParseError::new("Duplicate 'default' in match", keyword));
        }
        self.expect(Punct::Colon, "after 'default'")?;
        *default = Some(self.block()?);
        Ok(())
    }

    /// `"case" pattern ":" block`
    fn match_case(&mut self) -> PResult<MatchCase> {
        let start = self.advance().span;
        let pattern = self.pattern()?;
        self.expect(Punct::Colon, "after the case pattern")?;
        self.block().map(|body| MatchCase {
            pattern,
            span: start.to(body.span),
            body,
        })
    }

    /// `pattern = "_" | ["-"] INT | ["-"] FLOAT | STRING | "true" | "false" | "null"
    ///           | IDENT [ "(" IDENT ")" ] | IDENT "::" IDENT [ "(" IDENT ")" ]`
    fn pattern(&mut self) -> PResult<Pattern> {
        let token = self.peek();
        let pattern = match &token.kind {
            TokenKind::Punct(Punct::Minus) => {
                self.advance();
                match self.peek().kind {
                    // A lexed int is never negative, so negating it cannot overflow.
                    TokenKind::Int(n) => Pattern::Int(-n),
                    TokenKind::Float(x) => Pattern::Float(-x),
                    _ => return Err(self.expected("a number after '-' in the pattern")),
                }
            }
            TokenKind::Int(n) => Pattern::Int(*n),
            TokenKind::Float(x) => Pattern::Float(*x),
            TokenKind::Str(segments) => match segments.as_slice() {
                [StrSegment::Text(text)] => Pattern::Str(text.clone()),
                _ => {
                    return Err(ParseError::new(
                        "A pattern string cannot contain interpolation",
                        token.span,
                    ))
                }
            },
            TokenKind::Keyword(Keyword::True) => Pattern::Bool(true),
            TokenKind::Keyword(Keyword::False) => Pattern::Bool(false),
            TokenKind::Keyword(Keyword::Null) => Pattern::Null,
            TokenKind::Ident(name) if &**name == "_" => Pattern::Wildcard,
            TokenKind::Ident(_) => return self.tag_pattern(),
            _ => return Err(self.expected("a pattern")),
        };
        self.advance();
        Ok(pattern)
    }

    /// `IDENT [ "(" IDENT ")" ] | IDENT "::" IDENT [ "(" IDENT ")" ]`; without `::` only
    /// `Ok`, `Err` and `Some` take a binder.
    fn tag_pattern(&mut self) -> PResult<Pattern> {
        let first = self.expect_ident("a pattern")?;
        let (enum_name, variant) = match self.eat(Punct::ColonColon) {
            Some(_) => (Some(first), self.expect_ident("a variant name after '::'")?),
            None => (None, first),
        };
        let mut binder = None;
        if let Some(open) = self.eat(Punct::LParen) {
            let binds_payload =
                enum_name.is_some() || matches!(&*variant.name, "Ok" | "Err" | "Some");
            if !binds_payload {
                return Err(ParseError::new(
                    format!("Pattern '{}' cannot bind a payload", variant.name),
                    open.span,
                ));
            }
            let name = self.expect_ident("a name to bind the payload")?;
            self.expect(Punct::RParen, "after the payload name")?;
            binder = (&*name.name != "_").then_some(name);
        }
        Ok(Pattern::Tag {
            enum_name,
            variant,
            binder,
        })
    }

    /// Whether a statement here is `[..] := ` or `{..} := ` destructuring, judged by
    /// scanning the tokens (no nesting, so no recursion).
    pub(super) fn at_destructuring(&self) -> bool {
        let close = match self.peek().kind {
            TokenKind::Punct(Punct::LBracket) => Punct::RBracket,
            TokenKind::Punct(Punct::LBrace) => Punct::RBrace,
            _ => return false,
        };
        let is = |n: usize, punct: Punct| self.peek_nth(n).kind == TokenKind::Punct(punct);
        let mut n = 1;
        if !is(n, close) {
            loop {
                if is(n, Punct::Ellipsis) {
                    n += 1;
                }
                if !matches!(self.peek_nth(n).kind, TokenKind::Ident(_)) {
                    return false;
                }
                n += 1;
                if !is(n, Punct::Comma) {
                    break;
                }
                n += 1;
            }
        }
        is(n, close) && is(n + 1, Punct::ColonEq)
    }

    /// `binding = IDENT | array_pat | dict_pat`
    pub(super) fn binding(&mut self) -> PResult<Binding> {
        let close = match self.peek().kind {
            TokenKind::Punct(Punct::LBracket) => Punct::RBracket,
            TokenKind::Punct(Punct::LBrace) => Punct::RBrace,
            _ => {
                return self
                    .expect_ident("a name or a destructuring pattern")
                    .map(Binding::Name)
            }
        };
        self.advance();
        let mut items = Vec::new();
        if !self.at(close) {
            loop {
                if self.eat(Punct::Ellipsis).is_some() {
                    items.push(PatItem::Rest(self.expect_ident("a name after '...'")?));
                    break;
                }
                items.push(PatItem::Name(self.expect_ident("a name in the pattern")?));
                if self.eat(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        self.expect(close, "to close the pattern")?;
        Ok(match close {
            Punct::RBracket => Binding::Array(items),
            _ => Binding::Dict(items),
        })
    }
}

/// The assignment target `expr` denotes: a name or `self` followed by any chain of
/// `.field` / `[index]`; `None` for anything else.
pub(super) fn target(expr: Expr) -> Option<Target> {
    let mut path = Vec::new();
    let mut current = expr;
    let root: Ident = loop {
        match current.kind {
            ExprKind::Name(name) => break name,
            ExprKind::SelfRef => break self_ident(current.span),
            ExprKind::Field { object, name } => {
                path.push(TargetStep::Field(name));
                current = *object;
            }
            ExprKind::Index {
                object,
                index,
                bracket,
            } => {
                path.push(TargetStep::Index {
                    index: *index,
                    bracket,
                });
                current = *object;
            }
            _ => return None,
        }
    };
    path.reverse();
    Some(Target { root, path })
}
