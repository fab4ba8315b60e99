//! Operators outside the fast paths: a struct operand's operator method (§14), else the
//! runtime's general rule for the operands.

use ruff_runtime::ops::{self, ArithOp};
use std::rc::Rc;

use ruff_runtime::value::FuncObj;
use ruff_runtime::{RtResult, Value};

use super::Vm;

impl Vm {
    /// Applies a unary operator: a struct's `method` if it has one, else `rule`.
    #[inline(never)]
    pub(super) fn unary_slow(
        &mut self,
        method: &str,
        value: Value,
        rule: fn(&Value) -> RtResult<Value>,
    ) -> RtResult<Value> {
        if let Some(method) = self.operator_method(&value, method) {
            return self.call_method_nested(method, value, &[]);
        }
        rule(&value)
    }

    /// Applies an arithmetic operator outside the fast paths: a struct's operator method
    /// when the left operand has one, else the runtime's rule.
    #[inline(never)]
    pub(super) fn arith_slow(&mut self, op: ArithOp, a: Value, b: Value) -> RtResult<Value> {
        let name = match op {
            ArithOp::Add => "op_add",
            ArithOp::Sub => "op_sub",
            ArithOp::Mul => "op_mul",
            ArithOp::Div => "op_div",
            ArithOp::Mod => "op_mod",
        };
        if let Some(method) = self.operator_method(&a, name) {
            return self.call_method_nested(method, a, &[b]);
        }
        ops::arith(op, &a, &b)
    }

    /// The method `name` of a struct value's type, if the value is a struct and has one.
    pub(super) fn operator_method(&self, value: &Value, name: &str) -> Option<Rc<FuncObj>> {
        let Value::Struct(obj) = value else {
            return None;
        };
        match self.methods.get(&obj.name)?.get(name)? {
            Value::Func(f) => Some(f.clone()),
            _ => None,
        }
    }
}
