//! Name resolution (LANGUAGE.md §9, §10, §14): where a name lives at a given point, and
//! the instructions that read or assign it.

use std::rc::Rc;

use super::function::{Local, LocalKind, Upvalue};
use super::{Compiler, RECEIVER};
use crate::bytecode::{Binding, Capture, DynName, Op, Reg};

/// Where a name lives at one point of the program.
#[derive(Clone)]
pub enum NameRef {
    /// A local of the current function.
    Local(Local),
    /// A variable of an enclosing function, through captured cell `idx`.
    Upval(u16, Upvalue),
    Global(u32),
    /// Decided at run time (see `DynName`).
    Dyn(u32),
}

/// The `Cannot reassign…` message for an immutable binding.
pub fn reassign_message(kind: LocalKind, name: &str) -> Option<String> {
    match kind {
        LocalKind::Const => Some(format!("Cannot reassign const binding: {name}")),
        LocalKind::Let | LocalKind::Func => {
            Some(format!("Cannot reassign immutable let binding: {name}"))
        }
        LocalKind::Mut | LocalKind::Plain => None,
    }
}

/// The `Cannot mutate…` message for an index or field assignment into an immutable binding.
pub fn mutate_message(kind: LocalKind, name: &str) -> Option<String> {
    match kind {
        LocalKind::Const => Some(format!("Cannot mutate const binding: {name}")),
        LocalKind::Let | LocalKind::Func => {
            Some(format!("Cannot mutate immutable let binding: {name}"))
        }
        LocalKind::Mut | LocalKind::Plain => None,
    }
}

fn binding_of(kind: LocalKind) -> Option<Binding> {
    match kind {
        LocalKind::Const => Some(Binding::Const),
        LocalKind::Let | LocalKind::Func => Some(Binding::Let),
        LocalKind::Mut | LocalKind::Plain => None,
    }
}

impl Compiler {
    /// Resolves `name` at the current point of the current function.
    pub(super) fn resolve(&mut self, name: &Rc<str>) -> NameRef {
        let level = self.funcs.len() - 1;
        let receiver_fields = self.func_ref().receiver_fields;
        if receiver_fields && &**name == "self" {
            return self.resolve(&Rc::from(RECEIVER));
        }
        if let Some(local) = self.func_ref().find_local(name) {
            let certain =
                !local.maybe_undef || (!receiver_fields && self.func_ref().is_defined(name));
            if certain {
                return NameRef::Local(Local {
                    maybe_undef: false,
                    ..local
                });
            }
            // A register global is the only binding its name ever has.
            if level == 0 && self.register_globals.contains_key(name) {
                return NameRef::Local(local);
            }
            let chain = self.upvalue_chain(level, name);
            let static_only = !receiver_fields
                && chain.is_empty()
                && !self.global_names.contains(name)
                && self.enclosing_receiver(level).is_none();
            if static_only {
                return NameRef::Local(local);
            }
            return self.dyn_name(name, Some(local.reg), chain);
        }
        if level > 0 {
            let chain = self.upvalue_chain(level, name);
            if receiver_fields {
                return self.dyn_name(name, None, chain);
            }
            match chain.first() {
                Some((idx, up)) if !up.maybe_undef => return NameRef::Upval(*idx, up.clone()),
                // The enclosing function's variable may never be created (its plain
                // assignments can go further out): then lookup goes on outwards, to the
                // globals at the time of use last (§9). Inside a method without `self`,
                // the receiver's fields come before the globals.
                _ if !chain.is_empty() || self.enclosing_receiver(level).is_some() => {
                    return self.dyn_name(name, None, chain);
                }
                _ => {}
            }
        }
        NameRef::Global(self.global_slot(name))
    }

    fn dyn_name(
        &mut self,
        name: &Rc<str>,
        local: Option<Reg>,
        chain: Vec<(u16, Upvalue)>,
    ) -> NameRef {
        let global = Some(self.global_slot(name));
        let receiver_fields = self.func_ref().receiver_fields;
        let level = self.funcs.len() - 1;
        let receiver_upval = if receiver_fields {
            None
        } else {
            self.enclosing_receiver(level)
        };
        let f = self.func();
        f.dyn_names.push(DynName {
            name: name.clone(),
            receiver_fields,
            receiver_upval,
            local,
            upvals: chain
                .into_iter()
                .map(|(idx, up)| (idx, binding_of(up.kind)))
                .collect(),
            global,
        });
        NameRef::Dyn((f.dyn_names.len() - 1) as u32)
    }

    /// The captured cell holding the receiver of the nearest enclosing method without
    /// `self`, whose fields are variables to the functions nested in it.
    fn enclosing_receiver(&mut self, level: usize) -> Option<u16> {
        self.upvalue_for(level, &Rc::from(RECEIVER))
            .map(|(idx, _)| idx)
    }

    /// The captured-cell index through which function `level` reaches `name` of an
    /// enclosing function, adding captures along the way; `None` if no enclosing function
    /// (the top level's `if` scopes included) has it.
    fn upvalue_for(&mut self, level: usize, name: &Rc<str>) -> Option<(u16, Upvalue)> {
        self.upvalue_below(level, name, level)
    }

