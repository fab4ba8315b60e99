//! Conversion and introspection builtins (§18): text forms, type words, number parsing,
//! the `is_*` predicates and `format`.

use super::args::{expect_count, requires, string_arg};
use super::Builtin;
use crate::equality::truthy;
use crate::format::{display, format_float, type_name, write_display};
use crate::{raise, Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "to_string",
        func: to_string,
    },
    Builtin {
        name: "str",
        func: str,
    },
    Builtin {
        name: "type",
        func: type_,
    },
    Builtin {
        name: "type_of",
        func: type_of,
    },
    Builtin {
        name: "to_int",
        func: to_int,
    },
    Builtin {
        name: "to_float",
        func: to_float,
    },
    Builtin {
        name: "to_bool",
        func: to_bool,
    },
    Builtin {
        name: "parse_int",
        func: parse_int,
    },
    Builtin {
        name: "parse_float",
        func: parse_float,
    },
    Builtin {
        name: "is_int",
        func: is_int,
    },
    Builtin {
        name: "is_float",
        func: is_float,
    },
    Builtin {
        name: "is_string",
        func: is_string,
    },
    Builtin {
        name: "is_array",
        func: is_array,
    },
    Builtin {
        name: "is_dict",
        func: is_dict,
    },
    Builtin {
        name: "is_bool",
        func: is_bool,
    },
    Builtin {
        name: "is_null",
        func: is_null,
    },
    Builtin {
        name: "is_function",
        func: is_function,
    },
    Builtin {
        name: "format",
        func: format,
    },
];

/// The single argument of a one-argument builtin.
fn only<'a>(name: &str, args: &'a [Value]) -> RtResult<&'a Value> {
    expect_count(name, args, 1)?;
    Ok(&args[0])
}

fn to_string(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(display(only("to_string", args)?)))
}

fn str(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(display(only("str", args)?)))
}

fn type_(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::str(type_name(only("type", args)?)))
}

fn type_of(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::str(type_name(only("type_of", args)?)))
}

/// `x` truncated toward zero, when that fits in an i64.
fn float_to_int(x: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    let t = x.trunc();
    (-LIMIT..LIMIT).contains(&t).then_some(t as i64)
}

/// `to_int(v)`. A float that is not finite or does not fit in an int fails with
/// `Cannot convert <its text> to int`.
fn to_int(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    match only("to_int", args)? {
        Value::Int(n) => Ok(Value::Int(*n)),
        Value::Float(x) => match float_to_int(*x) {
            Some(n) => Ok(Value::Int(n)),
            None => raise(format!("Cannot convert {} to int", format_float(*x))),
        },
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Str(s) => match s.as_str().trim().parse::<i64>() {
            Ok(n) => Ok(Value::Int(n)),
            Err(_) => raise(format!("Cannot convert '{}' to int", s.as_str())),
        },
        other => raise(format!("Cannot convert {} to int", type_name(other))),
    }
}

/// Parses trimmed decimal float text (sign, fraction and exponent allowed). Words Rust
/// would accept, such as `inf` or `NaN`, are not numeric text in Ruff.
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'));
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    if numeric && has_digit {
        text.parse().ok()
    } else {
        None
    }
}

fn to_float(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    match only("to_float", args)? {
        Value::Int(n) => Ok(Value::Float(*n as f64)),
        Value::Float(x) => Ok(Value::Float(*x)),
        Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
        Value::Str(s) => match parse_number(s.as_str()) {
            Some(x) => Ok(Value::Float(x)),
            None => raise(format!("Cannot convert '{}' to float", s.as_str())),
        },
        other => raise(format!("Cannot convert {} to float", type_name(other))),
    }
}

/// Truthiness, except that the strings `""`, `"false"` and `"0"` (any case) are false.
fn to_bool(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let b = match only("to_bool", args)? {
        Value::Str(s) => {
            let text = s.as_str();
            !(text.is_empty() || text == "0" || text.eq_ignore_ascii_case("false"))
        }
        other => truthy(other),
    };
    Ok(Value::Bool(b))
}

/// The string argument of `parse_int`/`parse_float`; the spec words this one message
/// without parentheses.
fn parse_arg<'a>(name: &str, args: &'a [Value]) -> RtResult<&'a str> {
    match only(name, args)? {
        Value::Str(s) => Ok(s.as_str()),
        _ => raise(format!("{name} requires a string argument")),
    }
}

