//! Operators: precedence climbing over the binary operators, then the prefix and postfix
//! forms (LANGUAGE.md §3). Primary forms live in `primary`. Mind the stack-use note in
//! the `parser` module docs.

use super::{PResult, Parser};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::syntax::span::Span;
use crate::syntax::token::{Punct, TokenKind};

/// Binding strength of the binary operators, weakest first.
const PIPE: u8 = 1;
const COALESCE: u8 = 2;
const OR: u8 = 3;
const AND: u8 = 4;
/// Also the level of array elements, dict entries and struct literal field values.
const EQUALITY: u8 = 5;
const COMPARISON: u8 = 6;
const ADDITIVE: u8 = 7;
const MULTIPLICATIVE: u8 = 8;

/// What a binary operator builds.
#[derive(Clone, Copy)]
enum Infix {
    Pipe,
    Coalesce,
    Or,
    And,
    Binary(BinaryOp),
}

fn infix(kind: &TokenKind) -> Option<(Infix, u8)> {
    let TokenKind::Punct(punct) = kind else {
        return None;
    };
    Some(match punct {
        Punct::PipeGt => (Infix::Pipe, PIPE),
        Punct::Coalesce => (Infix::Coalesce, COALESCE),
        Punct::OrOr => (Infix::Or, OR),
        Punct::AndAnd => (Infix::And, AND),
        Punct::EqEq => (Infix::Binary(BinaryOp::Eq), EQUALITY),
        Punct::NotEq => (Infix::Binary(BinaryOp::Ne), EQUALITY),
        Punct::Lt => (Infix::Binary(BinaryOp::Lt), COMPARISON),
        Punct::Le => (Infix::Binary(BinaryOp::Le), COMPARISON),
        Punct::Gt => (Infix::Binary(BinaryOp::Gt), COMPARISON),
        Punct::Ge => (Infix::Binary(BinaryOp::Ge), COMPARISON),
        Punct::Plus => (Infix::Binary(BinaryOp::Add), ADDITIVE),
        Punct::Minus => (Infix::Binary(BinaryOp::Sub), ADDITIVE),
        Punct::Star => (Infix::Binary(BinaryOp::Mul), MULTIPLICATIVE),
        Punct::Slash => (Infix::Binary(BinaryOp::Div), MULTIPLICATIVE),
        Punct::Percent => (Infix::Binary(BinaryOp::Mod), MULTIPLICATIVE),
        _ => return None,
    })
}

impl Infix {
    fn build(self, lhs: Expr, rhs: Expr, op_span: Span) -> Expr {
        let span = lhs.span.to(rhs.span);
        let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
        let kind = match self {
            Infix::Pipe => ExprKind::Pipe(lhs, rhs),
            Infix::Coalesce => ExprKind::Coalesce(lhs, rhs),
            Infix::Or => ExprKind::Or(lhs, rhs),
            Infix::And => ExprKind::And(lhs, rhs),
            Infix::Binary(op) => ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            },
        };
        Expr { kind, span }
    }
}

/// One postfix operation applied to the expression before it.
type PostfixStep<'t> = fn(&mut Parser<'t>, Expr) -> PResult<Expr>;

