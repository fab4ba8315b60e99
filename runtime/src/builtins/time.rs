//! Time and randomness builtins (§18). Randomness comes from an xorshift64* generator
//! whose state lives in `VMContext::rng_state`, so each run (and each seed) has its own
//! reproducible sequence.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::args::{expect_count, int_arg, requires};
use super::Builtin;
use crate::{Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "now",
        func: now,
    },
    Builtin {
        name: "performance_now",
        func: performance_now,
    },
    Builtin {
        name: "time_us",
        func: time_us,
    },
    Builtin {
        name: "time_ns",
        func: time_ns,
    },
    Builtin {
        name: "current_timestamp",
        func: current_timestamp,
    },
    Builtin {
        name: "random",
        func: random,
    },
    Builtin {
        name: "random_int",
        func: random_int,
    },
    Builtin {
        name: "random_choice",
        func: random_choice,
    },
    Builtin {
        name: "set_random_seed",
        func: set_random_seed,
    },
];

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn since_start(host: &mut dyn Host) -> Duration {
    host.context().started.elapsed()
}

/// Whole Unix seconds, as a float.
fn now(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("now", args, 0)?;
    Ok(Value::Float(since_epoch().as_secs() as f64))
}

/// Milliseconds since the run started.
fn performance_now(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("performance_now", args, 0)?;
    Ok(Value::Float(since_start(host).as_secs_f64() * 1000.0))
}

/// Microseconds since the run started: counting from the start rather than the epoch
/// keeps full f64 precision in differences.
fn time_us(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("time_us", args, 0)?;
    Ok(Value::Float(since_start(host).as_nanos() as f64 / 1000.0))
}

/// Nanoseconds since the run started (see `time_us`).
fn time_ns(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("time_ns", args, 0)?;
    Ok(Value::Float(since_start(host).as_nanos() as f64))
}

/// Unix milliseconds, as an int.
fn current_timestamp(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("current_timestamp", args, 0)?;
    let ms = i64::try_from(since_epoch().as_millis()).unwrap_or(i64::MAX);
    Ok(Value::Int(ms))
}

/// Any nonzero state works; used if the state was ever zero (xorshift's fixed point).
const FALLBACK_STATE: u64 = 0x9E37_79B9_7F4A_7C15;

/// Next xorshift64* output.
fn next_u64(host: &mut dyn Host) -> u64 {
    let ctx = host.context();
    let mut x = if ctx.rng_state == 0 {
        FALLBACK_STATE
    } else {
        ctx.rng_state
    };
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    ctx.rng_state = x;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// Uniform in `0..span` (`span` ≥ 1) by the multiply-high method.
fn below(host: &mut dyn Host, span: u64) -> u64 {
    ((u128::from(next_u64(host)) * u128::from(span)) >> 64) as u64
}

/// A float in `[0, 1)` from the top 53 bits.
fn random(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("random", args, 0)?;
    let bits = next_u64(host) >> 11;
    Ok(Value::Float(bits as f64 / (1u64 << 53) as f64))
}

/// An int in `[a, b]`, both ends included.
fn random_int(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("random_int", args, 2)?;
    let a = int_arg("random_int", args, 0, "int arguments")?;
    let b = int_arg("random_int", args, 1, "int arguments")?;
    if a > b {
        return requires("random_int", "min <= max");
    }
    let span = i128::from(b) - i128::from(a) + 1;
    let offset = match u64::try_from(span) {
        Ok(span) => below(host, span),
        // The whole i64 range: every 64-bit pattern is a valid offset.
        Err(_) => next_u64(host),
    };
    Ok(Value::Int((i128::from(a) + i128::from(offset)) as i64))
}

fn random_choice(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("random_choice", args, 1)?;
    match &args[0] {
        Value::Array(items) if !items.is_empty() => {
            let at = below(host, items.len() as u64) as usize;
            Ok(items[at].clone())
        }
        _ => requires("random_choice", "a non-empty array"),
    }
}

/// Seeds through splitmix64 so that nearby seeds give unrelated sequences.
fn set_random_seed(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("set_random_seed", args, 1)?;
    let seed = int_arg("set_random_seed", args, 0, "an int seed")? as u64;
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    host.context().rng_state = if z == 0 { FALLBACK_STATE } else { z };
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{f, failure, i, ints, run, s, TestHost};
    use super::*;

    fn float_of(v: RtResult<Value>) -> f64 {
        match v {
            Ok(Value::Float(x)) => x,
            other => panic!("expected a float, got {other:?}"),
        }
    }

    fn int_of(v: RtResult<Value>) -> i64 {
        match v {
            Ok(Value::Int(n)) => n,
            other => panic!("expected an int, got {other:?}"),
        }
    }

    #[test]
    fn clocks() {
        let secs = float_of(run("now", &[]));
        assert!(secs > 1.6e9 && secs.fract() == 0.0);
        let ms = int_of(run("current_timestamp", &[]));
        assert!(ms > 1_600_000_000_000);
        let mut host = TestHost::default();
        let t0 = float_of(host.call("performance_now", &[]));
        let us = float_of(host.call("time_us", &[]));
        let ns = float_of(host.call("time_ns", &[]));
        assert!(t0 >= 0.0 && us >= t0 && ns >= us);
        assert_eq!(failure("now", &[i(1)]), "now expects 0 arguments, got 1");
    }

    #[test]
    fn seeded_sequences_repeat() {
        let draw = |seed: i64| {
            let mut host = TestHost::default();
            host.call("set_random_seed", &[i(seed)]).unwrap();
            (0..5)
                .map(|_| int_of(host.call("random_int", &[i(0), i(1000)])))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
        assert_eq!(
            failure("set_random_seed", &[f(1.0)]),
            "set_random_seed() requires an int seed"
        );
    }

    #[test]
    fn random_values_stay_in_range() {
        let mut host = TestHost::default();
        host.call("set_random_seed", &[i(0)]).unwrap();
        for _ in 0..1000 {
            let x = float_of(host.call("random", &[]));
            assert!((0.0..1.0).contains(&x));
            let n = int_of(host.call("random_int", &[i(-3), i(3)]));
            assert!((-3..=3).contains(&n));
        }
        assert_eq!(int_of(host.call("random_int", &[i(7), i(7)])), 7);
        int_of(host.call("random_int", &[i(i64::MIN), i(i64::MAX)]));
        let top = int_of(host.call("random_int", &[i(i64::MAX - 1), i(i64::MAX)]));
        assert!(top >= i64::MAX - 1);
        assert_eq!(
            failure("random_int", &[i(2), i(1)]),
            "random_int() requires min <= max"
        );
        assert_eq!(
            failure("random_int", &[i(1), f(2.0)]),
            "random_int() requires int arguments"
        );
    }

    #[test]
    fn random_choice_picks_an_element() {
        let mut host = TestHost::default();
        let items = ints(&[10, 20, 30]);
        for _ in 0..100 {
            let n = int_of(host.call("random_choice", std::slice::from_ref(&items)));
            assert!([10, 20, 30].contains(&n));
        }
        assert_eq!(
            failure("random_choice", &[ints(&[])]),
            "random_choice() requires a non-empty array"
        );
        assert_eq!(
            failure("random_choice", &[s("abc")]),
            "random_choice() requires a non-empty array"
        );
    }
}
