//! Set, Queue and Stack (LANGUAGE.md §19). Like arrays they are values: every "changing"
//! builtin returns a new collection and leaves its argument alone. Membership uses
//! `equal_strict` (an int never equals a float).

use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::args::{expect_count, requires};
use super::arrays::array_arg;
use super::Builtin;
use crate::equality::equal_strict;
use crate::{Host, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "Set",
        func: set_new,
    },
    Builtin {
        name: "set_add",
        func: set_add,
    },
    Builtin {
        name: "set_remove",
        func: set_remove,
    },
    Builtin {
        name: "set_has",
        func: set_has,
    },
    Builtin {
        name: "set_union",
        func: set_union,
    },
    Builtin {
        name: "set_intersect",
        func: set_intersect,
    },
    Builtin {
        name: "set_difference",
        func: set_difference,
    },
    Builtin {
        name: "set_to_array",
        func: set_to_array,
    },
    Builtin {
        name: "Queue",
        func: queue_new,
    },
    Builtin {
        name: "queue_enqueue",
        func: queue_enqueue,
    },
    Builtin {
        name: "queue_dequeue",
        func: queue_dequeue,
    },
    Builtin {
        name: "queue_peek",
        func: queue_peek,
    },
    Builtin {
        name: "queue_is_empty",
        func: queue_is_empty,
    },
    Builtin {
        name: "queue_size",
        func: queue_size,
    },
    Builtin {
        name: "queue_to_array",
        func: queue_to_array,
    },
    Builtin {
        name: "Stack",
        func: stack_new,
    },
    Builtin {
        name: "stack_push",
        func: stack_push,
    },
    Builtin {
        name: "stack_pop",
        func: stack_pop,
    },
    Builtin {
        name: "stack_peek",
        func: stack_peek,
    },
    Builtin {
        name: "stack_is_empty",
        func: stack_is_empty,
    },
    Builtin {
        name: "stack_size",
        func: stack_size,
    },
    Builtin {
        name: "stack_to_array",
        func: stack_to_array,
    },
];

/// Floats at least this large are equal (within `f64::EPSILON`) only when identical:
/// neighbouring doubles there are further apart than the tolerance.
const EXACT_FLOATS_FROM: f64 = 2.0;

/// Values met so far, compared with `equal_strict`, so deduplicating is linear for the
/// usual elements. Ints and strings are hashed: `equal_strict` equates them only with
/// their own kind and exact value, so hashing agrees with it. Floats are hashed too:
/// large ones by their bits, small ones in buckets one tolerance wide, where an equal
/// value can only sit in the same or a neighbouring bucket; NaN equals nothing. Everything
/// else (nested collections, structs, …) is compared by a scan.
#[derive(Default)]
pub(super) struct Seen<'a> {
    ints: FxHashSet<i64>,
    strs: FxHashSet<&'a str>,
    large_floats: FxHashSet<u64>,
    small_floats: FxHashMap<i64, Vec<f64>>,
    others: Vec<&'a Value>,
}

/// The tolerance bucket of a float below `EXACT_FLOATS_FROM` in magnitude.
fn float_bucket(x: f64) -> i64 {
    (x / f64::EPSILON).floor() as i64
}

impl<'a> Seen<'a> {
    fn contains(&self, value: &Value) -> bool {
        match value {
            Value::Int(i) => self.ints.contains(i),
            Value::Str(s) => self.strs.contains(s.as_str()),
            Value::Float(x) if x.is_nan() => false,
            Value::Float(x) if x.abs() >= EXACT_FLOATS_FROM => {
                self.large_floats.contains(&x.to_bits())
            }
            Value::Float(x) => {
                let bucket = float_bucket(*x);
                (bucket - 1..=bucket + 1).any(|b| {
                    self.small_floats
                        .get(&b)
                        .is_some_and(|ys| ys.iter().any(|y| (x - y).abs() < f64::EPSILON))
                })
            }
            _ => self.others.iter().any(|seen| equal_strict(seen, value)),
        }
    }

