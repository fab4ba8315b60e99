//! Primary expressions: literals, names and the forms an identifier can start
//! (`Ok(..)`, `None`, `throw(..)`, `Enum::Variant`, struct literals), brackets, function
//! expressions and the §20 `await`/`yield` forms. Mind the stack-use note in the `parser`
//! module docs.

use std::rc::Rc;

use super::{PResult, Parser};
use crate::syntax::ast::{ArrayItem, DictEntry, Expr, ExprKind, Ident, StrPart, WrapKind};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Punct, StrSegment, Token, TokenKind};
use crate::syntax::ParseError;

/// Whether `kind` can start an expression (for the optional operand of `yield`).
fn starts_expr(kind: &TokenKind) -> bool {
    match kind {
        TokenKind::Int(_) | TokenKind::Float(_) | TokenKind::Str(_) | TokenKind::Ident(_) => true,
        TokenKind::Keyword(k) => matches!(
            k,
            Keyword::True
                | Keyword::False
                | Keyword::Null
                | Keyword::SelfValue
                | Keyword::Func
                | Keyword::Async
                | Keyword::Await
                | Keyword::Yield
        ),
        TokenKind::Punct(p) => matches!(
            p,
            Punct::LParen | Punct::LBracket | Punct::LBrace | Punct::Minus | Punct::Bang
        ),
        TokenKind::InterpEnd | TokenKind::Eof => false,
    }
}

impl<'t> Parser<'t> {
    pub(super) fn primary(&mut self) -> PResult<Expr> {
        match self.peek().kind {
            TokenKind::Str(_) => self.string_literal("a string"),
            TokenKind::Ident(_) => self.named(),
            TokenKind::Keyword(Keyword::Func | Keyword::Async) => self.function_expr(),
            TokenKind::Keyword(Keyword::Await) => self.await_expr(),
            TokenKind::Keyword(Keyword::Yield) => self.yield_expr(),
            TokenKind::Punct(Punct::LParen) => self.parenthesized(),
            TokenKind::Punct(Punct::LBracket) => self.array(),
            TokenKind::Punct(Punct::LBrace) => self.dict(),
            _ => self.literal(),
        }
    }

    /// A one-token primary: number, `true`, `false`, `null`, `self`.
    fn literal(&mut self) -> PResult<Expr> {
        let token = self.peek();
        let kind = match token.kind {
            TokenKind::Int(n) => ExprKind::Int(n),
            TokenKind::Float(x) => ExprKind::Float(x),
            TokenKind::Keyword(Keyword::True) => ExprKind::Bool(true),
            TokenKind::Keyword(Keyword::False) => ExprKind::Bool(false),
            TokenKind::Keyword(Keyword::Null) => ExprKind::Null,
            TokenKind::Keyword(Keyword::SelfValue) => ExprKind::SelfRef,
            _ => return Err(self.expected("an expression")),
        };
        self.advance();
        Ok(Expr {
            kind,
            span: token.span,
        })
    }

    /// A string literal with its interpolations parsed; `what` names it in the error when
    /// the current token is not a string.
    pub(super) fn string_literal(&mut self, what: &str) -> PResult<Expr> {
        let token = self.peek();
        let TokenKind::Str(segments) = &token.kind else {
            return Err(self.expected(what));
        };
        self.advance();
        let mut parts = Vec::with_capacity(segments.len());
        for segment in segments {
            parts.push(match segment {
                StrSegment::Text(text) => StrPart::Lit(text.clone()),
                StrSegment::Interp { tokens, end } => {
                    StrPart::Interp(self.interpolation(tokens, end)?)
                }
            });
        }
        Ok(Expr {
            kind: ExprKind::Str(parts),
            span: token.span,
        })
    }

    /// Parses one interpolation's tokens as exactly one expression.
    fn interpolation(&mut self, tokens: &'t [Token], end: &'t Token) -> PResult<Expr> {
        let saved = (self.tokens, self.end, self.pos);
        (self.tokens, self.end, self.pos) = (tokens, end, 0);
        let expr = self.bracketed(Self::expr).and_then(|expr| {
            if self.at_end() {
                Ok(expr)
            } else {
                Err(self.expected("'}' to close the interpolation"))
            }
        });
        (self.tokens, self.end, self.pos) = saved;
        expr
    }

