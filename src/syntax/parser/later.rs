//! The LANGUAGE.md §20 statement forms outside the core. They are parsed fully, so errors
//! inside them are reported, but the tree keeps only a marker (`Unsupported`,
//! `TestBlock`) or, for `export`, the declaration itself.

use super::{PResult, Parser};
use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Punct, TokenKind};

fn unsupported(feature: &'static str, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Unsupported { feature },
        span,
    }
}

impl<'t> Parser<'t> {
    /// `import IDENT`
    pub(super) fn import(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let module = self.expect_ident("a module name after 'import'")?;
        Ok(unsupported("import", start.to(module.span)))
    }

    /// `from IDENT { "." IDENT } import IDENT { "," IDENT }`
    pub(super) fn import_from(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.expect_ident("a module name after 'from'")?;
        while self.eat(Punct::Dot).is_some() {
            self.expect_ident("a module name after '.'")?;
        }
        self.expect_keyword(Keyword::Import, "after the module path")?;
        let mut end = self.expect_ident("a name to import")?.span;
        while self.eat(Punct::Comma).is_some() {
            end = self.expect_ident("a name to import after ','")?.span;
        }
        Ok(unsupported("import", start.to(end)))
    }

    /// `export` before a declaration (`func`, `let`, `mut`, `const`, `struct`, `enum`).
    pub(super) fn export(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let declares = match self.peek().kind {
            TokenKind::Keyword(Keyword::Func | Keyword::Async) => self.at_named_function(),
            TokenKind::Keyword(
                Keyword::Let | Keyword::Mut | Keyword::Const | Keyword::Struct | Keyword::Enum,
            ) => true,
            _ => false,
        };
        if !declares {
            return Err(self.expected("a declaration after 'export'"));
        }
        self.stmt().map(|stmt| Stmt {
            span: start.to(stmt.span),
            kind: StmtKind::Export(Box::new(stmt)),
        })
    }

    /// `spawn block`
    pub(super) fn spawn(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let body = self.boundary_block()?;
        let span = start.to(body.span);
        self.detached.blocks.push(body);
        Ok(unsupported("spawn", span))
    }

    /// `test "name" block` and `test_group "name" block` (`named`), `test_setup block`,
    /// `test_teardown block`.
    pub(super) fn test_block(&mut self, named: bool) -> PResult<Stmt> {
        let start = self.advance().span;
        if named {
            let name = self.string_literal("a test name string")?;
            self.detached.exprs.push(name);
        }
        let body = self.boundary_block()?;
        let span = start.to(body.span);
        self.detached.blocks.push(body);
        Ok(Stmt {
            kind: StmtKind::TestBlock,
            span,
        })
    }
}
