//! Length, search and character-index builtins (§18). `len`, `contains` and `index_of`
//! serve strings, arrays and dicts alike and live here once. Indices count characters;
//! ASCII strings take byte shortcuts.

use super::args::{expect_count, int_arg, requires, string_arg};
use super::Builtin;
use crate::equality::equal_strict;
use crate::value::RStr;
use crate::{ops, Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "len",
        func: len,
    },
    Builtin {
        name: "count_chars",
        func: count_chars,
    },
    Builtin {
        name: "contains",
        func: contains,
    },
    Builtin {
        name: "index_of",
        func: index_of,
    },
    Builtin {
        name: "starts_with",
        func: starts_with,
    },
    Builtin {
        name: "ends_with",
        func: ends_with,
    },
    Builtin {
        name: "is_empty",
        func: is_empty,
    },
    Builtin {
        name: "substring",
        func: substring,
    },
    Builtin {
        name: "substr",
        func: substr,
    },
    Builtin {
        name: "char_at",
        func: char_at,
    },
    Builtin {
        name: "str_reverse",
        func: str_reverse,
    },
];

/// The single string argument of `name(s)`.
pub(super) fn one_string<'a>(name: &str, args: &'a [Value]) -> RtResult<&'a RStr> {
    expect_count(name, args, 1)?;
    string_arg(name, args, 0, "a string argument")
}

/// The two string arguments of `name(s, t)`.
pub(super) fn two_strings<'a>(name: &str, args: &'a [Value]) -> RtResult<(&'a str, &'a str)> {
    expect_count(name, args, 2)?;
    let a = string_arg(name, args, 0, "string arguments")?;
    let b = string_arg(name, args, 1, "string arguments")?;
    Ok((a.as_str(), b.as_str()))
}

/// Byte offset of character `index` in `s`, or the end when past it.
fn byte_offset(s: &RStr, index: usize) -> usize {
    if s.ascii {
        return index.min(s.text.len());
    }
    s.text
        .char_indices()
        .nth(index)
        .map_or(s.text.len(), |(at, _)| at)
}

fn len(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("len", args, 1)?;
    Ok(Value::Int(ops::len(&args[0])?))
}

fn count_chars(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Int(
        one_string("count_chars", args)?.char_len() as i64
    ))
}

/// Whether `coll` holds `item`: a substring of a string, an element of an array (`==`
/// without int/float mixing), a key of a dict (int keys mean their decimal text; keys of
/// other types are never present). `name` is the builtin reporting a bad `coll`.
pub(super) fn holds(name: &str, coll: &Value, item: &Value) -> RtResult<bool> {
    match (coll, item) {
        (Value::Str(s), Value::Str(sub)) => Ok(s.as_str().contains(sub.as_str())),
        (Value::Str(_), _) => requires(name, "a string to search for in a string"),
        (Value::Array(items), _) => Ok(items.iter().any(|x| equal_strict(x, item))),
        (Value::Dict(map), Value::Str(_) | Value::Int(_)) => {
            Ok(map.contains_key(&*ops::dict_key(item)?))
        }
        (Value::Dict(_), _) => Ok(false),
        _ => requires(name, "a string, array or dict"),
    }
}

/// `contains(s, sub)` is the int `1`/`0` for strings and a bool for arrays and dicts.
fn contains(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("contains", args, 2)?;
    let found = holds("contains", &args[0], &args[1])?;
    Ok(match args[0] {
        Value::Str(_) => Value::Int(i64::from(found)),
        _ => Value::Bool(found),
    })
}

/// Character index of the first occurrence in a string, or element index in an array;
/// `-1` when absent.
fn index_of(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("index_of", args, 2)?;
    let found = match (&args[0], &args[1]) {
        (Value::Str(s), Value::Str(sub)) => s.as_str().find(sub.as_str()).map(|at| {
            if s.ascii {
                at
            } else {
                s.as_str()[..at].chars().count()
            }
        }),
        (Value::Str(_), _) => return requires("index_of", "a string to search for in a string"),
        (Value::Array(items), item) => items.iter().position(|x| equal_strict(x, item)),
        _ => return requires("index_of", "a string or array"),
    };
    Ok(Value::Int(found.map_or(-1, |at| at as i64)))
}

