//! Tier 0's side of tier 1: when to compile, entering compiled code, and the VM
//! operations behind the helpers compiled code calls (`jit::helpers`).
//!
//! Compiled functions keep a real VM frame while they run and work on the VM's register
//! stack, so the interpreter can take over any frame at any instruction.

use std::rc::Rc;

use ruff_runtime::{RtError, VMContext, Value};

use super::{Frame, Vm};
use crate::jit::abi::{FEEDBACK_GENERIC, STATUS_ERROR, STATUS_JUMPED, STATUS_OK, STATUS_RESUME};

/// How compiled code handed control back to the interpreter.
pub(super) enum Ran {
    /// The call returned; the result is in this absolute register.
    Returned(usize),
    /// Continue the top frame in tier 0 (a guard failed there, or in a callee).
    Resume,
    /// An error, raised where the top frame's saved `pc` says.
    Failed(RtError),
}

/// The signature of compiled functions (see `jit::abi`).
type CompiledFn =
    unsafe extern "C" fn(*mut VMContext, u64, u32, u64, u64, u64) -> crate::jit::abi::Returned;

impl Vm {
    /// Points the context at the VM's current register stack, globals and code table.
    pub(crate) fn sync_ctx(&mut self) {
        self.ctx.regs = self.regs.as_mut_ptr();
        self.ctx.regs_len = self.regs.len();
        self.ctx.globals = self.globals.as_mut_ptr() as *mut Value;
        self.ctx.code = self.tier.code_table();
        self.ctx.depth_limit = self.options.call_depth_limit;
        self.ctx.chain = self.chain.as_mut_ptr();
        self.ctx.vm = self as *mut Vm as *mut std::ffi::c_void;
    }

    /// Function `proto`'s compiled code, compiling it first if it is hot enough.
    pub(super) fn compiled_or_tier_up(&mut self, proto: u32) -> Option<usize> {
        if self.native_stack_low() {
            return None;
        }
        if let Some(address) = self.tier.entry(proto) {
            return Some(address);
        }
        let program = Rc::clone(&self.program);
        if program.protos[proto as usize].hotness.get() < self.jit_threshold {
            return None;
        }
        self.tier.compile(&program, proto);
        self.tier.entry(proto)
    }

    /// Whether compiled code can run the top frame: its result register must sit just
    /// below its registers (a function stored in a dict and called as `d.f()` has the
    /// receiver in between, and stays in tier 0).
    pub(super) fn frame_fits_jit(&self) -> bool {
        self.frames.last().is_some_and(|f| f.ret + 1 == f.base)
    }

    /// Calls compiled code for the function whose registers start at `base` (closure in
    /// `base - 1`), from instruction `entry_pc`.
    pub(super) fn run_compiled(&mut self, address: usize, base: usize, entry_pc: usize) -> Ran {
        self.sync_ctx();
        let depth = self.ctx.depth;
        self.ctx.materialized = self.frames.len();
        let (arg_tag, arg_payload) = match self.regs.get(base) {
            // SAFETY: reading the two words of a live register (its tag byte and payload).
            Some(first) => unsafe {
                let words = first as *const Value as *const u64;
                (words.read() & 0xff, words.add(1).read())
            },
            None => (0, 0),
        };
        // SAFETY: `address` is the entry of a function compiled for this VM's program with
        // the `CompiledFn` signature; the context points at this VM and its stack, and
        // `base` is a call's register window with the closure below it.
        let status = unsafe {
            let function: CompiledFn = std::mem::transmute(address);
            let returned = function(
                &mut self.ctx,
                base as u64,
                entry_pc as u32,
                depth as u64,
                arg_tag,
                arg_payload,
            );
            (returned.word & 0xff) as u32
        };
        self.ctx.materialized = self.frames.len();
        tracing::trace!(base, entry_pc, depth, status, "ran compiled code");
        match status {
            STATUS_OK => {
                self.ctx.depth = depth;
                Ran::Returned(base - 1)
            }
            STATUS_RESUME => {
                self.ctx.depth = self.frames.len();
                Ran::Resume
            }
            _ => {
                self.ctx.depth = self.frames.len();
                Ran::Failed(self.jit_error.take().unwrap_or_else(|| {
                    RtError::Raise("internal error: compiled code failed without an error".into())
                }))
            }
        }
    }

    /// Continues the top frame in compiled code from `entry_pc`. The compiled function
    /// pushes its own frame, so the interpreter's is removed first.
    pub(super) fn enter_compiled_frame(&mut self, address: usize, entry_pc: usize) -> Ran {
        let Some(frame) = self.frames.pop() else {
            return Ran::Resume;
        };
        self.ctx.depth -= 1;
        self.run_compiled(address, frame.base, entry_pc)
    }

    /// Gives every active compiled call below depth `ctx.depth` that has no VM frame its
    /// frame, in call order, so the VM sees the whole call stack (names, handlers, the
    /// current frame).
    pub(crate) fn materialize_chain(&mut self) {
        for depth in self.frames.len()..self.ctx.depth {
            let [proto, base] = self.chain[depth];
            let receiver = self.program.protos[proto as usize].receiver;
            self.frames.push(Frame {
                proto: proto as u32,
                pc: 0,
                base: base as usize,
                ret: base as usize - 1,
                receiver,
            });
        }
        self.ctx.materialized = self.frames.len();
    }

