//! Math builtins (§18). Every numeric function returns a float, even for int inputs;
//! the `bit_*` family works on ints only.

use super::args::{expect_count, int_arg, number_arg};
use super::Builtin;
use crate::{raise, Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "abs",
        func: abs,
    },
    Builtin {
        name: "sqrt",
        func: sqrt,
    },
    Builtin {
        name: "floor",
        func: floor,
    },
    Builtin {
        name: "ceil",
        func: ceil,
    },
    Builtin {
        name: "round",
        func: round,
    },
    Builtin {
        name: "sin",
        func: sin,
    },
    Builtin {
        name: "cos",
        func: cos,
    },
    Builtin {
        name: "tan",
        func: tan,
    },
    Builtin {
        name: "exp",
        func: exp,
    },
    Builtin {
        name: "log",
        func: log,
    },
    Builtin {
        name: "pow",
        func: pow,
    },
    Builtin {
        name: "min",
        func: min,
    },
    Builtin {
        name: "max",
        func: max,
    },
    Builtin {
        name: "bit_and",
        func: bit_and,
    },
    Builtin {
        name: "bit_or",
        func: bit_or,
    },
    Builtin {
        name: "bit_xor",
        func: bit_xor,
    },
    Builtin {
        name: "bit_shl",
        func: bit_shl,
    },
    Builtin {
        name: "bit_shr",
        func: bit_shr,
    },
    Builtin {
        name: "bit_not",
        func: bit_not,
    },
];

/// The one numeric argument of `name`.
fn number(name: &str, args: &[Value]) -> RtResult<f64> {
    expect_count(name, args, 1)?;
    number_arg(name, args, 0, "a numeric argument")
}

fn float(name: &str, args: &[Value], f: fn(f64) -> f64) -> RtResult<Value> {
    Ok(Value::Float(f(number(name, args)?)))
}

fn abs(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("abs", args, f64::abs)
}

fn sqrt(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let x = number("sqrt", args)?;
    if x < 0.0 {
        return raise("sqrt() domain error: value must be >= 0");
    }
    Ok(Value::Float(x.sqrt()))
}

fn floor(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("floor", args, f64::floor)
}

fn ceil(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("ceil", args, f64::ceil)
}

/// `f64::round` already rounds halves away from zero.
fn round(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("round", args, f64::round)
}

fn sin(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("sin", args, f64::sin)
}

fn cos(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("cos", args, f64::cos)
}

fn tan(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("tan", args, f64::tan)
}

fn exp(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    float("exp", args, f64::exp)
}

fn log(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let x = number("log", args)?;
    if x <= 0.0 {
        return raise("log() domain error: value must be > 0");
    }
    Ok(Value::Float(x.ln()))
}

/// The two numbers of `pow`/`min`/`max`, with the spec's own wording for both failures.
fn two_numbers(name: &str, args: &[Value]) -> RtResult<(f64, f64)> {
    let [a, b] = args else {
        return raise(format!("{name}() expects 2 arguments"));
    };
    let widen = |v: &Value| match v {
        Value::Int(n) => Some(*n as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    };
    match (widen(a), widen(b)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => raise(format!("{name}() expects numeric arguments")),
    }
}

fn pow(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_numbers("pow", args)?;
    Ok(Value::Float(a.powf(b)))
}

fn min(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_numbers("min", args)?;
    Ok(Value::Float(a.min(b)))
}

fn max(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_numbers("max", args)?;
    Ok(Value::Float(a.max(b)))
}

fn two_ints(name: &str, args: &[Value]) -> RtResult<(i64, i64)> {
    expect_count(name, args, 2)?;
    let a = int_arg(name, args, 0, "int arguments")?;
    let b = int_arg(name, args, 1, "int arguments")?;
    Ok((a, b))
}

fn bit_and(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_ints("bit_and", args)?;
    Ok(Value::Int(a & b))
}

fn bit_or(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_ints("bit_or", args)?;
    Ok(Value::Int(a | b))
}

fn bit_xor(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_ints("bit_xor", args)?;
    Ok(Value::Int(a ^ b))
}

/// The value and shift amount of a shift; amounts outside 0–63 are errors rather than
/// being masked the way the hardware would.
fn shift(name: &str, args: &[Value]) -> RtResult<(i64, u32)> {
    let (a, n) = two_ints(name, args)?;
    match u32::try_from(n) {
        Ok(n) if n < 64 => Ok((a, n)),
        _ => raise(format!("{name}() shift amount must be between 0 and 63")),
    }
}

/// Bits shifted past the top are dropped (two's complement, like C on unsigned).
fn bit_shl(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, n) = shift("bit_shl", args)?;
    Ok(Value::Int(a << n))
}