    /// Records `value`; false when an equal value was already recorded.
    fn insert(&mut self, value: &'a Value) -> bool {
        match value {
            Value::Int(i) => self.ints.insert(*i),
            Value::Str(s) => self.strs.insert(s.as_str()),
            _ if self.contains(value) => false,
            Value::Float(x) if x.is_nan() => true,
            Value::Float(x) if x.abs() >= EXACT_FLOATS_FROM => {
                self.large_floats.insert(x.to_bits())
            }
            Value::Float(x) => {
                self.small_floats
                    .entry(float_bucket(*x))
                    .or_default()
                    .push(*x);
                true
            }
            _ => {
                self.others.push(value);
                true
            }
        }
    }

    /// The first occurrence of each distinct value, in order.
    pub(super) fn distinct(items: impl Iterator<Item = &'a Value>) -> Vec<Value> {
        let mut seen = Seen::default();
        items.filter(|v| seen.insert(v)).cloned().collect()
    }

    fn of(items: &'a [Value]) -> Seen<'a> {
        let mut seen = Seen::default();
        for item in items {
            seen.insert(item);
        }
        seen
    }
}

fn set_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a [Value]> {
    match value {
        Value::Set(items) => Ok(items),
        _ => requires(name, "a set"),
    }
}

fn two_sets<'a>(name: &str, args: &'a [Value]) -> RtResult<(&'a [Value], &'a [Value])> {
    expect_count(name, args, 2)?;
    match (&args[0], &args[1]) {
        (Value::Set(a), Value::Set(b)) => Ok((a, b)),
        _ => requires(name, "two sets"),
    }
}

fn set(items: Vec<Value>) -> Value {
    Value::Set(Rc::new(items))
}

fn set_new(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("Set", args, 1)?;
    let items = array_arg("Set", &args[0])?;
    Ok(set(Seen::distinct(items.iter())))
}

fn set_add(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("set_add", args, 2)?;
    let items = set_arg("set_add", &args[0])?;
    if items.iter().any(|item| equal_strict(item, &args[1])) {
        return Ok(args[0].clone());
    }
    let mut out = Vec::with_capacity(items.len() + 1);
    out.extend_from_slice(items);
    out.push(args[1].clone());
    Ok(set(out))
}

fn set_remove(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("set_remove", args, 2)?;
    let items = set_arg("set_remove", &args[0])?;
    match items.iter().position(|item| equal_strict(item, &args[1])) {
        Some(at) => {
            let mut out = items.to_vec();
            out.remove(at);
            Ok(set(out))
        }
        None => Ok(args[0].clone()),
    }
}

fn set_has(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("set_has", args, 2)?;
    let items = set_arg("set_has", &args[0])?;
    Ok(Value::Bool(
        items.iter().any(|item| equal_strict(item, &args[1])),
    ))
}

fn set_union(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_sets("set_union", args)?;
    Ok(set(Seen::distinct(a.iter().chain(b))))
}

fn set_intersect(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_sets("set_intersect", args)?;
    let in_b = Seen::of(b);
    Ok(set(a
        .iter()
        .filter(|v| in_b.contains(v))
        .cloned()
        .collect()))
}

fn set_difference(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let (a, b) = two_sets("set_difference", args)?;
    let in_b = Seen::of(b);
    Ok(set(a
        .iter()
        .filter(|v| !in_b.contains(v))
        .cloned()
        .collect()))
}

fn set_to_array(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("set_to_array", args, 1)?;
    Ok(Value::array(set_arg("set_to_array", &args[0])?.to_vec()))
}

fn queue_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a VecDeque<Value>> {
    match value {
        Value::Queue(items) => Ok(items),
        _ => requires(name, "a queue"),
    }
}

fn queue_new(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("Queue", args, 1)?;
    let items = array_arg("Queue", &args[0])?;
    Ok(Value::Queue(Rc::new(items.iter().cloned().collect())))
}

fn queue_enqueue(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_enqueue", args, 2)?;
    let mut items = queue_arg("queue_enqueue", &args[0])?.clone();
    items.push_back(args[1].clone());
    Ok(Value::Queue(Rc::new(items)))
}

fn queue_dequeue(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_dequeue", args, 1)?;
    let mut rest = queue_arg("queue_dequeue", &args[0])?.clone();
    match rest.pop_front() {
        Some(front) => Ok(Value::array(vec![Value::Queue(Rc::new(rest)), front])),
        None => Ok(Value::array(vec![args[0].clone(), Value::Null])),
    }
}

