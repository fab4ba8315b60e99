//! Semantic operations shared by every tier (LANGUAGE.md §5–§7, §11–§13, §17).
//!
//! The VM handles struct operator overloading before calling in here, so a struct operand
//! reaching these functions gets the ordinary `Invalid … operation` error. Messages are
//! the exact texts of the spec; the VM adds location and call stack.

mod access;
mod errors;

pub use access::{
    dict_key, field_get, field_set, index_get, index_set, iteration_items, len, spread_into_array,
    spread_into_dict,
};
pub use errors::{make_error_value, thrown_message};

use std::rc::Rc;

use crate::format::{debug, operand_word};
use crate::value::{RStr, Value};
use crate::{raise, RtResult};

/// A binary arithmetic operator (`+ - * / %`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// An ordering comparison (`< <= > >=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl ArithOp {
    /// The operator as written in source and in error messages.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }
}

impl CmpOp {
    /// The operator as written in source and in error messages.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        match self {
            CmpOp::Lt => ordering.is_lt(),
            CmpOp::Le => ordering.is_le(),
            CmpOp::Gt => ordering.is_gt(),
            CmpOp::Ge => ordering.is_ge(),
        }
    }
}

fn invalid_binary<T>(a: &Value, symbol: &str, b: &Value) -> RtResult<T> {
    raise(format!(
        "Invalid binary operation: {} {symbol} {}",
        operand_word(a),
        operand_word(b)
    ))
}

/// `a <op> b` for `+ - * / %` (§6).
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> RtResult<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int_arith(op, *x, *y),
        (Value::Int(x), Value::Float(y)) => float_arith(op, *x as f64, *y),
        (Value::Float(x), Value::Int(y)) => float_arith(op, *x, *y as f64),
        (Value::Float(x), Value::Float(y)) => float_arith(op, *x, *y),
        (Value::Str(x), Value::Str(y)) if op == ArithOp::Add => {
            crate::heap::reserve(x.text.len().checked_add(y.text.len()))?;
            Ok(concat(x, y))
        }
        _ => invalid_binary(a, op.symbol(), b),
    }
}

/// The int,int rule alone: checked i64 arithmetic, `/` truncating toward zero and `%`
/// taking the sign of the left operand. The VM fast path and JIT helpers call this.
pub fn int_arith(op: ArithOp, a: i64, b: i64) -> RtResult<Value> {
    let result = match op {
        ArithOp::Add => a.checked_add(b),
        ArithOp::Sub => a.checked_sub(b),
        ArithOp::Mul => a.checked_mul(b),
        ArithOp::Div if b == 0 => return raise("Division by zero"),
        ArithOp::Div => a.checked_div(b),
        ArithOp::Mod if b == 0 => return raise("Modulo by zero"),
        // `i64::MIN % -1` is reported as overflow, like `i64::MIN / -1`: the hardware
        // traps on both and the JIT's checked path treats them alike.
        ArithOp::Mod => a.checked_rem(b),
    };
    match result {
        Some(v) => Ok(Value::Int(v)),
        None => raise(format!("Integer overflow: {a} {} {b}", op.symbol())),
    }
}

fn float_arith(op: ArithOp, a: f64, b: f64) -> RtResult<Value> {
    let result = match op {
        ArithOp::Add => a + b,
        ArithOp::Sub => a - b,
        ArithOp::Mul => a * b,
        ArithOp::Div if b == 0.0 => return raise("Division by zero"),
        ArithOp::Div => a / b,
        ArithOp::Mod if b == 0.0 => return raise("Modulo by zero"),
        // Rust's `%` on f64 is C's fmod: the result takes the sign of `a`.
        ArithOp::Mod => a % b,
    };
    Ok(Value::Float(result))
}

fn concat(a: &RStr, b: &RStr) -> Value {
    let mut text = String::with_capacity(a.text.len() + b.text.len());
    text.push_str(&a.text);
    text.push_str(&b.text);
    Value::Str(Rc::new(RStr {
        text,
        ascii: a.ascii && b.ascii,
    }))
}

/// `a <op> b` for `< <= > >=` (§7): numbers numerically (int and float mixed), strings
/// byte-wise; NaN compares false both ways. Anything else fails.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> RtResult<bool> {
    let ordering = match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        // `str`'s ordering is byte-wise lexicographic.
        (Value::Str(x), Value::Str(y)) => Some(x.text.cmp(&y.text)),
        _ => return invalid_binary(a, op.symbol(), b),
    };
    Ok(ordering.is_some_and(|o| op.holds(o)))
}

