//! What `match` patterns and destructuring declarations test and take apart (§11, §16).

use std::rc::Rc;

use ruff_runtime::value::Dict;
use ruff_runtime::{equality, Value};

use crate::bytecode::PatternTest;

/// Whether `value` matches the pattern test.
pub(super) fn pattern_matches(test: &PatternTest, value: &Value) -> bool {
    match (test, value) {
        (PatternTest::Equal(expected), v) => equality::equal(v, expected),
        (PatternTest::Ok, Value::Ok(_))
        | (PatternTest::Err, Value::Err(_))
        | (PatternTest::Some, Value::Some(_))
        | (PatternTest::None, Value::None) => true,
        (PatternTest::Variant { enum_name, variant }, Value::Enum(e)) => {
            e.enum_name == *enum_name && e.variant == *variant
        }
        _ => false,
    }
}

/// The payload of a result, option or enum value (null when it has none).
pub(super) fn payload(value: &Value) -> Value {
    match value {
        Value::Ok(v) | Value::Err(v) | Value::Some(v) => (**v).clone(),
        Value::Enum(e) => e.payload.clone().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Whether `value` is an array of exactly `len` elements (at least `len` with a rest).
pub(super) fn array_fits(value: &Value, len: u16, rest: bool) -> bool {
    match value {
        Value::Array(items) if rest => items.len() >= len as usize,
        Value::Array(items) => items.len() == len as usize,
        _ => false,
    }
}

/// Element `index` of an array (null when absent).
pub(super) fn element(value: &Value, index: u16) -> Value {
    match value {
        Value::Array(items) => items.get(index as usize).cloned().unwrap_or_default(),
        _ => Value::Null,
    }
}

/// The elements of an array from `from` on.
pub(super) fn array_rest(value: &Value, from: u16) -> Value {
    let rest = match value {
        Value::Array(items) => items.get(from as usize..).unwrap_or(&[]).to_vec(),
        _ => Vec::new(),
    };
    Value::array(rest)
}

/// The value under `key` when `value` is a dict holding it.
pub(super) fn dict_entry(value: &Value, key: &str) -> Option<Value> {
    match value {
        Value::Dict(map) => map.get(key).cloned(),
        _ => None,
    }
}

/// A dict without the entries under `keys`.
pub(super) fn dict_rest(value: &Value, keys: &[Rc<str>]) -> Value {
    let mut rest: Dict = match value {
        Value::Dict(map) => (**map).clone(),
        _ => Default::default(),
    };
    for key in keys {
        rest.remove(key);
    }
    Value::dict(rest)
}
