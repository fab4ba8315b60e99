//! Text forms of values (LANGUAGE.md §8): the display form used by `print`, `to_string`
//! and interpolation, the debug form used in messages, and the type words.

use std::fmt::Write;

use crate::value::{Dict, StructObj, Value};

/// Display form of a value, as `print` writes it.
pub fn display(value: &Value) -> String {
    let mut out = String::new();
    write_display(&mut out, value);
    out
}

/// A float as Ruff prints it: shortest round-trip digits, never an exponent, no `.0`.
pub fn format_float(x: f64) -> String {
    format!("{x}")
}

/// Appends the display form of `value` to `out`.
pub fn write_display(out: &mut String, value: &Value) {
    match value {
        Value::Null | Value::Undef => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Str(s) => out.push_str(s.as_str()),
        Value::Array(items) => write_seq(out, "", items.iter()),
        Value::Dict(map) => write_dict(out, map),
        Value::Struct(obj) => write_struct(out, obj),
        Value::Func(_) => out.push_str("<unknown>"),
        Value::Native(id) => {
            let _ = write!(out, "<native function: {}>", crate::builtins::name(*id));
        }
        Value::Ok(inner) => write_wrapped(out, "Ok", inner),
        Value::Err(inner) => write_wrapped(out, "Err", inner),
        Value::Some(inner) => write_wrapped(out, "Some", inner),
        Value::None => out.push_str("None"),
        Value::Enum(e) => {
            let _ = write!(out, "{}::{}", e.enum_name, e.variant);
            if let Some(payload) = &e.payload {
                write_wrapped(out, "", payload);
            }
        }
        Value::Set(items) => write_seq(out, "Set(", items.iter()),
        Value::Queue(items) => write_seq(out, "Queue(", items.iter()),
        Value::Stack(items) => write_seq(out, "Stack(", items.iter()),
        Value::Cell(cell) => write_display(out, &cell.borrow()),
    }
}

fn write_wrapped(out: &mut String, name: &str, inner: &Value) {
    out.push_str(name);
    out.push('(');
    write_display(out, inner);
    out.push(')');
}

/// `[a, b]`, or `Set([a, b])` when `prefix` opens a wrapper.
fn write_seq<'a>(out: &mut String, prefix: &str, items: impl Iterator<Item = &'a Value>) {
    out.push_str(prefix);
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_display(out, item);
    }
    out.push(']');
    if !prefix.is_empty() {
        out.push(')');
    }
}

fn write_dict(out: &mut String, map: &Dict) {
    out.push('{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(key);
        out.push_str("\": ");
        write_display(out, value);
    }
    out.push('}');
}

fn write_struct(out: &mut String, obj: &StructObj) {
    out.push_str(&obj.name);
    out.push_str(" { ");
    for (i, (name, value)) in sorted_fields(obj).into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push_str(": ");
        write_display(out, value);
    }
    out.push_str(" }");
}

fn sorted_fields(obj: &StructObj) -> Vec<(&str, &Value)> {
    let mut fields: Vec<(&str, &Value)> = obj.fields.iter().map(|(n, v)| (&**n, v)).collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    fields
}

/// Debug form of a value, as error messages quote operands.
pub fn debug(value: &Value) -> String {
    let mut out = String::new();
    write_debug(&mut out, value);
    out
}

fn write_debug(out: &mut String, value: &Value) {
    match value {
        Value::Null | Value::Undef => out.push_str("Null"),
        Value::Bool(b) => {
            let _ = write!(out, "Bool({b})");
        }
        Value::Int(i) => {
            let _ = write!(out, "Int({i})");
        }
        Value::Float(x) => {
            let _ = write!(out, "Float({x})");
        }
        Value::Str(s) => {
            out.push_str("Str(\"");
            for c in s.as_str().chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
            out.push_str("\")");
        }
        Value::Array(items) => {
            let _ = write!(out, "Array[{}]", items.len());
        }
        Value::Dict(map) => {
            let _ = write!(out, "Dict{{{} keys}}", map.len());
        }
        Value::Struct(obj) => {
            let _ = write!(out, "Struct {{ name: \"{}\", fields: {{", obj.name);
            for (i, (name, value)) in sorted_fields(obj).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "\"{name}\": ");
                write_debug(out, value);
            }
            out.push_str("} }");
        }
        Value::Func(f) => {
            let _ = write!(out, "Function({})", f.name);
        }
        Value::Native(id) => {
            let _ = write!(out, "NativeFunction({})", crate::builtins::name(*id));
        }
        Value::Ok(inner) => write_debug_wrapped(out, "Ok", inner),
        Value::Err(inner) => write_debug_wrapped(out, "Err", inner),
        Value::Some(inner) => write_debug_wrapped(out, "Some", inner),
        Value::None => out.push_str("None"),
        Value::Enum(e) => {
            let _ = write!(out, "{}::{}", e.enum_name, e.variant);
            if let Some(payload) = &e.payload {
                write_debug_wrapped(out, "", payload);
            }
        }
        Value::Set(items) => {
            let _ = write!(out, "Set{{{} items}}", items.len());
        }
        Value::Queue(items) => {
            let _ = write!(out, "Queue({} items)", items.len());
        }
        Value::Stack(items) => {
            let _ = write!(out, "Stack({} items)", items.len());
        }
        Value::Cell(cell) => write_debug(out, &cell.borrow()),
    }
}

