//! Argument checks shared by the builtin families.

use crate::{raise, RtResult, Value};

/// Fails with `<name> expects <n> arguments, got <m>` unless exactly `n` were passed.
pub fn expect_count(name: &str, args: &[Value], n: usize) -> RtResult<()> {
    if args.len() == n {
        Ok(())
    } else {
        raise(format!("{name} expects {n} arguments, got {}", args.len()))
    }
}

/// Fails with `<name> expects <min> or <max> arguments, got <m>` (`… <min> to <max> …`
/// for wider ranges) for builtins with optional arguments.
pub fn expect_count_between(name: &str, args: &[Value], min: usize, max: usize) -> RtResult<()> {
    if (min..=max).contains(&args.len()) {
        return Ok(());
    }
    let joint = if max == min + 1 { "or" } else { "to" };
    raise(format!(
        "{name} expects {min} {joint} {max} arguments, got {}",
        args.len()
    ))
}

/// The §18 form for an argument of the wrong kind: `<name>() requires <what>`.
pub fn requires<T>(name: &str, what: &str) -> RtResult<T> {
    raise(format!("{name}() requires {what}"))
}

/// Argument `i` as a string, else `<name>() requires <what>`.
pub fn string_arg<'a>(
    name: &str,
    args: &'a [Value],
    i: usize,
    what: &str,
) -> RtResult<&'a crate::value::RStr> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s),
        _ => requires(name, what),
    }
}

/// Argument `i` as an int, else `<name>() requires <what>`.
pub fn int_arg(name: &str, args: &[Value], i: usize, what: &str) -> RtResult<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        _ => requires(name, what),
    }
}

/// Argument `i` as a number (int or float, widened to f64), else `<name>() requires <what>`.
pub fn number_arg(name: &str, args: &[Value], i: usize, what: &str) -> RtResult<f64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n as f64),
        Some(Value::Float(x)) => Ok(*x),
        _ => requires(name, what),
    }
}

/// Largest string (in bytes) a builtin builds (`repeat`, `replace`, `regex_replace`, pads).
pub const MAX_RESULT_BYTES: usize = 1 << 30;

/// Fails with `<name>() result too large` when `bytes` (None: overflowed) exceeds the cap,
/// and with the heap's `Out of memory` error when they would not fit under its limit.
pub fn check_size(name: &str, bytes: Option<usize>) -> RtResult<()> {
    match bytes {
        Some(n) if n <= MAX_RESULT_BYTES => crate::heap::reserve(Some(n)),
        _ => raise(format!("{name}() result too large")),
    }
}
