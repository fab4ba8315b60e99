//! Assertion builtins (§18). Failures are ordinary catchable errors; successes return
//! `true`.

use super::args::{expect_count, expect_count_between};
use super::strings::holds;
use super::Builtin;
use crate::equality::{equal, truthy};
use crate::format::{debug, display};
use crate::{raise, Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "assert",
        func: assert,
    },
    Builtin {
        name: "assert_equal",
        func: assert_equal,
    },
    Builtin {
        name: "assert_true",
        func: assert_true,
    },
    Builtin {
        name: "assert_false",
        func: assert_false,
    },
    Builtin {
        name: "assert_contains",
        func: assert_contains,
    },
];

/// `assert(cond, msg?)`: fails with `msg` (its text form) or `Assertion failed` when
/// `cond` is falsy.
fn assert(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count_between("assert", args, 1, 2)?;
    if truthy(&args[0]) {
        return Ok(Value::Bool(true));
    }
    match args.get(1) {
        Some(message) => raise(display(message)),
        None => raise("Assertion failed"),
    }
}

/// Compares with `==` (so `10.0` equals `10`).
fn assert_equal(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("assert_equal", args, 2)?;
    let (actual, expected) = (&args[0], &args[1]);
    if equal(actual, expected) {
        return Ok(Value::Bool(true));
    }
    raise(format!(
        "Assertion failed: expected {}, got {}",
        debug(expected),
        debug(actual)
    ))
}

fn assert_bool(name: &str, args: &[Value], want: bool) -> RtResult<Value> {
    expect_count(name, args, 1)?;
    match args[0] {
        Value::Bool(b) if b == want => Ok(Value::Bool(true)),
        Value::Bool(b) => raise(format!("Assertion failed: expected {want}, got {b}")),
        _ => raise(format!("{name} requires a boolean argument")),
    }
}

fn assert_true(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    assert_bool("assert_true", args, true)
}

fn assert_false(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    assert_bool("assert_false", args, false)
}

/// `assert_contains(coll, item)` uses `contains`'s rules (substring, array element,
/// dict key); the failure quotes both in debug form, e.g.
/// `Assertion failed: Str("abc") does not contain Str("z")`.
fn assert_contains(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("assert_contains", args, 2)?;
    let (coll, item) = (&args[0], &args[1]);
    if holds("assert_contains", coll, item)? {
        return Ok(Value::Bool(true));
    }
    raise(format!(
        "Assertion failed: {} does not contain {}",
        debug(coll),
        debug(item)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, ints, run, s};
    use super::*;

    fn passes(name: &str, args: &[Value]) -> bool {
        matches!(run(name, args), Ok(Value::Bool(true)))
    }

    #[test]
    fn assert_checks_truthiness() {
        assert!(passes("assert", &[i(1)]));
        assert!(passes("assert", &[s("x"), s("unused")]));
        assert_eq!(failure("assert", &[i(0)]), "Assertion failed");
        assert_eq!(failure("assert", &[ints(&[]), s("empty!")]), "empty!");
        assert_eq!(failure("assert", &[Value::Null, i(7)]), "7");
        assert_eq!(
            failure("assert", &[]),
            "assert expects 1 or 2 arguments, got 0"
        );
    }

    #[test]
    fn assert_equal_quotes_debug_forms() {
        assert!(passes("assert_equal", &[f(10.0), i(10)]));
        assert!(passes("assert_equal", &[ints(&[1, 2]), ints(&[1, 2])]));
        assert_eq!(
            failure("assert_equal", &[i(5), i(10)]),
            "Assertion failed: expected Int(10), got Int(5)"
        );
        assert_eq!(
            failure("assert_equal", &[s("a"), Value::Null]),
            "Assertion failed: expected Null, got Str(\"a\")"
        );
        assert_eq!(
            failure("assert_equal", &[i(1)]),
            "assert_equal expects 2 arguments, got 1"
        );
    }

    #[test]
    fn assert_true_and_false_need_bools() {
        assert!(passes("assert_true", &[Value::Bool(true)]));
        assert!(passes("assert_false", &[Value::Bool(false)]));
        assert_eq!(
            failure("assert_true", &[Value::Bool(false)]),
            "Assertion failed: expected true, got false"
        );
        assert_eq!(
            failure("assert_false", &[Value::Bool(true)]),
            "Assertion failed: expected false, got true"
        );
        assert_eq!(
            failure("assert_true", &[i(1)]),
            "assert_true requires a boolean argument"
        );
        assert_eq!(
            failure("assert_false", &[Value::Null]),
            "assert_false requires a boolean argument"
        );
    }

    #[test]
    fn assert_contains_per_kind() {
        assert!(passes("assert_contains", &[ints(&[1, 2]), i(2)]));
        assert!(passes("assert_contains", &[s("hello"), s("ell")]));
        assert_eq!(
            failure("assert_contains", &[ints(&[1, 2, 3, 4, 5]), i(10)]),
            "Assertion failed: Array[5] does not contain Int(10)"
        );
        assert_eq!(
            failure("assert_contains", &[s("abc"), s("z")]),
            "Assertion failed: Str(\"abc\") does not contain Str(\"z\")"
        );
        let d = Value::dict(Default::default());
        assert_eq!(
            failure("assert_contains", &[d, s("k")]),
            "Assertion failed: Dict{0 keys} does not contain Str(\"k\")"
        );
        assert_eq!(
            failure("assert_contains", &[i(1), i(1)]),
            "assert_contains() requires a string, array or dict"
        );
    }
}