fn queue_peek(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_peek", args, 1)?;
    let items = queue_arg("queue_peek", &args[0])?;
    Ok(items.front().cloned().unwrap_or_default())
}

fn queue_is_empty(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_is_empty", args, 1)?;
    Ok(Value::Bool(
        queue_arg("queue_is_empty", &args[0])?.is_empty(),
    ))
}

fn queue_size(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_size", args, 1)?;
    Ok(Value::Int(queue_arg("queue_size", &args[0])?.len() as i64))
}

fn queue_to_array(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("queue_to_array", args, 1)?;
    let items = queue_arg("queue_to_array", &args[0])?;
    Ok(Value::array(items.iter().cloned().collect()))
}

fn stack_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a [Value]> {
    match value {
        Value::Stack(items) => Ok(items),
        _ => requires(name, "a stack"),
    }
}

fn stack(items: Vec<Value>) -> Value {
    Value::Stack(Rc::new(items))
}

fn stack_new(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("Stack", args, 1)?;
    Ok(stack(array_arg("Stack", &args[0])?.to_vec()))
}

fn stack_push(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_push", args, 2)?;
    let items = stack_arg("stack_push", &args[0])?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.extend_from_slice(items);
    out.push(args[1].clone());
    Ok(stack(out))
}

fn stack_pop(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_pop", args, 1)?;
    match stack_arg("stack_pop", &args[0])?.split_last() {
        Some((top, rest)) => Ok(Value::array(vec![stack(rest.to_vec()), top.clone()])),
        None => Ok(Value::array(vec![args[0].clone(), Value::Null])),
    }
}

fn stack_peek(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_peek", args, 1)?;
    let items = stack_arg("stack_peek", &args[0])?;
    Ok(items.last().cloned().unwrap_or_default())
}

fn stack_is_empty(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_is_empty", args, 1)?;
    Ok(Value::Bool(
        stack_arg("stack_is_empty", &args[0])?.is_empty(),
    ))
}

fn stack_size(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_size", args, 1)?;
    Ok(Value::Int(stack_arg("stack_size", &args[0])?.len() as i64))
}