    /// `"(" expr ")"`; the span covers the parentheses.
    fn parenthesized(&mut self) -> PResult<Expr> {
        let open = self.advance().span;
        self.bracketed(Self::expr).and_then(|inner| {
            let close = self.expect(Punct::RParen, "to close the parenthesized expression")?;
            Ok(Expr {
                kind: inner.kind,
                span: open.to(close.span),
            })
        })
    }

    /// An identifier and what it starts: an enum variant, `Ok(..)`/`Err(..)`/`Some(..)`,
    /// `None`, `throw(..)`, a struct literal, or the name itself.
    fn named(&mut self) -> PResult<Expr> {
        let ident = self.expect_ident("a name")?;
        if self.at(Punct::ColonColon) {
            return self.enum_variant(ident);
        }
        match &*ident.name {
            "Ok" | "Err" | "Some" if self.at(Punct::LParen) => self.wrap(ident),
            "throw" => self.throw(ident),
            _ if self.struct_literal_follows() => self.struct_literal(ident),
            _ => Ok(name_expr(ident)),
        }
    }

    /// `("Ok" | "Err" | "Some") "(" expr ")"`
    fn wrap(&mut self, ident: Ident) -> PResult<Expr> {
        let kind = match &*ident.name {
            "Ok" => WrapKind::Ok,
            "Err" => WrapKind::Err,
            _ => WrapKind::Some,
        };
        self.single_arg(&ident).map(|(value, close)| Expr {
            span: ident.span.to(close),
            kind: ExprKind::Wrap {
                kind,
                value: Box::new(value),
            },
        })
    }

    /// `"(" expr ")"` after `callee`; also returns the `)` span.
    fn single_arg(&mut self, callee: &Ident) -> PResult<(Expr, Span)> {
        if self.eat(Punct::LParen).is_none() {
            return Err(self.expected(&format!("'(' after '{}'", callee.name)));
        }
        self.bracketed(Self::expr)
            .and_then(|value| match self.eat(Punct::RParen) {
                Some(close) => Ok((value, close.span)),
                None => Err(self.expected(&format!("')' after the {} value", callee.name))),
            })
    }

    /// `throw "(" expr ")"`
    fn throw(&mut self, keyword: Ident) -> PResult<Expr> {
        self.single_arg(&keyword).map(|(value, close)| Expr {
            kind: ExprKind::Throw(Box::new(value)),
            span: keyword.span.to(close),
        })
    }

    /// `IDENT "::" IDENT [ "(" expr ")" ]`
    fn enum_variant(&mut self, enum_name: Ident) -> PResult<Expr> {
        self.advance();
        let variant = self.expect_ident("a variant name after '::'")?;
        if !self.at(Punct::LParen) {
            return Ok(Expr {
                span: enum_name.span.to(variant.span),
                kind: ExprKind::EnumVariant {
                    enum_name,
                    variant,
                    payload: None,
                },
            });
        }
        self.args()
            .and_then(|(args, close)| variant_with_payload(enum_name, variant, args, close))
    }

    /// Whether `Name {` here starts a struct literal: the brace is followed by `IDENT :`,
    /// or by `}` outside a condition position.
    fn struct_literal_follows(&self) -> bool {
        if !self.at(Punct::LBrace) {
            return false;
        }
        match &self.peek_nth(1).kind {
            TokenKind::Punct(Punct::RBrace) => !self.in_condition,
            TokenKind::Ident(_) => self.peek_nth(2).kind == TokenKind::Punct(Punct::Colon),
            _ => false,
        }
    }

    /// `IDENT "{" [ IDENT ":" eq { "," IDENT ":" eq } [","] ] "}"`
    fn struct_literal(&mut self, name: Ident) -> PResult<Expr> {
        self.advance();
        self.comma_list(
            Punct::RBrace,
            "to close the struct literal",
            Self::field_value,
        )
        .map(|(fields, close)| Expr {
            span: name.span.to(close),
            kind: ExprKind::StructLit { name, fields },
        })
    }

