//! `VMContext`: the state compiled code receives as its first argument.
//!
//! Fields that generated code touches come first and are `repr(C)`, so their offsets are
//! stable; [`offsets`] names them for the JIT. Everything per-run that builtins need
//! (random state, start time) lives here too rather than in globals.

use std::time::Instant;

use crate::Value;

#[repr(C)]
pub struct VMContext {
    /// Fast return slot: a compiled callee stores its result here...
    pub return_value: Value,
    /// ...and sets this to 1 so the caller knows `return_value` is filled.
    pub has_return_value: u8,
    /// Start of the VM's register stack; re-read by compiled code after every helper call,
    /// since a helper may grow (move) the stack.
    pub regs: *mut Value,
    /// Registers in the stack; a compiled frame grows it through a helper when short.
    pub regs_len: usize,
    /// Calls active now as the VM counts them (compiled code passes its depth along as an
    /// argument and stores it here only before a helper call).
    pub depth: usize,
    /// Most calls that may be active at once.
    pub depth_limit: usize,
    /// Native stack addresses below this are kept for native code; compiled code stops
    /// calling compiled code directly there (tier 0 runs those calls without native stack).
    pub stack_floor: usize,
    /// Per call depth: (function, base) of the compiled call at that depth. Compiled calls
    /// get a VM frame only when something needs one; the entries say what it would be.
    pub chain: *mut [u64; 2],
    /// VM frames that exist (calls at depths `..materialized` have one).
    pub materialized: usize,
    /// Per function: its compiled entry point or null, then its arity (two words each).
    pub code: *const usize,
    /// The VM's global slots (`vm::GLOBAL_STRIDE` bytes apart, value first).
    pub globals: *mut Value,
    /// The VM running the compiled code, for helpers.
    pub vm: *mut std::ffi::c_void,
    /// State of the `random*` builtins (xorshift64*; never zero).
    pub rng_state: u64,
    /// When the run started, for `performance_now`.
    pub started: Instant,
}

/// Byte offsets of the fields generated code reads and writes.
pub mod offsets {
    pub const RETURN_VALUE: usize = std::mem::offset_of!(super::VMContext, return_value);
    pub const HAS_RETURN_VALUE: usize = std::mem::offset_of!(super::VMContext, has_return_value);
    pub const REGS: usize = std::mem::offset_of!(super::VMContext, regs);
    pub const REGS_LEN: usize = std::mem::offset_of!(super::VMContext, regs_len);
    pub const DEPTH: usize = std::mem::offset_of!(super::VMContext, depth);
    pub const DEPTH_LIMIT: usize = std::mem::offset_of!(super::VMContext, depth_limit);
    pub const STACK_FLOOR: usize = std::mem::offset_of!(super::VMContext, stack_floor);
    pub const CHAIN: usize = std::mem::offset_of!(super::VMContext, chain);
    pub const MATERIALIZED: usize = std::mem::offset_of!(super::VMContext, materialized);
    pub const CODE: usize = std::mem::offset_of!(super::VMContext, code);
    pub const GLOBALS: usize = std::mem::offset_of!(super::VMContext, globals);
}

impl VMContext {
    pub fn new() -> VMContext {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64);
        VMContext {
            return_value: Value::Null,
            has_return_value: 0,
            regs: std::ptr::null_mut(),
            regs_len: 0,
            depth: 0,
            depth_limit: 0,
            stack_floor: 0,
            chain: std::ptr::null_mut(),
            materialized: 0,
            code: std::ptr::null(),
            globals: std::ptr::null_mut(),
            vm: std::ptr::null_mut(),
            rng_state: seed | 1,
            started: Instant::now(),
        }
    }

    /// Takes the value left in the fast return slot, if any.
    pub fn take_return_value(&mut self) -> Option<Value> {
        if self.has_return_value != 0 {
            self.has_return_value = 0;
            Some(std::mem::take(&mut self.return_value))
        } else {
            None
        }
    }
}

impl Default for VMContext {
    fn default() -> VMContext {
        VMContext::new()
    }
}

/// Stores an integer result into the fast return slot of `ctx` and returns it, so compiled
/// code can tail on it.
///
/// # Safety
/// `ctx` must point to a live `VMContext` that nothing else borrows during the call.
#[no_mangle]
pub unsafe extern "C" fn jit_set_return_int(ctx: *mut VMContext, value: i64) -> i64 {
    // SAFETY: the caller passes the context it was given, which is valid and unaliased
    // for the duration of compiled code (see the function's contract).
    let ctx = unsafe { &mut *ctx };
    ctx.return_value = Value::Int(value);
    ctx.has_return_value = 1;
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_return_int_fills_the_fast_slot() {
        let mut ctx = VMContext::new();
        assert!(ctx.take_return_value().is_none());
        let echoed = unsafe { jit_set_return_int(&mut ctx, -42) };
        assert_eq!(echoed, -42);
        assert_eq!(ctx.has_return_value, 1);
        match ctx.take_return_value() {
            Some(Value::Int(v)) => assert_eq!(v, -42),
            _ => panic!("fast slot did not hold the int"),
        }
        assert_eq!(ctx.has_return_value, 0);
    }

    #[test]
    fn return_slot_sits_at_the_start_of_the_context() {
        assert_eq!(offsets::RETURN_VALUE, 0);
        assert_eq!(offsets::HAS_RETURN_VALUE, 16);
    }
}
