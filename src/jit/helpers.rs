//! The `extern "C"` helpers compiled code calls that need the VM (the value-level ones are
//! in `ruff_runtime::jit_abi`). Each is a thin door into a `Vm` method (`vm/tier.rs`), so
//! the semantics stay in one place; `abi` declares their signatures for generated code.
//!
//! They never unwind: errors are stored in the VM and reported as a status.

use ruff_runtime::VMContext;

use super::abi;
use crate::vm::Vm;

/// The VM that owns `ctx`.
///
/// # Safety
/// `ctx` must be the context a running `Vm` passed to compiled code (`Vm::run_compiled`
/// sets `ctx.vm` to that VM just before), and compiled code must be the only user of the
/// VM while the helper runs: the VM's own borrow is suspended inside the native call.
unsafe fn vm<'a>(ctx: *mut VMContext) -> &'a mut Vm {
    // SAFETY: see the function's contract.
    unsafe { &mut *((*ctx).vm as *mut Vm) }
}

/// The compiled call at `depth` stops: tier 0 continues it at `resume`; `kind` is
/// `abi::LEAVE_*` (for a failed guard, `guard` is its instruction). Returns the status
/// the call returns.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_leave(
    ctx: *mut VMContext,
    depth: u64,
    guard: u32,
    resume: u32,
    kind: u32,
) -> u32 {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    let vm = unsafe { vm(ctx) };
    let (status, deopt) = match kind {
        abi::LEAVE_ERROR => (abi::STATUS_ERROR, false),
        abi::LEAVE_DEOPT => (abi::STATUS_RESUME, true),
        _ => (abi::STATUS_RESUME, false),
    };
    let status = vm.jit_leave(depth as usize, guard, resume, status, deopt);
    if kind == abi::LEAVE_OSR {
        vm.cool_down(depth as usize);
    }
    status
}

/// A compiled call whose VM frame was materialized returns: the frame goes.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_pop_frame(ctx: *mut VMContext) {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_pop_frame()
}

/// Calling function `proto` would pass the call-depth limit: the error becomes pending.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_depth_error(ctx: *mut VMContext, proto: u32) {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_depth_error(proto)
}

/// Grows the register stack to `needed` registers.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_grow(ctx: *mut VMContext, needed: u64) {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_grow(needed as usize)
}

/// Registers `from..to` (absolute) are released and set to null.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_clear_registers(ctx: *mut VMContext, from: u64, to: u64) {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_clear_registers(from as usize, to as usize)
}

/// A method returns: its receiver register leaves its cell.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_unwrap_receiver(ctx: *mut VMContext, base: u64) {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_unwrap_receiver(base as usize)
}

/// Runs instruction `pc` of the top frame in tier 0; a status (`abi::STATUS_*`).
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_step(ctx: *mut VMContext, pc: u32) -> u32 {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_step(pc)
}

/// A call at instruction `pc`, callee in register `b`, through the VM.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_call(ctx: *mut VMContext, pc: u32, b: u32, argc: u32) -> u32 {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_call(pc, b, argc, None)
}

/// A method call at instruction `pc` (method name constant `name`), through the VM.
///
/// # Safety
/// As for [`vm`].
pub unsafe extern "C" fn jit_call_method(
    ctx: *mut VMContext,
    pc: u32,
    b: u32,
    argc: u32,
    name: u32,
) -> u32 {
    // SAFETY: the caller is compiled code given `ctx` by the VM.
    unsafe { vm(ctx) }.jit_call(pc, b, argc, Some(name))
}
