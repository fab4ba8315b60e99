//! Reading and writing inside values: indexing (§13), fields (§14), spread (§11),
//! the items a `for` loop walks (§12) and `len`.

use std::rc::Rc;

use crate::format::type_name;
use crate::value::{Dict, RStr, Value};
use crate::{raise, RtResult};

/// Resolves a possibly negative index against `len`; `None` when out of range.
fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let at = if i < 0 { i.checked_add(len)? } else { i };
    (0..len).contains(&at).then_some(at as usize)
}

fn out_of_bounds<T>(i: i64) -> RtResult<T> {
    raise(format!("Index out of bounds: {i}"))
}

/// The character at `i` (negative from the end) as a one-character string.
fn char_at(s: &RStr, i: i64) -> Option<Value> {
    if s.ascii {
        let at = resolve_index(i, s.text.len())?;
        return Some(Value::str(&s.text[at..=at]));
    }
    let at = resolve_index(i, s.char_len())?;
    let c = s.text.chars().nth(at)?;
    Some(Value::string(c.to_string()))
}

/// `obj[index]` (§13 reading).
pub fn index_get(obj: &Value, index: &Value) -> RtResult<Value> {
    match (obj, index) {
        (Value::Array(items), Value::Int(i)) => match resolve_index(*i, items.len()) {
            Some(at) => Ok(items[at].clone()),
            None => out_of_bounds(*i),
        },
        (Value::Str(s), Value::Int(i)) => match char_at(s, *i) {
            Some(c) => Ok(c),
            None => out_of_bounds(*i),
        },
        (Value::Dict(map), Value::Str(key)) => match map.get(key.as_str()) {
            Some(v) => Ok(v.clone()),
            None => raise(format!("Missing map key: \"{}\"", key.as_str())),
        },
        (Value::Dict(map), Value::Int(i)) => match map.get(i.to_string().as_str()) {
            Some(v) => Ok(v.clone()),
            None => raise(format!("Missing map key: {i}")),
        },
        _ => raise("Invalid index operation"),
    }
}

/// `obj[index] := value` (§13 assigning). Arrays only replace existing elements (a
/// negative index counts from the end, as when reading); dicts insert or replace.
pub fn index_set(obj: &mut Value, index: &Value, value: Value) -> RtResult<()> {
    match (obj, index) {
        (Value::Array(items), Value::Int(i)) => match resolve_index(*i, items.len()) {
            Some(at) => {
                Rc::make_mut(items)[at] = value;
                Ok(())
            }
            None => out_of_bounds(*i),
        },
        (Value::Dict(map), Value::Str(_) | Value::Int(_)) => {
            let key = dict_key(index)?;
            Rc::make_mut(map).insert(key, value);
            Ok(())
        }
        _ => raise("Invalid index assignment"),
    }
}

/// `obj.name` read: a struct field, or a dict entry (`null` when missing).
pub fn field_get(obj: &Value, name: &str) -> RtResult<Value> {
    match obj {
        Value::Struct(s) => match s.get(name) {
            Some(v) => Ok(v.clone()),
            None => raise(format!("Field not found: {name}")),
        },
        Value::Dict(map) => Ok(map.get(name).cloned().unwrap_or(Value::Null)),
        _ => raise(format!(
            "Cannot access field or method '{name}' on non-struct value"
        )),
    }
}

/// `obj.name := value`: sets or adds a struct field.
pub fn field_set(obj: &mut Value, name: &str, value: Value) -> RtResult<()> {
    match obj {
        Value::Struct(s) => {
            Rc::make_mut(s).set(name, value);
            Ok(())
        }
        _ => raise("Cannot set field on non-struct"),
    }
}

/// The stored form of a dict key: strings as they are, ints as their decimal text.
pub fn dict_key(key: &Value) -> RtResult<Rc<str>> {
    match key {
        Value::Str(s) => Ok(Rc::from(s.as_str())),
        Value::Int(i) => Ok(Rc::from(i.to_string())),
        _ => raise("Dict keys must be strings or integers"),
    }
}

/// `...v` inside an array literal.
pub fn spread_into_array(out: &mut Vec<Value>, v: &Value) -> RtResult<()> {
    match v {
        Value::Array(items) => {
            out.extend(items.iter().cloned());
            Ok(())
        }
        _ => raise(format!("Cannot spread {} into array", type_name(v))),
    }
}

/// `...v` inside a dict literal; later entries win.
pub fn spread_into_dict(out: &mut Dict, v: &Value) -> RtResult<()> {
    match v {
        Value::Dict(map) => {
            out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
            Ok(())
        }
        _ => raise(format!("Cannot spread {} into dict", type_name(v))),
    }
}

