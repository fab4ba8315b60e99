//! Array builtins (LANGUAGE.md §18 "Arrays"). `len`, `contains` and `index_of` live in
//! `strings.rs`, which handles them for every type.
//!
//! Arrays are values: each "modifying" builtin returns a new array. Builtins receive
//! their arguments borrowed (`&[Value]`), so the caller always still holds the input and
//! copying the elements (cheap `Rc` clones for heap values) is unavoidable here.
//!
//! Index decisions: `insert(a, i, v)` accepts `0..=len(a)` and `remove_at(a, i)` accepts
//! `0..len(a)`; both count a negative `i` from the end like `a[i]` does, and anything
//! outside is `Index out of bounds: <i>` (the index as given), like indexing.

use std::cmp::Ordering;

use super::args::{expect_count, expect_count_between, int_arg, requires};
use super::collections::Seen;
use super::Builtin;
use crate::equality::{equal_strict, truthy};
use crate::{raise, Host, RtError, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "range",
        func: range,
    },
    Builtin {
        name: "push",
        func: push,
    },
    Builtin {
        name: "append",
        func: append,
    },
    Builtin {
        name: "pop",
        func: pop,
    },
    Builtin {
        name: "insert",
        func: insert,
    },
    Builtin {
        name: "remove",
        func: remove,
    },
    Builtin {
        name: "remove_at",
        func: remove_at,
    },
    Builtin {
        name: "clear",
        func: clear,
    },
    Builtin {
        name: "concat",
        func: concat,
    },
    Builtin {
        name: "reverse",
        func: reverse,
    },
    Builtin {
        name: "unique",
        func: unique,
    },
    Builtin {
        name: "slice",
        func: slice,
    },
    Builtin {
        name: "sort",
        func: sort,
    },
    Builtin {
        name: "sum",
        func: sum,
    },
    Builtin {
        name: "map",
        func: map,
    },
    Builtin {
        name: "filter",
        func: filter,
    },
    Builtin {
        name: "reduce",
        func: reduce,
    },
    Builtin {
        name: "find",
        func: find,
    },
    Builtin {
        name: "any",
        func: any,
    },
    Builtin {
        name: "all",
        func: all,
    },
];

/// Most elements `range` builds (1.6 GB of values). Larger requests fail with a clear
/// error instead of aborting the process on a failed allocation.
const RANGE_LIMIT: i128 = 100_000_000;

/// The array argument of builtin `name`, or `<name>() requires an array`.
pub(super) fn array_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a [Value]> {
    match value {
        Value::Array(items) => Ok(items),
        _ => requires(name, "an array"),
    }
}

/// The callback argument of `map`, `filter`, … (checked up front so an empty array does
/// not hide a wrong argument).
fn func_arg<'a>(name: &str, value: &'a Value) -> RtResult<&'a Value> {
    match value {
        Value::Func(_) | Value::Native(_) => Ok(value),
        _ => requires(name, "a function"),
    }
}

/// Position of index `i` in an array of `len` elements, a negative `i` counting from the
/// end; valid positions are `0..len + extra`.
fn position(i: i64, len: usize, extra: usize) -> RtResult<usize> {
    let len = len as i128;
    let pos = if i < 0 {
        i128::from(i) + len
    } else {
        i128::from(i)
    };
    if (0..len + extra as i128).contains(&pos) {
        Ok(pos as usize)
    } else {
        raise(format!("Index out of bounds: {i}"))
    }
}

/// `[array, element]`, the result shape of `pop` and `remove_at`.
fn pair(items: Vec<Value>, element: Value) -> Value {
    Value::array(vec![Value::array(items), element])
}

/// What `range(...)` counts: from `start` towards `end` (excluded) by `step` (never 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeSpec {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

/// Checks `range`'s arguments (`range(n)`, `range(a, b)`, `range(a, b, step)`) with the
/// builtin's messages. The `range` builtin and the interpreter's counting `for` loop both
/// use it.
pub fn range_spec(args: &[Value]) -> RtResult<RangeSpec> {
    expect_count_between("range", args, 1, 3)?;
    let mut ints = [0i64, 0, 1];
    for (k, slot) in ints.iter_mut().take(args.len()).enumerate() {
        *slot = int_arg("range", args, k, "integer arguments")?;
    }
    let [start, end, step] = match args.len() {
        1 => [0, ints[0], 1],
        _ => ints,
    };
    if step == 0 {
        return raise("range() step cannot be zero");
    }
    Ok(RangeSpec { start, end, step })
}

