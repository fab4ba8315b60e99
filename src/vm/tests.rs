//! Unit tests of the tier-0 VM: arithmetic fast paths against the runtime's rules, error
//! locations and call stacks, the call-depth limit, unwinding through native callbacks,
//! operator methods, receiver write-back and re-entrant native -> Ruff calls.

use std::cell::RefCell;
use std::io::{BufWriter, Write};
use std::rc::Rc;

use super::{Io, Options, Outcome, RuntimeError, Vm};
use crate::syntax::span::LineIndex;

// ---- helpers

/// A `Write` whose bytes land in a buffer the test keeps a handle on.
struct SharedBuf(Rc<RefCell<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compiles and runs `src` with `options`; returns what reached stdout by the time `run`
/// returned (stdout is buffered as in `Io::standard`, so this checks `run` flushes) and
/// how the run ended. Stdin is empty.
fn run_with(src: &str, options: Options) -> (String, Outcome) {
    let ast = crate::syntax::parse(src).unwrap_or_else(|e| panic!("parse error: {e}"));
    let program = crate::compile::compile(&ast).unwrap_or_else(|e| panic!("compile error: {e}"));
    let out = Rc::new(RefCell::new(Vec::new()));
    let io = Io {
        stdout: Box::new(BufWriter::new(SharedBuf(out.clone()))),
        stderr: Box::new(std::io::sink()),
        stdin: Box::new(std::io::empty()),
    };
    let mut vm = Vm::new(program, LineIndex::new(src), io, options)
        .unwrap_or_else(|e| panic!("verifier rejected the compiled program: {e:?}"));
    let outcome = vm.run();
    let text = String::from_utf8(out.borrow().clone()).expect("utf-8 output");
    drop(vm);
    (text, outcome)
}

fn run(src: &str) -> (String, Outcome) {
    run_with(src, Options::default())
}

/// Runs a program that must finish normally; returns its output.
fn output(src: &str) -> String {
    output_with(src, Options::default())
}

fn output_with(src: &str, options: Options) -> String {
    match run_with(src, options) {
        (out, Outcome::Finished) => out,
        (out, other) => panic!("expected to finish, got {other:?} after output {out:?}"),
    }
}

/// Runs a program that must end with an uncaught error; returns output and error.
fn error_with(src: &str, options: Options) -> (String, RuntimeError) {
    match run_with(src, options) {
        (out, Outcome::Error(e)) => (out, e),
        (out, other) => panic!("expected an error, got {other:?} after output {out:?}"),
    }
}

fn error(src: &str) -> (String, RuntimeError) {
    error_with(src, Options::default())
}

fn error_message(src: &str) -> String {
    error(src).1.message
}

fn stack(e: &RuntimeError) -> Vec<&str> {
    e.stack.iter().map(|s| &**s).collect()
}

// ---- 1. arithmetic at the edges

#[test]
fn int_overflow_on_add_with_a_constant_operand() {
    // `x + 1` compiles to AddK: the fast path must still check overflow.
    assert_eq!(
        error_message("x := 9223372036854775807\ny := x + 1\n"),
        "Integer overflow: 9223372036854775807 + 1"
    );
}

#[test]
fn int_overflow_on_add_of_two_registers() {
    assert_eq!(
        error_message("x := 9223372036854775807\none := 1\nprint(x + one)\n"),
        "Integer overflow: 9223372036854775807 + 1"
    );
}

#[test]
fn int_overflow_in_a_register_global_loop_counter() {
    let src = "mut i := 9223372036854775806\nwhile i > 0 { i += 1 }\n";
    let (_, e) = error(src);
    assert_eq!(e.message, "Integer overflow: 9223372036854775807 + 1");
    assert_eq!(e.line, 2);
}

#[test]
fn int_overflow_in_a_function_fast_path() {
    let src = "func inc(n) { return n + 1 }\nprint(inc(9223372036854775806))\nprint(inc(9223372036854775807))\n";
    let (out, e) = error(src);
    assert_eq!(out, "9223372036854775807\n");
    assert_eq!(e.message, "Integer overflow: 9223372036854775807 + 1");
    assert_eq!(stack(&e), ["inc"]);
}

#[test]
fn int_min_divided_or_modded_by_minus_one_overflows() {
    assert_eq!(
        error_message("m := -9223372036854775807 - 1\nprint(m / -1)\n"),
        "Integer overflow: -9223372036854775808 / -1"
    );
    assert_eq!(
        error_message("m := -9223372036854775807 - 1\nd := -1\nprint(m / d)\n"),
        "Integer overflow: -9223372036854775808 / -1"
    );
    assert_eq!(
        error_message("m := -9223372036854775807 - 1\nprint(m % -1)\n"),
        "Integer overflow: -9223372036854775808 % -1"
    );
}

#[test]
fn int_sub_mul_and_neg_overflow() {
    assert_eq!(
        error_message("m := -9223372036854775807\nprint(m - 2)\n"),
        "Integer overflow: -9223372036854775807 - 2"
    );
    assert_eq!(
        error_message("m := 4611686018427387904\nprint(m * 2)\n"),
        "Integer overflow: 4611686018427387904 * 2"
    );
    assert_eq!(
        error_message("m := -9223372036854775807 - 1\nprint(-m)\n"),
        "Integer overflow: -(-9223372036854775808)"
    );
}

#[test]
fn int_division_truncates_and_modulo_follows_the_left_sign() {
    assert_eq!(
        output("print(7 % -2, -7 % 2, 7 / 2, -7 / 2)\na := 7\nb := -2\nprint(a % b, a / b)\n"),
        "1 -1 3 -3\n1 -3\n"
    );
}

#[test]
fn zero_divisors_are_errors_for_ints_and_floats() {
    assert_eq!(error_message("print(5 / 0.0)\n"), "Division by zero");
    assert_eq!(error_message("z := 0\nprint(5 / z)\n"), "Division by zero");
    assert_eq!(error_message("print(5 % 0)\n"), "Modulo by zero");
    assert_eq!(error_message("x := 5.5\nprint(x % 0)\n"), "Modulo by zero");
}

#[test]
fn mixed_int_and_float_operands_give_floats() {
    let src = "\
i := 7
f := 2.0
print(i + 0.5, i / f, i * 1.5, i - f, f % 0.75)
print(type(i / f), type(6 / f), 6 / f, type(7 / 2))
print(-5.5 % 2)
";
    assert_eq!(output(src), "7.5 3.5 10.5 5 0.5\nfloat float 3 int\n-1.5\n");
}

#[test]
fn string_plus_int_is_an_invalid_operation() {
    assert_eq!(
        error_message("print(\"n=\" + 5)\n"),
        "Invalid binary operation: string + int"
    );
}

#[test]
fn fused_compare_jumps_agree_with_comparison_values() {
    // Each `if` compiles to a fused compare-and-jump; each printed comparison to a
    // value-producing compare. Both must follow §7 (float epsilon, NaN, int/float).
    let src = "\
x := 0.1 + 0.2
y := 0.3
nan := pow(10.0, 400.0) - pow(10.0, 400.0)
print(x == 0.3, x == y, x != 0.3, nan == nan, nan != nan, 10.0 == 10, 2 < 2.5)
if x == 0.3 { print(\"eqK\") }
if x == y { print(\"eq\") }
if x != 0.3 { print(\"bad neK\") }
if nan == nan { print(\"bad nan eq\") }
if nan != nan { print(\"nan ne\") }
if nan < 1 { print(\"bad nan lt\") }
if nan >= 1 { print(\"bad nan ge\") }
if 10.0 == 10 { print(\"int float eq\") }
n := 5
if n >= 5.0 { print(\"ge mixed\") }
if n < 5.5 { print(\"lt mixed\") }
if \"B\" < \"a\" { print(\"bytewise\") }
";
    assert_eq!(
        output(src),
        "true true false false true true true\neqK\neq\nnan ne\nint float eq\nge mixed\nlt mixed\nbytewise\n"
    );
}

#[test]
fn fused_compare_of_unorderable_values_is_an_error() {
    let src = "\
func lt(a, b) {
    if a < b { return true }
    return false
}
print(lt(1, 2.5), lt(\"a\", \"b\"))
print(lt(1, \"a\"))
";
    let (out, e) = error(src);
    assert_eq!(out, "true true\n");
    assert_eq!(e.message, "Invalid binary operation: int < string");
    assert_eq!(e.line, 2);
    assert_eq!(stack(&e), ["lt"]);
}

// ---- 2. error locations and exit

#[test]
fn error_three_calls_deep_has_its_line_and_innermost_first_stack() {
    let src = "\
func a() { return b() }
func b() { return c() }
func c() {
    return 1 / 0
}
print(\"start\")
a()
print(\"never\")
";
    let (out, e) = error(src);
    assert_eq!(out, "start\n");
    assert_eq!(e.message, "Division by zero");
    assert_eq!(e.line, 4);
    assert_eq!(e.location as usize, src.find("/ 0").expect("the division"));
    assert_eq!(stack(&e), ["c", "b", "a"]);
}

#[test]
fn top_level_error_has_an_empty_stack() {
    let src = "x := 1\ny := [1, 2][5]\n";
    let (_, e) = error(src);
    assert_eq!(e.message, "Index out of bounds: 5");
    assert_eq!(e.line, 2);
    assert!(e.stack.is_empty());
}

#[test]
fn caught_error_value_has_message_line_and_outermost_first_stack() {
    let src = "\
func outer() { return inner() }
func inner() {
    throw(\"boom\")
}
try {
    outer()
} except e {
    print(e.message, e.line, e.stack)
}
";
    assert_eq!(output(src), "boom 3 [outer, inner]\n");
}

#[test]
fn exit_status_and_output_before_it() {
    let src = "print(\"before\")\nexit(7)\nprint(\"after\")\n";
    let (out, outcome) = run(src);
    assert!(matches!(outcome, Outcome::Exit(7)), "{outcome:?}");
    assert_eq!(out, "before\n");
}

#[test]
fn exit_inside_a_function_and_a_try_is_not_caught() {
    let src = "\
func quit() { exit(3) }
try { quit() } except e { print(\"caught\") }
print(\"after\")
";
    let (out, outcome) = run(src);
    assert!(matches!(outcome, Outcome::Exit(3)), "{outcome:?}");
    assert_eq!(out, "");
}

// ---- 3. call depth

const DEPTH: &str = "\
func f(n) {
    if n == 0 { return 0 }
    return 1 + f(n - 1)
}
";

fn limit_50() -> Options {
    Options {
        call_depth_limit: 50,
        // 25 nested callbacks take more than the default in a debug build; a test
        // thread has 2 MiB.
        native_stack: 3 << 19,
        ..Options::default()
    }
}

#[test]
fn call_depth_limit_allows_exactly_that_many_active_calls() {
    // f(49) makes 50 active calls.
    let src = format!("{DEPTH}print(f(49))\n");
    match run_with(&src, limit_50()) {
        (out, Outcome::Finished) => assert_eq!(out, "49\n"),
        (_, other) => panic!("{other:?}"),
    }
    // f(50) makes 51.
    let src = format!("{DEPTH}print(f(50))\n");
    let (_, e) = error_with(&src, limit_50());
    assert_eq!(
        e.message,
        "Maximum call depth of 50 exceeded while calling f"
    );
}

#[test]
fn call_depth_error_reports_the_limit_and_the_callee() {
    let src = format!("{DEPTH}print(f(60))\n");
    let (out, e) = error_with(&src, limit_50());
    assert_eq!(out, "");
    assert_eq!(
        e.message,
        "Maximum call depth of 50 exceeded while calling f"
    );
    assert_eq!(e.line, 3);
    assert_eq!(e.stack.len(), 50);
    assert!(stack(&e).iter().all(|&name| name == "f"));
}

#[test]
fn call_depth_error_is_catchable_and_the_program_continues() {
    let src = format!(
        "{DEPTH}try {{\n    print(f(60))\n}} except e {{\n    print(\"caught:\", e.message)\n}}\nprint(\"after\", f(10))\n"
    );
    match run_with(&src, limit_50()) {
        (out, Outcome::Finished) => assert_eq!(
            out,
            "caught: Maximum call depth of 50 exceeded while calling f\nafter 10\n"
        ),
        (_, other) => panic!("{other:?}"),
    }
}

#[test]
fn call_depth_counts_callbacks_called_from_builtins() {
    // g(n) is n + 1 calls of g plus n calls of the callback in between.
    let src = "\
func g(n) {
    if n == 0 { return 0 }
    return map([n], func(x) { return g(x - 1) })[0] + 1
}
print(g(24))
try { print(g(25)) } except e { print(e.message) }
print(g(5))
";
    match run_with(src, limit_50()) {
        (out, Outcome::Finished) => assert_eq!(
            out,
            "24\nMaximum call depth of 50 exceeded while calling g\n5\n"
        ),
        (_, other) => panic!("{other:?}"),
    }
}

#[test]
fn default_call_depth_limit_is_ten_thousand_without_native_recursion() {
    // Ruff-to-Ruff calls must not use the native stack: this runs on a test thread's
    // ordinary stack.
    let ok = format!("{DEPTH}print(f(9999))\n");
    assert_eq!(output(&ok), "9999\n");
    let too_deep = format!("{DEPTH}print(f(10000))\n");
    assert_eq!(
        error_message(&too_deep),
        "Maximum call depth of 10000 exceeded while calling f"
    );
}

// ---- 4. unwinding through builtin callbacks

#[test]
fn error_in_a_map_callback_is_caught_around_the_map_call() {
    let src = "\
print(\"before\")
try {
    r := map([1, 2, 3], func(x) {
        print(\"visit\", x)
        if x == 2 { throw(\"bad ${x}\") }
        return x
    })
    print(\"not reached\", r)
} except e {
    print(\"caught\", e.message, e.stack)
}
print(\"after\")
";
    assert_eq!(
        output(src),
        "before\nvisit 1\nvisit 2\ncaught bad 2 [<lambda>]\nafter\n"
    );
}

#[test]
fn uncaught_error_in_a_callback_keeps_its_origin() {
    let src = "\
func check(x) {
    if x > 1 { throw(\"too big: ${x}\") }
    return x
}
print(map([1, 2], check))
";
    let (out, e) = error(src);
    assert_eq!(out, "");
    assert_eq!(e.message, "too big: 2");
    assert_eq!(e.line, 2);
    assert_eq!(stack(&e), ["check"]);
}

#[test]
fn language_error_in_a_filter_callback_inside_a_function_is_caught_there() {
    let src = "\
func safe(items) {
    try {
        return filter(items, func(x) { return 10 / x > 1 })
    } except e {
        return e.message
    }
}
print(safe([1, 2]), safe([1, 0]))
print(\"done\")
";
    assert_eq!(output(src), "[1, 2] Division by zero\ndone\n");
}

// ---- 5. operator methods and write-back

#[test]
fn operator_methods_run_for_struct_left_operands() {
    let src = "\
struct V {
    x: int,
    func op_add(other) { return V { x: x + other.x } }
    func op_mul(self, k) { return V { x: self.x * k } }
    func op_neg() { return V { x: -x } }
}
a := V { x: 1 }
b := V { x: 2 }
print(a + b, a * 5, -b, a)
";
    assert_eq!(
        output(src),
        "V { x: 3 } V { x: 5 } V { x: -2 } V { x: 1 }\n"
    );
}

#[test]
fn operator_method_errors_unwind_to_the_caller_try() {
    let src = "\
struct V { x: int, func op_div(k) { return V { x: x / k } } }
try { print(V { x: 1 } / 0) } except e { print(e.message, e.stack) }
";
    assert_eq!(output(src), "Division by zero [V.op_div]\n");
}

#[test]
fn struct_without_operator_method_is_an_invalid_operation() {
    assert_eq!(
        error_message("struct P { x: int }\nprint(P { x: 1 } - 1)\n"),
        "Invalid binary operation: struct - int"
    );
}

#[test]
fn method_mutating_self_through_an_index_path_writes_back() {
    let src = "\
struct Counter {
    n: int,
    func bump(self) { self.n := self.n + 1; return self.n }
}
mut c := Counter { n: 0 }
c.bump()
items := [c, Counter { n: 7 }]
r := items[1].bump()
items[0].n := 10
print(r, c.n, items)
";
    assert_eq!(output(src), "8 1 [Counter { n: 10 }, Counter { n: 8 }]\n");
}

#[test]
fn method_without_self_writes_field_locals_back() {
    let src = "\
struct Counter { n: int, func bump() { n := n + 1 } }
func run() {
    mut holder := {\"c\": Counter { n: 1 }}
    holder[\"c\"].bump()
    holder[\"c\"].bump()
    return holder
}
print(run())
";
    assert_eq!(output(src), "{\"c\": Counter { n: 3 }}\n");
}

#[test]
fn receiver_is_written_back_when_the_method_raises() {
    let src = "\
struct Acc {
    n: int,
    func fail(self) { self.n := 99; throw(\"nope\") }
}
mut accs := [Acc { n: 0 }]
try { accs[0].fail() } except e { print(e.message) }
print(accs)
";
    assert_eq!(output(src), "nope\n[Acc { n: 99 }]\n");
}

#[test]
fn temporary_receiver_changes_are_discarded() {
    let src = "\
struct C { n: int, func bump(self) { self.n += 1; return self.n } }
func make() { return C { n: 5 } }
print(make().bump(), make().n)
";
    assert_eq!(output(src), "6 5\n");
}

#[test]
fn let_receiver_changed_by_its_method_is_an_error() {
    let src = "\
struct C { n: int, func bump(self) { self.n += 1 } func peek(self) { return self.n } }
let c := C { n: 0 }
print(c.peek())
c.bump()
";
    let (out, e) = error(src);
    assert_eq!(out, "0\n");
    assert_eq!(e.message, "Cannot mutate immutable let binding: c");
}

// ---- 6. re-entrancy

#[test]
fn nested_native_and_ruff_calls_return_the_right_result() {
    let src = "\
r := map([1, 2, 3], func(x) {
    return map([10, 20], func(y) { return x * y })
})
print(r)
";
    assert_eq!(output(src), "[[10, 20], [20, 40], [30, 60]]\n");
}

#[test]
fn re_entrant_calls_keep_the_callers_registers() {
    // Each level has live temporaries around the nested native call.
    let src = "\
func total(xs) {
    base := 100
    s := reduce(map(xs, func(x) {
        inner := reduce(map([x, x], func(y) { return y * 2 }), 0, func(a, b) { return a + b })
        return inner + 1
    }), 0, func(a, b) { return a + b })
    return base + s
}
print(total([1, 2, 3]), total([]))
";
    // Each x contributes 4x + 1: 4 * 6 + 3 = 27.
    assert_eq!(output(src), "127 100\n");
}

#[test]
fn error_in_an_inner_callback_is_caught_by_a_try_in_an_outer_callback() {
    let src = "\
r := map([1, 2, 3], func(x) {
    try {
        return map([x], func(y) {
            if y == 2 { throw(\"inner ${y}\") }
            return y * 10
        })
    } except e {
        return e.message
    }
})
print(r)
";
    assert_eq!(output(src), "[[10], inner 2, [30]]\n");
}

// ---- dynamic names and shared cells (§9, §10)

#[test]
fn closures_share_captured_variables_by_reference() {
    let src = "\
func make_counter() {
    mut count := 0
    inc := func() {
        count := count + 1
        return count
    }
    inc()
    inc()
    print(count)
    return inc
}
c := make_counter()
print(c(), c())
d := make_counter()
print(d(), c())
";
    assert_eq!(output(src), "2\n3 4\n2\n3 5\n");
}

#[test]
fn plain_assignment_updates_existing_globals_and_if_scopes_vanish() {
    let src = "\
total := 0
func add_to(n) {
    total := total + n
    made := n
}
add_to(5)
if true {
    inner := 1
    total := total + 1
}
for i in range(3) { last := i }
print(total, i, last)
print(inner)
";
    let (out, e) = error(src);
    assert_eq!(out, "6 2 2\n");
    assert_eq!(e.message, "Undefined variable: inner");
    assert_eq!(e.line, 13);
}

#[test]
fn function_wide_name_is_looked_up_further_out_before_it_is_created() {
    let src = "\
func f() {
    print(x)
    x := 1
}
f()
";
    let (out, e) = error(src);
    assert_eq!(out, "");
    assert_eq!(e.message, "Undefined variable: x");
    assert_eq!((e.line, stack(&e)), (2, vec!["f"]));
}

#[test]
fn top_level_declaration_re_executed_by_a_loop_re_initialises() {
    let src = "\
mut i := 0
while i < 3 {
    let k := i * 10
    i += 1
}
print(i, k)
";
    assert_eq!(output(src), "3 20\n");
}

#[test]
fn top_level_let_cannot_be_reassigned() {
    let (out, e) = error("let x := 1\nprint(x)\nx := 2\nprint(x)\n");
    assert_eq!(out, "1\n");
    assert_eq!(e.message, "Cannot reassign immutable let binding: x");
    assert_eq!(e.line, 3);
}

// ---- limits: the step budget and the native stack

fn budgeted(steps: u64) -> Options {
    Options {
        step_budget: Some(steps),
        ..Options::default()
    }
}

#[test]
fn the_step_budget_ends_endless_loops_and_loop_free_recursion() {
    let (out, e) = error_with("print(\"start\")\nwhile true { }\n", budgeted(1000));
    assert_eq!(
        (out.as_str(), e.message.as_str()),
        ("start\n", "Step budget of 1000 exhausted")
    );
    // Found by the run_tier0 fuzzer: a `continue` is a back-edge too.
    let (_, e) = error_with("while true { continue }\n", budgeted(1000));
    assert_eq!(e.message, "Step budget of 1000 exhausted");
    let (_, e) = error_with("for i in range(1000000000) { continue }\n", budgeted(1000));
    assert_eq!(e.message, "Step budget of 1000 exhausted");
    let fan_out = "func f(n) { if n > 0 { return f(n - 1) + f(n - 1) } return 1 }\nprint(f(60))\n";
    assert_eq!(
        error_with(fan_out, budgeted(5000)).1.message,
        "Step budget of 5000 exhausted"
    );
    // Catching the error does not buy more steps: the next back-edge fails again.
    let stubborn = "while true { try { while true { } } except e { print(e.message) } }\n";
    let (out, e) = error_with(stubborn, budgeted(100));
    assert_eq!(out, "Step budget of 100 exhausted\n");
    assert_eq!(e.message, "Step budget of 100 exhausted");
    assert_eq!(
        output_with("for i in range(10) { print(i) }", budgeted(100)),
        "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"
    );
}

#[test]
fn callbacks_nested_past_the_native_stack_raise_instead_of_overflowing() {
    let options = Options {
        native_stack: 256 << 10,
        ..Options::default()
    };
    let program = "func f(n) {\n    if n == 0 { return 0 }\n    return map([n], func(x) { return f(x - 1) })[0] + 1\n}\n\
                   try { f(5000) } except e { print(e.message) }\nprint(f(3))\n";
    assert_eq!(
        output_with(program, options),
        "Native stack exhausted while calling <lambda> (callbacks nested too deeply)\n3\n"
    );
}