/// What `for x in v` walks (§12), evaluated once: an array of the items, or the int `n`
/// itself (the VM counts `0..n` without building an array).
pub fn iteration_items(v: &Value) -> RtResult<Value> {
    match v {
        // Sets and stacks store their elements in `*_to_array` order already.
        Value::Array(items) | Value::Set(items) | Value::Stack(items) => {
            Ok(Value::Array(items.clone()))
        }
        Value::Queue(items) => Ok(Value::array(items.iter().cloned().collect())),
        Value::Str(s) => {
            let chars = if s.ascii {
                (0..s.text.len())
                    .map(|i| Value::str(&s.text[i..=i]))
                    .collect()
            } else {
                s.text
                    .chars()
                    .map(|c| Value::string(c.to_string()))
                    .collect()
            };
            Ok(Value::array(chars))
        }
        Value::Dict(map) => Ok(Value::array(map.keys().map(|k| Value::str(k)).collect())),
        Value::Int(n) => Ok(Value::Int(*n)),
        _ => raise(format!("Cannot iterate over {}", type_name(v))),
    }
}

/// Element count of a string (characters), array, dict, set, queue or stack.
pub fn len(v: &Value) -> RtResult<i64> {
    let n = match v {
        Value::Str(s) => s.char_len(),
        Value::Array(items) | Value::Set(items) | Value::Stack(items) => items.len(),
        Value::Dict(map) => map.len(),
        Value::Queue(items) => items.len(),
        _ => return raise("len() requires a string, array, dict, set, queue or stack"),
    };
    Ok(n as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::display;
    use crate::value::StructObj;
    use crate::RtError;
    use std::collections::VecDeque;

    fn message<T: std::fmt::Debug>(result: RtResult<T>) -> String {
        match result {
            Err(RtError::Raise(m)) => m,
            other => panic!("expected a raised error, got {other:?}"),
        }
    }

    fn ints(xs: &[i64]) -> Value {
        Value::array(xs.iter().map(|&i| Value::Int(i)).collect())
    }

    fn dict(entries: &[(&str, i64)]) -> Value {
        Value::dict(
            entries
                .iter()
                .map(|&(k, v)| (Rc::from(k), Value::Int(v)))
                .collect(),
        )
    }

    fn point() -> Value {
        Value::Struct(Rc::new(StructObj {
            name: "P".into(),
            fields: vec![("x".into(), Value::Int(1))],
        }))
    }

    fn get(obj: &Value, index: Value) -> String {
        display(&index_get(obj, &index).unwrap())
    }

    #[test]
    fn reading_arrays_and_strings_by_index() {
        let a = ints(&[10, 20, 30]);
        assert_eq!(get(&a, Value::Int(0)), "10");
        assert_eq!(get(&a, Value::Int(-1)), "30");
        assert_eq!(get(&a, Value::Int(-3)), "10");
        let s = Value::str("héllo");
        assert_eq!(get(&s, Value::Int(1)), "é");
        assert_eq!(get(&s, Value::Int(-1)), "o");
        assert_eq!(get(&Value::str("abc"), Value::Int(-2)), "b");
        for (obj, i) in [(&a, 3), (&a, -4), (&s, 5), (&s, -6), (&a, i64::MIN)] {
            assert_eq!(
                message(index_get(obj, &Value::Int(i))),
                format!("Index out of bounds: {i}")
            );
        }
        assert_eq!(
            message(index_get(&Value::str(""), &Value::Int(0))),
            "Index out of bounds: 0"
        );
    }

    #[test]
    fn reading_dicts_by_string_or_int_key() {
        let d = dict(&[("2", 22), ("k", 1)]);
        assert_eq!(get(&d, Value::Int(2)), "22");
        assert_eq!(get(&d, Value::str("k")), "1");
        assert_eq!(
            message(index_get(&d, &Value::str("x"))),
            "Missing map key: \"x\""
        );
        assert_eq!(message(index_get(&d, &Value::Int(3))), "Missing map key: 3");
    }

    #[test]
    fn invalid_index_reads() {
        let cases = [
            (ints(&[1]), Value::Float(0.0)),
            (ints(&[1]), Value::str("0")),
            (Value::str("a"), Value::Bool(true)),
            (dict(&[]), Value::Null),
            (point(), Value::Int(0)),
            (Value::Null, Value::Int(0)),
            (Value::Set(Rc::new(vec![Value::Int(1)])), Value::Int(0)),
        ];
        for (obj, index) in cases {
            assert_eq!(message(index_get(&obj, &index)), "Invalid index operation");
        }
    }

    #[test]
    fn assigning_by_index_copies_on_write() {
        let original = ints(&[1, 2, 3]);
        let mut a = original.clone();
        index_set(&mut a, &Value::Int(0), Value::Int(9)).unwrap();
        index_set(&mut a, &Value::Int(-1), Value::Int(7)).unwrap();
        assert_eq!(display(&a), "[9, 2, 7]");
        assert_eq!(display(&original), "[1, 2, 3]");
        assert_eq!(
            message(index_set(&mut a, &Value::Int(3), Value::Null)),
            "Index out of bounds: 3"
        );

        let mut d = dict(&[]);
        index_set(&mut d, &Value::Int(2), Value::str("two")).unwrap();
        index_set(&mut d, &Value::Int(10), Value::str("ten")).unwrap();
        index_set(&mut d, &Value::str("2"), Value::str("TWO")).unwrap();
        assert_eq!(display(&d), r#"{"10": ten, "2": TWO}"#);

        let cases = [
            (ints(&[1]), Value::str("0")),
            (dict(&[]), Value::Float(1.0)),
            (Value::str("abc"), Value::Int(0)),
            (point(), Value::str("x")),
            (Value::Null, Value::Int(0)),
        ];
        for (mut obj, index) in cases {
            assert_eq!(
                message(index_set(&mut obj, &index, Value::Null)),
                "Invalid index assignment"
            );
        }
    }

    #[test]
    fn fields_of_structs_and_dicts() {
        let p = point();
        assert_eq!(display(&field_get(&p, "x").unwrap()), "1");
        assert_eq!(message(field_get(&p, "y")), "Field not found: y");
        let d = dict(&[("k", 5)]);
        assert_eq!(display(&field_get(&d, "k").unwrap()), "5");
        assert!(matches!(field_get(&d, "zz"), Ok(Value::Null)));
        assert_eq!(
            message(field_get(&ints(&[1]), "len")),
            "Cannot access field or method 'len' on non-struct value"
        );

        let mut q = p.clone();
        field_set(&mut q, "x", Value::Int(5)).unwrap();
        field_set(&mut q, "y", Value::Int(6)).unwrap();
        assert_eq!(display(&q), "P { x: 5, y: 6 }");
        assert_eq!(display(&p), "P { x: 1 }");
        let mut d = d;
        assert_eq!(
            message(field_set(&mut d, "k", Value::Null)),
            "Cannot set field on non-struct"
        );
    }

    #[test]
    fn dict_keys_are_strings_or_decimal_ints() {
        assert_eq!(&*dict_key(&Value::str("a")).unwrap(), "a");
        assert_eq!(&*dict_key(&Value::Int(-12)).unwrap(), "-12");
        assert_eq!(
            message(dict_key(&Value::Float(1.0))),
            "Dict keys must be strings or integers"
        );
    }

    #[test]
    fn spreading() {
        let mut out = vec![Value::Int(0)];
        spread_into_array(&mut out, &ints(&[1, 2])).unwrap();
        assert_eq!(display(&Value::array(out.clone())), "[0, 1, 2]");
        assert_eq!(
            message(spread_into_array(&mut out, &dict(&[]))),
            "Cannot spread dict into array"
        );
        let mut map = Dict::new();
        map.insert("a".into(), Value::Int(0));
        spread_into_dict(&mut map, &dict(&[("a", 1), ("b", 2)])).unwrap();
        assert_eq!(display(&Value::dict(map.clone())), r#"{"a": 1, "b": 2}"#);
        assert_eq!(
            message(spread_into_dict(&mut map, &Value::str("s"))),
            "Cannot spread string into dict"
        );
    }

    #[test]
    fn iteration_items_per_kind() {
        let a = ints(&[1, 2]);
        match (&a, iteration_items(&a).unwrap()) {
            (Value::Array(x), Value::Array(y)) => assert!(Rc::ptr_eq(x, &y)),
            _ => panic!("array iteration must share the array"),
        }
        let shown = |v: Value| display(&iteration_items(&v).unwrap());
        assert_eq!(shown(Value::str("aé")), "[a, é]");
        assert_eq!(shown(Value::str("ab")), "[a, b]");
        assert_eq!(shown(dict(&[("b", 1), ("a", 2), ("10", 3)])), "[10, a, b]");
        assert_eq!(shown(Value::Set(Rc::new(vec![Value::Int(3)]))), "[3]");
        assert_eq!(
            shown(Value::Stack(Rc::new(vec![Value::Int(1), Value::Int(2)]))),
            "[1, 2]"
        );
        let queue = VecDeque::from(vec![Value::Int(4), Value::Int(5)]);
        assert_eq!(shown(Value::Queue(Rc::new(queue))), "[4, 5]");
        assert!(matches!(
            iteration_items(&Value::Int(-3)),
            Ok(Value::Int(-3))
        ));
        assert_eq!(
            message(iteration_items(&Value::Float(1.0))),
            "Cannot iterate over float"
        );
        assert_eq!(
            message(iteration_items(&point())),
            "Cannot iterate over struct"
        );
    }

    #[test]
    fn lengths() {
        assert_eq!(len(&Value::str("héllo")).unwrap(), 5);
        assert_eq!(len(&ints(&[1, 2])).unwrap(), 2);
        assert_eq!(len(&dict(&[("a", 1)])).unwrap(), 1);
        assert_eq!(len(&Value::Queue(Rc::new(VecDeque::new()))).unwrap(), 0);
        assert_eq!(
            message(len(&Value::Int(3))),
            "len() requires a string, array, dict, set, queue or stack"
        );
    }
}
