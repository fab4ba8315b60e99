//! Dict builtins (LANGUAGE.md §18 "Dicts"). `len` and `contains` live in `strings.rs`.
//!
//! `Dict` is a `BTreeMap`, so iteration is already Ruff's sorted-key order. Key arguments
//! may be strings or ints (an int means its decimal text, as in `d[1]`); any other key
//! type is an error rather than a silent miss, matching `Dict keys must be strings or
//! integers` for literals.

use std::borrow::Cow;

use super::args::{expect_count, expect_count_between, requires};
use super::Builtin;
use crate::value::Dict;
use crate::{Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "keys",
        func: keys,
    },
    Builtin {
        name: "values",
        func: values,
    },
    Builtin {
        name: "items",
        func: items,
    },
    Builtin {
        name: "has_key",
        func: has_key,
    },
    Builtin {
        name: "get",
        func: get,
    },
    Builtin {
        name: "merge",
        func: merge,
    },
];

fn dict_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a Dict> {
    match value {
        Value::Dict(map) => Ok(map),
        _ => requires(name, "a dict"),
    }
}

/// A key argument as dict key text.
fn key_arg<'a>(name: &str, value: &'a Value) -> RtResult<Cow<'a, str>> {
    match value {
        Value::Str(s) => Ok(Cow::Borrowed(s.as_str())),
        Value::Int(i) => Ok(Cow::Owned(i.to_string())),
        _ => requires(name, "a string or integer key"),
    }
}

fn keys(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("keys", args, 1)?;
    let map = dict_arg("keys", &args[0])?;
    Ok(Value::array(map.keys().map(|k| Value::str(k)).collect()))
}

fn values(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("values", args, 1)?;
    let map = dict_arg("values", &args[0])?;
    Ok(Value::array(map.values().cloned().collect()))
}

fn items(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("items", args, 1)?;
    let map = dict_arg("items", &args[0])?;
    let pairs = map
        .iter()
        .map(|(k, v)| Value::array(vec![Value::str(k), v.clone()]));
    Ok(Value::array(pairs.collect()))
}

fn has_key(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("has_key", args, 2)?;
    let map = dict_arg("has_key", &args[0])?;
    let key = key_arg("has_key", &args[1])?;
    Ok(Value::Int(i64::from(map.contains_key(&*key))))
}

fn get(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count_between("get", args, 2, 3)?;
    let map = dict_arg("get", &args[0])?;
    let key = key_arg("get", &args[1])?;
    let fallback = args.get(2).cloned().unwrap_or_default();
    Ok(map.get(&*key).cloned().unwrap_or(fallback))
}

fn merge(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("merge", args, 2)?;
    match (&args[0], &args[1]) {
        (Value::Dict(a), Value::Dict(b)) => {
            let mut out = Dict::clone(a);
            out.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
            Ok(Value::dict(out))
        }
        _ => requires("merge", "two dicts"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failure, ints, run, s, shown};
    use crate::format::debug;
    use crate::value::Dict;
    use crate::Value;

    fn dict(entries: &[(&str, Value)]) -> Value {
        let map: Dict = entries
            .iter()
            .map(|(k, v)| ((*k).into(), v.clone()))
            .collect();
        Value::dict(map)
    }

    fn sample() -> Value {
        dict(&[
            ("name", s("Bob")),
            ("10", Value::Int(1)),
            ("2", Value::Int(2)),
            ("Age", Value::Int(3)),
        ])
    }

    #[test]
    fn keys_values_items_follow_sorted_key_order() {
        assert_eq!(shown("keys", &[sample()]), "[10, 2, Age, name]");
        assert_eq!(shown("values", &[sample()]), "[1, 2, 3, Bob]");
        assert_eq!(
            shown("items", &[sample()]),
            "[[10, 1], [2, 2], [Age, 3], [name, Bob]]"
        );
        assert_eq!(shown("keys", &[dict(&[])]), "[]");
        assert_eq!(failure("keys", &[ints(&[1])]), "keys() requires a dict");
        assert_eq!(failure("items", &[]), "items expects 1 arguments, got 0");
    }

    #[test]
    fn has_key_returns_an_int_and_accepts_int_keys() {
        let yes = run("has_key", &[sample(), s("name")]).unwrap();
        assert_eq!(debug(&yes), "Int(1)");
        let no = run("has_key", &[sample(), s("nope")]).unwrap();
        assert_eq!(debug(&no), "Int(0)");
        assert_eq!(shown("has_key", &[sample(), Value::Int(10)]), "1");
        assert_eq!(
            failure("has_key", &[sample(), Value::Float(2.0)]),
            "has_key() requires a string or integer key"
        );
    }

    #[test]
    fn get_falls_back_to_null_or_the_default() {
        assert_eq!(shown("get", &[sample(), s("name")]), "Bob");
        assert_eq!(shown("get", &[sample(), Value::Int(2)]), "2");
        assert_eq!(shown("get", &[sample(), s("x")]), "null");
        assert_eq!(shown("get", &[sample(), s("x"), Value::Int(7)]), "7");
        assert_eq!(shown("get", &[sample(), s("Age"), Value::Int(7)]), "3");
        assert_eq!(
            failure("get", &[sample()]),
            "get expects 2 or 3 arguments, got 1"
        );
        assert_eq!(
            failure("get", &[Value::Null, s("a")]),
            "get() requires a dict"
        );
    }

    #[test]
    fn merge_lets_the_second_dict_win() {
        let a = dict(&[("a", Value::Int(1)), ("b", Value::Int(2))]);
        let b = dict(&[("b", Value::Int(20)), ("c", Value::Int(30))]);
        assert_eq!(
            shown("merge", &[a.clone(), b]),
            r#"{"a": 1, "b": 20, "c": 30}"#
        );
        assert_eq!(
            shown("merge", &[a.clone(), dict(&[])]),
            r#"{"a": 1, "b": 2}"#
        );
        assert_eq!(
            failure("merge", &[a, ints(&[])]),
            "merge() requires two dicts"
        );
    }
}