fn range(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    let spec = range_spec(args)?;
    let [start, end, step] = [spec.start, spec.end, spec.step].map(i128::from);
    let count = if step > 0 && start < end {
        (end - start + step - 1) / step
    } else if step < 0 && start > end {
        (start - end - step - 1) / -step
    } else {
        0
    };
    if count > RANGE_LIMIT {
        return raise("range() result too large");
    }
    crate::heap::reserve((count as usize).checked_mul(std::mem::size_of::<Value>()))?;
    // Every element lies between `start` and `end`, so it fits in an i64.
    let items = (0..count).map(|k| Value::Int((start + k * step) as i64));
    Ok(Value::array(items.collect()))
}

fn push(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    push_as("push", args)
}

fn append(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    push_as("append", args)
}

/// `push` and its alias `append`, which differ only in the name errors show.
fn push_as(name: &str, args: &[Value]) -> RtResult<Value> {
    expect_count(name, args, 2)?;
    let items = array_arg(name, &args[0])?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.extend_from_slice(items);
    out.push(args[1].clone());
    Ok(Value::array(out))
}

fn pop(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("pop", args, 1)?;
    let mut items = array_arg("pop", &args[0])?.to_vec();
    let last = items.pop().unwrap_or_default();
    Ok(pair(items, last))
}

fn insert(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("insert", args, 3)?;
    let items = array_arg("insert", &args[0])?;
    let at = position(
        int_arg("insert", args, 1, "an integer index")?,
        items.len(),
        1,
    )?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.extend_from_slice(&items[..at]);
    out.push(args[2].clone());
    out.extend_from_slice(&items[at..]);
    Ok(Value::array(out))
}

fn remove(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("remove", args, 2)?;
    let items = array_arg("remove", &args[0])?;
    match items.iter().position(|item| equal_strict(item, &args[1])) {
        Some(at) => {
            let mut out = items.to_vec();
            out.remove(at);
            Ok(Value::array(out))
        }
        None => Ok(args[0].clone()),
    }
}

fn remove_at(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("remove_at", args, 2)?;
    let items = array_arg("remove_at", &args[0])?;
    let at = position(
        int_arg("remove_at", args, 1, "an integer index")?,
        items.len(),
        0,
    )?;
    let mut out = items.to_vec();
    let removed = out.remove(at);
    Ok(pair(out, removed))
}

fn clear(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("clear", args, 1)?;
    array_arg("clear", &args[0])?;
    Ok(Value::array(Vec::new()))
}

fn concat(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("concat", args, 2)?;
    match (&args[0], &args[1]) {
        (Value::Array(a), Value::Array(b)) => {
            let len = a.len() + b.len();
            crate::heap::reserve(len.checked_mul(std::mem::size_of::<Value>()))?;
            let mut out = Vec::with_capacity(len);
            out.extend_from_slice(a);
            out.extend_from_slice(b);
            Ok(Value::array(out))
        }
        _ => requires("concat", "two arrays"),
    }
}

fn reverse(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("reverse", args, 1)?;
    let items = array_arg("reverse", &args[0])?;
    Ok(Value::array(items.iter().rev().cloned().collect()))
}

fn unique(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("unique", args, 1)?;
    let items = array_arg("unique", &args[0])?;
    Ok(Value::array(Seen::distinct(items.iter())))
}

fn slice(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("slice", args, 3)?;
    let items = array_arg("slice", &args[0])?;
    let len = items.len() as i128;
    let clamp = |bound: i64| {
        let at = if bound < 0 {
            i128::from(bound) + len
        } else {
            i128::from(bound)
        };
        at.clamp(0, len) as usize
    };
    let start = clamp(int_arg("slice", args, 1, "integer bounds")?);
    let end = clamp(int_arg("slice", args, 2, "integer bounds")?);
    let taken = items.get(start..end).unwrap_or_default();
    Ok(Value::array(taken.to_vec()))
}

fn sort(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("sort", args, 1)?;
    let items = array_arg("sort", &args[0])?;
    let sortable = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_));
    if !items.iter().all(sortable) {
        return requires("sort", "an array of numbers or strings");
    }
    let mut out = items.to_vec();
    out.sort_by(sort_order);
    Ok(Value::array(out))
}

