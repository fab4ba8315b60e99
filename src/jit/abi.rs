//! What generated code and Rust agree on: the compiled function signature, status codes,
//! feedback bits tier 1 adds, and every helper's name and signature (declared once here,
//! defined in `helpers` or `ruff_runtime::jit_abi`).
//!
//! A compiled function is `extern "C" fn(ctx: *mut VMContext, base: u64, entry_pc: u32,
//! depth: u64, arg_tag: u64, arg_payload: u64) -> Returned`: it runs the bytecode
//! function whose registers start at absolute register `base` of the VM's stack (its
//! closure sits just below, in `base - 1`, which also receives the result), starting at
//! instruction `entry_pc` (0, or a loop header for on-stack replacement), with `depth`
//! calls active below it. The first argument is in the stack like the others and, for
//! speed, also in `arg_tag`/`arg_payload`. It returns two words in machine registers:
//! `status | result_tag << 8` and the result's payload (the result is also in the stack;
//! the tag and payload are only meaningful with `STATUS_OK`).

use inkwell::context::ContextRef;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::FunctionValue;

/// The call returned; its result is in register `base - 1`.
pub const STATUS_OK: u32 = 0;
/// An error is pending in the VM (`Vm::jit_error`); the VM frames carry the saved pcs.
pub const STATUS_ERROR: u32 = 1;
/// Tier 0 must continue: the top VM frame is where to resume (a failed guard).
pub const STATUS_RESUME: u32 = 2;
/// Only from `jit_step`: the stepped instruction took its jump.
pub const STATUS_JUMPED: u32 = 3;

/// Why a compiled call leaves early (`jit_leave`): an error, a failed guard, or a callee
/// that left for tier 0.
pub const LEAVE_ERROR: u32 = 0;
pub const LEAVE_DEOPT: u32 = 1;
pub const LEAVE_RESUME: u32 = 2;
/// On-stack replacement declined: the registers at the loop header do not have the tags
/// the compiled loop assumes; tier 0 runs on and tries again once the loop is hot again.
pub const LEAVE_OSR: u32 = 3;

/// The two words a compiled function returns.
#[repr(C)]
pub struct Returned {
    pub word: u64,
    pub payload: u64,
}

/// Feedback bit tier 1 sets at an instruction whose guard failed: lower it generically.
pub const FEEDBACK_GENERIC: u64 = 1 << 31;

/// Word types of helper parameters and results.
#[derive(Clone, Copy)]
pub enum Word {
    Ptr,
    I64,
    I32,
    Bool,
}

/// A helper: its symbol, parameters and result (`None`: void).
pub struct Helper {
    pub name: &'static str,
    pub params: &'static [Word],
    pub result: Option<Word>,
}

use Word::*;

/// Value-level helpers (`ruff_runtime::jit_abi`): they never run Ruff code.
pub const VALUE_DROP: Helper = helper("jit_value_drop", &[I64, I64], None);
pub const VALUE_CLONE: Helper = helper("jit_value_clone", &[I64, I64], None);
pub const VALUES_EQUAL: Helper = helper("jit_values_equal", &[I64, I64, I64, I64], Some(Bool));
pub const VALUE_TRUTHY: Helper = helper("jit_value_truthy", &[I64, I64], Some(Bool));

/// VM helpers (`jit::helpers`); each takes the context first.
pub const LEAVE: Helper = helper("jit_leave", &[Ptr, I64, I32, I32, I32], Some(I32));
pub const POP_FRAME: Helper = helper("jit_pop_frame", &[Ptr], None);
pub const DEPTH_ERROR: Helper = helper("jit_depth_error", &[Ptr, I32], None);
pub const GROW: Helper = helper("jit_grow", &[Ptr, I64], None);
pub const CLEAR_REGISTERS: Helper = helper("jit_clear_registers", &[Ptr, I64, I64], None);
pub const UNWRAP_RECEIVER: Helper = helper("jit_unwrap_receiver", &[Ptr, I64], None);
pub const STEP: Helper = helper("jit_step", &[Ptr, I32], Some(I32));
pub const CALL: Helper = helper("jit_call", &[Ptr, I32, I32, I32], Some(I32));
pub const CALL_METHOD: Helper = helper("jit_call_method", &[Ptr, I32, I32, I32, I32], Some(I32));

const fn helper(name: &'static str, params: &'static [Word], result: Option<Word>) -> Helper {
    Helper {
        name,
        params,
        result,
    }
}

/// Every helper with its address, for registering them with the JIT.
pub fn helper_addresses() -> Vec<(&'static str, usize)> {
    use super::helpers as h;
    use ruff_runtime::jit_abi as v;
    vec![
        (VALUE_DROP.name, v::jit_value_drop as *const () as usize),
        (VALUE_CLONE.name, v::jit_value_clone as *const () as usize),
        (VALUES_EQUAL.name, v::jit_values_equal as *const () as usize),
        (VALUE_TRUTHY.name, v::jit_value_truthy as *const () as usize),
        (LEAVE.name, h::jit_leave as *const () as usize),
        (POP_FRAME.name, h::jit_pop_frame as *const () as usize),
        (DEPTH_ERROR.name, h::jit_depth_error as *const () as usize),
        (GROW.name, h::jit_grow as *const () as usize),
        (
            CLEAR_REGISTERS.name,
            h::jit_clear_registers as *const () as usize,
        ),
        (
            UNWRAP_RECEIVER.name,
            h::jit_unwrap_receiver as *const () as usize,
        ),
        (STEP.name, h::jit_step as *const () as usize),
        (CALL.name, h::jit_call as *const () as usize),
        (CALL_METHOD.name, h::jit_call_method as *const () as usize),
    ]
}

impl Helper {
    /// Declares the helper in `module` (once) and returns it.
    pub fn declare<'ctx>(
        &self,
        context: &ContextRef<'ctx>,
        module: &Module<'ctx>,
    ) -> FunctionValue<'ctx> {
        if let Some(f) = module.get_function(self.name) {
            return f;
        }
        let word = |w: Word| -> BasicMetadataTypeEnum<'ctx> {
            match w {
                Ptr => context.ptr_type(Default::default()).into(),
                I64 => context.i64_type().into(),
                I32 => context.i32_type().into(),
                Bool => context.bool_type().into(),
            }
        };
        let params: Vec<_> = self.params.iter().map(|&w| word(w)).collect();
        let ty = match self.result {
            None => context.void_type().fn_type(&params, false),
            Some(Ptr) => context.ptr_type(Default::default()).fn_type(&params, false),
            Some(I64) => context.i64_type().fn_type(&params, false),
            Some(I32) => context.i32_type().fn_type(&params, false),
            Some(Bool) => context.bool_type().fn_type(&params, false),
        };
        let f = module.add_function(self.name, ty, Some(Linkage::External));
        let nounwind = context.create_enum_attribute(
            inkwell::attributes::Attribute::get_named_enum_kind_id("nounwind"),
            0,
        );
        f.add_attribute(inkwell::attributes::AttributeLoc::Function, nounwind);
        f
    }
}