fn write_debug_wrapped(out: &mut String, name: &str, inner: &Value) {
    out.push_str(name);
    out.push('(');
    write_debug(out, inner);
    out.push(')');
}

/// The word `type(v)` returns (§4).
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null | Value::Undef => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "string",
        Value::Array(_) => "array",
        Value::Dict(_) => "dict",
        Value::Struct(_) => "struct",
        Value::Func(_) | Value::Native(_) => "function",
        Value::Ok(_) | Value::Err(_) => "result",
        Value::Some(_) | Value::None => "option",
        Value::Enum(_) => "enum",
        Value::Set(_) => "set",
        Value::Queue(_) => "queue",
        Value::Stack(_) => "stack",
        Value::Cell(cell) => type_name(&cell.borrow()),
    }
}

/// The word operator errors use for an operand (§6): `native_function` for builtins and
/// `value` for functions, results, options, enums and library collections.
pub fn operand_word(value: &Value) -> &'static str {
    match value {
        Value::Null | Value::Undef => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "string",
        Value::Array(_) => "array",
        Value::Dict(_) => "dict",
        Value::Struct(_) => "struct",
        Value::Native(_) => "native_function",
        _ => "value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::EnumObj;
    use std::rc::Rc;

    #[test]
    fn floats_print_without_exponent_or_trailing_zero() {
        assert_eq!(display(&Value::Float(1.0)), "1");
        assert_eq!(display(&Value::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(display(&Value::Float(1.0 / 3.0)), "0.3333333333333333");
        assert_eq!(
            display(&Value::Float(0.000001 / 1000000.0)),
            "0.000000000001"
        );
        assert_eq!(display(&Value::Float(1e21)), "1000000000000000000000");
        assert_eq!(display(&Value::Float(-0.0)), "-0");
        assert_eq!(display(&Value::Float(f64::INFINITY)), "inf");
        assert_eq!(display(&Value::Float(f64::NEG_INFINITY)), "-inf");
        assert_eq!(display(&Value::Float(f64::NAN)), "NaN");
    }

    #[test]
    fn collections_and_structs_display_sorted() {
        let mut map = Dict::new();
        map.insert(
            "tags".into(),
            Value::array(vec![Value::str("x"), Value::str("y")]),
        );
        map.insert("name".into(), Value::str("Ann"));
        map.insert("score".into(), Value::Float(1.0));
        assert_eq!(
            display(&Value::dict(map)),
            r#"{"name": Ann, "score": 1, "tags": [x, y]}"#
        );
        let obj = StructObj {
            name: "P".into(),
            fields: vec![("y".into(), Value::Int(2)), ("x".into(), Value::Int(1))],
        };
        assert_eq!(
            display(&Value::Struct(Rc::new(obj.clone()))),
            "P { x: 1, y: 2 }"
        );
        assert_eq!(
            debug(&Value::Struct(Rc::new(obj))),
            r#"Struct { name: "P", fields: {"x": Int(1), "y": Int(2)} }"#
        );
        let empty = StructObj {
            name: "E".into(),
            fields: vec![],
        };
        assert_eq!(display(&Value::Struct(Rc::new(empty))), "E {  }");
    }

    #[test]
    fn wrappers_and_enums_display_and_debug() {
        let circle = Value::Enum(Rc::new(EnumObj {
            enum_name: "Shape".into(),
            variant: "Circle".into(),
            payload: Some(Value::Float(2.5)),
        }));
        assert_eq!(display(&circle), "Shape::Circle(2.5)");
        assert_eq!(debug(&circle), "Shape::Circle(Float(2.5))");
        let ok = Value::Ok(Rc::new(Value::Int(1)));
        assert_eq!(display(&ok), "Ok(1)");
        assert_eq!(debug(&ok), "Ok(Int(1))");
        assert_eq!(debug(&Value::str("a\"b\n")), r#"Str("a\"b\n")"#);
        assert_eq!(debug(&Value::array(vec![Value::Null; 3])), "Array[3]");
        assert_eq!(
            display(&Value::Set(Rc::new(vec![Value::Int(1)]))),
            "Set([1])"
        );
    }

    #[test]
    fn operand_words_follow_the_operator_table() {
        assert_eq!(operand_word(&Value::Ok(Rc::new(Value::Int(1)))), "value");
        assert_eq!(operand_word(&Value::dict(Dict::new())), "dict");
        assert_eq!(type_name(&Value::None), "option");
    }
}
