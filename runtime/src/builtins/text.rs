//! String-building builtins (§18): case, trimming, replacing, splitting, joining,
//! repeating and padding. Results that could grow without bound are capped so a
//! program cannot make the process abort on allocation.

use super::args::{check_size, expect_count, int_arg, requires, string_arg};
use super::strings::one_string;
use super::Builtin;
use crate::format::write_display;
use crate::{Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "to_upper",
        func: to_upper,
    },
    Builtin {
        name: "upper",
        func: upper,
    },
    Builtin {
        name: "to_lower",
        func: to_lower,
    },
    Builtin {
        name: "lower",
        func: lower,
    },
    Builtin {
        name: "capitalize",
        func: capitalize,
    },
    Builtin {
        name: "trim",
        func: trim,
    },
    Builtin {
        name: "trim_start",
        func: trim_start,
    },
    Builtin {
        name: "trim_end",
        func: trim_end,
    },
    Builtin {
        name: "replace",
        func: replace,
    },
    Builtin {
        name: "split",
        func: split,
    },
    Builtin {
        name: "lines",
        func: lines,
    },
    Builtin {
        name: "words",
        func: words,
    },
    Builtin {
        name: "join",
        func: join,
    },
    Builtin {
        name: "repeat",
        func: repeat,
    },
    Builtin {
        name: "pad_left",
        func: pad_left,
    },
    Builtin {
        name: "pad_start",
        func: pad_start,
    },
    Builtin {
        name: "pad_right",
        func: pad_right,
    },
    Builtin {
        name: "pad_end",
        func: pad_end,
    },
];

fn to_upper(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(
        one_string("to_upper", args)?.as_str().to_uppercase(),
    ))
}

fn upper(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(
        one_string("upper", args)?.as_str().to_uppercase(),
    ))
}

fn to_lower(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(
        one_string("to_lower", args)?.as_str().to_lowercase(),
    ))
}

fn lower(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::string(
        one_string("lower", args)?.as_str().to_lowercase(),
    ))
}

/// First character upper case, the rest lower case.
fn capitalize(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let text = one_string("capitalize", args)?.as_str();
    let mut chars = text.chars();
    let mut out = String::with_capacity(text.len());
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(&chars.as_str().to_lowercase());
    }
    Ok(Value::string(out))
}

fn trim(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::str(one_string("trim", args)?.as_str().trim()))
}

fn trim_start(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::str(
        one_string("trim_start", args)?.as_str().trim_start(),
    ))
}

fn trim_end(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(Value::str(
        one_string("trim_end", args)?.as_str().trim_end(),
    ))
}

/// Replaces every occurrence. An empty `old` matches between all characters and at both
/// ends (`replace("ab", "", "-")` → `-a-b-`).
fn replace(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("replace", args, 3)?;
    const WHAT: &str = "string arguments";
    let text = string_arg("replace", args, 0, WHAT)?;
    let old = string_arg("replace", args, 1, WHAT)?.as_str();
    let new = string_arg("replace", args, 2, WHAT)?.as_str();
    let hits = if old.is_empty() {
        text.char_len() + 1
    } else {
        text.as_str().matches(old).count()
    };
    let added = hits.checked_mul(new.len());
    let bytes = added.and_then(|n| n.checked_add(text.text.len()));
    check_size("replace", bytes)?;
    Ok(Value::string(text.as_str().replace(old, new)))
}

fn strings(pieces: impl Iterator<Item = impl AsRef<str>>) -> Value {
    Value::array(pieces.map(|p| Value::str(p.as_ref())).collect())
}

/// Keeps empty pieces; an empty separator splits between characters and yields empty
/// pieces at both ends (`split("abc", "")` → `["", "a", "b", "c", ""]`).
fn split(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("split", args, 2)?;
    let text = string_arg("split", args, 0, "string arguments")?.as_str();
    let sep = string_arg("split", args, 1, "string arguments")?.as_str();
    Ok(strings(text.split(sep)))
}

/// Splits at `\n` or `\r\n`; a final line break does not start an empty line.
fn lines(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(strings(one_string("lines", args)?.as_str().lines()))
}

fn words(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    Ok(strings(
        one_string("words", args)?.as_str().split_whitespace(),
    ))
}

/// `join(arr, sep)`: the items' text forms joined by `sep`.
fn join(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("join", args, 2)?;
    let (Value::Array(items), Value::Str(sep)) = (&args[0], &args[1]) else {
        return requires("join", "an array and a string separator");
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep.as_str());
        }
        write_display(&mut out, item);
    }
    Ok(Value::string(out))
}

/// `repeat(s, n)`: `""` when `n <= 0`.
fn repeat(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("repeat", args, 2)?;
    const WHAT: &str = "a string and an int count";
    let text = string_arg("repeat", args, 0, WHAT)?.as_str();
    let n = int_arg("repeat", args, 1, WHAT)?;
    let n = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
    check_size("repeat", text.len().checked_mul(n))?;
    Ok(Value::string(text.repeat(n)))
}

/// Pads `s` to `width` characters with the first character of `ch`, on the left or the
/// right. Wider strings, and an empty `ch`, leave `s` unchanged.
fn pad(name: &str, args: &[Value], left: bool) -> RtResult<Value> {
    expect_count(name, args, 3)?;
    const WHAT: &str = "a string, an int width and a string";
    let text = string_arg(name, args, 0, WHAT)?;
    let width = int_arg(name, args, 1, WHAT)?;
    let fill = string_arg(name, args, 2, WHAT)?.as_str().chars().next();
    let missing = usize::try_from(width)
        .unwrap_or(0)
        .saturating_sub(text.char_len());
    let Some(fill) = fill.filter(|_| missing > 0) else {
        return Ok(args[0].clone());
    };
    let padding = missing.checked_mul(fill.len_utf8());
    check_size(name, padding.and_then(|n| n.checked_add(text.text.len())))?;
    let padding: String = std::iter::repeat_n(fill, missing).collect();
    let out = if left {
        padding + text.as_str()
    } else {
        text.as_str().to_owned() + &padding
    };
    Ok(Value::string(out))
}

