//! Small inline helpers of the dispatch loop: the int and float fast paths, in-place
//! register stores and operand feedback.

use std::rc::Rc;

use ruff_runtime::ops::{ArithOp, CmpOp};
use ruff_runtime::{equality, raise, tag, RtResult, Value};

use crate::bytecode::Proto;

/// The int/int case of an arithmetic operator; `None` on overflow or a zero divisor,
/// which the general rule reports.
#[inline(always)]
pub(super) fn int_op(op: ArithOp, x: i64, y: i64) -> Option<i64> {
    match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Div => x.checked_div(y),
        ArithOp::Mod => x.checked_rem(y),
    }
}

/// The float case of an arithmetic operator; `None` for a zero divisor (an error).
#[inline(always)]
pub(super) fn float_op(op: ArithOp, x: f64, y: f64) -> Option<f64> {
    match op {
        ArithOp::Add => Some(x + y),
        ArithOp::Sub => Some(x - y),
        ArithOp::Mul => Some(x * y),
        ArithOp::Div if y != 0.0 => Some(x / y),
        ArithOp::Mod if y != 0.0 => Some(x % y),
        _ => None,
    }
}

/// Stores an int into a register. A register that already holds an int only gets its
/// payload rewritten: no drop, and no 16-byte temporary for the store to wait on.
#[inline(always)]
pub(super) fn set_int(slot: &mut Value, v: i64) {
    match slot {
        Value::Int(x) => *x = v,
        other => *other = Value::Int(v),
    }
}

/// Stores a float into a register (see `set_int`).
#[inline(always)]
pub(super) fn set_float(slot: &mut Value, v: f64) {
    match slot {
        Value::Float(x) => *x = v,
        other => *other = Value::Float(v),
    }
}

/// An ordering comparison of two numbers of one kind (false when a float is NaN).
#[inline(always)]
pub(super) fn ordered<T: PartialOrd>(op: CmpOp, x: T, y: T) -> bool {
    match op {
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
    }
}

/// Equality with the int/int case inlined.
#[inline(always)]
pub(super) fn equal_fast(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (&Value::Int(x), &Value::Int(y)) => x == y,
        _ => equality::equal(a, b),
    }
}

/// The feedback bits for operand tags `a` and `b` (operand a in bits 0..31, b above).
#[inline(always)]
pub(super) const fn tag_bits(a: u8, b: u8) -> u64 {
    (1u64 << a) | (1u64 << (32 + b))
}

/// Hotness (calls plus loop iterations) after which the float fast paths stop recording
/// feedback: far above any tier-up threshold, so tier 1 has seen it by then, and a
/// long-running loop no longer pays for it. Slow paths always record.
pub(super) const FEEDBACK_WINDOW: u32 = 1 << 16;

/// Feedback of a float/float operation.
pub(super) const FLOAT_FLOAT: u64 = tag_bits(tag::FLOAT, tag::FLOAT);

/// Records operand tags an instruction saw, for tier 1. The int/int fast paths do not
/// record: an executed site with no feedback has seen only ints. Stores only when the
/// set grows, so a monomorphic site costs a load and a predictable branch.
#[inline(always)]
pub(super) fn record_bits(proto: &Proto, pc: usize, seen: u64) {
    // SAFETY: `verify` proved `feedback` has one slot per instruction, and `pc` indexes
    // the instruction being run.
    let slot = unsafe { proto.feedback.get_unchecked(pc) };
    let old = slot.get();
    if old & seen != seen {
        slot.set(old | seen);
    }
}

/// Records the tags of two operands.
#[inline(always)]
pub(super) fn record(proto: &Proto, pc: usize, a: &Value, b: &Value) {
    record_bits(proto, pc, tag_bits(a.tag(), b.tag()));
}

/// Whether two registers hold the very same value: one heap object, or equal scalars.
pub(super) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Struct(x), Value::Struct(y)) => Rc::ptr_eq(x, y),
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Rc::ptr_eq(x, y),
        _ => equality::equal(a, b) && a.tag() == b.tag(),
    }
}

/// Raised when a program reads a name that does not exist.
pub(super) fn undefined(name: &str) -> RtResult<Value> {
    raise(format!("Undefined variable: {name}"))
}