/// The order `sort` uses: numbers by exact value (NaN last), then strings byte-wise. It
/// must be a total order (`sort_by` may panic otherwise), so an int and a float are
/// compared exactly instead of by converting the int to a float.
fn sort_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => x
            .partial_cmp(y)
            .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan())),
        (Value::Int(x), Value::Float(y)) => int_float_order(*x, *y),
        (Value::Float(x), Value::Int(y)) => int_float_order(*y, *x).reverse(),
        (Value::Str(x), Value::Str(y)) => x.text.cmp(&y.text),
        (Value::Str(_), _) => Ordering::Greater,
        _ => Ordering::Less,
    }
}

/// Exact order of an int and a float; a NaN sorts after every number.
fn int_float_order(i: i64, f: f64) -> Ordering {
    /// 2^63: the first float above every i64 (exactly representable).
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || f >= I64_END {
        return Ordering::Less;
    }
    if f < -I64_END {
        return Ordering::Greater;
    }
    let whole = f.trunc();
    // `whole` is an integer inside the i64 range, so the cast is exact.
    i.cmp(&(whole as i64))
        .then_with(|| whole.partial_cmp(&f).unwrap_or(Ordering::Equal))
}

fn sum(_: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("sum", args, 1)?;
    let items = array_arg("sum", &args[0])?;
    if items.iter().any(|v| matches!(v, Value::Float(_))) {
        let total = items.iter().fold(0.0, |acc, v| match v {
            Value::Int(i) => acc + *i as f64,
            Value::Float(x) => acc + x,
            _ => acc,
        });
        return Ok(Value::Float(total));
    }
    let mut total: i64 = 0;
    for item in items {
        if let Value::Int(i) = item {
            total = total
                .checked_add(*i)
                .ok_or_else(|| RtError::Raise(format!("Integer overflow: {total} + {i}")))?;
        }
    }
    Ok(Value::Int(total))
}

fn map(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("map", args, 2)?;
    let items = array_arg("map", &args[0])?;
    let f = func_arg("map", &args[1])?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(host.call_value(f, std::slice::from_ref(item))?);
    }
    Ok(Value::array(out))
}

fn filter(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("filter", args, 2)?;
    let items = array_arg("filter", &args[0])?;
    let f = func_arg("filter", &args[1])?;
    let mut out = Vec::new();
    for item in items {
        if truthy(&host.call_value(f, std::slice::from_ref(item))?) {
            out.push(item.clone());
        }
    }
    Ok(Value::array(out))
}

fn reduce(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("reduce", args, 3)?;
    let items = array_arg("reduce", &args[0])?;
    let f = func_arg("reduce", &args[2])?;
    let mut acc = args[1].clone();
    for item in items {
        acc = host.call_value(f, &[acc, item.clone()])?;
    }
    Ok(acc)
}

fn find(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("find", args, 2)?;
    Ok(first_where("find", host, args, true)?
        .cloned()
        .unwrap_or_default())
}

fn any(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("any", args, 2)?;
    Ok(Value::Bool(first_where("any", host, args, true)?.is_some()))
}

fn all(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count("all", args, 2)?;
    Ok(Value::Bool(
        first_where("all", host, args, false)?.is_none(),
    ))
}