fn stack_to_array(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("stack_to_array", args, 1)?;
    Ok(Value::array(
        stack_arg("stack_to_array", &args[0])?.to_vec(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failure, i, ints, run, s, shown};
    use crate::format::debug;
    use crate::Value;
    use std::slice::from_ref;

    fn make(name: &str, items: Value) -> Value {
        run(name, &[items]).unwrap()
    }

    #[test]
    fn sets_keep_first_occurrences_under_strict_equality() {
        let items = Value::array(vec![
            i(1),
            Value::Float(1.0),
            i(1),
            s("a"),
            Value::Float(f64::NAN),
            Value::Float(f64::NAN),
            Value::Float(0.1 + 0.2),
            Value::Float(0.3),
            Value::Bool(true),
            Value::Bool(true),
        ]);
        assert_eq!(
            shown("Set", &[items]),
            "Set([1, 1, a, NaN, NaN, 0.30000000000000004, true])"
        );
        let s = make("Set", ints(&[3, 1, 3, 2]));
        assert_eq!(debug(&s), "Set{3 items}");
        assert_eq!(shown("set_add", &[s.clone(), i(4)]), "Set([3, 1, 2, 4])");
        assert_eq!(shown("set_add", &[s.clone(), i(1)]), "Set([3, 1, 2])");
        assert_eq!(shown("set_remove", &[s.clone(), i(1)]), "Set([3, 2])");
        assert_eq!(
            shown("set_remove", &[s.clone(), Value::Float(1.0)]),
            "Set([3, 1, 2])"
        );
        assert_eq!(shown("set_has", &[s.clone(), i(2)]), "true");
        assert_eq!(shown("set_has", &[s.clone(), Value::Float(2.0)]), "false");
        assert_eq!(shown("set_to_array", &[s]), "[3, 1, 2]");
    }

    #[test]
    fn set_algebra_keeps_the_first_sets_order() {
        let a = make("Set", Value::array(vec![i(1), s("x"), i(2), Value::Null]));
        let b = make("Set", Value::array(vec![i(2), Value::Null, i(5), s("y")]));
        assert_eq!(
            shown("set_union", &[a.clone(), b.clone()]),
            "Set([1, x, 2, null, 5, y])"
        );
        assert_eq!(
            shown("set_intersect", &[a.clone(), b.clone()]),
            "Set([2, null])"
        );
        assert_eq!(
            shown("set_difference", &[a.clone(), b.clone()]),
            "Set([1, x])"
        );
        assert_eq!(
            failure("set_union", &[a.clone(), ints(&[1])]),
            "set_union() requires two sets"
        );
        assert_eq!(
            failure("set_has", &[ints(&[1]), i(1)]),
            "set_has() requires a set"
        );
        assert_eq!(failure("Set", &[Value::Null]), "Set() requires an array");
        assert_eq!(failure("Set", &[]), "Set expects 1 arguments, got 0");
    }

    #[test]
    fn large_sets_deduplicate_quickly() {
        let items: Vec<Value> = (0..200_000).map(|i| Value::Int(i % 100_000)).collect();
        let s = make("Set", Value::array(items));
        assert_eq!(
            shown("queue_size", &[make("Queue", make("set_to_array", s))]),
            "100000"
        );
    }

    #[test]
    fn queues_are_first_in_first_out() {
        let q = make("Queue", Value::array(vec![s("a"), s("b")]));
        assert_eq!(
            shown("queue_enqueue", &[q.clone(), s("c")]),
            "Queue([a, b, c])"
        );
        assert_eq!(shown("queue_dequeue", from_ref(&q)), "[Queue([b]), a]");
        assert_eq!(shown("queue_peek", from_ref(&q)), "a");
        assert_eq!(shown("queue_is_empty", from_ref(&q)), "false");
        assert_eq!(shown("queue_size", from_ref(&q)), "2");
        assert_eq!(shown("queue_to_array", from_ref(&q)), "[a, b]");
        let empty = make("Queue", ints(&[]));
        assert_eq!(
            shown("queue_dequeue", from_ref(&empty)),
            "[Queue([]), null]"
        );
        assert_eq!(shown("queue_peek", from_ref(&empty)), "null");
        assert_eq!(shown("queue_is_empty", &[empty]), "true");
        assert_eq!(
            failure("queue_size", &[ints(&[])]),
            "queue_size() requires a queue"
        );
        assert_eq!(
            failure("queue_enqueue", &[q]),
            "queue_enqueue expects 2 arguments, got 1"
        );
    }

    #[test]
    fn stacks_are_last_in_first_out() {
        let s = make("Stack", ints(&[1, 2]));
        assert_eq!(shown("stack_push", &[s.clone(), i(3)]), "Stack([1, 2, 3])");
        assert_eq!(shown("stack_pop", from_ref(&s)), "[Stack([1]), 2]");
        assert_eq!(shown("stack_peek", from_ref(&s)), "2");
        assert_eq!(shown("stack_is_empty", from_ref(&s)), "false");
        assert_eq!(shown("stack_size", from_ref(&s)), "2");
        assert_eq!(shown("stack_to_array", from_ref(&s)), "[1, 2]");
        let empty = make("Stack", ints(&[]));
        assert_eq!(shown("stack_pop", from_ref(&empty)), "[Stack([]), null]");
        assert_eq!(shown("stack_peek", from_ref(&empty)), "null");
        assert_eq!(shown("stack_is_empty", &[empty]), "true");
        assert_eq!(
            failure("stack_push", &[s, i(1), i(2)]),
            "stack_push expects 2 arguments, got 3"
        );
        assert_eq!(
            failure("stack_pop", &[ints(&[1])]),
            "stack_pop() requires a stack"
        );
    }

    #[test]
    fn float_deduplication_follows_the_tolerance_and_stays_fast() {
        let close = [0.1 + 0.2, 0.3, -0.0, 0.0, 2.0, 2.0, f64::NAN, f64::NAN];
        let items: Vec<Value> = close.iter().map(|x| Value::Float(*x)).collect();
        let distinct = super::Seen::distinct(items.iter());
        let shown: Vec<String> = distinct.iter().map(crate::format::display).collect();
        assert_eq!(shown, ["0.30000000000000004", "-0", "2", "NaN", "NaN"]);
        let many: Vec<Value> = (0..200_000).map(|i| Value::Float(i as f64 * 0.5)).collect();
        assert_eq!(super::Seen::distinct(many.iter()).len(), 200_000);
    }
}
