//! `parse_json` and `to_json` (LANGUAGE.md §19).
//!
//! Parsing goes through `serde_json::Value`, whose parser stops at 128 levels of nesting
//! ("recursion limit exceeded"), so the recursive conversion below never goes deeper
//! than that. Ruff values themselves can be nested arbitrarily deep, so `to_json`
//! serializes with an explicit stack instead of recursion; it writes scalars with
//! serde_json so numbers and string escapes are exactly serde_json's.

use std::collections::btree_map;
use std::io::Write;
use std::rc::Rc;

use super::args::{expect_count, requires};
use super::Builtin;
use crate::format::debug;
use crate::{raise, Host, RtError, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "parse_json",
        func: parse_json,
    },
    Builtin {
        name: "to_json",
        func: to_json,
    },
];

fn parse_json(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("parse_json", args, 1)?;
    let Some(text) = args[0].as_str() else {
        return requires("parse_json", "a string");
    };
    match serde_json::from_str(text) {
        Ok(json) => Ok(from_json(json)),
        Err(e) => raise(format!("JSON parse error: {e}")),
    }
}

/// Converts parsed JSON; integers that fit an i64 stay ints, other numbers become floats.
fn from_json(json: serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            // Without serde_json's `arbitrary_precision` every number has an f64 form.
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::string(s),
        Json::Array(items) => Value::array(items.into_iter().map(from_json).collect()),
        Json::Object(map) => Value::dict(
            map.into_iter()
                .map(|(k, v)| (Rc::from(k), from_json(v)))
                .collect(),
        ),
    }
}

fn to_json(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("to_json", args, 1)?;
    let mut out = Vec::new();
    write_json(&mut out, &args[0])?;
    match String::from_utf8(out) {
        Ok(text) => Ok(Value::string(text)),
        Err(e) => Err(write_failed(e)),
    }
}