/// The first element of `args[0]` whose `args[1](x)` has truthiness `wanted`; stops
/// calling the callback there.
fn first_where<'a>(
    name: &str,
    host: &mut dyn Host,
    args: &'a [Value],
    wanted: bool,
) -> RtResult<Option<&'a Value>> {
    let items = array_arg(name, &args[0])?;
    let f = func_arg(name, &args[1])?;
    for item in items {
        if truthy(&host.call_value(f, std::slice::from_ref(item))?) == wanted {
            return Ok(Some(item));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::slice::from_ref;

    use super::super::testing::{failure, i, ints, run, s, shown};
    use crate::format::{debug, display, type_name};
    use crate::value::FuncObj;
    use crate::{raise, Host, RtError, RtResult, VMContext, Value};

    type Closure = Box<dyn Fn(&[Value]) -> RtResult<Value>>;

    /// A host whose "user functions" are Rust closures indexed by `FuncObj::proto`, for
    /// the callback builtins; builtins passed as callbacks go through the registry.
    #[derive(Default)]
    struct CallbackHost {
        ctx: VMContext,
        funcs: Vec<Closure>,
    }

    impl CallbackHost {
        /// Registers `f` and returns a function value that calls it.
        fn func(&mut self, f: impl Fn(&[Value]) -> RtResult<Value> + 'static) -> Value {
            self.funcs.push(Box::new(f));
            Value::Func(Rc::new(FuncObj {
                proto: (self.funcs.len() - 1) as u32,
                name: "f".into(),
                captures: Box::new([]),
            }))
        }

        fn run(&mut self, name: &str, args: &[Value]) -> RtResult<Value> {
            let id = crate::builtins::lookup(name).expect("builtin is registered");
            crate::builtins::call(id, self, args)
        }

        fn show(&mut self, name: &str, args: &[Value]) -> String {
            match self.run(name, args) {
                Ok(v) => display(&v),
                Err(e) => panic!("{name} failed: {e:?}"),
            }
        }

        fn fail(&mut self, name: &str, args: &[Value]) -> String {
            match self.run(name, args) {
                Err(RtError::Raise(message)) => message,
                other => panic!("{name} should have raised, got {other:?}"),
            }
        }
    }

    impl Host for CallbackHost {
        fn call_value(&mut self, callee: &Value, args: &[Value]) -> RtResult<Value> {
            match callee {
                Value::Native(id) => crate::builtins::call(*id, self, args),
                Value::Func(f) => match self.funcs.get(f.proto as usize) {
                    Some(closure) => closure(args),
                    None => raise("unknown test function"),
                },
                other => raise(format!("Cannot call non-function: {}", type_name(other))),
            }
        }
        fn write_stdout(&mut self, _: &str) -> RtResult<()> {
            Ok(())
        }
        fn write_stderr(&mut self, _: &str) -> RtResult<()> {
            Ok(())
        }
        fn read_line(&mut self) -> RtResult<Option<String>> {
            Ok(None)
        }
        fn context(&mut self) -> &mut VMContext {
            &mut self.ctx
        }
    }

    #[test]
    fn range_forms_and_directions() {
        assert_eq!(shown("range", &[i(4)]), "[0, 1, 2, 3]");
        assert_eq!(shown("range", &[i(2), i(5)]), "[2, 3, 4]");
        assert_eq!(shown("range", &[i(5), i(0), i(-2)]), "[5, 3, 1]");
        assert_eq!(shown("range", &[i(0), i(10), i(3)]), "[0, 3, 6, 9]");
        assert_eq!(shown("range", &[i(5), i(2)]), "[]");
        assert_eq!(shown("range", &[i(-3)]), "[]");
        assert_eq!(shown("range", &[i(0), i(5), i(-1)]), "[]");
        assert_eq!(
            shown("range", &[i(i64::MAX - 1), i(i64::MAX), i(i64::MAX)]),
            "[9223372036854775806]"
        );
        assert_eq!(
            shown("range", &[i(i64::MAX), i(i64::MIN), i(i64::MIN)]),
            "[9223372036854775807, -1]"
        );
    }

    #[test]
    fn range_errors() {
        assert_eq!(
            failure("range", &[i(0), i(5), i(0)]),
            "range() step cannot be zero"
        );
        assert_eq!(
            failure("range", &[]),
            "range expects 1 to 3 arguments, got 0"
        );
        assert_eq!(
            failure("range", &[Value::Float(2.0)]),
            "range() requires integer arguments"
        );
        assert_eq!(failure("range", &[i(i64::MAX)]), "range() result too large");
        assert_eq!(
            failure("range", &[i(i64::MIN), i(i64::MAX)]),
            "range() result too large"
        );
    }

    #[test]
    fn push_pop_insert_leave_the_input_alone() {
        let a = ints(&[1, 2]);
        assert_eq!(shown("push", &[a.clone(), i(3)]), "[1, 2, 3]");
        assert_eq!(shown("append", &[a.clone(), s("x")]), "[1, 2, x]");
        assert_eq!(shown("pop", from_ref(&a)), "[[1], 2]");
        assert_eq!(shown("pop", &[ints(&[])]), "[[], null]");
        assert_eq!(shown("insert", &[a.clone(), i(0), i(9)]), "[9, 1, 2]");
        assert_eq!(shown("insert", &[a.clone(), i(2), i(9)]), "[1, 2, 9]");
        assert_eq!(shown("insert", &[a.clone(), i(-1), i(9)]), "[1, 9, 2]");
        assert_eq!(debug(&a), "Array[2]");
        assert_eq!(
            failure("insert", &[a.clone(), i(3), i(9)]),
            "Index out of bounds: 3"
        );
        assert_eq!(
            failure("insert", &[a.clone(), i(-3), i(9)]),
            "Index out of bounds: -3"
        );
        assert_eq!(failure("push", &[i(1), i(2)]), "push() requires an array");
        assert_eq!(
            failure("append", &[i(1), i(2)]),
            "append() requires an array"
        );
        assert_eq!(
            failure("push", from_ref(&a)),
            "push expects 2 arguments, got 1"
        );
        assert_eq!(
            failure("insert", &[a, s("0"), i(1)]),
            "insert() requires an integer index"
        );
    }

    #[test]
    fn remove_and_remove_at() {
        let a = Value::array(vec![i(1), Value::Float(2.0), i(2), i(2)]);
        assert_eq!(shown("remove", &[a.clone(), i(2)]), "[1, 2, 2]");
        assert_eq!(
            shown("remove", &[a.clone(), Value::Float(2.0)]),
            "[1, 2, 2]"
        );
        assert_eq!(shown("remove", &[a.clone(), i(7)]), "[1, 2, 2, 2]");
        assert_eq!(shown("remove_at", &[a.clone(), i(0)]), "[[2, 2, 2], 1]");
        assert_eq!(shown("remove_at", &[ints(&[4, 5]), i(-1)]), "[[4], 5]");
        assert_eq!(
            failure("remove_at", &[ints(&[]), i(0)]),
            "Index out of bounds: 0"
        );
        assert_eq!(
            failure("remove_at", &[a, i(i64::MIN)]),
            "Index out of bounds: -9223372036854775808"
        );
    }

    #[test]
    fn whole_array_operations() {
        assert_eq!(shown("clear", &[ints(&[1])]), "[]");
        assert_eq!(failure("clear", &[s("s")]), "clear() requires an array");
        assert_eq!(shown("concat", &[ints(&[1]), ints(&[2, 3])]), "[1, 2, 3]");
        assert_eq!(
            failure("concat", &[ints(&[1]), i(2)]),
            "concat() requires two arrays"
        );
        assert_eq!(shown("reverse", &[ints(&[1, 2, 3])]), "[3, 2, 1]");
        let mixed = Value::array(vec![
            i(1),
            Value::Float(1.0),
            i(1),
            Value::str("a"),
            Value::str("a"),
            Value::Null,
            Value::Null,
            ints(&[1]),
            ints(&[1]),
        ]);
        assert_eq!(shown("unique", &[mixed]), "[1, 1, a, null, [1]]");
    }

    #[test]
    fn slice_counts_from_the_end_and_clamps() {
        let a = ints(&[0, 1, 2, 3, 4]);
        assert_eq!(shown("slice", &[a.clone(), i(1), i(3)]), "[1, 2]");
        assert_eq!(shown("slice", &[a.clone(), i(-2), i(5)]), "[3, 4]");
        assert_eq!(
            shown("slice", &[a.clone(), i(-100), i(100)]),
            "[0, 1, 2, 3, 4]"
        );
        assert_eq!(shown("slice", &[a.clone(), i(3), i(1)]), "[]");
        assert_eq!(
            shown("slice", &[a.clone(), i(i64::MIN), i(i64::MAX)]),
            "[0, 1, 2, 3, 4]"
        );
        assert_eq!(
            failure("slice", &[a, i(0), Value::Null]),
            "slice() requires integer bounds"
        );
    }

    #[test]
    fn sort_puts_numbers_before_strings() {
        let a = Value::array(vec![
            Value::str("b"),
            i(3),
            Value::Float(2.5),
            Value::str("B"),
            i(-1),
            Value::Float(f64::NAN),
            Value::str("a"),
            Value::Float(f64::NEG_INFINITY),
        ]);
        assert_eq!(shown("sort", &[a]), "[-inf, -1, 2.5, 3, NaN, B, a, b]");
        let big = Value::array(vec![
            i((1 << 53) + 1),
            Value::Float(9007199254740992.0),
            i(1 << 53),
            Value::Float(-0.5),
            i(0),
            i(i64::MIN),
            Value::Float(-9.3e18),
        ]);
        assert_eq!(
            shown("sort", &[big]),
            "[-9300000000000000000, -9223372036854775808, -0.5, 0, \
             9007199254740992, 9007199254740992, 9007199254740993]"
        );
        assert_eq!(
            failure("sort", &[Value::array(vec![i(1), Value::Null])]),
            "sort() requires an array of numbers or strings"
        );
    }

    #[test]
    fn sum_keeps_ints_exact() {
        assert_eq!(debug(&run("sum", &[ints(&[])]).unwrap()), "Int(0)");
        let a = Value::array(vec![i(1), s("x"), i(2)]);
        assert_eq!(debug(&run("sum", &[a]).unwrap()), "Int(3)");
        let f = Value::array(vec![i(1), Value::Float(1.5)]);
        assert_eq!(debug(&run("sum", &[f]).unwrap()), "Float(2.5)");
        assert_eq!(
            failure("sum", &[ints(&[i64::MAX, 1])]),
            "Integer overflow: 9223372036854775807 + 1"
        );
        let huge = Value::array(vec![i(i64::MAX), i(1), Value::Float(0.0)]);
        assert_eq!(shown("sum", &[huge]), "9223372036854776000");
    }

    #[test]
    fn callbacks_receive_elements_and_accumulators() {
        let mut host = CallbackHost::default();
        let double = host.func(|args| match args {
            [Value::Int(i)] => Ok(Value::Int(i * 2)),
            _ => raise("bad"),
        });
        let odd = host.func(|args| match args {
            [Value::Int(i)] => Ok(Value::Int(i % 2)),
            _ => raise("bad"),
        });
        let add = host.func(|args| match args {
            [Value::Int(a), Value::Int(b)] => Ok(Value::Int(a * 10 + b)),
            _ => raise("bad"),
        });
        let a = ints(&[1, 2, 3]);
        assert_eq!(host.show("map", &[a.clone(), double]), "[2, 4, 6]");
        assert_eq!(host.show("filter", &[a.clone(), odd.clone()]), "[1, 3]");
        assert_eq!(host.show("reduce", &[a.clone(), i(0), add]), "123");
        assert_eq!(host.show("find", &[ints(&[2, 4, 5, 7]), odd.clone()]), "5");
        assert_eq!(host.show("find", &[ints(&[2, 4]), odd.clone()]), "null");
        assert_eq!(host.show("any", &[ints(&[2, 3]), odd.clone()]), "true");
        assert_eq!(host.show("any", &[ints(&[]), odd.clone()]), "false");
        assert_eq!(host.show("all", &[ints(&[1, 3]), odd.clone()]), "true");
        assert_eq!(host.show("all", &[ints(&[1, 2]), odd.clone()]), "false");
        assert_eq!(host.show("all", &[ints(&[]), odd]), "true");
    }

    #[test]
    fn builtins_work_as_callbacks() {
        let mut host = CallbackHost::default();
        let push = Value::Native(crate::builtins::lookup("push").unwrap());
        let nested = Value::array(vec![ints(&[1]), ints(&[])]);
        assert_eq!(
            host.show("reduce", &[nested, ints(&[0]), push.clone()]),
            "[0, [1], []]"
        );
        let sum = Value::Native(crate::builtins::lookup("sum").unwrap());
        let rows = Value::array(vec![ints(&[1, 2]), ints(&[3])]);
        assert_eq!(host.show("map", &[rows, sum]), "[3, 3]");
    }

    #[test]
    fn callbacks_stop_early_and_errors_propagate() {
        let mut host = CallbackHost::default();
        let calls = Rc::new(Cell::new(0));
        let seen = Rc::clone(&calls);
        let is_two = host.func(move |args| {
            seen.set(seen.get() + 1);
            Ok(Value::Bool(matches!(args, [Value::Int(2)])))
        });
        assert_eq!(
            host.show("find", &[ints(&[1, 2, 3, 2]), is_two.clone()]),
            "2"
        );
        assert_eq!(calls.get(), 2);
        assert_eq!(host.show("all", &[ints(&[2, 1, 2]), is_two]), "false");
        assert_eq!(calls.get(), 4);
        let boom = host.func(|_| raise("boom"));
        assert_eq!(host.fail("map", &[ints(&[1]), boom.clone()]), "boom");
        assert_eq!(host.fail("reduce", &[ints(&[1]), i(0), boom]), "boom");
        assert_eq!(
            host.fail("map", &[ints(&[]), i(1)]),
            "map() requires a function"
        );
        assert_eq!(
            host.fail("filter", &[Value::Null, i(1)]),
            "filter() requires an array"
        );
        assert_eq!(
            host.fail("reduce", &[ints(&[])]),
            "reduce expects 3 arguments, got 1"
        );
    }
}