fn pad_left(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    pad("pad_left", args, true)
}

fn pad_start(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    pad("pad_start", args, true)
}

fn pad_right(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    pad("pad_right", args, false)
}

fn pad_end(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    pad("pad_end", args, false)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, ints, run, s, shown};
    use super::*;

    #[test]
    fn case_and_trimming() {
        let cases = [
            ("to_upper", "héllo", "HÉLLO"),
            ("upper", "straße", "STRASSE"),
            ("to_lower", "HeLLo", "hello"),
            ("lower", "ÀB", "àb"),
            ("capitalize", "hELLO wORLD", "Hello world"),
            ("capitalize", "élan", "Élan"),
            ("capitalize", "", ""),
            ("trim", " \t x y \n", "x y"),
            ("trim_start", "  x  ", "x  "),
            ("trim_end", "  x  ", "  x"),
        ];
        for (name, input, want) in cases {
            assert_eq!(shown(name, &[s(input)]), want, "{name}");
        }
        assert_eq!(
            failure("upper", &[i(1)]),
            "upper() requires a string argument"
        );
        assert_eq!(
            failure("trim", &[s("a"), s("b")]),
            "trim expects 1 arguments, got 2"
        );
    }

    #[test]
    fn replacing() {
        assert_eq!(shown("replace", &[s("a-b-c"), s("-"), s("+")]), "a+b+c");
        assert_eq!(shown("replace", &[s("aaa"), s("aa"), s("b")]), "ba");
        assert_eq!(shown("replace", &[s("ab"), s(""), s("-")]), "-a-b-");
        assert_eq!(shown("replace", &[s("héé"), s("é"), s("")]), "h");
        assert_eq!(
            failure("replace", &[s("a"), i(1), s("b")]),
            "replace() requires string arguments"
        );
        let big = Value::string("x".repeat(1 << 16));
        let huge = Value::string("y".repeat(1 << 15));
        assert_eq!(
            failure("replace", &[big, s("x"), huge]),
            "replace() result too large"
        );
    }

    #[test]
    fn splitting_and_joining() {
        assert_eq!(shown("split", &[s("a,b,,c"), s(",")]), "[a, b, , c]");
        assert_eq!(shown("split", &[s("abc"), s("")]), "[, a, b, c, ]");
        let pieces = run("split", &[s(""), s(",")]).unwrap();
        assert_eq!(crate::ops::len(&pieces).unwrap(), 1);
        assert_eq!(shown("lines", &[s("a\r\nb\n\nc\n")]), "[a, b, , c]");
        assert_eq!(
            shown("words", &[s("  one  two\tthree\n")]),
            "[one, two, three]"
        );
        assert_eq!(shown("words", &[s("   ")]), "[]");
        let mixed = Value::array(vec![i(1), s("a"), f(2.5), Value::Null]);
        assert_eq!(shown("join", &[mixed, s(", ")]), "1, a, 2.5, null");
        assert_eq!(shown("join", &[ints(&[]), s("-")]), "");
        assert_eq!(
            failure("join", &[s("ab"), s("")]),
            "join() requires an array and a string separator"
        );
        assert_eq!(
            failure("split", &[s("ab")]),
            "split expects 2 arguments, got 1"
        );
    }

    #[test]
    fn repeating_is_capped() {
        assert_eq!(shown("repeat", &[s("ab"), i(3)]), "ababab");
        assert_eq!(shown("repeat", &[s("ab"), i(0)]), "");
        assert_eq!(shown("repeat", &[s("ab"), i(-4)]), "");
        assert_eq!(shown("repeat", &[s(""), i(i64::MAX)]), "");
        assert_eq!(
            failure("repeat", &[s("ab"), i(i64::MAX)]),
            "repeat() result too large"
        );
        assert_eq!(
            failure("repeat", &[s("ab"), i(1 << 30)]),
            "repeat() result too large"
        );
        assert_eq!(
            failure("repeat", &[i(1), i(2)]),
            "repeat() requires a string and an int count"
        );
    }

    #[test]
    fn padding() {
        assert_eq!(shown("pad_left", &[s("7"), i(3), s("0")]), "007");
        assert_eq!(shown("pad_start", &[s("é"), i(3), s("*#")]), "**é");
        assert_eq!(shown("pad_right", &[s("ab"), i(4), s(".")]), "ab..");
        assert_eq!(shown("pad_end", &[s("abcdef"), i(3), s(".")]), "abcdef");
        assert_eq!(shown("pad_left", &[s("ab"), i(-3), s(".")]), "ab");
        assert_eq!(shown("pad_left", &[s("ab"), i(5), s("")]), "ab");
        assert_eq!(shown("pad_right", &[s("x"), i(3), s("ü")]), "xüü");
        assert_eq!(
            failure("pad_left", &[s("a"), i(i64::MAX), s(" ")]),
            "pad_left() result too large"
        );
        assert_eq!(
            failure("pad_end", &[s("a"), s("3"), s(" ")]),
            "pad_end() requires a string, an int width and a string"
        );
    }
}