    /// Like `upvalue_for`, for the nearest variable owned by a function at a level below
    /// `limit`.
    fn upvalue_below(
        &mut self,
        level: usize,
        name: &Rc<str>,
        limit: usize,
    ) -> Option<(u16, Upvalue)> {
        if level == 0 {
            return None;
        }
        if let Some(i) = self.funcs[level]
            .upvalues
            .iter()
            .position(|u| &u.name == name && u.owner < limit)
        {
            return Some((i as u16, self.funcs[level].upvalues[i].clone()));
        }
        let parent = level - 1;
        if parent < limit {
            if let Some(local) = self.funcs[parent].find_local(name) {
                if !local.boxed {
                    return None;
                }
                let up = Upvalue {
                    name: name.clone(),
                    kind: local.kind,
                    maybe_undef: local.maybe_undef,
                    owner: parent,
                };
                let idx = self.add_capture(level, Capture::Register(local.reg), up.clone());
                return Some((idx, up));
            }
        }
        let (outer, up) = self.upvalue_below(parent, name, limit)?;
        let idx = self.add_capture(level, Capture::Upval(outer), up.clone());
        Some((idx, up))
    }

    /// The variables of enclosing functions that `name` may mean, nearest first: while
    /// one may never have been created (a function-wide name whose assignments can go
    /// further out), the next one out is a candidate too (§9 lookup order).
    fn upvalue_chain(&mut self, level: usize, name: &Rc<str>) -> Vec<(u16, Upvalue)> {
        let mut chain = Vec::new();
        let mut limit = level;
        while let Some((idx, up)) = self.upvalue_below(level, name, limit) {
            let (done, owner) = (!up.maybe_undef, up.owner);
            chain.push((idx, up));
            if done {
                break;
            }
            limit = owner;
        }
        chain
    }

    /// Reads `name` into some register: the local's own register when it can be used as
    /// is, else `dst` (or a new temporary).
    pub(super) fn read_name(&mut self, name: &Rc<str>, dst: Option<Reg>) -> Reg {
        match self.resolve(name) {
            NameRef::Local(local) if !local.boxed => {
                if local.maybe_undef {
                    let k = self.func().const_str(name);
                    self.func().emit(Op::CheckDefined {
                        reg: local.reg,
                        name: k,
                    });
                }
                match dst {
                    Some(d) if d != local.reg => {
                        self.func().emit(Op::Move {
                            dst: d,
                            src: local.reg,
                        });
                        d
                    }
                    _ => local.reg,
                }
            }
            NameRef::Local(local) => {
                let d = dst.unwrap_or_else(|| self.func().alloc());
                self.func().emit(Op::GetCell {
                    dst: d,
                    cell: local.reg,
                });
                if local.maybe_undef {
                    self.check_defined(d, name);
                }
                d
            }
            NameRef::Upval(idx, up) => {
                let d = dst.unwrap_or_else(|| self.func().alloc());
                self.func().emit(Op::GetUpval { dst: d, idx });
                if up.maybe_undef {
                    self.check_defined(d, name);
                }
                d
            }
            NameRef::Global(g) => {
                let d = dst.unwrap_or_else(|| self.func().alloc());
                self.func().emit(Op::GetGlobal { dst: d, g });
                d
            }
            NameRef::Dyn(n) => {
                let d = dst.unwrap_or_else(|| self.func().alloc());
                self.func().emit(Op::GetName { dst: d, name: n });
                d
            }
        }
    }

    fn check_defined(&mut self, reg: Reg, name: &Rc<str>) {
        let k = self.func().const_str(name);
        self.func().emit(Op::CheckDefined { reg, name: k });
    }

    /// Plain assignment of `src` to `name` (§9): updates the nearest existing binding or
    /// creates one.
    pub(super) fn assign_name(&mut self, name: &Rc<str>, src: Reg) {
        match self.resolve(name) {
            NameRef::Local(local) => {
                if let Some(message) = reassign_message(local.kind, name) {
                    self.raise_const(&message);
                } else if local.boxed {
                    self.func().emit(Op::SetCell {
                        cell: local.reg,
                        src,
                    });
                } else if local.reg != src {
                    self.func().emit(Op::Move {
                        dst: local.reg,
                        src,
                    });
                }
                if !self.func_ref().receiver_fields {
                    self.func().mark_defined(name);
                }
            }
            NameRef::Upval(idx, up) => match reassign_message(up.kind, name) {
                Some(message) => self.raise_const(&message),
                None => {
                    self.func().emit(Op::SetUpval { idx, src });
                }
            },
            NameRef::Global(g) => {
                self.func().emit(Op::SetGlobal { src, g });
            }
            NameRef::Dyn(n) => {
                self.func().emit(Op::SetName { src, name: n });
            }
        }
    }

    /// Stores into an existing local (its cell when boxed), whatever its mutability.
    pub(super) fn init_existing(&mut self, local: Local, src: Reg) {
        if local.boxed {
            self.func().emit(Op::SetCell {
                cell: local.reg,
                src,
            });
        } else if local.reg != src {
            self.func().emit(Op::Move {
                dst: local.reg,
                src,
            });
        }
    }

    /// Initialises a freshly declared local with the value in `src`.
    pub(super) fn init_local(&mut self, local: Local, src: Reg) {
        if local.boxed {
            self.func().emit(Op::NewCell { dst: local.reg });
            self.func().emit(Op::SetCell {
                cell: local.reg,
                src,
            });
        } else if local.reg != src {
            self.func().emit(Op::Move {
                dst: local.reg,
                src,
            });
        }
    }
}
