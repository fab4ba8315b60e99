//! Statements of the core (LANGUAGE.md §3 `stmt`); the §20 forms are in `later`. Mind
//! the stack-use note in the `parser` module docs.

use std::rc::Rc;

use super::pattern::target;
use super::{PResult, Parser};
use crate::syntax::ast::{AssignOp, Binding, Block, DeclKind, ElseBranch, Expr, Stmt, StmtKind};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Punct, Token, TokenKind};
use crate::syntax::ParseError;

fn assign_op(kind: &TokenKind) -> Option<AssignOp> {
    match kind {
        TokenKind::Punct(Punct::ColonEq | Punct::Eq) => Some(AssignOp::Set),
        TokenKind::Punct(Punct::PlusEq) => Some(AssignOp::Add),
        TokenKind::Punct(Punct::MinusEq) => Some(AssignOp::Sub),
        TokenKind::Punct(Punct::StarEq) => Some(AssignOp::Mul),
        TokenKind::Punct(Punct::SlashEq) => Some(AssignOp::Div),
        TokenKind::Punct(Punct::PercentEq) => Some(AssignOp::Mod),
        _ => None,
    }
}

/// A statement spanning from `start` to the end of its last part.
fn stmt(start: Span, end: Span, kind: StmtKind) -> Stmt {
    Stmt {
        kind,
        span: start.to(end),
    }
}

impl<'t> Parser<'t> {
    pub(super) fn stmt(&mut self) -> PResult<Stmt> {
        let TokenKind::Keyword(keyword) = self.peek().kind else {
            return if self.at_destructuring() {
                self.destructuring()
            } else {
                self.expr_or_assign()
            };
        };
        match keyword {
            Keyword::Let | Keyword::Mut => self.let_decl(),
            Keyword::Const => self.const_decl(),
            Keyword::Func | Keyword::Async if self.at_named_function() => self.function_stmt(),
            Keyword::Struct => self.struct_decl(),
            Keyword::Enum => self.enum_decl(),
            Keyword::If => self.if_stmt(),
            Keyword::While => self.while_stmt(),
            Keyword::Loop => self.loop_stmt(),
            Keyword::For => self.for_stmt(),
            Keyword::Match => self.match_stmt(),
            Keyword::Try => self.try_stmt(),
            Keyword::Return => self.return_stmt(),
            Keyword::Break => self.loop_exit(StmtKind::Break),
            Keyword::Continue => self.loop_exit(StmtKind::Continue),
            Keyword::Import => self.import(),
            Keyword::From => self.import_from(),
            Keyword::Export => self.export(),
            Keyword::Spawn => self.spawn(),
            Keyword::Test | Keyword::TestGroup => self.test_block(true),
            Keyword::TestSetup | Keyword::TestTeardown => self.test_block(false),
            _ => self.expr_or_assign(),
        }
    }

    /// Whether `func`/`async func`/`func*` here declares a named function (a statement)
    /// rather than starting a function expression.
    pub(super) fn at_named_function(&self) -> bool {
        let mut n = 1;
        if self.at_keyword(Keyword::Async) {
            n += 1;
        }
        if self.peek_nth(n).kind == TokenKind::Punct(Punct::Star) {
            n += 1;
        }
        matches!(self.peek_nth(n).kind, TokenKind::Ident(_))
    }

    fn function_stmt(&mut self) -> PResult<Stmt> {
        self.function(true).map(|function| Stmt {
            span: function.span,
            kind: StmtKind::Func(Rc::new(function)),
        })
    }

    /// `("let" | "mut") binding [":" type] (":=" | "=") expr`
    fn let_decl(&mut self) -> PResult<Stmt> {
        let keyword = self.advance();
        let kind = match keyword.kind {
            TokenKind::Keyword(Keyword::Mut) => DeclKind::Mut,
            _ => DeclKind::Let,
        };
        let binding = self.binding()?;
        self.declared_value(keyword.span, kind, binding)
    }

    /// `"const" IDENT [":" type] (":=" | "=") expr`
    fn const_decl(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let name = self.expect_ident("a constant name")?;
        self.declared_value(start, DeclKind::Const, Binding::Name(name))
    }

    /// The `[":" type] (":=" | "=") expr` that ends a declaration.
    fn declared_value(&mut self, start: Span, kind: DeclKind, binding: Binding) -> PResult<Stmt> {
        if self.eat(Punct::Colon).is_some() {
            self.type_annotation()?;
        }
        if self.eat(Punct::ColonEq).is_none() && self.eat(Punct::Eq).is_none() {
            return Err(self.expected("':=' or '=' in the declaration"));
        }
        self.decl_value(start, kind, binding)
    }

    /// `(array_pat | dict_pat) ":=" expr`, which declares like `let`.
    fn destructuring(&mut self) -> PResult<Stmt> {
        let start = self.peek().span;
        let binding = self.binding()?;
        self.expect(Punct::ColonEq, "after the destructuring pattern")?;
        self.decl_value(start, DeclKind::Let, binding)
    }

    fn decl_value(&mut self, start: Span, kind: DeclKind, binding: Binding) -> PResult<Stmt> {
        self.assigned_value().map(|value| {
            let end = value.span;
            stmt(
                start,
                end,
                StmtKind::Decl {
                    kind,
                    binding,
                    value,
                },
            )
        })
    }

