//! Reading and writing named places: globals, dynamic names, and assignment paths
//! (`a[i].f := v`) that change a collection in place through copy-on-write.

use std::rc::Rc;

use ruff_runtime::value::Cell;
use ruff_runtime::{ops, raise, RtError, RtResult, Value};

use super::fast::undefined;
use super::{Global, Vm};
use crate::bytecode::{Binding, DynName, PathStep, PlacePath};

fn reassign_error(binding: Binding, name: &str) -> RtResult<()> {
    match binding {
        Binding::Let => raise(format!("Cannot reassign immutable let binding: {name}")),
        Binding::Const => raise(format!("Cannot reassign const binding: {name}")),
        Binding::Mut => Ok(()),
    }
}

fn mutate_error(binding: Binding, name: &str) -> RtResult<()> {
    match binding {
        Binding::Let => raise(format!("Cannot mutate immutable let binding: {name}")),
        Binding::Const => raise(format!("Cannot mutate const binding: {name}")),
        Binding::Mut => Ok(()),
    }
}

fn is_undef(value: &Value) -> bool {
    match value {
        Value::Undef => true,
        Value::Cell(cell) => matches!(*cell.borrow(), Value::Undef),
        _ => false,
    }
}

/// The value of a register, looking through a cell.
fn load(value: &Value) -> Value {
    match value {
        Value::Cell(cell) => cell.borrow().clone(),
        other => other.clone(),
    }
}

/// Stores into a register, or into its cell when it holds one.
fn store(slot: &mut Value, value: Value) {
    match slot {
        Value::Cell(cell) => *cell.borrow_mut() = value,
        other => *other = value,
    }
}

/// Field `name` of the receiver held in `slot` (directly, or in its cell when nested
/// functions share it).
fn receiver_field(slot: &Value, name: &str) -> Option<Value> {
    match slot {
        Value::Struct(obj) => obj.get(name).cloned(),
        Value::Cell(cell) => receiver_field(&cell.borrow(), name),
        _ => None,
    }
}

/// Runs `f` on field `name` of the receiver held in `slot`, if the receiver has it.
fn with_receiver_field<R>(
    slot: &mut Value,
    name: &str,
    f: impl FnOnce(&mut Value) -> R,
) -> Option<R> {
    match slot {
        Value::Struct(obj) if obj.get(name).is_some() => Rc::make_mut(obj).get_mut(name).map(f),
        Value::Cell(cell) => {
            let cell = cell.clone();
            let mut receiver = cell.borrow_mut();
            with_receiver_field(&mut receiver, name, f)
        }
        _ => None,
    }
}

/// Assigns `value` at `steps` under `target`; on failure, also says where (the step's
/// source location).
fn assign_path(
    target: &mut Value,
    steps: &[PathStep],
    keys: &[Value],
    value: Value,
) -> Result<(), (RtError, u32)> {
    let Some((step, rest)) = steps.split_first() else {
        *target = value;
        return Ok(());
    };
    let at = |e| (e, step.location);
    match &step.field {
        Some(field) if rest.is_empty() => ops::field_set(target, field, value).map_err(at),
        Some(field) => {
            let Value::Struct(obj) = target else {
                return Err(at(RtError::Raise("Cannot set field on non-struct".into())));
            };
            match Rc::make_mut(obj).get_mut(field) {
                Some(inner) => assign_path(inner, rest, keys, value),
                None => Err(at(RtError::Raise(format!("Field not found: {field}")))),
            }
        }
        None => {
            let Some((key, other_keys)) = keys.split_first() else {
                return Err(at(RtError::Raise("Invalid index operation".into())));
            };
            if rest.is_empty() {
                return ops::index_set(target, key, value).map_err(at);
            }
            // Reading first gives exactly the error a read of this step would.
            ops::index_get(target, key).map_err(at)?;
            let inner = match (target, key) {
                (Value::Array(items), &Value::Int(i)) => {
                    let len = items.len() as i64;
                    let index = if i < 0 { i + len } else { i };
                    Rc::make_mut(items).get_mut(index as usize)
                }
                (Value::Dict(map), key) => {
                    let key = ops::dict_key(key).map_err(at)?;
                    Rc::make_mut(map).get_mut(&*key)
                }
                _ => None,
            };
            match inner {
                Some(inner) => assign_path(inner, rest, other_keys, value),
                None => Err(at(RtError::Raise("Invalid index assignment".into()))),
            }
        }
    }
}

