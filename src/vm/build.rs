//! Instructions that build values from several registers, method definitions, and
//! `for … in range(…)`'s set-up: kept out of the dispatch loop, which only moves their
//! results.

use std::rc::Rc;

use ruff_runtime::value::{EnumObj, StructObj};
use ruff_runtime::{builtins, format, ops, RtResult, Value};

use super::fast::undefined;
use super::Vm;
use crate::bytecode::{EnumVariant, StructShape};

impl Vm {
    /// A struct of `shape` with its fields from the registers at absolute `start..`.
    pub(super) fn new_struct(&self, shape: &StructShape, start: usize) -> Value {
        let mut obj = StructObj {
            name: shape.name.clone(),
            fields: Vec::with_capacity(shape.fields.len()),
        };
        for (i, field) in shape.fields.iter().enumerate() {
            obj.set(field, self.regs[start + i].clone());
        }
        Value::Struct(Rc::new(obj))
    }

    /// Registers `method` as method `name` of struct type `type_name`.
    pub(super) fn define_method(&mut self, type_name: &str, name: &str, method: Value) {
        self.methods
            .entry(type_name.into())
            .or_default()
            .insert(name.into(), method);
    }

    /// `ForPrepRange` (see `bytecode::opcodes`) for the frame at `base`.
    pub(super) fn for_prep_range(
        &mut self,
        base: usize,
        iter: u16,
        args: u16,
        argc: u16,
        g: u32,
    ) -> RtResult<()> {
        let first = base + args as usize;
        let arguments = self.regs[first..first + argc as usize].to_vec();
        let callee = self.globals[g as usize].value.clone();
        let iter = base + iter as usize;
        let (items, start, step) = match callee {
            Value::Native(id) if Some(id) == self.range_builtin => {
                let spec = builtins::range_spec(&arguments)?;
                (
                    Value::Int(spec.end),
                    Value::Int(spec.start),
                    Value::Int(spec.step),
                )
            }
            Value::Undef => return undefined(&self.program.globals[g as usize]).map(drop),
            callee => {
                let result = self.call_nested(&callee, &arguments)?;
                (ops::iteration_items(&result)?, Value::Int(0), Value::Null)
            }
        };
        self.regs[iter] = items;
        self.regs[iter + 1] = start;
        self.regs[iter + 2] = step;
        Ok(())
    }
}

/// An enum value of `variant`.
pub(super) fn new_enum(variant: &EnumVariant, payload: Option<Value>) -> Value {
    Value::Enum(Rc::new(EnumObj {
        enum_name: variant.enum_name.clone(),
        variant: variant.variant.clone(),
        payload,
    }))
}

/// The display texts of `values`, concatenated.
pub(super) fn concat(values: &[Value]) -> Value {
    let mut text = String::new();
    for value in values {
        format::write_display(&mut text, value);
    }
    Value::string(text)
}

/// Whether a binding exists: the register (through its cell, if boxed) is not Undef.
pub(super) fn is_defined(value: &Value) -> bool {
    match value {
        Value::Undef => false,
        Value::Cell(cell) => !matches!(*cell.borrow(), Value::Undef),
        _ => true,
    }
}
