//! Whole-file static checks, run after parsing because they need every enum declaration
//! first (LANGUAGE.md §15): two enums of one name, and `Enum::Variant` uses (expressions
//! and match patterns) naming an undeclared enum or variant.

use std::collections::HashMap;

use super::ast::{
    ArrayItem, Block, DictEntry, ElseBranch, Expr, ExprKind, Ident, Pattern, Program, Stmt,
    StmtKind, StrPart, TargetStep,
};
use super::ParseError;

/// Parsed sub-trees the syntax tree does not keep (test and `spawn` bodies, operands of
/// `await`/`yield`, test names) but which the checks still cover.
#[derive(Debug, Default)]
pub(super) struct Detached {
    pub blocks: Vec<Block>,
    pub exprs: Vec<Expr>,
}

/// Fails with the error nearest the start of the file, if any.
pub(super) fn check(program: &Program, detached: &Detached) -> Result<(), ParseError> {
    let mut facts = Facts::default();
    facts.stmts(&program.stmts);
    for block in &detached.blocks {
        facts.stmts(&block.stmts);
    }
    for expr in &detached.exprs {
        facts.expr(expr);
    }
    match facts.first_error() {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Enum declarations and `Enum::Variant` uses, gathered from the whole file.
#[derive(Default)]
struct Facts<'a> {
    enums: Vec<(&'a Ident, &'a [Ident])>,
    uses: Vec<(&'a Ident, &'a Ident)>,
}

impl<'a> Facts<'a> {
    /// The error nearest the start of the file, if any.
    fn first_error(&self) -> Option<ParseError> {
        let mut enums = self.enums.clone();
        enums.sort_by_key(|(name, _)| name.span.start);
        let mut declared: HashMap<&str, &[Ident]> = HashMap::new();
        let mut errors = Vec::new();
        for (name, variants) in enums {
            if declared.insert(&name.name, variants).is_some() {
                errors.push(ParseError::new(
                    format!("Duplicate enum declaration: {}", name.name),
                    name.span,
                ));
            }
        }
        for (enum_name, variant) in &self.uses {
            if !is_known(&declared, enum_name, variant) {
                errors.push(ParseError::new(
                    format!("Unknown enum variant: {}::{}", enum_name.name, variant.name),
                    enum_name.span,
                ));
            }
        }
        errors.into_iter().min_by_key(|e| e.span.start)
    }

    fn stmts(&mut self, stmts: &'a [Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        match &stmt.kind {
            // Bindings hold names only.
            StmtKind::Decl { value, .. } => self.expr(value),
            StmtKind::Func(function) => self.stmts(&function.body.stmts),
            StmtKind::Struct { methods, .. } => {
                for method in methods {
                    self.stmts(&method.body.stmts);
                }
            }
            StmtKind::Enum { name, variants } => self.enums.push((name, variants)),
            StmtKind::If {
                cond,
                then_block,
                else_branch,
            } => {
                self.expr(cond);
                self.stmts(&then_block.stmts);
                match else_branch {
                    Some(ElseBranch::Block(block)) => self.stmts(&block.stmts),
                    Some(ElseBranch::If(nested)) => self.stmt(nested),
                    None => {}
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.stmts(&body.stmts);
            }
            StmtKind::Loop { body } => self.stmts(&body.stmts),
            StmtKind::For { iterable, body, .. } => {
                self.expr(iterable);
                self.stmts(&body.stmts);
            }
            StmtKind::Match {
                subject,
                cases,
                default,
            } => {
                self.expr(subject);
                for case in cases {
                    if let Pattern::Tag {
                        enum_name: Some(enum_name),
                        variant,
                        ..
                    } = &case.pattern
                    {
                        self.uses.push((enum_name, variant));
                    }
                    self.stmts(&case.body.stmts);
                }
                if let Some(block) = default {
                    self.stmts(&block.stmts);
                }
            }
            StmtKind::Try { body, handler, .. } => {
                self.stmts(&body.stmts);
                self.stmts(&handler.stmts);
            }
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    self.expr(value);
                }
            }
            StmtKind::Assign { target, value, .. } => {
                for step in &target.path {
                    if let TargetStep::Index { index, .. } = step {
                        self.expr(index);
                    }
                }
                self.expr(value);
            }
            StmtKind::Expr(expr) => self.expr(expr),
            StmtKind::Export(inner) => self.stmt(inner),
            StmtKind::Break
            | StmtKind::Continue
            | StmtKind::TestBlock
            | StmtKind::Unsupported { .. } => {}
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        match &expr.kind {
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(inner) = part {
                        self.expr(inner);
                    }
                }
            }
            ExprKind::Binary { lhs, rhs, .. }
            | ExprKind::And(lhs, rhs)
            | ExprKind::Or(lhs, rhs)
            | ExprKind::Coalesce(lhs, rhs)
            | ExprKind::Pipe(lhs, rhs) => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Index { object, index, .. } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Unary { operand: inner, .. }
            | ExprKind::Field { object: inner, .. }
            | ExprKind::OptField { object: inner, .. }
            | ExprKind::Try { operand: inner, .. }
            | ExprKind::Wrap { value: inner, .. }
            | ExprKind::Throw(inner) => self.expr(inner),
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                self.exprs(args);
            }
            ExprKind::MethodCall { receiver, args, .. } => {
                self.expr(receiver);
                self.exprs(args);
            }
            ExprKind::Array(items) => {
                for ArrayItem::Item(item) | ArrayItem::Spread(item) in items {
                    self.expr(item);
                }
            }
            ExprKind::Dict(entries) => {
                for entry in entries {
                    match entry {
                        DictEntry::Pair(key, value) => {
                            self.expr(key);
                            self.expr(value);
                        }
                        DictEntry::Spread(value) => self.expr(value),
                    }
                }
            }
            ExprKind::StructLit { fields, .. } => {
                for (_, value) in fields {
                    self.expr(value);
                }
            }
            ExprKind::Func(function) => self.stmts(&function.body.stmts),
            ExprKind::EnumVariant {
                enum_name,
                variant,
                payload,
            } => {
                self.uses.push((enum_name, variant));
                if let Some(payload) = payload {
                    self.expr(payload);
                }
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Name(_)
            | ExprKind::SelfRef
            | ExprKind::NoneLit
            | ExprKind::Unsupported { .. } => {}
        }
    }

    fn exprs(&mut self, exprs: &'a [Expr]) {
        for expr in exprs {
            self.expr(expr);
        }
    }
}

/// `Result::Ok/Err` and `Option::Some/None` are always known; declaring `Result` or
/// `Option` enums has no effect (LANGUAGE.md §15).
fn is_known(declared: &HashMap<&str, &[Ident]>, enum_name: &Ident, variant: &Ident) -> bool {
    match &*enum_name.name {
        "Result" => matches!(&*variant.name, "Ok" | "Err"),
        "Option" => matches!(&*variant.name, "Some" | "None"),
        name => declared
            .get(name)
            .is_some_and(|variants| variants.iter().any(|v| v.name == variant.name)),
    }
}
