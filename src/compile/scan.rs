//! Whole-function analyses the compiler runs before emitting code: which names a body
//! mentions, which it creates by plain assignment (function-wide names, §9), and which are
//! used by nested functions (those locals must live in shared cells, §10).

use std::rc::Rc;

use rustc_hash::FxHashSet;

use crate::syntax::ast::*;

pub type NameSet = FxHashSet<Rc<str>>;

/// Every name mentioned anywhere in `stmts`, nested functions included (a superset of the
/// names a closure created there can touch).
pub fn mentioned_in_stmts(stmts: &[Stmt]) -> NameSet {
    let mut names = NameSet::default();
    let mut walker = Walker {
        on_name: &mut |n: &Rc<str>| {
            names.insert(n.clone());
        },
    };
    walker.stmts(stmts);
    names
}

/// Every name mentioned inside a function declared or written in `stmts`.
pub fn mentioned_in_nested_functions(stmts: &[Stmt]) -> NameSet {
    let mut names = NameSet::default();
    let mut on_function = |f: &Function| {
        names.extend(function_mentions(f));
    };
    visit_functions(stmts, &mut on_function);
    names
}

/// Names mentioned by a function: its parameters, name and body.
pub fn function_mentions(f: &Function) -> NameSet {
    let mut names = mentioned_in_stmts(&f.body.stmts);
    names.extend(f.params.iter().map(|p| p.name.clone()));
    if let Some(name) = &f.name {
        names.insert(name.name.clone());
    }
    names
}

/// Names a function body creates by plain assignment, `case` binders and `except`
/// variables, in first-appearance order (nested functions excluded).
pub fn plain_assigned(stmts: &[Stmt]) -> Vec<Rc<str>> {
    plain_assigned_in(stmts, true)
}

/// The names a top-level `if`/`else` body creates without a declaration: plain
/// assignments, `case` binders, `except` and `for` variables (all plain bindings at the
/// top level), not looking into nested `if`/`else` bodies, which are scopes of their own.
pub fn plain_assigned_outside_ifs(stmts: &[Stmt]) -> Vec<Rc<str>> {
    plain_assigned_in(stmts, false)
}

fn plain_assigned_in(stmts: &[Stmt], into_ifs: bool) -> Vec<Rc<str>> {
    let mut out: Vec<Rc<str>> = Vec::new();
    let mut add = |n: &Rc<str>| {
        if !out.contains(n) {
            out.push(n.clone());
        }
    };
    collect_plain(stmts, into_ifs, &mut add);
    out
}

fn collect_plain(stmts: &[Stmt], into_ifs: bool, add: &mut dyn FnMut(&Rc<str>)) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Assign { target, .. } if target.path.is_empty() => add(&target.root.name),
            StmtKind::Try {
                body,
                err_name,
                handler,
            } => {
                collect_plain(&body.stmts, into_ifs, add);
                add(&err_name.name);
                collect_plain(&handler.stmts, into_ifs, add);
            }
            StmtKind::Match { cases, default, .. } => {
                for case in cases {
                    if let Pattern::Tag {
                        binder: Some(b), ..
                    } = &case.pattern
                    {
                        if &*b.name != "_" {
                            add(&b.name);
                        }
                    }
                    collect_plain(&case.body.stmts, into_ifs, add);
                }
                if let Some(d) = default {
                    collect_plain(&d.stmts, into_ifs, add);
                }
            }
            StmtKind::If {
                then_block,
                else_branch,
                ..
            } if into_ifs => {
                collect_plain(&then_block.stmts, into_ifs, add);
                match else_branch {
                    Some(ElseBranch::Block(b)) => collect_plain(&b.stmts, into_ifs, add),
                    Some(ElseBranch::If(s)) => {
                        collect_plain(std::slice::from_ref(s), into_ifs, add)
                    }
                    None => {}
                }
            }
            StmtKind::For { var, body, .. } => {
                // In a function the loop variable is a fresh binding per iteration, not
                // function-wide; at the top level it is a plain binding.
                if !into_ifs {
                    add(&var.name);
                }
                collect_plain(&body.stmts, into_ifs, add)
            }
            StmtKind::While { body, .. } | StmtKind::Loop { body } => {
                collect_plain(&body.stmts, into_ifs, add)
            }
            StmtKind::Export(inner) => collect_plain(std::slice::from_ref(inner), into_ifs, add),
            _ => {}
        }
    }
}

/// Calls `f` for each function declared or written directly in `stmts` (not for
/// functions nested inside those).
pub fn visit_functions(stmts: &[Stmt], f: &mut dyn FnMut(&Function)) {
    let mut walker = FunctionFinder { on_function: f };
    for stmt in stmts {
        walker.stmt(stmt);
    }
}

struct FunctionFinder<'a> {
    on_function: &'a mut dyn FnMut(&Function),
}

impl FunctionFinder<'_> {
    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Func(f) => (self.on_function)(f),
            StmtKind::Struct { methods, .. } => methods.iter().for_each(|m| (self.on_function)(m)),
            _ => {
                let mut exprs: Vec<&Expr> = Vec::new();
                let mut blocks: Vec<&Block> = Vec::new();
                children(stmt, &mut exprs, &mut blocks);
                for e in exprs {
                    self.expr(e);
                }
                for b in blocks {
                    b.stmts.iter().for_each(|s| self.stmt(s));
                }
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        if let ExprKind::Func(f) = &expr.kind {
            (self.on_function)(f);
            return;
        }
        for_each_subexpr(expr, &mut |e| self.expr(e));
    }
}

/// Walks names in statements and expressions.
struct Walker<'a> {
    on_name: &'a mut dyn FnMut(&Rc<str>),
}

