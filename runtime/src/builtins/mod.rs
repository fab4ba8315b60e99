//! Every builtin function of LANGUAGE.md §18–§19, registered by name.
//!
//! Each submodule owns one family and exports a `BUILTINS` slice; the table below
//! concatenates them once. A builtin's `NativeId` is its index in that table.

use std::sync::OnceLock;

use crate::value::{NativeId, Value};
use crate::{Host, RtResult};

pub use arrays::{range_spec, RangeSpec};

mod args;
mod arrays;
mod assert;
mod collections;
mod convert;
mod dicts;
mod io;
mod json;
mod math;
mod regex;
mod strings;
#[cfg(test)]
mod testing;
mod text;
mod time;

/// A builtin's implementation. Errors are `RtError::Raise` with the exact message.
pub type BuiltinFn = fn(&mut dyn Host, &[Value]) -> RtResult<Value>;

pub struct Builtin {
    pub name: &'static str,
    pub func: BuiltinFn,
}

/// Global constants (`PI`, `E`) that live beside the builtins in the global scope.
pub const CONSTANTS: &[(&str, f64)] = &[("PI", std::f64::consts::PI), ("E", std::f64::consts::E)];

const FAMILIES: &[&[Builtin]] = &[
    io::BUILTINS,
    convert::BUILTINS,
    math::BUILTINS,
    strings::BUILTINS,
    text::BUILTINS,
    arrays::BUILTINS,
    dicts::BUILTINS,
    assert::BUILTINS,
    time::BUILTINS,
    json::BUILTINS,
    regex::BUILTINS,
    collections::BUILTINS,
];

/// All builtins in `NativeId` order.
pub fn table() -> &'static [&'static Builtin] {
    static TABLE: OnceLock<Vec<&'static Builtin>> = OnceLock::new();
    TABLE.get_or_init(|| FAMILIES.iter().flat_map(|family| family.iter()).collect())
}

/// The id of the builtin called `name`.
pub fn lookup(name: &str) -> Option<NativeId> {
    table()
        .iter()
        .position(|b| b.name == name)
        .map(|i| i as NativeId)
}

/// The name of builtin `id`.
pub fn name(id: NativeId) -> &'static str {
    table().get(id as usize).map_or("?", |b| b.name)
}

/// Calls builtin `id`.
pub fn call(id: NativeId, host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    match table().get(id as usize) {
        Some(builtin) => {
            let result = (builtin.func)(host, args)?;
            crate::heap::check()?;
            Ok(result)
        }
        None => crate::raise("Cannot call non-function: native_function"),
    }
}
