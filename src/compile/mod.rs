//! Stage 2: syntax tree -> bytecode. Resolves every name to a register, a captured cell, a
//! global slot or (where §9 makes it depend on run time) a dynamic name, and allocates
//! registers.

mod expr;
mod function;
mod globals;
mod place;
mod resolve;
mod scan;
mod stmt;

use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::bytecode::{Capture, Op, Program, Proto};
use crate::syntax::ast::{self, FuncKind};
use crate::syntax::span::Span;
use crate::syntax::ParseError;
use function::{FuncState, LocalKind};
use scan::NameSet;

/// Compiles a parsed program. Fails only when a function exceeds the instruction
/// format's limits (65 535 registers or 4 G constants).
pub fn compile(program: &ast::Program) -> Result<Program, ParseError> {
    let mut compiler = Compiler::new(program);
    let main = compiler.compile_main(&program.stmts);
    if let Some(span) = compiler.overflow {
        return Err(ParseError {
            message: "Function too large: it needs more than 65535 registers".into(),
            span,
        });
    }
    let protos = compiler
        .protos
        .into_iter()
        .map(|p| p.expect("every reserved function is compiled"))
        .collect();
    Ok(Program {
        protos,
        main,
        globals: compiler.globals,
    })
}

/// The local holding the receiver of a method without `self` (`self` there means it);
/// no program can write this name.
const RECEIVER: &str = " receiver";

pub(crate) struct Compiler {
    /// Functions being compiled, outermost (the top level) first.
    funcs: Vec<FuncState>,
    protos: Vec<Option<Proto>>,
    globals: Vec<Rc<str>>,
    global_index: FxHashMap<Rc<str>, u32>,
    /// Names that can be globals at some point (so function code must check at run time).
    global_names: NameSet,
    /// Top-level variables that live in registers of the top-level code (see `globals.rs`).
    register_globals: FxHashMap<Rc<str>, globals::RegisterGlobal>,
    next_site: u32,
    overflow: Option<Span>,
}

impl Compiler {
    fn new(program: &ast::Program) -> Compiler {
        Compiler {
            funcs: Vec::new(),
            protos: Vec::new(),
            globals: Vec::new(),
            global_index: FxHashMap::default(),
            global_names: globals::possible_globals(&program.stmts),
            register_globals: globals::register_globals(&program.stmts),
            next_site: 0,
            overflow: None,
        }
    }

    fn func(&mut self) -> &mut FuncState {
        self.funcs.last_mut().expect("a function is being compiled")
    }

    fn func_ref(&self) -> &FuncState {
        self.funcs.last().expect("a function is being compiled")
    }

    /// The slot of global `name`, created on first use.
    fn global_slot(&mut self, name: &Rc<str>) -> u32 {
        if let Some(&g) = self.global_index.get(name) {
            return g;
        }
        let g = self.globals.len() as u32;
        self.globals.push(name.clone());
        self.global_index.insert(name.clone(), g);
        g
    }

    fn new_site(&mut self) -> u32 {
        self.next_site += 1;
        self.next_site
    }

    fn reserve_proto(&mut self) -> u32 {
        self.protos.push(None);
        (self.protos.len() - 1) as u32
    }

    fn finish(&mut self, index: u32, span: Span) {
        let state = self.funcs.pop().expect("a function is being compiled");
        if state.overflow && self.overflow.is_none() {
            self.overflow = Some(span);
        }
        self.protos[index as usize] = Some(state.into_proto());
    }