fn starts_with(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (s, prefix) = two_strings("starts_with", args)?;
    Ok(Value::Bool(s.starts_with(prefix)))
}

fn ends_with(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (s, suffix) = two_strings("ends_with", args)?;
    Ok(Value::Bool(s.ends_with(suffix)))
}

/// True for `""` and for empty collections (anything `len` accepts).
fn is_empty(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("is_empty", args, 1)?;
    match ops::len(&args[0]) {
        Ok(n) => Ok(Value::Bool(n == 0)),
        Err(_) => requires("is_empty", "a string or collection"),
    }
}

/// Characters `[start, end)`, both clamped to `0..len`; `""` when `start >= end`.
fn slice_chars(name: &str, args: &[Value]) -> RtResult<Value> {
    expect_count(name, args, 3)?;
    const WHAT: &str = "a string and two int indices";
    let s = string_arg(name, args, 0, WHAT)?;
    let start = int_arg(name, args, 1, WHAT)?;
    let end = int_arg(name, args, 2, WHAT)?;
    let clamp = |i: i64| usize::try_from(i.max(0)).unwrap_or(usize::MAX);
    let (start, end) = (clamp(start), clamp(end));
    if start >= end {
        return Ok(Value::str(""));
    }
    let from = byte_offset(s, start);
    let to = byte_offset(s, end);
    Ok(Value::str(&s.as_str()[from..to]))
}

fn substring(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    slice_chars("substring", args)
}

fn substr(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    slice_chars("substr", args)
}

/// The character at `i` as a string; `""` when `i` is negative or past the end.
fn char_at(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("char_at", args, 2)?;
    const WHAT: &str = "a string and an int index";
    let s = string_arg("char_at", args, 0, WHAT)?;
    let i = int_arg("char_at", args, 1, WHAT)?;
    let c = usize::try_from(i).ok().and_then(|i| {
        let from = byte_offset(s, i);
        s.as_str()[from..].chars().next()
    });
    Ok(c.map_or_else(|| Value::str(""), |c| Value::string(c.to_string())))
}

