//! Statements: declarations, control flow, loops, `match`, `try`, returns.

use std::rc::Rc;

use super::function::{LocalKind, LoopContext};
use super::resolve::NameRef;
use super::scan;
use super::Compiler;
use crate::bytecode::{Binding as Mutability, Handler, Op, PatternTest, Reg};
use crate::syntax::ast::*;

fn local_kind(kind: DeclKind) -> LocalKind {
    match kind {
        DeclKind::Let => LocalKind::Let,
        DeclKind::Mut => LocalKind::Mut,
        DeclKind::Const => LocalKind::Const,
    }
}

pub(super) fn mutability(kind: DeclKind) -> Mutability {
    match kind {
        DeclKind::Let => Mutability::Let,
        DeclKind::Mut => Mutability::Mut,
        DeclKind::Const => Mutability::Const,
    }
}

/// A `func` statement whose closure is created at the start of its block and whose body
/// is compiled at the end of it.
pub(super) struct Hoisted<'a> {
    index: u32,
    function: &'a Function,
    name: Rc<str>,
}

/// What kind of block is being entered (decides whether it opens a scope at top level).
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    /// `if`/`else` bodies: a scope everywhere.
    If,
    /// Loop, `match`, `try` and `except` bodies: a scope only inside functions.
    Other,
}

impl Compiler {
    pub(super) fn stmt(&mut self, stmt: &Stmt) {
        self.func().location = stmt.span.start;
        match &stmt.kind {
            StmtKind::Decl {
                kind,
                binding,
                value,
            } => self.decl(*kind, binding, value),
            // Hoisted to the start of their block (or program).
            StmtKind::Func(_) => {}
            StmtKind::Struct { name, methods, .. } => self.struct_stmt(name, methods),
            StmtKind::Enum { .. } | StmtKind::TestBlock => {}
            StmtKind::If {
                cond,
                then_block,
                else_branch,
            } => self.if_stmt(cond, then_block, else_branch.as_ref()),
            StmtKind::While { cond, body } => self.while_stmt(Some(cond), body),
            StmtKind::Loop { body } => self.while_stmt(None, body),
            StmtKind::For {
                var,
                iterable,
                body,
            } => self.for_stmt(var, iterable, body),
            StmtKind::Match {
                subject,
                cases,
                default,
            } => self.match_stmt(subject, cases, default.as_ref()),
            StmtKind::Try {
                body,
                err_name,
                handler,
            } => self.try_stmt(body, err_name, handler),
            StmtKind::Return(value) => {
                match value {
                    Some(e) => {
                        let r = self.expr_any(e);
                        self.func().emit(Op::Return { src: r });
                    }
                    None => {
                        self.func().emit(Op::ReturnNull);
                    }
                };
            }
            StmtKind::Break => {
                let at = self.func().emit(Op::Jump { target: 0 });
                if let Some(l) = self.func().loops.last_mut() {
                    l.breaks.push(at);
                }
            }
            StmtKind::Continue => {
                // A back-edge like the loop's own: it counts towards hotness and polls
                // the limits (an endless loop of `continue`s must end at them too).
                let at = self.func().emit(Op::Loop { target: 0 });
                if let Some(l) = self.func().loops.last_mut() {
                    l.continues.push(at);
                }
            }
            StmtKind::Assign {
                target,
                op,
                value,
                op_span,
            } => self.assign_stmt(target, *op, value, *op_span),
            StmtKind::Expr(e) => {
                let r = self.func().alloc();
                self.expr_to(e, r);
            }
            StmtKind::Export(inner) => {
                if !matches!(inner.kind, StmtKind::Func(_)) {
                    self.stmt(inner);
                }
            }
            StmtKind::Unsupported { feature } => {
                self.raise_const(&format!("Not supported yet: {feature}"));
            }
        }
    }

    /// Compiles a nested block: its own scope where §9 gives it one, hoisted `func`s, and
    /// definite-assignment facts that do not outlive it.
    fn block(&mut self, block: &Block, kind: BlockKind) {
        let defined_mark = self.func_ref().defined.len();
        // Every block gets a compiler scope so its temporaries never reach below the
        // registers of the enclosing statement (loop state, `match` subject). At the top
        // level only `if` bodies are scopes of the language (§9); the others stay
        // transparent: declarations there still make globals.
        let language_scope = self.func_ref().is_main && kind == BlockKind::If;
        self.func().push_scope(language_scope);
        if language_scope {
            self.declare_if_scope_names(&block.stmts);
        }
        let hoisted = self.hoist_block_functions(&block.stmts);
        for stmt in &block.stmts {
            self.stmt(stmt);
            self.func().free_temps();
        }
        self.compile_hoisted(hoisted);
        self.func().pop_scope();
        self.func().defined.truncate(defined_mark);
    }