    fn compile_main(&mut self, stmts: &[ast::Stmt]) -> u32 {
        let index = self.reserve_proto();
        let boxed = scan::mentioned_in_nested_functions(stmts);
        self.funcs
            .push(FuncState::new("<main>".into(), true, boxed));
        let mut register_globals: Vec<_> = self
            .register_globals
            .iter()
            .map(|(n, k)| (n.clone(), *k))
            .collect();
        register_globals.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, global) in register_globals {
            let local = self.func().declare(&name, global.kind, global.maybe_undef);
            if global.maybe_undef {
                self.func().emit(Op::LoadUndef { dst: local.reg });
            }
        }
        self.hoist_top_level_functions(stmts);
        for stmt in stmts {
            self.stmt(stmt);
            self.func().free_temps();
        }
        self.func().emit(Op::ReturnNull);
        self.finish(index, Span::default());
        index
    }

    /// Binds every top-level `func` as a mutable global before anything runs (§10).
    fn hoist_top_level_functions(&mut self, stmts: &[ast::Stmt]) {
        for stmt in stmts {
            let f = match &stmt.kind {
                ast::StmtKind::Func(f) => f,
                ast::StmtKind::Export(inner) => match &inner.kind {
                    ast::StmtKind::Func(f) => f,
                    _ => continue,
                },
                _ => continue,
            };
            let Some(name) = &f.name else { continue };
            let reg = self.func().alloc();
            self.closure(f, name.name.clone(), false, reg);
            let g = self.global_slot(&name.name);
            self.func().emit(Op::SetGlobal { src: reg, g });
            self.func().free_temps();
        }
    }

    /// Compiles `f` and emits the `Closure` that creates it into `dst`.
    fn closure(&mut self, f: &ast::Function, name: Rc<str>, method: bool, dst: u16) {
        let index = self.compile_function(f, name, method);
        self.func().location = f.span.start;
        self.func().emit(Op::Closure { dst, proto: index });
    }

    fn compile_function(&mut self, f: &ast::Function, name: Rc<str>, method: bool) -> u32 {
        let index = self.reserve_proto();
        self.compile_function_into(index, f, name, method);
        index
    }

    /// Compiles `f` into the reserved function slot `index`.
    fn compile_function_into(
        &mut self,
        index: u32,
        f: &ast::Function,
        name: Rc<str>,
        method: bool,
    ) {
        let mut boxed = scan::mentioned_in_nested_functions(&f.body.stmts);
        let explicit_self = method && f.params.first().is_some_and(|p| &*p.name == "self");
        if method && !explicit_self && !boxed.is_empty() {
            // Its fields are locals that nested functions may use (§10, §14).
            boxed.insert(Rc::from(RECEIVER));
        }
        let mut state = FuncState::new(name, false, boxed);
        state.location = f.span.start;
        self.funcs.push(state);

        if method {
            self.func().receiver = true;
        }
        let mut params = Vec::new();
        if method && !explicit_self {
            self.func().receiver_fields = true;
            let receiver = self
                .func()
                .declare(&Rc::from(RECEIVER), LocalKind::Plain, false);
            params.push(receiver);
        }
        let explicit = f.params.len() - usize::from(explicit_self);
        self.func().arity = explicit.min(u16::MAX as usize) as u16;
        for p in &f.params {
            let local = self.func().declare(&p.name, LocalKind::Plain, false);
            self.func().mark_defined(&p.name);
            params.push(local);
        }
        for local in params {
            if local.boxed {
                self.box_register(local.reg);
            }
        }

        match f.kind {
            FuncKind::Normal => {
                self.declare_function_wide(&f.body.stmts);
                let hoisted = self.hoist_block_functions(&f.body.stmts);
                for stmt in &f.body.stmts {
                    self.stmt(stmt);
                    self.func().free_temps();
                }
                self.func().emit(Op::ReturnNull);
                self.compile_hoisted(hoisted);
            }
            FuncKind::Async => self.raise_const("Not supported yet: async functions"),
            FuncKind::Generator => self.raise_const("Not supported yet: generators"),
        }

        self.finish(index, f.span);
    }

    /// Moves the value in `reg` into a fresh cell held by `reg`.
    fn box_register(&mut self, reg: u16) {
        let tmp = self.func().alloc();
        self.func().emit(Op::Move { dst: tmp, src: reg });
        self.func().emit(Op::NewCell { dst: reg });
        self.func().emit(Op::SetCell {
            cell: reg,
            src: tmp,
        });
        self.func().free_temps();
    }

    /// Declares the names a function body creates by plain assignment (§9: function-wide)
    /// as not-yet-existing locals.
    fn declare_function_wide(&mut self, stmts: &[ast::Stmt]) {
        for name in scan::plain_assigned(stmts) {
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

    /// Emits a `Raise` of a fixed message.
    fn raise_const(&mut self, message: &str) {
        let k = self.func().const_str(&Rc::from(message));
        self.func().emit(Op::Raise { msg: k });
    }

    /// Records how a closure being compiled reaches a captured variable of its parent.
    fn add_capture(&mut self, level: usize, capture: Capture, upvalue: function::Upvalue) -> u16 {
        let f = &mut self.funcs[level];
        f.captures.push(capture);
        f.upvalues.push(upvalue);
        (f.upvalues.len() - 1) as u16
    }
}
#[cfg(test)]
mod tests;