fn str_reverse(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let s = one_string("str_reverse", args)?;
    Ok(Value::string(s.as_str().chars().rev().collect()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, ints, run, s, shown};
    use super::*;
    use std::rc::Rc;

    fn yes_no(name: &str, args: &[Value]) -> bool {
        match run(name, args) {
            Ok(Value::Bool(b)) => b,
            other => panic!("{name} should return a bool, got {other:?}"),
        }
    }

    fn dict() -> Value {
        let mut map = crate::value::Dict::new();
        map.insert("a".into(), i(1));
        map.insert("2".into(), i(2));
        Value::dict(map)
    }

    #[test]
    fn lengths() {
        assert_eq!(shown("len", &[s("héllo")]), "5");
        assert_eq!(shown("len", &[ints(&[1, 2, 3])]), "3");
        assert_eq!(shown("len", &[dict()]), "2");
        assert_eq!(shown("len", &[Value::Stack(Rc::new(vec![i(1)]))]), "1");
        assert_eq!(
            failure("len", &[i(5)]),
            "len() requires a string, array, dict, set, queue or stack"
        );
        assert_eq!(failure("len", &[]), "len expects 1 arguments, got 0");
        assert_eq!(shown("count_chars", &[s("日本")]), "2");
        assert_eq!(
            failure("count_chars", &[ints(&[])]),
            "count_chars() requires a string argument"
        );
    }

    #[test]
    fn contains_per_kind() {
        assert!(matches!(
            run("contains", &[s("hello"), s("ell")]),
            Ok(Value::Int(1))
        ));
        assert!(matches!(
            run("contains", &[s("hello"), s("xyz")]),
            Ok(Value::Int(0))
        ));
        assert!(matches!(
            run("contains", &[s("hello"), s("")]),
            Ok(Value::Int(1))
        ));
        assert!(yes_no("contains", &[ints(&[1, 2]), i(2)]));
        assert!(!yes_no("contains", &[ints(&[1, 2]), f(2.0)]));
        assert!(yes_no("contains", &[dict(), s("a")]));
        assert!(yes_no("contains", &[dict(), i(2)]));
        assert!(!yes_no("contains", &[dict(), s("b")]));
        assert!(!yes_no("contains", &[dict(), f(2.0)]));
        assert_eq!(
            failure("contains", &[s("a"), i(1)]),
            "contains() requires a string to search for in a string"
        );
        assert_eq!(
            failure("contains", &[i(1), i(1)]),
            "contains() requires a string, array or dict"
        );
    }

    #[test]
    fn index_of_counts_characters() {
        assert_eq!(shown("index_of", &[s("hello"), s("l")]), "2");
        assert_eq!(shown("index_of", &[s("héllo"), s("l")]), "2");
        assert_eq!(shown("index_of", &[s("hello"), s("z")]), "-1");
        assert_eq!(shown("index_of", &[s("abc"), s("")]), "0");
        assert_eq!(shown("index_of", &[ints(&[5, 6, 6]), i(6)]), "1");
        assert_eq!(shown("index_of", &[ints(&[5]), f(5.0)]), "-1");
        assert_eq!(
            failure("index_of", &[dict(), s("a")]),
            "index_of() requires a string or array"
        );
    }

    #[test]
    fn prefixes_and_emptiness() {
        assert!(yes_no("starts_with", &[s("hello"), s("he")]));
        assert!(!yes_no("starts_with", &[s("hello"), s("lo")]));
        assert!(yes_no("ends_with", &[s("hello"), s("lo")]));
        assert_eq!(
            failure("ends_with", &[s("a"), i(1)]),
            "ends_with() requires string arguments"
        );
        assert!(yes_no("is_empty", &[s("")]));
        assert!(!yes_no("is_empty", &[s(" ")]));
        assert!(yes_no("is_empty", &[ints(&[])]));
        assert!(!yes_no("is_empty", &[dict()]));
        assert_eq!(
            failure("is_empty", &[Value::Null]),
            "is_empty() requires a string or collection"
        );
    }

    #[test]
    fn substrings_clamp_their_bounds() {
        let cases = [
            ("hello", 1, 3, "el"),
            ("hello", -5, 2, "he"),
            ("hello", 3, 100, "lo"),
            ("hello", 3, 3, ""),
            ("hello", 4, 1, ""),
            ("héllo", 1, 4, "éll"),
            ("héllo", 4, i64::MAX, "o"),
            ("", 0, 5, ""),
        ];
        for (text, a, b, want) in cases {
            assert_eq!(shown("substring", &[s(text), i(a), i(b)]), want);
            assert_eq!(shown("substr", &[s(text), i(a), i(b)]), want);
        }
        assert_eq!(
            failure("substring", &[s("abc"), f(1.0), i(2)]),
            "substring() requires a string and two int indices"
        );
        assert_eq!(
            failure("substr", &[s("abc"), i(1)]),
            "substr expects 3 arguments, got 2"
        );
    }

    #[test]
    fn char_at_and_reverse() {
        assert_eq!(shown("char_at", &[s("héllo"), i(1)]), "é");
        assert_eq!(shown("char_at", &[s("abc"), i(2)]), "c");
        assert_eq!(shown("char_at", &[s("abc"), i(3)]), "");
        assert_eq!(shown("char_at", &[s("abc"), i(-1)]), "");
        assert_eq!(
            failure("char_at", &[s("abc"), s("1")]),
            "char_at() requires a string and an int index"
        );
        assert_eq!(shown("str_reverse", &[s("héllo")]), "olléh");
        assert_eq!(shown("str_reverse", &[s("")]), "");
    }
}
