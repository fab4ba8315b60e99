//! Equality and truthiness (LANGUAGE.md §5, §7). `==` never fails.

use std::rc::Rc;

use crate::value::Value;

/// Floats (and int/float pairs) closer than this are equal.
const FLOAT_TOLERANCE: f64 = f64::EPSILON;

/// `a == b` as the language defines it.
pub fn equal(a: &Value, b: &Value) -> bool {
    equal_with(a, b, true)
}

/// Equality for collection searches (`contains`, `index_of`, `remove`, `unique`, sets):
/// like `==` except that an int never equals a float.
pub fn equal_strict(a: &Value, b: &Value) -> bool {
    equal_with(a, b, false)
}

/// Compares with an explicit work list rather than recursion: values nest as deep as a
/// program likes (`a := [a]` in a loop), and the native stack must not be the limit.
fn equal_with(a: &Value, b: &Value, mixed_numbers: bool) -> bool {
    let mut pending: Vec<(&Value, &Value)> = vec![(a, b)];
    while let Some((a, b)) = pending.pop() {
        if !shallow_equal(a, b, mixed_numbers, &mut pending) {
            return false;
        }
    }
    true
}

/// Compares `a` and `b` except for their elements, which it adds to `pending`.
fn shallow_equal<'a>(
    a: &'a Value,
    b: &'a Value,
    mixed_numbers: bool,
    pending: &mut Vec<(&'a Value, &'a Value)>,
) -> bool {
    match (a, b) {
        (Value::Null | Value::Undef, Value::Null | Value::Undef) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => (x - y).abs() < FLOAT_TOLERANCE,
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => {
            mixed_numbers && (*x as f64 - y).abs() < FLOAT_TOLERANCE
        }
        (Value::Str(x), Value::Str(y)) => x.text == y.text,
        (Value::Array(x), Value::Array(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::Stack(x), Value::Stack(y)) => {
            // No identity shortcut: a shared array holding NaN is not equal to itself.
            pending.extend(x.iter().zip(y.iter()));
            x.len() == y.len()
        }
        (Value::Queue(x), Value::Queue(y)) => {
            pending.extend(x.iter().zip(y.iter()));
            x.len() == y.len()
        }
        (Value::Dict(x), Value::Dict(y)) => {
            pending.extend(x.values().zip(y.values()));
            x.len() == y.len() && x.keys().zip(y.keys()).all(|(kx, ky)| kx == ky)
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.name == y.name
                && x.fields.len() == y.fields.len()
                && x.fields.iter().all(|(name, vx)| match y.get(name) {
                    Some(vy) => {
                        pending.push((vx, vy));
                        true
                    }
                    None => false,
                })
        }
        (Value::Func(x), Value::Func(y)) => Rc::ptr_eq(x, y),
        (Value::Native(x), Value::Native(y)) => x == y,
        (Value::Ok(x), Value::Ok(y))
        | (Value::Err(x), Value::Err(y))
        | (Value::Some(x), Value::Some(y)) => {
            pending.push((x, y));
            true
        }
        (Value::None, Value::None) => true,
        (Value::Enum(x), Value::Enum(y)) => {
            x.enum_name == y.enum_name
                && x.variant == y.variant
                && match (&x.payload, &y.payload) {
                    (None, None) => true,
                    (Some(p), Some(q)) => {
                        pending.push((p, q));
                        true
                    }
                    _ => false,
                }
        }
        // Cells (internal, never nested in one another) hold one value each.
        (Value::Cell(x), _) => equal_with(&x.borrow(), b, mixed_numbers),
        (_, Value::Cell(y)) => equal_with(a, &y.borrow(), mixed_numbers),
        _ => false,
    }
}

/// Truthiness: `false`, `null`, `0`, `0.0`, `""`, `[]`, `{}` are falsy; all else truthy.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null | Value::Undef => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(x) => *x != 0.0,
        Value::Str(s) => !s.text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Dict(map) => !map.is_empty(),
        Value::Cell(cell) => truthy(&cell.borrow()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_across_kinds_with_tolerance() {
        assert!(equal(&Value::Float(10.0), &Value::Int(10)));
        assert!(equal(&Value::Float(0.1 + 0.2), &Value::Float(0.3)));
        assert!(!equal(&Value::Float(f64::NAN), &Value::Float(f64::NAN)));
        assert!(!equal_strict(&Value::Float(1.0), &Value::Int(1)));
        assert!(equal_strict(&Value::Int(1), &Value::Int(1)));
    }

    #[test]
    fn different_kinds_are_unequal() {
        assert!(!equal(&Value::Int(1), &Value::str("1")));
        assert!(!equal(&Value::Bool(true), &Value::Int(1)));
        assert!(!equal(&Value::Null, &Value::Bool(false)));
        assert!(!equal(&Value::None, &Value::Null));
    }

    #[test]
    fn nan_inside_a_shared_array_is_not_equal_to_itself() {
        let a = Value::array(vec![Value::Float(f64::NAN)]);
        let b = a.clone();
        assert!(!equal(&a, &b));
    }

    #[test]
    fn collections_compare_element_wise() {
        let a = Value::array(vec![Value::Int(1), Value::str("x")]);
        let b = Value::array(vec![Value::Float(1.0), Value::str("x")]);
        assert!(equal(&a, &b));
        assert!(!equal_strict(&a, &b));
        assert!(!equal(&a, &Value::array(vec![Value::Int(1)])));
    }

    #[test]
    fn falsy_values_are_exactly_the_listed_ones() {
        for v in [
            Value::Bool(false),
            Value::Null,
            Value::Int(0),
            Value::Float(0.0),
            Value::str(""),
            Value::array(vec![]),
            Value::dict(Default::default()),
        ] {
            assert!(!truthy(&v));
        }
        for v in [
            Value::str("false"),
            Value::str("0"),
            Value::None,
            Value::Int(-1),
        ] {
            assert!(truthy(&v));
        }
    }
}
