//! Regex builtins (LANGUAGE.md §19), on the `regex` crate's syntax.
//!
//! An invalid pattern matches nothing (`false`, `[]`, text unchanged, `[text]`). So does
//! a pattern whose compiled program would exceed [`SIZE_LIMIT`]: the regex crate reports
//! it as a build error, which keeps hostile patterns like `(a{1000}){1000}` from taking
//! huge amounts of memory.
//!
//! Compiled patterns are cached because programs usually call these builtins in loops
//! with a handful of literal patterns, and compiling is far slower than matching. The
//! cache is a `thread_local` rather than `VMContext` state: compiling is a pure function
//! of the pattern, so sharing results between runs on a thread cannot change behaviour,
//! and it keeps the regex crate out of the context the JIT lays out.

use std::cell::RefCell;

use regex::{Regex, RegexBuilder};
use rustc_hash::FxHashMap;

use super::args::check_size;
use super::args::{expect_count, requires};
use super::Builtin;
use crate::{Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "regex_match",
        func: regex_match,
    },
    Builtin {
        name: "regex_find_all",
        func: regex_find_all,
    },
    Builtin {
        name: "regex_replace",
        func: regex_replace,
    },
    Builtin {
        name: "regex_split",
        func: regex_split,
    },
];

/// Byte limit for a compiled pattern (the lazy DFA keeps the crate's 2 MiB default).
/// Large enough for repeated Unicode classes such as `\w{100}`, small enough to refuse
/// `(a{1000}){1000}`.
const SIZE_LIMIT: usize = 10 << 20;
/// Patterns kept, so the cache holds at most 16 × [`SIZE_LIMIT`]; it is emptied when it
/// fills up.
const CACHE_CAPACITY: usize = 16;
/// Longer patterns are compiled every time so the cache's memory stays small.
const MAX_CACHED_PATTERN: usize = 1024;

thread_local! {
    /// Pattern → compiled regex, `None` for patterns that do not compile.
    static CACHE: RefCell<FxHashMap<Box<str>, Option<Regex>>> = RefCell::default();
}

fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .ok()
}

/// The compiled form of `pattern`, or `None` if it is invalid or too large.
fn compiled(pattern: &str) -> Option<Regex> {
    if pattern.len() > MAX_CACHED_PATTERN {
        return compile(pattern);
    }
    // `try_with` only fails while the thread is shutting down; compile uncached then.
    CACHE
        .try_with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(hit) = cache.get(pattern) {
                return hit.clone();
            }
            let regex = compile(pattern);
            if cache.len() >= CACHE_CAPACITY {
                cache.clear();
            }
            cache.insert(pattern.into(), regex.clone());
            regex
        })
        .unwrap_or_else(|_| compile(pattern))
}

/// The string arguments of builtin `name` (all of them must be strings).
fn strings<'a, const N: usize>(name: &str, args: &'a [Value]) -> RtResult<[&'a str; N]> {
    expect_count(name, args, N)?;
    let mut out = [""; N];
    for (slot, arg) in out.iter_mut().zip(args) {
        match arg.as_str() {
            Some(text) => *slot = text,
            None => return requires(name, "string arguments"),
        }
    }
    Ok(out)
}

fn regex_match(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let [text, pattern] = strings("regex_match", args)?;
    let found = compiled(pattern).is_some_and(|re| re.is_match(text));
    Ok(Value::Bool(found))
}

fn regex_find_all(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let [text, pattern] = strings("regex_find_all", args)?;
    let found = match compiled(pattern) {
        Some(re) => re.find_iter(text).map(|m| Value::str(m.as_str())).collect(),
        None => Vec::new(),
    };
    Ok(Value::array(found))
}

fn regex_replace(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let [text, pattern, replacement] = strings("regex_replace", args)?;
    let Some(re) = compiled(pattern) else {
        return Ok(args[0].clone());
    };
    // Built match by match so a result past the size cap is an error, not an abort.
    let mut out = String::new();
    let mut copied = 0;
    for caps in re.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&text[copied..whole.start()]);
        caps.expand(replacement, &mut out);
        copied = whole.end();
        check_size("regex_replace", Some(out.len()))?;
    }
    out.push_str(&text[copied..]);
    Ok(Value::string(out))
}

fn regex_split(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let [text, pattern] = strings("regex_split", args)?;
    let pieces = match compiled(pattern) {
        Some(re) => re.split(text).map(Value::str).collect(),
        None => vec![args[0].clone()],
    };
    Ok(Value::array(pieces))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failure, s, shown};
    use crate::Value;

    #[test]
    fn match_finds_a_match_anywhere() {
        assert_eq!(shown("regex_match", &[s("order 66"), s(r"\d+")]), "true");
        assert_eq!(shown("regex_match", &[s("order"), s(r"^\d+$")]), "false");
        assert_eq!(shown("regex_match", &[s("héllo"), s("é")]), "true");
    }

    #[test]
    fn find_all_replace_and_split() {
        assert_eq!(
            shown("regex_find_all", &[s("a1 b22 c333"), s(r"\d+")]),
            "[1, 22, 333]"
        );
        assert_eq!(shown("regex_find_all", &[s("abc"), s(r"\d")]), "[]");
        assert_eq!(
            shown(
                "regex_replace",
                &[s("John Smith"), s(r"(\w+) (\w+)"), s("$2, $1")]
            ),
            "Smith, John"
        );
        assert_eq!(
            shown("regex_replace", &[s("a-b-c"), s("-"), s("+")]),
            "a+b+c"
        );
        assert_eq!(
            shown("regex_split", &[s("a, b,c ,d"), s(r"\s*,\s*")]),
            "[a, b, c, d]"
        );
        assert_eq!(shown("regex_split", &[s(""), s(",")]), "[]");
        assert_eq!(shown("regex_split", &[s(",a,"), s(",")]), "[, a, ]");
    }

    #[test]
    fn invalid_or_oversized_patterns_match_nothing() {
        for pattern in ["(unclosed", r"\", "(a{1000}){1000}", r"\w{1000}"] {
            assert_eq!(shown("regex_match", &[s("(unclosed"), s(pattern)]), "false");
            assert_eq!(shown("regex_find_all", &[s("aaa"), s(pattern)]), "[]");
            assert_eq!(
                shown("regex_replace", &[s("a(b"), s(pattern), s("x")]),
                "a(b"
            );
            assert_eq!(shown("regex_split", &[s("a(b"), s(pattern)]), "[a(b]");
        }
    }

    #[test]
    fn the_cache_serves_repeated_and_many_patterns() {
        for round in 0..3 {
            for i in 0..40 {
                let pattern = format!("x{i}y");
                let text = format!("ax{i}yb{round}");
                assert_eq!(shown("regex_match", &[s(&text), s(&pattern)]), "true");
            }
        }
        assert_eq!(shown("regex_match", &[s("word"), s(r"^\w{4}$")]), "true");
        assert_eq!(
            shown("regex_match", &[s(&"é".repeat(100)), s(r"\w{100}")]),
            "true"
        );
        let long = format!("{}b", "a".repeat(2000));
        let text = format!("{}b", "a".repeat(2000));
        assert_eq!(shown("regex_match", &[s(&text), s(&long)]), "true");
    }

    #[test]
    fn non_string_arguments_are_errors() {
        assert_eq!(
            failure("regex_match", &[s("a"), Value::Int(1)]),
            "regex_match() requires string arguments"
        );
        assert_eq!(
            failure("regex_replace", &[s("a"), s("b")]),
            "regex_replace expects 3 arguments, got 2"
        );
    }
}