    /// `IDENT ":" eq` in a struct literal.
    fn field_value(&mut self) -> PResult<(Ident, Expr)> {
        let field = self.expect_ident("a field name in the struct literal")?;
        self.expect(Punct::Colon, "after the field name")?;
        self.equality().map(|value| (field, value))
    }

    /// `"[" [ ["..."] eq { "," ["..."] eq } [","] ] "]"`
    fn array(&mut self) -> PResult<Expr> {
        let open = self.advance().span;
        self.comma_list(
            Punct::RBracket,
            "to close the array literal",
            Self::array_item,
        )
        .map(|(items, close)| Expr {
            kind: ExprKind::Array(items),
            span: open.to(close),
        })
    }

    fn array_item(&mut self) -> PResult<ArrayItem> {
        match self.eat(Punct::Ellipsis) {
            Some(_) => self.equality().map(ArrayItem::Spread),
            None => self.equality().map(ArrayItem::Item),
        }
    }

    /// `"{" [ entry { "," entry } [","] ] "}"`
    fn dict(&mut self) -> PResult<Expr> {
        let open = self.advance().span;
        self.comma_list(Punct::RBrace, "to close the dict literal", Self::dict_entry)
            .map(|(entries, close)| Expr {
                kind: ExprKind::Dict(entries),
                span: open.to(close),
            })
    }

    /// `entry = "..." eq | eq ":" eq`
    fn dict_entry(&mut self) -> PResult<DictEntry> {
        if self.eat(Punct::Ellipsis).is_some() {
            return self.equality().map(DictEntry::Spread);
        }
        self.equality().and_then(|key| {
            self.expect(Punct::Colon, "after the dict key")?;
            self.equality().map(|value| DictEntry::Pair(key, value))
        })
    }

    /// `["async"] "func" ["*"] "(" [params] ")" ["->" type] block`
    fn function_expr(&mut self) -> PResult<Expr> {
        self.function(false).map(|function| Expr {
            span: function.span,
            kind: ExprKind::Func(Rc::new(function)),
        })
    }

    /// `await unary`
    fn await_expr(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        self.unary()
            .map(|operand| self.unsupported("await", start, operand))
    }

    /// `yield [expr]`
    fn yield_expr(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        if !starts_expr(&self.peek().kind) {
            return Ok(Expr {
                kind: ExprKind::Unsupported { feature: "yield" },
                span: start,
            });
        }
        self.expr()
            .map(|operand| self.unsupported("yield", start, operand))
    }

    /// A form outside the core whose operand is only kept for the whole-file checks.
    fn unsupported(&mut self, feature: &'static str, start: Span, operand: Expr) -> Expr {
        let span = start.to(operand.span);
        self.detached.exprs.push(operand);
        Expr {
            kind: ExprKind::Unsupported { feature },
            span,
        }
    }
}

/// A name, or `None` (which is not reserved but always means the option).
fn name_expr(ident: Ident) -> Expr {
    let span = ident.span;
    let kind = match &*ident.name {
        "None" => ExprKind::NoneLit,
        _ => ExprKind::Name(ident),
    };
    Expr { kind, span }
}

/// `Enum::Variant(args)`: exactly one argument; more than one is a static error.
fn variant_with_payload(
    enum_name: Ident,
    variant: Ident,
    mut args: Vec<Expr>,
    close: Span,
) -> PResult<Expr> {
    if let Some(extra) = args.get(1) {
        return Err(ParseError::new(
            format!(
                "Enum variant {}::{} takes at most one argument, got {}",
                enum_name.name,
                variant.name,
                args.len()
            ),
            extra.span,
        ));
    }
    let Some(payload) = args.pop() else {
        return Err(ParseError::new("Expected an expression, found ')'", close));
    };
    Ok(Expr {
        span: enum_name.span.to(close),
        kind: ExprKind::EnumVariant {
            enum_name,
            variant,
            payload: Some(Box::new(payload)),
        },
    })
}