/// A container `write_json` is in the middle of, with what is left of it.
enum Open<'a> {
    Array(std::slice::Iter<'a, Value>),
    Dict(btree_map::Iter<'a, Rc<str>, Value>),
}

/// Writes `root` as compact JSON, depth-first with an explicit stack.
fn write_json(out: &mut Vec<u8>, root: &Value) -> RtResult<()> {
    // Each open container and whether an element of it has been written yet.
    let mut open: Vec<(Open, bool)> = Vec::new();
    let mut next = Some(root);
    loop {
        if let Some(value) = next.take() {
            match value {
                Value::Null => out.extend_from_slice(b"null"),
                Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                Value::Int(i) => write!(out, "{i}").map_err(write_failed)?,
                Value::Float(x) if x.is_finite() => {
                    serde_json::to_writer(&mut *out, x).map_err(write_failed)?
                }
                Value::Str(s) => write_str(out, s.as_str())?,
                Value::Array(items) => {
                    out.push(b'[');
                    open.push((Open::Array(items.iter()), false));
                }
                Value::Dict(map) => {
                    out.push(b'{');
                    open.push((Open::Dict(map.iter()), false));
                }
                other => return raise(format!("Cannot convert {} to JSON", debug(other))),
            }
        }
        let Some((container, started)) = open.last_mut() else {
            return Ok(());
        };
        let (key, value) = match container {
            Open::Array(items) => match items.next() {
                Some(value) => (None, value),
                None => {
                    out.push(b']');
                    open.pop();
                    continue;
                }
            },
            Open::Dict(entries) => match entries.next() {
                Some((key, value)) => (Some(key), value),
                None => {
                    out.push(b'}');
                    open.pop();
                    continue;
                }
            },
        };
        if *started {
            out.push(b',');
        }
        *started = true;
        if let Some(key) = key {
            write_str(out, key)?;
            out.push(b':');
        }
        next = Some(value);
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) -> RtResult<()> {
    serde_json::to_writer(out, text).map_err(write_failed)
}

/// Writing into a `Vec` cannot fail; this turns the impossible error into a Ruff error
/// rather than a panic.
fn write_failed(e: impl std::fmt::Display) -> RtError {
    RtError::Raise(format!("to_json() failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failure, ints, run, s, shown};
    use crate::format::debug;
    use crate::value::Dict;
    use crate::Value;

    fn parse(text: &str) -> Value {
        run("parse_json", &[s(text)]).unwrap()
    }

    fn json(value: Value) -> String {
        shown("to_json", &[value])
    }

    #[test]
    fn parse_maps_json_kinds_to_ruff_values() {
        let v = parse(r#"{"b": [1, 2.5, -3, true, null, "x\n\u00e9"], "a": {}}"#);
        assert_eq!(
            crate::format::display(&v),
            "{\"a\": {}, \"b\": [1, 2.5, -3, true, null, x\né]}"
        );
        assert_eq!(debug(&parse("42")), "Int(42)");
        assert_eq!(
            debug(&parse("-9223372036854775808")),
            "Int(-9223372036854775808)"
        );
        assert_eq!(
            debug(&parse("18446744073709551615")),
            "Float(18446744073709552000)"
        );
        assert_eq!(debug(&parse("1e2")), "Float(100)");
        assert_eq!(debug(&parse("2.0")), "Float(2)");
        assert_eq!(debug(&parse(r#"{"k": 1, "k": 2}"#)), "Dict{1 keys}");
    }

    #[test]
    fn parse_errors_carry_serde_json_details() {
        assert_eq!(
            failure("parse_json", &[Value::str("{\"a\":")]),
            "JSON parse error: EOF while parsing a value at line 1 column 5"
        );
        assert_eq!(
            failure("parse_json", &[Value::str("[1e400]")]),
            "JSON parse error: number out of range at line 1 column 6"
        );
        assert_eq!(
            failure("parse_json", &[Value::Int(1)]),
            "parse_json() requires a string"
        );
        assert_eq!(
            failure("parse_json", &[]),
            "parse_json expects 1 arguments, got 0"
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert!(failure("parse_json", &[Value::string(deep)])
            .starts_with("JSON parse error: recursion limit exceeded"));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(json(parse(&ok)), ok);
    }

    #[test]
    fn to_json_is_compact_sorted_and_escaped() {
        let mut map = Dict::new();
        map.insert("name".into(), Value::str("Bob"));
        map.insert("age".into(), Value::Int(25));
        assert_eq!(json(Value::dict(map)), r#"{"age":25,"name":"Bob"}"#);
        let scalars = Value::array(vec![
            Value::Float(1.0),
            Value::Float(2.5),
            Value::Float(1e23),
            Value::Int(-7),
            Value::Bool(false),
            Value::Null,
            Value::str("q\"\\\n\u{1}é"),
        ]);
        assert_eq!(
            json(scalars),
            r#"[1.0,2.5,1e+23,-7,false,null,"q\"\\\n\u0001é"]"#
        );
        assert_eq!(
            json(Value::array(vec![ints(&[]), Value::dict(Dict::new())])),
            "[[],{}]"
        );
        assert_eq!(json(Value::str("plain")), r#""plain""#);
    }

    #[test]
    fn to_json_refuses_non_json_values() {
        assert_eq!(
            failure("to_json", &[Value::Float(f64::NAN)]),
            "Cannot convert Float(NaN) to JSON"
        );
        let nested = Value::array(vec![Value::Int(1), Value::Float(f64::INFINITY)]);
        assert_eq!(
            failure("to_json", &[nested]),
            "Cannot convert Float(inf) to JSON"
        );
        let ok = Value::Ok(std::rc::Rc::new(Value::Int(1)));
        assert_eq!(
            failure("to_json", &[ok]),
            "Cannot convert Ok(Int(1)) to JSON"
        );
        assert_eq!(
            failure("to_json", &[Value::None]),
            "Cannot convert None to JSON"
        );
    }

    #[test]
    fn to_json_handles_very_deep_values_without_recursion() {
        let mut value = Value::Int(0);
        for _ in 0..100_000 {
            value = Value::array(vec![value]);
        }
        let text = json(value.clone());
        assert_eq!(text.len(), 200_001);
        assert_eq!(&text[99_998..100_003], "[[0]]");
        // Dismantle iteratively: dropping 100k nested Rc's recursively would overflow.
        while let Value::Array(items) = value {
            value = items.first().cloned().unwrap_or_default();
        }
    }
}