impl Vm {
    fn global_name(&self, g: u32) -> &str {
        &self.program.globals[g as usize]
    }

    pub(super) fn get_global(&self, g: u32) -> RtResult<Value> {
        match &self.globals[g as usize].value {
            Value::Undef => undefined(self.global_name(g)),
            value => Ok(value.clone()),
        }
    }

    /// Plain assignment to a global: creates it (mutable) or updates a mutable one.
    pub(super) fn set_global(&mut self, g: u32, value: Value) -> RtResult<()> {
        let slot = &self.globals[g as usize];
        if !matches!(slot.value, Value::Undef) {
            reassign_error(slot.binding, self.global_name(g))?;
        }
        let slot = &mut self.globals[g as usize];
        if matches!(slot.value, Value::Undef) {
            slot.binding = Binding::Mut;
            slot.site = 0;
        }
        slot.value = value;
        Ok(())
    }

    /// A top-level declaration by declaration `site`.
    pub(super) fn def_global(
        &mut self,
        g: u32,
        value: Value,
        binding: Binding,
        site: u32,
    ) -> RtResult<()> {
        let slot = &self.globals[g as usize];
        if !matches!(slot.value, Value::Undef) && slot.site != site {
            return raise(format!(
                "Duplicate declaration in the same scope: {}",
                self.global_name(g)
            ));
        }
        self.globals[g as usize] = Global {
            value,
            binding,
            site,
        };
        Ok(())
    }

    pub(super) fn get_name(&self, name: &DynName, base: usize) -> RtResult<Value> {
        if name.receiver_fields {
            if let Some(value) = receiver_field(&self.regs[base], &name.name) {
                return Ok(value);
            }
        }
        if let Some(local) = name.local {
            let slot = &self.regs[base + local as usize];
            if !is_undef(slot) {
                return Ok(load(slot));
            }
        }
        for &(idx, _) in &name.upvals {
            let value = self.upval(idx).borrow().clone();
            if !matches!(value, Value::Undef) {
                return Ok(value);
            }
        }
        if let Some(idx) = name.receiver_upval {
            if let Some(value) = receiver_field(&self.upval(idx).borrow(), &name.name) {
                return Ok(value);
            }
        }
        match name.global {
            Some(g) => self.get_global(g),
            None => undefined(&name.name),
        }
    }

    pub(super) fn set_name(&mut self, name: &DynName, base: usize, value: Value) -> RtResult<()> {
        let mut value = Some(value);
        if name.receiver_fields {
            let stored = with_receiver_field(&mut self.regs[base], &name.name, |field| {
                *field = value.take().unwrap_or_default();
            });
            if stored.is_some() {
                return Ok(());
            }
        }
        let value = value.unwrap_or_default();
        if let Some(local) = name.local {
            if !is_undef(&self.regs[base + local as usize]) {
                store(&mut self.regs[base + local as usize], value);
                return Ok(());
            }
        }
        for &(idx, binding) in &name.upvals {
            let cell = self.upval(idx);
            if !matches!(*cell.borrow(), Value::Undef) {
                if let Some(binding) = binding {
                    reassign_error(binding, &name.name)?;
                }
                *cell.borrow_mut() = value;
                return Ok(());
            }
        }
        let mut value = Some(value);
        if let Some(idx) = name.receiver_upval {
            let cell = self.upval(idx);
            let stored = with_receiver_field(&mut cell.borrow_mut(), &name.name, |field| {
                *field = value.take().unwrap_or_default();
            });
            if stored.is_some() {
                return Ok(());
            }
        }
        let value = value.unwrap_or_default();
        if let Some(g) = name.global {
            let exists = !matches!(self.globals[g as usize].value, Value::Undef);
            if exists || name.local.is_none() {
                return self.set_global(g, value);
            }
        }
        match name.local {
            Some(local) => {
                store(&mut self.regs[base + local as usize], value);
                Ok(())
            }
            None => undefined(&name.name).map(|_| ()),
        }
    }

