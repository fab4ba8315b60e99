//! Assignable places: assignment statements, destructuring declarations, and method calls
//! whose receiver is written back into the place it came from (§13, §14).

use std::rc::Rc;

use super::function::{Local, LocalKind};
use super::resolve::{mutate_message, NameRef};
use super::scan::may_write_back;
use super::stmt::mutability;
use super::Compiler;
use crate::bytecode::{Handler, Op, PathStep, PlacePath, Reg};
use crate::syntax::ast::*;
use crate::syntax::span::Span;

/// One step of a place as written: `.field` or `[index]`.
enum Step<'a> {
    Field(&'a Ident),
    Index(&'a Expr, Span),
}

impl Compiler {
    pub(super) fn assign_stmt(
        &mut self,
        target: &Target,
        op: AssignOp,
        value: &Expr,
        op_span: Span,
    ) {
        if op == AssignOp::Set && target.path.is_empty() && self.push_in_place(&target.root, value)
        {
            return;
        }
        let compound = (op != AssignOp::Set).then(|| compound_value(target, op, value, op_span));
        let value = compound.as_ref().unwrap_or(value);
        if target.path.is_empty() {
            if let Some(reg) = self.direct_target(&target.root.name, value) {
                self.expr_to(value, reg);
                self.func().mark_defined(&target.root.name);
                return;
            }
        }
        let src = self.expr_any(value);
        if target.path.is_empty() {
            self.func().location = target.root.span.start;
            return self.assign_name(&target.root.name, src);
        }
        let steps: Vec<Step> = target
            .path
            .iter()
            .map(|s| match s {
                TargetStep::Field(f) => Step::Field(f),
                TargetStep::Index { index, bracket } => Step::Index(index, *bracket),
            })
            .collect();
        let keys = self.eval_keys(&steps);
        let path = self.place_path(&steps);
        self.func().location = target.root.span.start;
        self.store_place(&target.root, path, keys, src, None);
    }

    /// `x := push(x, e)` (or `append`) on a plain mutable register `x`: appends in place
    /// while the global is the builtin, so building an array in a loop is linear.
    fn push_in_place(&mut self, root: &Ident, value: &Expr) -> bool {
        let ExprKind::Call { callee, args } = &value.kind else {
            return false;
        };
        let (ExprKind::Name(function), [first, element]) = (&callee.kind, args.as_slice()) else {
            return false;
        };
        let Some(builtin) = ["push", "append"]
            .contains(&&*function.name)
            .then(|| ruff_runtime::builtins::lookup(&function.name))
            .flatten()
        else {
            return false;
        };
        let same_variable = matches!(&first.kind, ExprKind::Name(n) if n.name == root.name);
        if !same_variable || may_write_back(element) {
            return false;
        }
        let NameRef::Local(local) = self.resolve(&root.name) else {
            return false;
        };
        if local.boxed || !local.kind.is_mutable() || local.maybe_undef {
            return false;
        }
        let NameRef::Global(g) = self.resolve(&function.name) else {
            return false;
        };
        let val = self.expr_any(element);
        self.func().location = callee.span.start;
        self.func().emit(Op::PushInPlace {
            var: local.reg,
            val,
            g,
            builtin,
        });
        true
    }

    /// The register to compute `value` straight into when assigning it to `name`: a plain,
    /// mutable, existing local, and a value whose instruction writes its destination only
    /// after reading all its operands.
    fn direct_target(&mut self, name: &Rc<str>, value: &Expr) -> Option<Reg> {
        let writes_last = matches!(
            value.kind,
            ExprKind::Binary { .. }
                | ExprKind::Unary { .. }
                | ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Bool(_)
                | ExprKind::Null
                | ExprKind::Field { .. }
                | ExprKind::Index { .. }
        );
        if !writes_last {
            return None;
        }
        match self.resolve(name) {
            NameRef::Local(local) if !local.boxed && local.kind.is_mutable() => Some(local.reg),
            _ => None,
        }
    }

    /// Evaluates the index expressions of `steps` into consecutive registers.
    fn eval_keys(&mut self, steps: &[Step]) -> Reg {
        let n = steps
            .iter()
            .filter(|s| matches!(s, Step::Index(..)))
            .count();
        let n = self.func().count(n);
        let keys = self.func().alloc_n(n);
        let mut next = keys;
        for step in steps {
            if let Step::Index(e, _) = step {
                self.expr_to(e, next);
                next += 1;
            }
        }
        keys
    }

    fn place_path(&mut self, steps: &[Step]) -> u32 {
        let steps = steps
            .iter()
            .map(|s| match s {
                Step::Field(f) => PathStep {
                    field: Some(f.name.clone()),
                    location: f.span.start,
                },
                Step::Index(_, bracket) => PathStep {
                    field: None,
                    location: bracket.start,
                },
            })
            .collect();
        let f = self.func();
        f.paths.push(PlacePath { steps });
        (f.paths.len() - 1) as u32
    }

    /// Stores R[src] into place `root` + `path`. With `unless_same`, skips the store when
    /// R[src] is still the very value in that register (an unchanged method receiver), so
    /// immutable places only fail when actually changed.
    fn store_place(
        &mut self,
        root: &Ident,
        path: u32,
        keys: Reg,
        src: Reg,
        unless_same: Option<Reg>,
    ) {
        let skip = unless_same.map(|old| {
            self.func().emit(Op::JumpIfSame {
                a: old,
                b: src,
                target: 0,
            })
        });
        match self.resolve(&root.name) {
            NameRef::Local(local) => match mutate_message(local.kind, &root.name) {
                Some(message) => self.raise_const(&message),
                None => {
                    if local.maybe_undef {
                        let k = self.func().const_str(&root.name);
                        self.func().emit(Op::CheckDefined {
                            reg: local.reg,
                            name: k,
                        });
                    }
                    self.func().emit(Op::SetPathReg {
                        reg: local.reg,
                        path,
                        keys,
                        src,
                    });
                }
            },
            NameRef::Upval(idx, up) => match mutate_message(up.kind, &root.name) {
                Some(message) => self.raise_const(&message),
                None => {
                    self.func().emit(Op::SetPathUpval {
                        idx,
                        path,
                        keys,
                        src,
                    });
                }
            },
            NameRef::Global(g) => {
                self.func().emit(Op::SetPathGlobal { g, path, keys, src });
            }
            NameRef::Dyn(name) => {
                self.func().emit(Op::SetPathName {
                    name,
                    path,
                    keys,
                    src,
                });
            }
        }
        if let Some(j) = skip {
            self.func().patch_here(j);
        }
    }

    /// Whether writing back into `root` needs the receiver's old value for comparison
    /// (the place may be immutable, which is only an error when the method changed it).
    fn write_back_needs_old(&mut self, root: &Rc<str>) -> bool {
        match self.resolve(root) {
            NameRef::Local(local) => !local.kind.is_mutable(),
            NameRef::Upval(_, up) => !up.kind.is_mutable(),
            NameRef::Global(_) | NameRef::Dyn(_) => true,
        }
    }

    /// `receiver.name(first?, args…)` into `dst`, writing the receiver back when it is a
    /// place.
    pub(super) fn method_call(
        &mut self,
        receiver: &Expr,
        name: &Ident,
        first: Option<&Expr>,
        args: &[Expr],
        dst: Reg,
    ) {
        let argc = args.len() + usize::from(first.is_some());
        let place = place_of(receiver);
        let mut write_back = None;
        if let Some((root, steps)) = &place {
            let keys = self.eval_keys(steps);
            let old = self
                .write_back_needs_old(&root.name)
                .then(|| self.func().alloc());
            let caught = self.func().alloc();
            write_back = Some((root, steps, keys, old, caught));
        }
        let argc = self.func().count(argc);
        if self.func_ref().overflow {
            return;
        }
        let base = self.func().call_window(dst, 2 + argc);
        let recv = base + 1;
        match &write_back {
            Some((root, steps, keys, old, _)) => {
                self.func().location = root.span.start;
                self.read_root(root, recv);
                let mut key = *keys;
                for step in steps.iter() {
                    match step {
                        Step::Field(f) => {
                            let k = self.func().const_str(&f.name);
                            self.func().location = f.span.start;
                            self.func().emit(Op::GetField {
                                dst: recv,
                                obj: recv,
                                name: k,
                            });
                        }
                        Step::Index(_, bracket) => {
                            self.func().location = bracket.start;
                            self.func().emit(Op::GetIndex {
                                dst: recv,
                                obj: recv,
                                index: key,
                            });
                            key += 1;
                        }
                    }
                }
                if let Some(old) = old {
                    self.func().emit(Op::Move {
                        dst: *old,
                        src: recv,
                    });
                }
            }
            None => self.expr_to(receiver, recv),
        }
        for (reg, arg) in (base + 2..).zip(first.into_iter().chain(args)) {
            self.expr_to(arg, reg);
        }
        let name_k = self.func().const_str(&name.name);
        self.func().location = receiver.span.start;
        let call = self.func().emit(Op::CallMethod {
            base,
            argc,
            name: name_k,
        });
        self.func()
            .method_names
            .push((call as u32, name.span.start));
        let Some((root, steps, keys, old, caught)) = write_back else {
            if dst != base {
                self.func().emit(Op::Move { dst, src: base });
            }
            return;
        };
        let path = self.place_path(steps);
        self.func().location = receiver.span.start;
        self.store_place(root, path, keys, recv, old);
        if dst != base {
            self.func().emit(Op::Move { dst, src: base });
        }
        // A method that raises still writes its receiver back (§14), then the error goes on.
        let skip = self.func().emit(Op::Jump { target: 0 });
        let target = self.func().pc();
        self.store_place(root, path, keys, recv, old);
        self.func().emit(Op::Rethrow);
        self.func().patch_here(skip);
        self.func().handlers.push(Handler {
            start: call as u32,
            end: call as u32 + 1,
            target,
            reg: caught,
        });
    }

    /// Reads the root variable of a place into `dst`.
    fn read_root(&mut self, root: &Ident, dst: Reg) {
        self.read_name(&root.name, Some(dst));
    }

    /// `let [a, _, ...rest] := v` / `let {a, ...rest} := v` (and `mut`): binds what
    /// matches; a mismatch binds nothing (§11).
    pub(super) fn destructure(&mut self, kind: DeclKind, binding: &Binding, value: &Expr) {
        let (items, is_array) = match binding {
            Binding::Array(items) => (items, true),
            Binding::Dict(items) => (items, false),
            Binding::Name(_) => return,
        };
        self.func().count(items.len());
        if self.func_ref().overflow {
            return;
        }
        let global = self.func_ref().at_global_level();
        let local_kind = match kind {
            DeclKind::Let => LocalKind::Let,
            DeclKind::Mut => LocalKind::Mut,
            DeclKind::Const => LocalKind::Const,
        };
        // Declare first, so every binding sits below the temporaries.
        let mut targets: Vec<(Rc<str>, Option<Local>)> = Vec::new();
        for item in items {
            let (PatItem::Name(id) | PatItem::Rest(id)) = item;
            if is_array && &*id.name == "_" {
                targets.push((id.name.clone(), None));
                continue;
            }
            if global {
                targets.push((id.name.clone(), None));
                continue;
            }
            if self.func_ref().declared_in_current_scope(&id.name) {
                self.func().location = id.span.start;
                self.raise_const(&format!(
                    "Duplicate declaration in the same scope: {}",
                    id.name
                ));
                return;
            }
            let local = self.func().declare(&id.name, local_kind, true);
            let op = if local.boxed {
                Op::NewCell { dst: local.reg }
            } else {
                Op::LoadUndef { dst: local.reg }
            };
            self.func().emit(op);
            targets.push((id.name.clone(), Some(local)));
        }
        let src = self.expr_any(value);
        let tmp = self.func().alloc();
        let before_rest = items
            .iter()
            .filter(|i| matches!(i, PatItem::Name(_)))
            .count();
        let has_rest = items.iter().any(|i| matches!(i, PatItem::Rest(_)));
        let mut fails = Vec::new();
        if is_array {
            let len = self.func().count(before_rest);
            fails.push(self.func().emit(Op::ArrayPattern {
                src,
                len,
                rest: has_rest,
                target: 0,
            }));
        }
        let mut seen_keys: Vec<Rc<str>> = Vec::new();
        for (i, (item, (name, local))) in items.iter().zip(&targets).enumerate() {
            let skip = is_array && &**name == "_";
            match item {
                PatItem::Name(_) if skip => continue,
                PatItem::Name(_) if is_array => {
                    self.func().emit(Op::GetElem {
                        dst: tmp,
                        src,
                        index: i as u16,
                    });
                }
                PatItem::Name(_) => {
                    let key = self.func().const_str(name);
                    fails.push(self.func().emit(Op::DictPatternGet {
                        dst: tmp,
                        src,
                        key,
                        target: 0,
                    }));
                    seen_keys.push(name.clone());
                }
                PatItem::Rest(_) if is_array => {
                    self.func().emit(Op::ArrayRest {
                        dst: tmp,
                        src,
                        from: i as u16,
                    });
                }
                PatItem::Rest(_) => {
                    let f = self.func();
                    f.key_lists.push(seen_keys.clone());
                    let keys = (f.key_lists.len() - 1) as u32;
                    f.emit(Op::DictRest {
                        dst: tmp,
                        src,
                        keys,
                    });
                }
            }
            self.bind_destructured(name, *local, kind, tmp);
        }
        for j in fails {
            self.func().patch_here(j);
        }
    }

    fn bind_destructured(
        &mut self,
        name: &Rc<str>,
        local: Option<Local>,
        kind: DeclKind,
        src: Reg,
    ) {
        match local {
            Some(local) if local.boxed => {
                self.func().emit(Op::SetCell {
                    cell: local.reg,
                    src,
                });
            }
            Some(local) => {
                self.func().emit(Op::Move {
                    dst: local.reg,
                    src,
                });
            }
            None => {
                let g = self.global_slot(name);
                let site = self.new_site();
                self.func().emit(Op::DefGlobal {
                    src,
                    g,
                    kind: mutability(kind),
                    site,
                });
            }
        }
    }
}

/// `t op= e` as the value `t op e` (§3).
fn compound_value(target: &Target, op: AssignOp, value: &Expr, op_span: Span) -> Expr {
    let binary = match op {
        AssignOp::Add => BinaryOp::Add,
        AssignOp::Sub => BinaryOp::Sub,
        AssignOp::Mul => BinaryOp::Mul,
        AssignOp::Div => BinaryOp::Div,
        _ => BinaryOp::Mod,
    };
    Expr {
        kind: ExprKind::Binary {
            op: binary,
            op_span,
            lhs: Box::new(target_as_expr(target)),
            rhs: Box::new(value.clone()),
        },
        span: op_span,
    }
}

/// The place an expression denotes, if it is a variable with a `.field`/`[index]` chain.
fn place_of(expr: &Expr) -> Option<(Ident, Vec<Step<'_>>)> {
    match &expr.kind {
        ExprKind::Name(id) => Some((id.clone(), Vec::new())),
        ExprKind::SelfRef => Some((
            Ident {
                name: "self".into(),
                span: expr.span,
            },
            Vec::new(),
        )),
        ExprKind::Field { object, name } => {
            let (root, mut steps) = place_of(object)?;
            steps.push(Step::Field(name));
            Some((root, steps))
        }
        ExprKind::Index {
            object,
            index,
            bracket,
        } => {
            let (root, mut steps) = place_of(object)?;
            steps.push(Step::Index(index, *bracket));
            Some((root, steps))
        }
        _ => None,
    }
}

/// The target read as an expression (for `t op= e`, which is `t := t op e`).
fn target_as_expr(target: &Target) -> Expr {
    let mut expr = if &*target.root.name == "self" {
        Expr {
            kind: ExprKind::SelfRef,
            span: target.root.span,
        }
    } else {
        Expr {
            kind: ExprKind::Name(target.root.clone()),
            span: target.root.span,
        }
    };
    for step in &target.path {
        let span = expr.span;
        expr = match step {
            TargetStep::Field(name) => Expr {
                span: span.to(name.span),
                kind: ExprKind::Field {
                    object: Box::new(expr),
                    name: name.clone(),
                },
            },
            TargetStep::Index { index, bracket } => Expr {
                span: span.to(*bracket),
                kind: ExprKind::Index {
                    object: Box::new(expr),
                    index: Box::new(index.clone()),
                    bracket: *bracket,
                },
            },
        };
    }
    expr
}