fn parse_int(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let text = parse_arg("parse_int", args)?;
    match text.trim().parse::<i64>() {
        Ok(n) => Ok(Value::Int(n)),
        Err(_) => raise(format!("Cannot parse '{text}' as integer")),
    }
}

fn parse_float(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let text = parse_arg("parse_float", args)?;
    match parse_number(text) {
        Some(x) => Ok(Value::Float(x)),
        None => raise(format!("Cannot parse '{text}' as float")),
    }
}

fn is_int(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(only("is_int", args)?, Value::Int(_))))
}

fn is_float(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(
        only("is_float", args)?,
        Value::Float(_)
    )))
}

fn is_string(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(
        only("is_string", args)?,
        Value::Str(_)
    )))
}

fn is_array(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(
        only("is_array", args)?,
        Value::Array(_)
    )))
}

fn is_dict(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(
        only("is_dict", args)?,
        Value::Dict(_)
    )))
}

fn is_bool(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(
        only("is_bool", args)?,
        Value::Bool(_)
    )))
}

fn is_null(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::Bool(matches!(only("is_null", args)?, Value::Null)))
}

fn is_function(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let v = only("is_function", args)?;
    Ok(Value::Bool(matches!(v, Value::Func(_) | Value::Native(_))))
}

/// `format(template, v…)` fills placeholders left to right: `%s` any value's text, `%d`
/// a number as an integer (floats truncated toward zero), `%f` a number as float text,
/// `%%` a literal `%`.
///
/// Decisions the spec leaves open: a placeholder with no argument left, an unknown
/// `%x` and a trailing lone `%` are copied literally; extra arguments are ignored; `%d`
/// or `%f` given a non-number raises `format() requires a number for %d, got <type>`.
fn format(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let template = string_arg("format", args, 0, "a string template")?;
    let mut values = args[1..].iter();
    let mut out = String::with_capacity(template.text.len());
    let mut chars = template.as_str().chars().peekable();
    while let Some(c) = chars.next() {
        let spec = match (c, chars.peek()) {
            ('%', Some(&spec @ ('s' | 'd' | 'f' | '%'))) => spec,
            _ => {
                out.push(c);
                continue;
            }
        };
        chars.next();
        if spec == '%' {
            out.push('%');
            continue;
        }
        let Some(value) = values.next() else {
            out.push('%');
            out.push(spec);
            continue;
        };
        match (spec, value) {
            ('s', v) => write_display(&mut out, v),
            ('d', Value::Int(n)) => out.push_str(&n.to_string()),
            // `+ 0.0` turns a truncated `-0` into `0`.
            ('d', Value::Float(x)) => out.push_str(&format_float(x.trunc() + 0.0)),
            ('f', Value::Int(n)) => out.push_str(&format_float(*n as f64)),
            ('f', Value::Float(x)) => out.push_str(&format_float(*x)),
            (spec, v) => {
                let what = format!("a number for %{spec}, got {}", type_name(v));
                return requires("format", &what);
            }
        }
    }
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, ints, run, s, shown};
    use super::*;
    use std::rc::Rc;

    #[test]
    fn text_forms_and_type_words() {
        assert_eq!(shown("to_string", &[f(1.0)]), "1");
        assert_eq!(shown("str", &[ints(&[1, 2])]), "[1, 2]");
        assert_eq!(shown("type", &[Value::None]), "option");
        assert_eq!(shown("type_of", &[Value::Native(0)]), "function");
        assert_eq!(shown("type", &[s("x")]), "string");
        assert_eq!(failure("str", &[]), "str expects 1 arguments, got 0");
    }

    #[test]
    fn to_int_conversions() {
        let ok = [
            (f(2.9), "2"),
            (f(-2.9), "-2"),
            (s(" 42 "), "42"),
            (s("-7"), "-7"),
            (s("+7"), "7"),
            (Value::Bool(true), "1"),
            (i(5), "5"),
            (f(i64::MIN as f64), "-9223372036854775808"),
        ];
        for (v, want) in ok {
            assert_eq!(shown("to_int", &[v]), want);
        }
        assert_eq!(
            failure("to_int", &[s("abc")]),
            "Cannot convert 'abc' to int"
        );
        assert_eq!(
            failure("to_int", &[s("1.5")]),
            "Cannot convert '1.5' to int"
        );
        assert_eq!(
            failure("to_int", &[Value::Null]),
            "Cannot convert null to int"
        );
        assert_eq!(
            failure("to_int", &[ints(&[])]),
            "Cannot convert array to int"
        );
        assert_eq!(
            failure("to_int", &[f(f64::NAN)]),
            "Cannot convert NaN to int"
        );
        assert_eq!(
            failure("to_int", &[f(1e19)]),
            "Cannot convert 10000000000000000000 to int"
        );
    }

    #[test]
    fn to_float_and_to_bool() {
        for (v, want) in [
            (i(3), "3"),
            (s(" 2.5 "), "2.5"),
            (s("1e3"), "1000"),
            (Value::Bool(false), "0"),
        ] {
            assert_eq!(shown("to_float", &[v]), want);
        }
        assert!(matches!(run("to_float", &[i(3)]), Ok(Value::Float(_))));
        assert_eq!(
            failure("to_float", &[s("inf")]),
            "Cannot convert 'inf' to float"
        );
        assert_eq!(
            failure("to_float", &[s("x1")]),
            "Cannot convert 'x1' to float"
        );
        assert_eq!(
            failure("to_float", &[Value::None]),
            "Cannot convert option to float"
        );
        let cases = [
            (s(""), false),
            (s("FaLsE"), false),
            (s("0"), false),
            (s("no"), true),
            (s(" 0"), true),
            (i(0), false),
            (ints(&[]), false),
            (Value::None, true),
        ];
        for (v, want) in cases {
            assert!(matches!(run("to_bool", &[v]), Ok(Value::Bool(b)) if b == want));
        }
    }

    #[test]
    fn parsing() {
        assert_eq!(shown("parse_int", &[s(" -12 ")]), "-12");
        assert_eq!(shown("parse_float", &[s("1e3")]), "1000");
        assert_eq!(shown("parse_float", &[s("-0.25")]), "-0.25");
        assert_eq!(
            failure("parse_int", &[i(1)]),
            "parse_int requires a string argument"
        );
        assert_eq!(
            failure("parse_float", &[f(1.0)]),
            "parse_float requires a string argument"
        );
        assert_eq!(
            failure("parse_int", &[s("1.0")]),
            "Cannot parse '1.0' as integer"
        );
        assert_eq!(
            failure("parse_int", &[s("99999999999999999999")]),
            "Cannot parse '99999999999999999999' as integer"
        );
        assert_eq!(
            failure("parse_float", &[s("abc")]),
            "Cannot parse 'abc' as float"
        );
        assert_eq!(failure("parse_float", &[s("")]), "Cannot parse '' as float");
    }

    #[test]
    fn predicates() {
        let func = Value::Func(Rc::new(crate::value::FuncObj {
            proto: 0,
            name: "f".into(),
            captures: Box::new([]),
        }));
        let cases = [
            ("is_int", i(1), true),
            ("is_int", f(1.0), false),
            ("is_float", f(1.0), true),
            ("is_string", s(""), true),
            ("is_array", ints(&[]), true),
            ("is_array", Value::Set(Rc::new(vec![])), false),
            ("is_dict", Value::dict(Default::default()), true),
            ("is_bool", Value::Bool(false), true),
            ("is_null", Value::Null, true),
            ("is_null", Value::None, false),
            ("is_function", Value::Native(3), true),
            ("is_function", func, true),
            ("is_function", s("print"), false),
        ];
        for (name, v, want) in cases {
            assert!(
                matches!(run(name, &[v]), Ok(Value::Bool(b)) if b == want),
                "{name}"
            );
        }
    }

    #[test]
    fn format_fills_placeholders() {
        let args = [s("%s has %d items (%f), 100%%"), s("cart"), f(3.9), i(2)];
        assert_eq!(shown("format", &args), "cart has 3 items (2), 100%");
        assert_eq!(shown("format", &[s("%d|%d"), f(-0.5), i(-4)]), "0|-4");
        assert_eq!(shown("format", &[s("%f"), f(2.5)]), "2.5");
        assert_eq!(shown("format", &[s("%s and %s"), ints(&[1])]), "[1] and %s");
        assert_eq!(shown("format", &[s("%x %"), i(1)]), "%x %");
        assert_eq!(shown("format", &[s("é%s"), s("ü"), s("extra")]), "éü");
        assert_eq!(
            failure("format", &[s("%d"), s("7")]),
            "format() requires a number for %d, got string"
        );
        assert_eq!(
            failure("format", &[]),
            "format() requires a string template"
        );
        assert_eq!(
            failure("format", &[i(1)]),
            "format() requires a string template"
        );
    }
}
