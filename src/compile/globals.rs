//! Whole-program facts about top-level names.
//!
//! Globals are slots looked up by index, with an existence and mutability check on every
//! access. A top-level variable that no function and no top-level `if` body mentions, and
//! that is created once by its first statement, can never be observed through that
//! machinery, so it lives in a register of the top-level code instead: the hot loops of
//! scripts then run on registers, as they would in a function.

use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::function::LocalKind;
use super::scan::{self, NameSet};
use crate::syntax::ast::*;

/// Names that may be globals at some point: anything the top-level code binds, plus the
/// builtins and constants.
pub fn possible_globals(stmts: &[Stmt]) -> NameSet {
    let mut names = NameSet::default();
    for site in binding_sites(stmts) {
        names.insert(site.name);
    }
    names.extend(builtin_names());
    names
}

fn builtin_names() -> impl Iterator<Item = Rc<str>> {
    ruff_runtime::builtins::table()
        .iter()
        .map(|b| Rc::from(b.name))
        .chain(
            ruff_runtime::builtins::CONSTANTS
                .iter()
                .map(|(n, _)| Rc::from(*n)),
        )
}

/// A top-level variable that lives in a register of the top-level code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterGlobal {
    pub kind: LocalKind,
    /// Created by a `for` loop, which may run zero times: reads outside it are checked.
    pub maybe_undef: bool,
}

/// Top-level variables that can live in registers.
pub fn register_globals(stmts: &[Stmt]) -> FxHashMap<Rc<str>, RegisterGlobal> {
    let mut excluded = scan::mentioned_in_nested_functions(stmts);
    excluded.extend(mentioned_in_if_bodies(stmts));
    excluded.extend(builtin_names());

    let sites = binding_sites(stmts);
    let mut seen = NameSet::default();
    let mut out = FxHashMap::default();
    for stmt in stmts {
        let mentioned = scan::mentioned_in_stmts(std::slice::from_ref(stmt));
        if let Some((name, kind)) = creating_statement(stmt) {
            let is_first = !seen.contains(&name);
            let sound = is_first
                && !excluded.contains(&name)
                && only_later_sites_allowed(&sites, &name, kind);
            if sound {
                let maybe_undef = matches!(stmt.kind, StmtKind::For { .. });
                out.insert(name.clone(), RegisterGlobal { kind, maybe_undef });
            }
        }
        seen.extend(mentioned);
    }
    out
}

/// `let/mut/const x := e`, `x := e` or `for x in e { }`, where `e` does not mention `x`.
fn creating_statement(stmt: &Stmt) -> Option<(Rc<str>, LocalKind)> {
    let (name, kind, value) = match &stmt.kind {
        StmtKind::For { var, iterable, .. } => (var, LocalKind::Plain, iterable),
        StmtKind::Decl {
            kind,
            binding: Binding::Name(name),
            value,
        } => {
            let kind = match kind {
                DeclKind::Let => LocalKind::Let,
                DeclKind::Mut => LocalKind::Mut,
                DeclKind::Const => LocalKind::Const,
            };
            (name, kind, value)
        }
        StmtKind::Assign {
            target,
            op: AssignOp::Set,
            value,
            ..
        } if target.path.is_empty() => (&target.root, LocalKind::Plain, value),
        _ => return None,
    };
    let value_mentions = scan::mentioned_in_stmts(&[Stmt {
        kind: StmtKind::Expr(value.clone()),
        span: stmt.span,
    }]);
    (!value_mentions.contains(&name.name)).then(|| (name.name.clone(), kind))
}