/// Arithmetic shift: the sign bit is copied in.
fn bit_shr(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, n) = shift("bit_shr", args)?;
    Ok(Value::Int(a >> n))
}

fn bit_not(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("bit_not", args, 1)?;
    Ok(Value::Int(!int_arg("bit_not", args, 0, "an int argument")?))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, run, s, shown};
    use super::*;

    fn float_of(name: &str, args: &[Value]) -> f64 {
        match run(name, args) {
            Ok(Value::Float(x)) => x,
            other => panic!("{name} should return a float, got {other:?}"),
        }
    }

    #[test]
    fn unary_functions_return_floats() {
        let cases = [
            ("abs", i(-5), 5.0),
            ("abs", f(-2.5), 2.5),
            ("sqrt", i(16), 4.0),
            ("floor", f(-1.5), -2.0),
            ("ceil", f(1.2), 2.0),
            ("round", f(2.5), 3.0),
            ("round", f(-0.5), -1.0),
            ("round", f(2.4), 2.0),
            ("round", i(7), 7.0),
            ("sin", i(0), 0.0),
            ("cos", i(0), 1.0),
            ("tan", i(0), 0.0),
            ("exp", i(0), 1.0),
            ("log", i(1), 0.0),
        ];
        for (name, arg, want) in cases {
            assert_eq!(float_of(name, &[arg]), want, "{name}");
        }
        assert_eq!(shown("abs", &[i(-5)]), "5");
        assert!((float_of("log", &[f(std::f64::consts::E)]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unary_errors() {
        assert_eq!(
            failure("sqrt", &[i(-1)]),
            "sqrt() domain error: value must be >= 0"
        );
        assert_eq!(
            failure("log", &[i(0)]),
            "log() domain error: value must be > 0"
        );
        assert_eq!(
            failure("log", &[f(-2.0)]),
            "log() domain error: value must be > 0"
        );
        assert_eq!(
            failure("abs", &[s("1")]),
            "abs() requires a numeric argument"
        );
        assert_eq!(failure("floor", &[]), "floor expects 1 arguments, got 0");
    }

    #[test]
    fn pow_min_max_take_exactly_two_numbers() {
        assert_eq!(float_of("pow", &[i(2), i(10)]), 1024.0);
        assert_eq!(float_of("pow", &[f(4.0), f(0.5)]), 2.0);
        assert_eq!(float_of("min", &[i(3), f(2.5)]), 2.5);
        assert_eq!(float_of("max", &[i(3), f(2.5)]), 3.0);
        assert_eq!(failure("pow", &[i(2)]), "pow() expects 2 arguments");
        assert_eq!(
            failure("max", &[i(1), i(2), i(3)]),
            "max() expects 2 arguments"
        );
        assert_eq!(
            failure("min", &[i(1), s("2")]),
            "min() expects numeric arguments"
        );
    }

    #[test]
    fn bitwise_operations() {
        let cases = [
            ("bit_and", 12, 10, 8),
            ("bit_or", 12, 10, 14),
            ("bit_xor", 12, 10, 6),
            ("bit_shl", 1, 4, 16),
            ("bit_shl", 1, 63, i64::MIN),
            ("bit_shl", 3, 63, i64::MIN),
            ("bit_shr", 256, 4, 16),
            ("bit_shr", -16, 2, -4),
            ("bit_shr", 5, 0, 5),
        ];
        for (name, a, b, want) in cases {
            assert!(
                matches!(run(name, &[i(a), i(b)]), Ok(Value::Int(n)) if n == want),
                "{name}({a}, {b})"
            );
        }
        assert!(matches!(run("bit_not", &[i(0)]), Ok(Value::Int(-1))));
        for n in [-1, 64, i64::MAX] {
            assert_eq!(
                failure("bit_shl", &[i(1), i(n)]),
                "bit_shl() shift amount must be between 0 and 63"
            );
        }
        assert_eq!(
            failure("bit_shr", &[i(1), i(64)]),
            "bit_shr() shift amount must be between 0 and 63"
        );
        assert_eq!(
            failure("bit_and", &[i(1), f(1.0)]),
            "bit_and() requires int arguments"
        );
        assert_eq!(
            failure("bit_not", &[f(1.0)]),
            "bit_not() requires an int argument"
        );
        assert_eq!(
            failure("bit_or", &[i(1)]),
            "bit_or expects 2 arguments, got 1"
        );
    }
}