/// Unary `-` (§6): checked for ints.
pub fn negate(v: &Value) -> RtResult<Value> {
    match v {
        Value::Int(i) => match i.checked_neg() {
            Some(n) => Ok(Value::Int(n)),
            None => raise(format!("Integer overflow: -({i})")),
        },
        Value::Float(x) => Ok(Value::Float(-x)),
        _ => raise(format!("Invalid unary operation: - {}", debug(v))),
    }
}

/// Unary `!` (§5): bools only.
pub fn not(v: &Value) -> RtResult<Value> {
    match v {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        _ => raise(format!("Invalid unary operation: ! {}", debug(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Dict, StructObj};
    use crate::RtError;

    fn message<T: std::fmt::Debug>(result: RtResult<T>) -> String {
        match result {
            Err(RtError::Raise(m)) => m,
            other => panic!("expected a raised error, got {other:?}"),
        }
    }

    fn int(v: RtResult<Value>) -> i64 {
        match v {
            Ok(Value::Int(i)) => i,
            other => panic!("expected an int, got {other:?}"),
        }
    }

    fn float(v: RtResult<Value>) -> f64 {
        match v {
            Ok(Value::Float(x)) => x,
            other => panic!("expected a float, got {other:?}"),
        }
    }

    use ArithOp::*;

    #[test]
    fn int_arithmetic_truncates_and_keeps_left_sign() {
        let cases = [
            (Add, 2, 3, 5),
            (Sub, 2, 3, -1),
            (Mul, -4, 3, -12),
            (Div, 7, 2, 3),
            (Div, -7, 2, -3),
            (Div, 7, -2, -3),
            (Mod, 7, 2, 1),
            (Mod, -7, 2, -1),
            (Mod, 7, -2, 1),
            (Mod, -7, -2, -1),
            (Div, i64::MIN, 1, i64::MIN),
            (Mod, i64::MAX, -1, 0),
        ];
        for (op, a, b, want) in cases {
            assert_eq!(
                int(arith(op, &Value::Int(a), &Value::Int(b))),
                want,
                "{a} {op:?} {b}"
            );
        }
    }

    #[test]
    fn int_overflow_and_zero_divisors_have_exact_messages() {
        let cases = [
            (
                Add,
                i64::MAX,
                1,
                "Integer overflow: 9223372036854775807 + 1",
            ),
            (
                Sub,
                i64::MIN,
                1,
                "Integer overflow: -9223372036854775808 - 1",
            ),
            (
                Mul,
                i64::MAX,
                2,
                "Integer overflow: 9223372036854775807 * 2",
            ),
            (
                Div,
                i64::MIN,
                -1,
                "Integer overflow: -9223372036854775808 / -1",
            ),
            (
                Mod,
                i64::MIN,
                -1,
                "Integer overflow: -9223372036854775808 % -1",
            ),
            (Div, 5, 0, "Division by zero"),
            (Mod, 5, 0, "Modulo by zero"),
            (Div, i64::MIN, 0, "Division by zero"),
        ];
        for (op, a, b, want) in cases {
            assert_eq!(message(int_arith(op, a, b)), want);
        }
    }

    #[test]
    fn mixed_and_float_arithmetic() {
        assert_eq!(float(arith(Add, &Value::Int(1), &Value::Float(0.5))), 1.5);
        assert_eq!(float(arith(Div, &Value::Float(7.0), &Value::Int(2))), 3.5);
        assert_eq!(float(arith(Mod, &Value::Float(-5.5), &Value::Int(2))), -1.5);
        assert_eq!(
            float(arith(Mod, &Value::Float(5.5), &Value::Float(-2.0))),
            1.5
        );
        assert_eq!(
            float(arith(Mul, &Value::Float(1e308), &Value::Float(10.0))),
            f64::INFINITY
        );
        for (op, want) in [(Div, "Division by zero"), (Mod, "Modulo by zero")] {
            assert_eq!(message(arith(op, &Value::Int(5), &Value::Float(0.0))), want);
            assert_eq!(message(arith(op, &Value::Float(5.0), &Value::Int(0))), want);
            assert_eq!(
                message(arith(op, &Value::Float(5.0), &Value::Float(-0.0))),
                want
            );
        }
    }

    #[test]
    fn strings_concatenate_only_with_plus() {
        let joined = arith(Add, &Value::str("ab"), &Value::str("ç")).unwrap();
        match &joined {
            Value::Str(s) => {
                assert_eq!(s.as_str(), "abç");
                assert!(!s.ascii);
            }
            other => panic!("not a string: {other:?}"),
        }
        assert_eq!(
            message(arith(Sub, &Value::str("a"), &Value::str("b"))),
            "Invalid binary operation: string - string"
        );
    }

    #[test]
    fn invalid_operands_name_their_type_words() {
        let strukt = Value::Struct(Rc::new(StructObj {
            name: "P".into(),
            fields: vec![],
        }));
        let cases = [
            (Value::str("n="), Value::Int(5), "string + int"),
            (
                Value::array(vec![]),
                Value::dict(Dict::new()),
                "array + dict",
            ),
            (
                Value::Ok(Rc::new(Value::Int(1))),
                Value::Int(1),
                "value + int",
            ),
            (strukt.clone(), strukt, "struct + struct"),
            (Value::Native(0), Value::Null, "native_function + null"),
            (Value::Bool(true), Value::Int(1), "bool + int"),
        ];
        for (a, b, words) in cases {
            assert_eq!(
                message(arith(Add, &a, &b)),
                format!("Invalid binary operation: {words}")
            );
        }
    }

    #[test]
    fn comparisons_cover_numbers_and_strings() {
        let cases = [
            (CmpOp::Lt, Value::Int(1), Value::Int(2), true),
            (CmpOp::Ge, Value::Int(2), Value::Float(2.0), true),
            (CmpOp::Gt, Value::Float(2.5), Value::Int(2), true),
            (CmpOp::Le, Value::Float(3.0), Value::Float(2.0), false),
            (CmpOp::Lt, Value::str("B"), Value::str("a"), true),
            (CmpOp::Lt, Value::str("ab"), Value::str("abc"), true),
            (CmpOp::Ge, Value::str("b"), Value::str("abc"), true),
            (CmpOp::Lt, Value::Float(f64::NAN), Value::Int(1), false),
            (CmpOp::Ge, Value::Float(f64::NAN), Value::Int(1), false),
        ];
        for (op, a, b, want) in cases {
            assert_eq!(
                compare(op, &a, &b).unwrap(),
                want,
                "{a:?} {} {b:?}",
                op.symbol()
            );
        }
        let s = Value::Struct(Rc::new(StructObj {
            name: "S".into(),
            fields: vec![],
        }));
        assert_eq!(
            message(compare(CmpOp::Gt, &s, &s)),
            "Invalid binary operation: struct > struct"
        );
        assert_eq!(
            message(compare(CmpOp::Le, &Value::Bool(true), &Value::Int(1))),
            "Invalid binary operation: bool <= int"
        );
    }

    #[test]
    fn unary_operators() {
        assert_eq!(int(negate(&Value::Int(5))), -5);
        assert_eq!(int(negate(&Value::Int(i64::MAX))), -i64::MAX);
        assert_eq!(float(negate(&Value::Float(1.5))), -1.5);
        assert_eq!(
            message(negate(&Value::Int(i64::MIN))),
            "Integer overflow: -(-9223372036854775808)"
        );
        assert_eq!(
            message(negate(&Value::str("s"))),
            "Invalid unary operation: - Str(\"s\")"
        );
        assert!(matches!(not(&Value::Bool(true)), Ok(Value::Bool(false))));
        assert_eq!(
            message(not(&Value::Int(5))),
            "Invalid unary operation: ! Int(5)"
        );
        assert_eq!(
            message(not(&Value::Null)),
            "Invalid unary operation: ! Null"
        );
    }

    /// Every operation on every pair of odd operands returns or raises; none panics.
    #[test]
    fn operations_never_panic() {
        let pool = [
            Value::Null,
            Value::Bool(true),
            Value::Int(0),
            Value::Int(-1),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Float(f64::NAN),
            Value::Float(-0.0),
            Value::Float(f64::INFINITY),
            Value::str(""),
            Value::str("é"),
            Value::array(vec![Value::Int(1)]),
            Value::dict(Dict::from([("0".into(), Value::Null)])),
            Value::Struct(Rc::new(StructObj {
                name: "P".into(),
                fields: vec![("message".into(), Value::Int(1))],
            })),
            Value::None,
            Value::Queue(Rc::default()),
        ];
        for a in &pool {
            let _ = (negate(a), not(a), access::len(a), iteration_items(a));
            let _ = (dict_key(a), thrown_message(a), field_get(a, "message"));
            let _ = spread_into_array(&mut Vec::new(), a);
            let _ = spread_into_dict(&mut Dict::new(), a);
            let _ = field_set(&mut a.clone(), "x", Value::Null);
            for b in &pool {
                for op in [Add, Sub, Mul, Div, Mod] {
                    let _ = arith(op, a, b);
                }
                for op in [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge] {
                    let _ = compare(op, a, b);
                }
                let _ = index_get(a, b);
                let _ = index_set(&mut a.clone(), b, Value::Null);
            }
        }
    }

    #[test]
    fn symbols() {
        let ops = [Add, Sub, Mul, Div, Mod].map(ArithOp::symbol);
        assert_eq!(ops, ["+", "-", "*", "/", "%"]);
        let cmps = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge].map(CmpOp::symbol);
        assert_eq!(cmps, ["<", "<=", ">", ">="]);
    }
}