impl Walker<'_> {
    fn stmts(&mut self, stmts: &[Stmt]) {
        stmts.iter().for_each(|s| self.stmt(s));
    }

    fn function(&mut self, f: &Function) {
        if let Some(n) = &f.name {
            (self.on_name)(&n.name);
        }
        f.params.iter().for_each(|p| (self.on_name)(&p.name));
        self.stmts(&f.body.stmts);
    }

    fn binding(&mut self, binding: &Binding) {
        match binding {
            Binding::Name(n) => (self.on_name)(&n.name),
            Binding::Array(items) | Binding::Dict(items) => {
                for item in items {
                    match item {
                        PatItem::Name(n) | PatItem::Rest(n) => (self.on_name)(&n.name),
                    }
                }
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Decl { binding, .. } => self.binding(binding),
            StmtKind::Func(f) => return self.function(f),
            StmtKind::Struct { methods, .. } => {
                methods.iter().for_each(|m| self.function(m));
                return;
            }
            StmtKind::For { var, .. } => (self.on_name)(&var.name),
            StmtKind::Try { err_name, .. } => (self.on_name)(&err_name.name),
            StmtKind::Assign { target, .. } => (self.on_name)(&target.root.name),
            StmtKind::Match { cases, .. } => {
                for case in cases {
                    if let Pattern::Tag {
                        binder: Some(b), ..
                    } = &case.pattern
                    {
                        (self.on_name)(&b.name);
                    }
                }
            }
            _ => {}
        }
        let mut exprs: Vec<&Expr> = Vec::new();
        let mut blocks: Vec<&Block> = Vec::new();
        children(stmt, &mut exprs, &mut blocks);
        for e in exprs {
            self.expr(e);
        }
        for b in blocks {
            self.stmts(&b.stmts);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Name(n) => (self.on_name)(&n.name),
            ExprKind::SelfRef => (self.on_name)(&Rc::from("self")),
            ExprKind::Func(f) => return self.function(f),
            _ => {}
        }
        for_each_subexpr(expr, &mut |e| self.expr(e));
    }
}

/// The direct sub-expressions and sub-blocks of a statement (function bodies excluded).
fn children<'a>(stmt: &'a Stmt, exprs: &mut Vec<&'a Expr>, blocks: &mut Vec<&'a Block>) {
    match &stmt.kind {
        StmtKind::Decl { value, .. } => exprs.push(value),
        StmtKind::If {
            cond,
            then_block,
            else_branch,
        } => {
            exprs.push(cond);
            blocks.push(then_block);
            match else_branch {
                Some(ElseBranch::Block(b)) => blocks.push(b),
                Some(ElseBranch::If(s)) => children(s, exprs, blocks),
                None => {}
            }
        }
        StmtKind::While { cond, body } => {
            exprs.push(cond);
            blocks.push(body);
        }
        StmtKind::Loop { body } => blocks.push(body),
        StmtKind::For { iterable, body, .. } => {
            exprs.push(iterable);
            blocks.push(body);
        }
        StmtKind::Match {
            subject,
            cases,
            default,
        } => {
            exprs.push(subject);
            blocks.extend(cases.iter().map(|c| &c.body));
            blocks.extend(default.iter());
        }
        StmtKind::Try { body, handler, .. } => {
            blocks.push(body);
            blocks.push(handler);
        }
        StmtKind::Return(Some(e)) | StmtKind::Expr(e) => exprs.push(e),
        StmtKind::Assign { target, value, .. } => {
            exprs.push(value);
            for step in &target.path {
                if let TargetStep::Index { index, .. } = step {
                    exprs.push(index);
                }
            }
        }
        StmtKind::Export(inner) => children(inner, exprs, blocks),
        _ => {}
    }
}

/// Calls `f` on each direct sub-expression of `expr` (not into function bodies).
pub fn for_each_subexpr<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    match &expr.kind {
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(e) = part {
                    f(e);
                }
            }
        }
        ExprKind::Binary { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Coalesce(a, b)
        | ExprKind::Pipe(a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Unary { operand, .. } => f(operand),
        ExprKind::Call { callee, args } => {
            f(callee);
            args.iter().for_each(&mut *f);
        }
        ExprKind::MethodCall { receiver, args, .. } => {
            f(receiver);
            args.iter().for_each(&mut *f);
        }
        ExprKind::Field { object, .. } | ExprKind::OptField { object, .. } => f(object),
        ExprKind::Try { operand, .. } => f(operand),
        ExprKind::Index { object, index, .. } => {
            f(object);
            f(index);
        }
        ExprKind::Array(items) => {
            for item in items {
                match item {
                    ArrayItem::Item(e) | ArrayItem::Spread(e) => f(e),
                }
            }
        }
        ExprKind::Dict(entries) => {
            for entry in entries {
                match entry {
                    DictEntry::Pair(k, v) => {
                        f(k);
                        f(v);
                    }
                    DictEntry::Spread(e) => f(e),
                }
            }
        }
        ExprKind::StructLit { fields, .. } => fields.iter().for_each(|(_, e)| f(e)),
        ExprKind::Wrap { value, .. } => f(value),
        ExprKind::EnumVariant {
            payload: Some(p), ..
        } => f(p),
        ExprKind::Throw(e) => f(e),
        _ => {}
    }
}

/// Whether evaluating `expr` may write a receiver back into a variable (a method call),
/// which forbids reading an earlier operand straight from that variable's register.
pub fn may_write_back(expr: &Expr) -> bool {
    if matches!(expr.kind, ExprKind::MethodCall { .. }) {
        return true;
    }
    let mut found = false;
    for_each_subexpr(expr, &mut |e| found = found || may_write_back(e));
    found
}