    /// Turns a path failure into the error, remembering the failing step's location.
    fn path_result(&mut self, result: Result<(), (RtError, u32)>) -> RtResult<()> {
        result.map_err(|(error, location)| {
            self.location_override = Some(location);
            error
        })
    }

    /// `SetPathReg`: the root is register `root` (a local, always below the key registers).
    pub(super) fn set_path_reg(
        &mut self,
        root: usize,
        path: &PlacePath,
        keys: usize,
        value: Value,
    ) -> RtResult<()> {
        let key_count = path.key_count();
        if key_count > 0 && keys <= root {
            // Not produced by the compiler (keys are temporaries above every local), but
            // stay correct rather than alias.
            let keys = self.path_keys(path, keys);
            let result = assign_path(&mut self.regs[root], &path.steps, &keys, value);
            return self.path_result(result);
        }
        let (low, high) = self.regs.split_at_mut(root + 1);
        let keys: &[Value] = match key_count {
            0 => &[],
            n => &high[keys - root - 1..keys - root - 1 + n],
        };
        let result = match &mut low[root] {
            Value::Cell(cell) => {
                let cell = cell.clone();
                let mut target = cell.borrow_mut();
                assign_path(&mut target, &path.steps, keys, value)
            }
            target => assign_path(target, &path.steps, keys, value),
        };
        self.path_result(result)
    }

    fn path_keys(&self, path: &PlacePath, keys: usize) -> Vec<Value> {
        let count = path.key_count();
        self.regs[keys..keys + count].to_vec()
    }

    pub(super) fn set_path_global(
        &mut self,
        g: u32,
        path: &PlacePath,
        keys: usize,
        value: Value,
    ) -> RtResult<()> {
        let slot = &self.globals[g as usize];
        if matches!(slot.value, Value::Undef) {
            return undefined(self.global_name(g)).map(|_| ());
        }
        mutate_error(slot.binding, self.global_name(g))?;
        let keys = self.path_keys(path, keys);
        let result = assign_path(
            &mut self.globals[g as usize].value,
            &path.steps,
            &keys,
            value,
        );
        self.path_result(result)
    }

    pub(super) fn set_path_cell(
        &mut self,
        cell: &Cell,
        path: &PlacePath,
        keys: usize,
        value: Value,
    ) -> RtResult<()> {
        let keys = self.path_keys(path, keys);
        let result = assign_path(&mut cell.borrow_mut(), &path.steps, &keys, value);
        self.path_result(result)
    }

    pub(super) fn set_path_name(
        &mut self,
        name: &DynName,
        base: usize,
        path: &PlacePath,
        keys: usize,
        value: Value,
    ) -> RtResult<()> {
        let key_values = self.path_keys(path, keys);
        let mut value = Some(value);
        let mut assign = |field: &mut Value| {
            assign_path(
                field,
                &path.steps,
                &key_values,
                value.take().unwrap_or_default(),
            )
        };
        if name.receiver_fields {
            if let Some(result) = with_receiver_field(&mut self.regs[base], &name.name, &mut assign)
            {
                return self.path_result(result);
            }
        }
        if let Some(local) = name.local {
            let at = base + local as usize;
            if !is_undef(&self.regs[at]) {
                let value = value.take().unwrap_or_default();
                return self.set_path_reg(at, path, keys, value);
            }
        }
        for &(idx, binding) in &name.upvals {
            let cell = self.upval(idx);
            if !matches!(*cell.borrow(), Value::Undef) {
                if let Some(binding) = binding {
                    mutate_error(binding, &name.name)?;
                }
                let value = value.take().unwrap_or_default();
                return self.set_path_cell(&cell, path, keys, value);
            }
        }
        if let Some(idx) = name.receiver_upval {
            let cell = self.upval(idx);
            let result = with_receiver_field(&mut cell.borrow_mut(), &name.name, &mut assign);
            if let Some(result) = result {
                return self.path_result(result);
            }
        }
        let value = value.take().unwrap_or_default();
        match name.global {
            Some(g) => self.set_path_global(g, path, keys, value),
            None => undefined(&name.name).map(|_| ()),
        }
    }
}