    /// `jit_leave`: the compiled call at `depth` stops; tier 0 is to continue it at
    /// `resume` with `status` (an error raised by instruction `resume - 1`, or a resume).
    /// After a failed guard at instruction `guard` (`deopt`), the feedback there widens and
    /// the function loses its code. Its frame stays for the interpreter.
    pub(crate) fn jit_leave(
        &mut self,
        depth: usize,
        guard: u32,
        resume: u32,
        status: u32,
        deopt: bool,
    ) -> u32 {
        self.ctx.depth = depth + 1;
        self.materialize_chain();
        let frame = &mut self.frames[depth];
        frame.pc = resume as usize;
        tracing::trace!(
            function = %self.program.protos[frame.proto as usize].name,
            depth,
            resume,
            status,
            "left compiled code"
        );
        if deopt {
            let proto = frame.proto;
            let function = &self.program.protos[proto as usize];
            if let Some(slot) = function.feedback.get(guard as usize) {
                slot.set(slot.get() | FEEDBACK_GENERIC);
            }
            function.hotness.set(0);
            tracing::debug!(function = %function.name, pc = guard, "deopt: guard failed");
            self.tier.invalidate(proto);
        }
        status
    }

    /// The function of frame `depth` declined on-stack replacement: wait until its loop is
    /// hot again before the next try.
    pub(crate) fn cool_down(&mut self, depth: usize) {
        if let Some(frame) = self.frames.get(depth) {
            self.program.protos[frame.proto as usize].hotness.set(0);
        }
    }

    /// `jit_pop_frame`: a compiled call with a materialized frame returned normally.
    pub(crate) fn jit_pop_frame(&mut self) {
        self.frames.pop();
        self.ctx.materialized = self.frames.len();
    }

    /// `jit_depth_error`: calling function `proto` would pass the call-depth limit.
    pub(crate) fn jit_depth_error(&mut self, proto: u32) {
        self.jit_error = Some(RtError::Raise(format!(
            "Maximum call depth of {} exceeded while calling {}",
            self.options.call_depth_limit, self.program.protos[proto as usize].name
        )));
    }

    /// `jit_grow`: the register stack must reach `needed` registers.
    pub(crate) fn jit_grow(&mut self, needed: usize) {
        if self.regs.len() < needed {
            self.regs.resize(needed, Value::Null);
        }
        self.sync_ctx();
    }

    /// `jit_clear_registers`: registers `from..to` (absolute) are released and set to
    /// null.
    pub(crate) fn jit_clear_registers(&mut self, from: usize, to: usize) {
        let to = to.min(self.regs.len());
        if let Some(registers) = self.regs.get_mut(from..to) {
            registers.fill(Value::Null);
        }
    }

    /// `jit_unwrap_receiver`: a method returns; its receiver leaves its cell (if captured)
    /// for the caller's write-back.
    pub(crate) fn jit_unwrap_receiver(&mut self, base: usize) {
        if let Value::Cell(cell) = &self.regs[base] {
            let receiver = cell.borrow().clone();
            self.regs[base] = receiver;
        }
    }

    /// Runs the one instruction at the top frame's `pc` (never a call or return) and
    /// saves the `pc` after it; errors come back unlocated and not unwound. Tier 1 runs
    /// the instructions it has no inline code for this way, so both tiers share one
    /// implementation of every operation.
    fn step(&mut self, entry: usize) -> ruff_runtime::RtResult<()> {
        self.dispatch::<true>(entry).map(drop)
    }

    /// `jit_step`: runs instruction `pc` of the top frame in tier 0.
    pub(crate) fn jit_step(&mut self, pc: u32) -> u32 {
        self.materialize_chain();
        let Some(frame) = self.frames.last_mut() else {
            return STATUS_ERROR;
        };
        frame.pc = pc as usize;
        let entry = self.frames.len() - 1;
        let status = match self.step(entry) {
            Ok(()) => match self.frames.last() {
                Some(frame) if frame.pc == pc as usize + 1 => STATUS_OK,
                _ => STATUS_JUMPED,
            },
            Err(error) => {
                self.jit_error = Some(error);
                STATUS_ERROR
            }
        };
        self.sync_ctx();
        status
    }

    /// `jit_call` / `jit_call_method`: a call compiled code does not make directly, at
    /// instruction `pc` with the callee in register `b` (the method receiver after it).
    pub(crate) fn jit_call(&mut self, pc: u32, b: u32, argc: u32, method: Option<u32>) -> u32 {
        self.materialize_chain();
        let Some(frame) = self.frames.last_mut() else {
            return STATUS_ERROR;
        };
        frame.pc = pc as usize + 1;
        let (at, proto) = (frame.base + b as usize, frame.proto);
        let program = Rc::clone(&self.program);
        let pushed = match method {
            None => self.call_register(at, argc as usize),
            Some(name) => {
                let name = program.protos[proto as usize].const_str(name);
                self.call_method(at, argc as usize, name)
            }
        };
        let result = match pushed {
            Ok(true) => {
                let entry = self.frames.len() - 1;
                self.execute(entry).map(|value| self.regs[at] = value)
            }
            Ok(false) => Ok(()),
            Err(error) => Err(error),
        };
        self.sync_ctx();
        match result {
            Ok(()) => STATUS_OK,
            Err(error) => {
                self.jit_error = Some(error);
                STATUS_ERROR
            }
        }
    }
}
