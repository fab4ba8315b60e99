//! Declarations: functions (statements, expressions and methods), structs, enums and the
//! type annotations that are parsed and ignored.

use std::rc::Rc;

use super::{self_ident, PResult, Parser};
use crate::syntax::ast::{FuncKind, Function, Ident, Stmt, StmtKind};
use crate::syntax::token::{Keyword, Punct, TokenKind};
use crate::syntax::ParseError;

impl<'t> Parser<'t> {
    /// `["async"] "func" ["*"] [IDENT] "(" [params] ")" ["->" type] block`, with the name
    /// required when `named` and absent otherwise.
    pub(super) fn function(&mut self, named: bool) -> PResult<Function> {
        let start = self.peek().span;
        let kind = if self.eat_keyword(Keyword::Async).is_some() {
            self.expect_keyword(Keyword::Func, "after 'async'")?;
            FuncKind::Async
        } else {
            self.expect_keyword(Keyword::Func, "to start a function")?;
            match self.eat(Punct::Star) {
                Some(_) => FuncKind::Generator,
                None => FuncKind::Normal,
            }
        };
        let name = if named {
            Some(self.expect_ident("a function name")?)
        } else {
            None
        };
        let params = self.params()?;
        if self.eat(Punct::Arrow).is_some() {
            self.type_annotation()?;
        }
        self.boundary_block().map(|body| Function {
            name,
            span: start.to(body.span),
            params,
            body,
            kind,
        })
    }

    /// `"(" [ param { "," param } ] ")"` with `param = (IDENT | "self") [":" type]`;
    /// a repeated name is a static error.
    fn params(&mut self) -> PResult<Vec<Ident>> {
        self.expect(Punct::LParen, "before the parameters")?;
        let mut params: Vec<Ident> = Vec::new();
        if !self.at(Punct::RParen) {
            loop {
                let param = match self.eat_keyword(Keyword::SelfValue) {
                    Some(token) => self_ident(token.span),
                    None => self.expect_ident("a parameter name")?,
                };
                if params.iter().any(|p| p.name == param.name) {
                    return Err(ParseError::new(
                        format!("Duplicate parameter name: {}", param.name),
                        param.span,
                    ));
                }
                if self.eat(Punct::Colon).is_some() {
                    self.type_annotation()?;
                }
                params.push(param);
                if self.eat(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        self.expect(Punct::RParen, "after the parameters")?;
        Ok(params)
    }

    /// `type = "int" | "float" | "string" | "bool" | IDENT
    ///       | "Result" "<" type "," type ">" | "Option" "<" type ">"`
    pub(super) fn type_annotation(&mut self) -> PResult<()> {
        let depth = self.expr_depth;
        self.enter_expr()?;
        let token = self.peek();
        let arity = match &token.kind {
            TokenKind::Keyword(Keyword::Int | Keyword::Float | Keyword::String | Keyword::Bool) => {
                0
            }
            TokenKind::Ident(name) => match &**name {
                "Result" => 2,
                "Option" => 1,
                _ => 0,
            },
            _ => return Err(self.expected("a type")),
        };
        self.advance();
        if arity > 0 && self.eat(Punct::Lt).is_some() {
            self.type_annotation()?;
            if arity == 2 {
                self.expect(Punct::Comma, "between the Result type arguments")?;
                self.type_annotation()?;
            }
            self.expect(Punct::Gt, "to close the type arguments")?;
        }
        self.expr_depth = depth;
        Ok(())
    }

    /// `"struct" IDENT "{" { field | method | "," } "}"`
    pub(super) fn struct_decl(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let name = self.expect_ident("a struct name")?;
        self.expect(Punct::LBrace, "after the struct name")?;
        let mut fields = Vec::new();
        let mut methods = Vec::new();
        loop {
            match &self.peek().kind {
                TokenKind::Punct(Punct::RBrace) => break,
                TokenKind::Punct(Punct::Comma) => {
                    self.advance();
                }
                TokenKind::Keyword(Keyword::Func | Keyword::Async) => {
                    methods.push(Rc::new(self.function(true)?));
                }
                TokenKind::Ident(_) => {
                    fields.push(self.expect_ident("a field name")?);
                    if self.eat(Punct::Colon).is_some() {
                        self.type_annotation()?;
                    }
                }
                _ => return Err(self.expected("a field, a method or '}' in the struct")),
            }
        }
        let end = self.advance().span;
        Ok(Stmt {
            kind: StmtKind::Struct {
                name,
                fields,
                methods,
            },
            span: start.to(end),
        })
    }

    /// `"enum" IDENT "{" [ IDENT { "," IDENT } [","] ] "}"`
    pub(super) fn enum_decl(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let name = self.expect_ident("an enum name")?;
        self.expect(Punct::LBrace, "after the enum name")?;
        let (variants, end) = self.comma_list(Punct::RBrace, "to close the enum", |p| {
            p.expect_ident("a variant name")
        })?;
        Ok(Stmt {
            kind: StmtKind::Enum { name, variants },
            span: start.to(end),
        })
    }
}