    /// In a top-level `if` body, names created by plain assignment live in that body's
    /// scope, unless a global of that name exists when they are assigned.
    fn declare_if_scope_names(&mut self, stmts: &[Stmt]) {
        for name in scan::plain_assigned_outside_ifs(stmts) {
            if self.func_ref().find_local(&name).is_some() {
                continue;
            }
            let local = self.func().declare(&name, LocalKind::Plain, true);
            let op = if local.boxed {
                Op::NewCell { dst: local.reg }
            } else {
                Op::LoadUndef { dst: local.reg }
            };
            self.func().emit(op);
        }
    }

    /// Binds the `func` statements of a block as immutable locals before the block runs, so
    /// they can call each other (§10). Their bodies are compiled at the end of the block
    /// (`compile_hoisted`), when every variable of the block is known; variables they
    /// capture get their cells here, before the closures that capture them exist.
    pub(super) fn hoist_block_functions<'a>(&mut self, stmts: &'a [Stmt]) -> Vec<Hoisted<'a>> {
        let funcs: Vec<&Rc<Function>> = stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Func(f) => Some(f),
                _ => None,
            })
            .collect();
        if funcs.is_empty() {
            return Vec::new();
        }
        for stmt in stmts {
            if let StmtKind::Decl {
                binding: Binding::Name(id),
                ..
            } = &stmt.kind
            {
                if self.func_ref().boxed_names.contains(&id.name) {
                    let reg = self.func().alloc();
                    self.func().emit(Op::NewCell { dst: reg });
                    self.func().reserve(&id.name, reg);
                }
            }
        }
        // All the functions' own cells exist before any of their closures, so they can
        // capture each other.
        let mut declared = Vec::new();
        for f in funcs {
            let Some(name) = &f.name else { continue };
            let local = self.func().declare(&name.name, LocalKind::Func, false);
            if local.boxed {
                self.func().emit(Op::NewCell { dst: local.reg });
            }
            self.func().mark_defined(&name.name);
            declared.push((local, f, name.name.clone()));
        }
        let mut hoisted = Vec::new();
        for (local, f, name) in declared {
            let index = self.reserve_proto();
            let tmp = self.func().alloc();
            self.func().location = f.span.start;
            self.func().emit(Op::Closure {
                dst: tmp,
                proto: index,
            });
            self.init_existing(local, tmp);
            self.func().free_temps();
            hoisted.push(Hoisted {
                index,
                function: f,
                name,
            });
        }
        self.func().protect_registers();
        hoisted
    }

    /// Compiles the bodies of a block's hoisted functions.
    pub(super) fn compile_hoisted(&mut self, hoisted: Vec<Hoisted>) {
        for h in hoisted {
            self.compile_function_into(h.index, h.function, h.name, false);
        }
    }

    fn decl(&mut self, kind: DeclKind, binding: &Binding, value: &Expr) {
        let Binding::Name(id) = binding else {
            return self.destructure(kind, binding, value);
        };
        let name = &id.name;
        if self.func_ref().at_global_level() {
            if let Some(local) = self.register_global(name) {
                self.expr_to(value, local.reg);
                return;
            }
            let src = self.func().alloc();
            self.expr_to(value, src);
            let g = self.global_slot(name);
            let site = self.new_site();
            self.func().location = id.span.start;
            self.func().emit(Op::DefGlobal {
                src,
                g,
                kind: mutability(kind),
                site,
            });
            return;
        }
        if self.func_ref().declared_in_current_scope(name) {
            let r = self.func().alloc();
            self.expr_to(value, r);
            self.func().location = id.span.start;
            self.raise_const(&format!("Duplicate declaration in the same scope: {name}"));
            return;
        }
        // A name the function body created by plain assignment is a binding of this same
        // scope: declaring it again is a duplicate once that assignment has run.
        let function_wide = (!self.func_ref().is_main && self.func_ref().scopes.len() == 1)
            .then(|| self.func_ref().function_wide(name))
            .flatten()
            .filter(|local| local.maybe_undef);
        let duplicate_check = |this: &mut Self| {
            if let Some(local) = function_wide {
                let msg = this
                    .func()
                    .const_str(&format!("Duplicate declaration in the same scope: {name}").into());
                this.func().location = id.span.start;
                this.func().emit(Op::RaiseIfDefined {
                    reg: local.reg,
                    msg,
                });
            }
        };
        if let Some(reg) = self.func().take_reserved(name) {
            let tmp = self.func().alloc();
            self.expr_to(value, tmp);
            duplicate_check(self);
            self.func().emit(Op::SetCell {
                cell: reg,
                src: tmp,
            });
            self.func().declare_in(name, local_kind(kind), false, reg);
            self.func().mark_defined(name);
            return;
        }
        let reg = self.func().alloc();
        let boxed = self.func_ref().boxed_names.contains(name);
        let tmp = if boxed { self.func().alloc() } else { reg };
        self.expr_to(value, tmp);
        duplicate_check(self);
        let local = self.func().declare_in(name, local_kind(kind), false, reg);
        self.init_local(local, tmp);
        self.func().mark_defined(name);
    }

    /// The register of top-level variable `name` when it lives in one.
    pub(super) fn register_global(&self, name: &Rc<str>) -> Option<super::function::Local> {
        if !self.register_globals.contains_key(name) {
            return None;
        }
        self.funcs[0].scopes[0]
            .locals
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, l)| *l)
    }

    fn struct_stmt(&mut self, name: &Ident, methods: &[Rc<Function>]) {
        let type_k = self.func().const_str(&name.name);
        for method in methods {
            let Some(method_name) = &method.name else {
                continue;
            };
            let full: Rc<str> = format!("{}.{}", name.name, method_name.name).into();
            let reg = self.func().alloc();
            self.closure(method, full, true, reg);
            let name_k = self.func().const_str(&method_name.name);
            self.func().emit(Op::DefMethod {
                type_name: type_k,
                name: name_k,
                src: reg,
            });
            self.func().free_temps();
        }
    }

    fn if_stmt(&mut self, cond: &Expr, then_block: &Block, else_branch: Option<&ElseBranch>) {
        let to_else = self.cond_jump_false(cond);
        self.func().free_temps();
        self.block(then_block, BlockKind::If);
        match else_branch {
            None => to_else.into_iter().for_each(|j| self.func().patch_here(j)),
            Some(branch) => {
                let to_end = self.func().emit(Op::Jump { target: 0 });
                to_else.into_iter().for_each(|j| self.func().patch_here(j));
                match branch {
                    ElseBranch::Block(b) => self.block(b, BlockKind::If),
                    ElseBranch::If(s) => self.stmt(s),
                }
                self.func().patch_here(to_end);
            }
        }
    }

    /// `while cond { }`, `loop while cond { }` and (without a condition) `loop { }`.
    fn while_stmt(&mut self, cond: Option<&Expr>, body: &Block) {
        let start = self.func().pc();
        let exits = match cond {
            Some(c) => self.cond_jump_false(c),
            None => Vec::new(),
        };
        self.func().free_temps();
        self.enter_loop();
        self.block(body, BlockKind::Other);
        self.func().emit(Op::Loop { target: start });
        self.end_loop(exits, start);
    }

    /// Opens the jump bookkeeping of a loop (closed by `end_loop`).
    fn enter_loop(&mut self) {
        self.func().loops.push(LoopContext {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
    }

    /// Patches the exits and `break`s to here and the `continue`s to `continue_target`.
    fn end_loop(&mut self, exits: Vec<usize>, continue_target: u32) {
        let ctx = self.func().loops.pop().expect("loop context");
        for j in exits.into_iter().chain(ctx.breaks) {
            self.func().patch_here(j);
        }
        for j in ctx.continues {
            self.func().patch(j, continue_target);
        }
    }

    fn for_stmt(&mut self, var: &Ident, iterable: &Expr, body: &Block) {
        let iter = self.func().alloc_n(3);
        let above_iter = self.func_ref().next_reg;
        if !self.counting_loop(iterable, iter) {
            let src = self.expr_any(iterable);
            self.func().location = iterable.span.start;
            self.func().emit(Op::ForPrep { iter, src });
        }
        self.func().next_reg = above_iter;
        let defined_mark = self.func_ref().defined.len();
        // Where each item goes: straight into the loop variable when it is a plain
        // register, else into a temporary that is then assigned.
        let direct = if self.func_ref().is_main {
            // Top level: the loop variable is an ordinary (usually global) binding.
            match self.resolve(&var.name) {
                NameRef::Local(local) if !local.boxed && local.kind.is_mutable() => Some(local.reg),
                _ => None,
            }
        } else {
            // A fresh binding per iteration, gone after the loop.
            self.func().push_scope(false);
            let local = self.func().declare(&var.name, LocalKind::Plain, false);
            (!local.boxed).then_some(local.reg)
        };
        let item = direct.unwrap_or_else(|| self.func().alloc());
        let start = self.func().pc();
        let next = self.func().emit(Op::ForNext {
            iter,
            dst: item,
            target: 0,
        });
        self.enter_loop();
        if direct.is_none() {
            self.func().location = var.span.start;
            if self.func_ref().is_main {
                self.assign_name(&var.name, item);
            } else if let Some(local) = self.func_ref().find_local(&var.name) {
                self.init_local(local, item);
            }
        }
        self.func().mark_defined(&var.name);
        self.block(body, BlockKind::Other);
        if !self.func_ref().is_main {
            self.func().pop_scope();
        }
        self.func().defined.truncate(defined_mark);
        self.func().emit(Op::Loop { target: start });
        self.end_loop(vec![next], start);
    }

    /// `for … in range(args)` with `range` a global: counts without building the array
    /// while `range` is the builtin (`ForPrepRange`). Returns false for other iterables.
    fn counting_loop(&mut self, iterable: &Expr, iter: Reg) -> bool {
        let ExprKind::Call { callee, args } = &iterable.kind else {
            return false;
        };
        let ExprKind::Name(name) = &callee.kind else {
            return false;
        };
        if &*name.name != "range" || args.is_empty() || args.len() > 3 {
            return false;
        }
        let NameRef::Global(g) = self.resolve(&name.name) else {
            return false;
        };
        let first = self.func().alloc_n(args.len() as u16);
        for (reg, arg) in (first..).zip(args) {
            self.expr_to(arg, reg);
        }
        self.func().location = callee.span.start;
        self.func().emit(Op::ForPrepRange {
            iter,
            args: first,
            argc: args.len() as u16,
            g,
        });
        true
    }

    fn match_stmt(&mut self, subject: &Expr, cases: &[MatchCase], default: Option<&Block>) {
        let subj = self.func().alloc();
        self.expr_to(subject, subj);
        let mut to_end = Vec::new();
        for case in cases {
            self.func().location = case.span.start;
            let next = self.pattern_test(&case.pattern, subj);
            if let Pattern::Tag {
                binder: Some(b),
                enum_name,
                variant,
            } = &case.pattern
            {
                if &*b.name != "_" && Self::is_tag_pattern(enum_name.as_ref(), variant) {
                    let payload = self.func().alloc();
                    self.func().emit(Op::Payload {
                        dst: payload,
                        src: subj,
                    });
                    self.func().location = b.span.start;
                    self.assign_name(&b.name, payload);
                }
            }
            self.block(&case.body, BlockKind::Other);
            to_end.push(self.func().emit(Op::Jump { target: 0 }));
            if let Some(j) = next {
                self.func().patch_here(j);
            }
        }
        if let Some(d) = default {
            self.block(d, BlockKind::Other);
        }
        for j in to_end {
            self.func().patch_here(j);
        }
    }

    fn is_tag_pattern(enum_name: Option<&Ident>, variant: &Ident) -> bool {
        enum_name.is_some() || matches!(&*variant.name, "Ok" | "Err" | "Some" | "None")
    }

    /// Emits the test of `pattern` against R[subj]; returns the jump taken on mismatch.
    fn pattern_test(&mut self, pattern: &Pattern, subj: Reg) -> Option<usize> {
        let test = match pattern {
            Pattern::Wildcard => return None,
            Pattern::Int(i) => PatternTest::Equal(ruff_runtime::Value::Int(*i)),
            Pattern::Float(x) => PatternTest::Equal(ruff_runtime::Value::Float(*x)),
            Pattern::Str(s) => PatternTest::Equal(ruff_runtime::Value::str(s)),
            Pattern::Bool(b) => PatternTest::Equal(ruff_runtime::Value::Bool(*b)),
            Pattern::Null => PatternTest::Equal(ruff_runtime::Value::Null),
            Pattern::Tag {
                enum_name, variant, ..
            } => match (enum_name.as_ref().map(|e| &*e.name), &*variant.name) {
                (None | Some("Result"), "Ok") => PatternTest::Ok,
                (None | Some("Result"), "Err") => PatternTest::Err,
                (None | Some("Option"), "Some") => PatternTest::Some,
                (None | Some("Option"), "None") => PatternTest::None,
                (None, other) => PatternTest::Equal(ruff_runtime::Value::str(other)),
                (Some(e), v) => PatternTest::Variant {
                    enum_name: e.into(),
                    variant: v.into(),
                },
            },
        };
        let f = self.func();
        f.patterns.push(test);
        let pattern = (f.patterns.len() - 1) as u32;
        Some(f.emit(Op::TestPattern {
            src: subj,
            pattern,
            target: 0,
        }))
    }

    fn try_stmt(&mut self, body: &Block, err_name: &Ident, handler: &Block) {
        let err_reg = self.func().alloc();
        let start = self.func().pc();
        self.block(body, BlockKind::Other);
        let end = self.func().pc();
        let skip = self.func().emit(Op::Jump { target: 0 });
        let target = self.func().pc();
        self.func().handlers.push(Handler {
            start,
            end,
            target,
            reg: err_reg,
        });
        self.func().location = err_name.span.start;
        match self.func_ref().function_wide(&err_name.name) {
            // In a function the except variable is always its function-wide local (§9).
            Some(local) => {
                self.init_existing(local, err_reg);
                self.func().mark_defined(&err_name.name);
            }
            None => self.assign_name(&err_name.name, err_reg),
        }
        self.block(handler, BlockKind::Other);
        self.func().patch_here(skip);
    }
}