impl<'t> Parser<'t> {
    /// `expr = pipe`
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.binary(PIPE)
    }

    /// An expression at the `eq` level (array elements, dict entries, field values).
    pub(super) fn equality(&mut self) -> PResult<Expr> {
        self.bracketed(|p| p.binary(EQUALITY))
    }

    /// Binary operators binding at least as tightly as `min`, left-associative.
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let depth = self.expr_depth;
        let result = self.unary().and_then(|lhs| self.binary_rest(lhs, min));
        self.expr_depth = depth;
        result
    }

    /// The operators after a left operand; each one nests the tree one level deeper.
    fn binary_rest(&mut self, mut lhs: Expr, min: u8) -> PResult<Expr> {
        while let Some((op, prec)) = infix(&self.peek().kind) {
            if prec < min {
                break;
            }
            let op_span = self.advance().span;
            self.enter_expr()?;
            lhs = self
                .binary(prec + 1)
                .map(|rhs| op.build(lhs, rhs, op_span))?;
        }
        Ok(lhs)
    }

    /// `unary = ("-" | "!") unary | postfix`
    pub(super) fn unary(&mut self) -> PResult<Expr> {
        let depth = self.expr_depth;
        self.enter_expr()?;
        let result = match self.peek().kind {
            TokenKind::Punct(Punct::Minus) => self.prefix(UnaryOp::Neg),
            TokenKind::Punct(Punct::Bang) => self.prefix(UnaryOp::Not),
            _ => self.postfix(),
        };
        self.expr_depth = depth;
        result
    }

    fn prefix(&mut self, op: UnaryOp) -> PResult<Expr> {
        let op_span = self.advance().span;
        self.unary().map(|operand| Expr {
            span: op_span.to(operand.span),
            kind: ExprKind::Unary {
                op,
                op_span,
                operand: Box::new(operand),
            },
        })
    }

    /// `postfix = primary { call | "." IDENT [call] | "?." IDENT | "?" | "[" expr "]" }`
    pub(super) fn postfix(&mut self) -> PResult<Expr> {
        let depth = self.expr_depth;
        let result = self.primary().and_then(|expr| self.postfix_rest(expr));
        self.expr_depth = depth;
        result
    }

    /// The postfix operations after a primary; each one nests the tree one level deeper.
    fn postfix_rest(&mut self, mut expr: Expr) -> PResult<Expr> {
        loop {
            let step: PostfixStep<'t> = match self.peek().kind {
                TokenKind::Punct(Punct::LParen) => Self::call,
                TokenKind::Punct(Punct::Dot) => Self::member,
                TokenKind::Punct(Punct::QuestionDot) => Self::optional_field,
                TokenKind::Punct(Punct::Question) => Self::question,
                TokenKind::Punct(Punct::LBracket) => Self::index,
                _ => return Ok(expr),
            };
            self.enter_expr()?;
            expr = step(self, expr)?;
        }
    }

    /// `callee(args)`
    fn call(&mut self, callee: Expr) -> PResult<Expr> {
        self.args().map(|(args, close)| Expr {
            span: callee.span.to(close),
            kind: ExprKind::Call {
                callee: Box::new(callee),
                args,
            },
        })
    }

    /// `object.name` or `object.name(args)`
    fn member(&mut self, object: Expr) -> PResult<Expr> {
        self.advance();
        let name = self.expect_ident("a field or method name after '.'")?;
        if !self.at(Punct::LParen) {
            return Ok(Expr {
                span: object.span.to(name.span),
                kind: ExprKind::Field {
                    object: Box::new(object),
                    name,
                },
            });
        }
        self.args().map(|(args, close)| Expr {
            span: object.span.to(close),
            kind: ExprKind::MethodCall {
                receiver: Box::new(object),
                name,
                args,
            },
        })
    }

    /// `object?.name`
    fn optional_field(&mut self, object: Expr) -> PResult<Expr> {
        self.advance();
        let name = self.expect_ident("a field name after '?.'")?;
        Ok(Expr {
            span: object.span.to(name.span),
            kind: ExprKind::OptField {
                object: Box::new(object),
                name,
            },
        })
    }

    /// `operand?`
    fn question(&mut self, operand: Expr) -> PResult<Expr> {
        let q_span = self.advance().span;
        Ok(Expr {
            span: operand.span.to(q_span),
            kind: ExprKind::Try {
                operand: Box::new(operand),
                q_span,
            },
        })
    }

    /// `object[index]`
    fn index(&mut self, object: Expr) -> PResult<Expr> {
        let bracket = self.advance().span;
        self.bracketed(Self::expr).and_then(|index| {
            let close = self.expect(Punct::RBracket, "after the index")?.span;
            Ok(Expr {
                span: object.span.to(close),
                kind: ExprKind::Index {
                    object: Box::new(object),
                    index: Box::new(index),
                    bracket,
                },
            })
        })
    }

    /// `"(" [ expr { "," expr } ] ")"` at the current `(`; also returns the `)` span.
    pub(super) fn args(&mut self) -> PResult<(Vec<Expr>, Span)> {
        self.advance();
        let mut args = Vec::new();
        if !self.at(Punct::RParen) {
            loop {
                args.push(self.bracketed(Self::expr)?);
                if self.eat(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        let close = self.expect(Punct::RParen, "after arguments")?.span;
        Ok((args, close))
    }
}