    /// The right side of a declaration or assignment, which may not assign again.
    fn assigned_value(&mut self) -> PResult<Expr> {
        self.expr().and_then(|value| {
            let next = self.peek();
            match assign_op(&next.kind) {
                None => Ok(value),
                Some(_) => Err(ParseError::new(
                    format!(
                        "Unexpected {} after an assigned value: assignments do not chain",
                        next.kind.describe()
                    ),
                    next.span,
                )),
            }
        })
    }

    /// An expression statement, or an assignment when an assignment operator follows.
    fn expr_or_assign(&mut self) -> PResult<Stmt> {
        let first = self.peek();
        self.expr()
            .and_then(|expr| self.assignment_rest(first, expr))
    }

    /// After the expression `lhs` that started with `first`: an assignment if an
    /// assignment operator follows, else an expression statement.
    fn assignment_rest(&mut self, first: &Token, lhs: Expr) -> PResult<Stmt> {
        let Some(op) = assign_op(&self.peek().kind) else {
            return Ok(Stmt {
                span: lhs.span,
                kind: StmtKind::Expr(lhs),
            });
        };
        let starts_with_name = matches!(
            first.kind,
            TokenKind::Ident(_) | TokenKind::Keyword(Keyword::SelfValue)
        );
        let start = lhs.span;
        let Some(target) = target(lhs).filter(|_| starts_with_name) else {
            return Err(ParseError::new("Invalid assignment target", start));
        };
        let op_span = self.advance().span;
        self.assigned_value().map(|value| {
            let end = value.span;
            let kind = StmtKind::Assign {
                target,
                op,
                value,
                op_span,
            };
            stmt(start, end, kind)
        })
    }

    /// `"if" expr block [ "else" ( if_stmt | block ) ]`
    fn if_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.condition(Self::expr)
            .and_then(|cond| self.block().map(|then_block| (cond, then_block)))
            .and_then(|(cond, then_block)| {
                let else_branch = self.else_branch()?;
                let end = match &else_branch {
                    Some(ElseBranch::If(nested)) => nested.span,
                    Some(ElseBranch::Block(block)) => block.span,
                    None => then_block.span,
                };
                let kind = StmtKind::If {
                    cond,
                    then_block,
                    else_branch,
                };
                Ok(stmt(start, end, kind))
            })
    }

    /// `[ "else" ( if_stmt | block ) ]`
    fn else_branch(&mut self) -> PResult<Option<ElseBranch>> {
        if self.eat_keyword(Keyword::Else).is_none() {
            return Ok(None);
        }
        if self.at(Punct::LBrace) {
            return self.block().map(|block| Some(ElseBranch::Block(block)));
        }
        if !self.at_keyword(Keyword::If) {
            return Err(self.expected("'if' or '{' after 'else'"));
        }
        // Each `else if` nests one level deeper in the tree.
        self.enter_block(self.peek().span)?;
        let nested = self.if_stmt();
        self.block_depth -= 1;
        nested.map(|nested| Some(ElseBranch::If(Box::new(nested))))
    }

    /// `"while" expr block`
    fn while_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.condition(Self::expr)
            .and_then(|cond| self.while_body(start, cond))
    }

    /// `"loop" [ "while" expr ] block`; `loop while` is a `While`.
    fn loop_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        if self.eat_keyword(Keyword::While).is_some() {
            return self
                .condition(Self::expr)
                .and_then(|cond| self.while_body(start, cond));
        }
        self.loop_body()
            .map(|body| stmt(start, body.span, StmtKind::Loop { body }))
    }

    fn while_body(&mut self, start: Span, cond: Expr) -> PResult<Stmt> {
        self.loop_body()
            .map(|body| stmt(start, body.span, StmtKind::While { cond, body }))
    }

    /// `"for" IDENT "in" postfix block`
    fn for_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let var = self.expect_ident("a loop variable after 'for'")?;
        self.expect_keyword(Keyword::In, "after the loop variable")?;
        self.condition(Self::postfix).and_then(|iterable| {
            self.loop_body().map(|body| {
                let end = body.span;
                let kind = StmtKind::For {
                    var,
                    iterable,
                    body,
                };
                stmt(start, end, kind)
            })
        })
    }

    /// `"try" block "except" IDENT block`
    fn try_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.block().and_then(|body| {
            self.expect_keyword(Keyword::Except, "after the try block")?;
            let err_name = self.expect_ident("an error variable name after 'except'")?;
            self.block().map(|handler| {
                let end = handler.span;
                let kind = StmtKind::Try {
                    body,
                    err_name,
                    handler,
                };
                stmt(start, end, kind)
            })
        })
    }

    /// `"return" [expr]`: the expression is absent only before `;`, `}` or the end.
    fn return_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        if self.at(Punct::Semi) || self.at(Punct::RBrace) || self.at_end() {
            return Ok(stmt(start, start, StmtKind::Return(None)));
        }
        self.expr()
            .map(|value| stmt(start, value.span, StmtKind::Return(Some(value))))
    }

    /// `break` or `continue`, which must be inside a loop of the current function.
    fn loop_exit(&mut self, kind: StmtKind) -> PResult<Stmt> {
        let token = self.advance();
        if self.loop_depth == 0 {
            return Err(ParseError::new(
                format!("{} outside of a loop", token.kind.describe()),
                token.span,
            ));
        }
        Ok(stmt(token.span, token.span, kind))
    }

    /// A loop body, in which `break`/`continue` are allowed.
    fn loop_body(&mut self) -> PResult<Block> {
        self.loop_depth += 1;
        let body = self.block();
        self.loop_depth -= 1;
        body
    }
}