/// The creating statement is the name's only declaration; immutable names are never
/// assigned again; no other binding form (for, case, except, destructuring) touches it.
fn only_later_sites_allowed(sites: &[BindingSite], name: &Rc<str>, kind: LocalKind) -> bool {
    let mut declarations = 0;
    for site in sites.iter().filter(|s| &s.name == name) {
        match site.form {
            SiteForm::Declaration => declarations += 1,
            SiteForm::Assignment if kind.is_mutable() => {}
            SiteForm::Assignment | SiteForm::Other => return false,
        }
    }
    declarations == usize::from(kind != LocalKind::Plain)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SiteForm {
    /// `let`/`mut`/`const NAME := …`
    Declaration,
    /// Any assignment statement rooted at the name (plain, compound or into a path).
    Assignment,
    /// `for`, `case` binders, `except`, destructuring.
    Other,
}

struct BindingSite {
    name: Rc<str>,
    form: SiteForm,
}

/// Every place the top-level code (functions excluded) binds or assigns a name.
fn binding_sites(stmts: &[Stmt]) -> Vec<BindingSite> {
    let mut sites = Vec::new();
    collect_sites(stmts, &mut sites);
    sites
}

fn collect_sites(stmts: &[Stmt], out: &mut Vec<BindingSite>) {
    fn push(out: &mut Vec<BindingSite>, name: &Rc<str>, form: SiteForm) {
        out.push(BindingSite {
            name: name.clone(),
            form,
        })
    }
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Decl { binding, .. } => match binding {
                Binding::Name(n) => push(out, &n.name, SiteForm::Declaration),
                Binding::Array(items) | Binding::Dict(items) => {
                    for item in items {
                        let (PatItem::Name(n) | PatItem::Rest(n)) = item;
                        push(out, &n.name, SiteForm::Other);
                    }
                }
            },
            StmtKind::Assign { target, .. } => push(out, &target.root.name, SiteForm::Assignment),
            StmtKind::Func(f) => {
                if let Some(n) = &f.name {
                    push(out, &n.name, SiteForm::Other);
                }
            }
            StmtKind::For { var, body, .. } => {
                // At the top level a loop variable is assigned like a plain name.
                push(out, &var.name, SiteForm::Assignment);
                collect_sites(&body.stmts, out);
                continue;
            }
            StmtKind::Try {
                body,
                err_name,
                handler,
            } => {
                push(out, &err_name.name, SiteForm::Other);
                collect_sites(&body.stmts, out);
                collect_sites(&handler.stmts, out);
                continue;
            }
            StmtKind::Match { cases, default, .. } => {
                for case in cases {
                    if let Pattern::Tag {
                        binder: Some(b), ..
                    } = &case.pattern
                    {
                        push(out, &b.name, SiteForm::Other);
                    }
                    collect_sites(&case.body.stmts, out);
                }
                if let Some(d) = default {
                    collect_sites(&d.stmts, out);
                }
                continue;
            }
            StmtKind::If {
                then_block,
                else_branch,
                ..
            } => {
                collect_sites(&then_block.stmts, out);
                match else_branch {
                    Some(ElseBranch::Block(b)) => collect_sites(&b.stmts, out),
                    Some(ElseBranch::If(s)) => collect_sites(std::slice::from_ref(s), out),
                    None => {}
                }
                continue;
            }
            StmtKind::While { body, .. } | StmtKind::Loop { body } => {
                collect_sites(&body.stmts, out);
                continue;
            }
            StmtKind::Export(inner) => {
                collect_sites(std::slice::from_ref(inner), out);
                continue;
            }
            _ => {}
        }
    }
}

/// Names mentioned inside the bodies of top-level `if`/`else` statements (which are
/// scopes of their own at the top level).
fn mentioned_in_if_bodies(stmts: &[Stmt]) -> NameSet {
    let mut names = NameSet::default();
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::If { .. } => {
                names.extend(scan::mentioned_in_stmts(std::slice::from_ref(stmt)))
            }
            StmtKind::While { body, .. } | StmtKind::Loop { body } | StmtKind::For { body, .. } => {
                names.extend(mentioned_in_if_bodies(&body.stmts))
            }
            StmtKind::Try { body, handler, .. } => {
                names.extend(mentioned_in_if_bodies(&body.stmts));
                names.extend(mentioned_in_if_bodies(&handler.stmts));
            }
            StmtKind::Match { cases, default, .. } => {
                for case in cases {
                    names.extend(mentioned_in_if_bodies(&case.body.stmts));
                }
                if let Some(d) = default {
                    names.extend(mentioned_in_if_bodies(&d.stmts));
                }
            }
            _ => {}
        }
    }
    names
}
