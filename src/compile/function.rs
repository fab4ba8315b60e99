//! The state of one function while it is being compiled: its instructions and side
//! tables, its block scopes and its register allocator.

use std::rc::Rc;

use ruff_runtime::Value;
use rustc_hash::FxHashMap;

use super::scan::NameSet;
use crate::bytecode::*;

/// How a local may be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    Let,
    Mut,
    Const,
    /// Parameters and names created by plain assignment.
    Plain,
    /// A nested `func` statement: immutable like `let`.
    Func,
}

impl LocalKind {
    pub fn is_mutable(self) -> bool {
        matches!(self, LocalKind::Mut | LocalKind::Plain)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Local {
    pub reg: Reg,
    pub kind: LocalKind,
    /// Lives in a cell because a nested function may capture it.
    pub boxed: bool,
    /// May not exist yet when read (function-wide names, destructured names).
    pub maybe_undef: bool,
}

pub struct Scope {
    /// A top-level `if`/`else` body (the only blocks with a scope at the top level).
    pub is_if: bool,
    pub locals: Vec<(Rc<str>, Local)>,
    /// Registers at scope entry, restored when it closes.
    pub first_free: Reg,
    /// Cells made at block start for variables that hoisted functions capture, before
    /// their declarations run.
    pub reserved: Vec<(Rc<str>, Reg)>,
}

/// Jump bookkeeping of the innermost loops.
pub struct LoopContext {
    pub breaks: Vec<usize>,
    pub continues: Vec<usize>,
}

/// A captured variable as this function sees it.
#[derive(Clone)]
pub struct Upvalue {
    pub name: Rc<str>,
    pub kind: LocalKind,
    pub maybe_undef: bool,
    /// Level (in the compiler's function stack) of the function that owns the variable.
    pub owner: usize,
}

pub struct FuncState {
    pub name: Rc<str>,
    pub is_main: bool,
    /// A method without `self`: the receiver (register 0) lends its fields as locals.
    pub receiver_fields: bool,
    pub receiver: bool,
    pub arity: u16,
    pub code: Vec<Op>,
    pub locations: Vec<u32>,
    pub method_names: Vec<(u32, u32)>,
    pub consts: Vec<Value>,
    const_strings: FxHashMap<Rc<str>, ConstIdx>,
    const_ints: FxHashMap<i64, ConstIdx>,
    pub captures: Vec<Capture>,
    pub upvalues: Vec<Upvalue>,
    pub handlers: Vec<Handler>,
    pub dyn_names: Vec<DynName>,
    pub paths: Vec<PlacePath>,
    pub patterns: Vec<PatternTest>,
    pub shapes: Vec<StructShape>,
    pub variants: Vec<EnumVariant>,
    pub key_lists: Vec<Vec<Rc<str>>>,
    pub scopes: Vec<Scope>,
    /// Names that live in cells when they are locals of this function.
    pub boxed_names: NameSet,
    /// Names known to exist at the current point (no `Undef` check needed); scoped by
    /// `defined_marks`.
    pub defined: Vec<Rc<str>>,
    pub loops: Vec<LoopContext>,
    pub next_reg: Reg,
    pub max_regs: Reg,
    /// Error location of the instructions being emitted.
    pub location: u32,
    /// Set when the function needs more registers or constants than an instruction holds.
    pub overflow: bool,
}

impl FuncState {
    pub fn new(name: Rc<str>, is_main: bool, boxed_names: NameSet) -> FuncState {
        FuncState {
            name,
            is_main,
            receiver_fields: false,
            receiver: false,
            arity: 0,
            code: Vec::new(),
            locations: Vec::new(),
            method_names: Vec::new(),
            consts: Vec::new(),
            const_strings: FxHashMap::default(),
            const_ints: FxHashMap::default(),
            captures: Vec::new(),
            upvalues: Vec::new(),
            handlers: Vec::new(),
            dyn_names: Vec::new(),
            paths: Vec::new(),
            patterns: Vec::new(),
            shapes: Vec::new(),
            variants: Vec::new(),
            key_lists: Vec::new(),
            scopes: vec![Scope {
                is_if: false,
                locals: Vec::new(),
                first_free: 0,
                reserved: Vec::new(),
            }],
            boxed_names,
            defined: Vec::new(),
            loops: Vec::new(),
            next_reg: 0,
            max_regs: 0,
            location: 0,
            overflow: false,
        }
    }

    /// Appends `op` at the current location; returns its index.
    pub fn emit(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.locations.push(self.location);
        self.code.len() - 1
    }

    pub fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// Points the jump at `at` to the current end of code.
    pub fn patch_here(&mut self, at: usize) {
        let here = self.pc();
        self.patch(at, here);
    }

    pub fn patch(&mut self, at: usize, to: u32) {
        match self.code[at].jump_target_mut() {
            Some(target) => *target = to,
            None => unreachable!("patching a non-jump {:?}", self.code[at]),
        }
    }

    /// `n` as an instruction operand count; past what an operand holds, the function is
    /// marked too large (reported as a compile error) and 0 is returned.
    pub fn count(&mut self, n: usize) -> u16 {
        match u16::try_from(n) {
            Ok(c) if c < NO_REG - 2 => c,
            _ => {
                self.overflow = true;
                0
            }
        }
    }

    /// Allocates one temporary register.
    pub fn alloc(&mut self) -> Reg {
        self.alloc_n(1)
    }

    /// Allocates `n` consecutive registers; returns the first.
    pub fn alloc_n(&mut self, n: u16) -> Reg {
        let first = self.next_reg;
        match first.checked_add(n) {
            Some(end) if end < NO_REG => {
                self.next_reg = end;
                self.max_regs = self.max_regs.max(end);
            }
            _ => self.overflow = true,
        }
        first
    }

    /// Registers for a call's callee and arguments, placed at `dst` when `dst` is the
    /// newest temporary (the result then needs no move).
    pub fn call_window(&mut self, dst: Reg, size: u16) -> Reg {
        if dst + 1 == self.next_reg {
            self.next_reg = dst;
        }
        self.alloc_n(size)
    }

    fn intern(&mut self, value: Value) -> ConstIdx {
        self.consts.push(value);
        (self.consts.len() - 1) as ConstIdx
    }

    pub fn const_str(&mut self, text: &Rc<str>) -> ConstIdx {
        if let Some(&k) = self.const_strings.get(text) {
            return k;
        }
        let k = self.intern(Value::str(text));
        self.const_strings.insert(text.clone(), k);
        k
    }

    pub fn const_int(&mut self, value: i64) -> ConstIdx {
        if let Some(&k) = self.const_ints.get(&value) {
            return k;
        }
        let k = self.intern(Value::Int(value));
        self.const_ints.insert(value, k);
        k
    }

    pub fn const_float(&mut self, value: f64) -> ConstIdx {
        self.intern(Value::Float(value))
    }

    pub fn push_scope(&mut self, is_if: bool) {
        self.scopes.push(Scope {
            is_if,
            locals: Vec::new(),
            first_free: self.next_reg,
            reserved: Vec::new(),
        });
    }

    pub fn pop_scope(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            self.next_reg = scope.first_free;
        }
    }

    /// Declares a local in the innermost scope, in a fresh register.
    pub fn declare(&mut self, name: &Rc<str>, kind: LocalKind, maybe_undef: bool) -> Local {
        let reg = self.alloc();
        self.declare_in(name, kind, maybe_undef, reg)
    }

    /// Declares a local in the innermost scope, in the already reserved register `reg`.
    pub fn declare_in(
        &mut self,
        name: &Rc<str>,
        kind: LocalKind,
        maybe_undef: bool,
        reg: Reg,
    ) -> Local {
        let local = Local {
            reg,
            kind,
            boxed: self.boxed_names.contains(name),
            maybe_undef,
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.locals.push((name.clone(), local));
        }
        local
    }

    /// Records a cell register made ahead of the declaration of `name`.
    pub fn reserve(&mut self, name: &Rc<str>, reg: Reg) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.reserved.push((name.clone(), reg));
        }
    }

    /// The cell register reserved for `name` in the innermost scope, if any.
    pub fn take_reserved(&mut self, name: &str) -> Option<Reg> {
        let scope = self.scopes.last_mut()?;
        let i = scope.reserved.iter().position(|(n, _)| &**n == name)?;
        Some(scope.reserved.remove(i).1)
    }

    /// Keeps every register allocated so far out of reach of this scope's temporaries.
    pub fn protect_registers(&mut self) {
        let next = self.next_reg;
        if let Some(scope) = self.scopes.last_mut() {
            scope.first_free = scope.first_free.max(next);
        }
    }

    /// Releases the temporaries of a finished statement: everything above the locals of
    /// the innermost scope.
    pub fn free_temps(&mut self) {
        if let Some(scope) = self.scopes.last() {
            let locals_top = scope.locals.iter().map(|(_, l)| l.reg + 1).max();
            self.next_reg = locals_top.unwrap_or(0).max(scope.first_free);
        }
    }

    /// The function-wide local called `name` (a parameter or a name created by plain
    /// assignment), in a function.
    pub fn function_wide(&self, name: &str) -> Option<Local> {
        if self.is_main {
            return None;
        }
        self.scopes
            .first()?
            .locals
            .iter()
            .find(|(n, l)| &**n == name && l.kind == LocalKind::Plain)
            .map(|(_, l)| *l)
    }

    /// The innermost visible local called `name`.
    pub fn find_local(&self, name: &str) -> Option<Local> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.locals.iter().rev())
            .find(|(n, _)| &**n == name)
            .map(|(_, l)| *l)
    }

    /// Whether the innermost scope already declares `name` (names merely reserved for
    /// plain assignment do not count).
    pub fn declared_in_current_scope(&self, name: &str) -> bool {
        self.scopes.last().is_some_and(|s| {
            s.locals
                .iter()
                .any(|(n, l)| &**n == name && !(l.kind == LocalKind::Plain && l.maybe_undef))
        })
    }

    /// Whether code at this point of the top level binds names as globals (it is not
    /// inside a top-level `if` scope).
    pub fn at_global_level(&self) -> bool {
        self.is_main && !self.scopes.iter().any(|s| s.is_if)
    }

    pub fn is_defined(&self, name: &str) -> bool {
        self.defined.iter().any(|n| &**n == name)
    }

    pub fn mark_defined(&mut self, name: &Rc<str>) {
        if !self.is_defined(name) {
            self.defined.push(name.clone());
        }
    }

    pub fn into_proto(self) -> Proto {
        let feedback = (0..self.code.len()).map(|_| Default::default()).collect();
        Proto {
            name: self.name,
            arity: self.arity,
            receiver: self.receiver,
            num_regs: self.max_regs.max(1),
            code: self.code,
            locations: self.locations,
            method_names: self.method_names,
            consts: self.consts,
            captures: self.captures,
            handlers: self.handlers,
            dyn_names: self.dyn_names,
            paths: self.paths,
            patterns: self.patterns,
            shapes: self.shapes,
            variants: self.variants,
            key_lists: self.key_lists,
            hotness: Default::default(),
            feedback,
        }
    }
}
