//! Unit tests of the bytecode compiler: the shape of the code it emits for the constructs
//! whose compilation carries a design decision (register globals, fused compare-jumps,
//! cells, dynamic names, receivers, handlers, static errors compiled to `Raise`).

use ruff_runtime::Value;

use crate::bytecode::{disassemble, Capture, DynName, Op, Program, Proto, Reg};
use crate::syntax::span::LineIndex;

// ---- helpers

/// Parses and compiles `src`, panicking with the error message if either fails.
fn compile_src(src: &str) -> Program {
    let ast = crate::syntax::parse(src).unwrap_or_else(|e| panic!("parse error: {e}"));
    super::compile(&ast).unwrap_or_else(|e| panic!("compile error: {e}"))
}

fn main_proto(program: &Program) -> &Proto {
    &program.protos[program.main as usize]
}

/// The only function called `name`.
fn proto<'a>(program: &'a Program, name: &str) -> &'a Proto {
    let mut found = program.protos.iter().filter(|p| &*p.name == name);
    let p = found
        .next()
        .unwrap_or_else(|| panic!("no function named {name}"));
    assert!(found.next().is_none(), "several functions named {name}");
    p
}

/// Every function called `name`, in the order the compiler reserved them.
/// The register of the first cell a function makes (its first captured variable).
fn first_new_cell(function: &Proto) -> Reg {
    function
        .code
        .iter()
        .find_map(|op| match *op {
            Op::NewCell { dst } => Some(dst),
            _ => None,
        })
        .expect("the function makes a cell")
}

/// The dynamic name the first `SetName` of a function assigns.
fn first_set_name(function: &Proto) -> &DynName {
    function
        .code
        .iter()
        .find_map(|op| match op {
            Op::SetName { .. } => dyn_name(function, op),
            _ => None,
        })
        .expect("the function has a SetName")
}

fn protos_named<'a>(program: &'a Program, name: &str) -> Vec<&'a Proto> {
    program.protos.iter().filter(|p| &*p.name == name).collect()
}

/// The opcode's name, e.g. `AddK`.
fn op_name(op: &Op) -> String {
    let text = format!("{op:?}");
    text.split([' ', '{'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The opcode names of a function's instructions.
fn ops(proto: &Proto) -> Vec<String> {
    proto.code.iter().map(op_name).collect()
}

fn count_ops(proto: &Proto, name: &str) -> usize {
    proto.code.iter().filter(|op| op_name(op) == name).count()
}

fn has_op(proto: &Proto, name: &str) -> bool {
    count_ops(proto, name) > 0
}

fn global_slot(program: &Program, name: &str) -> Option<u32> {
    program
        .globals
        .iter()
        .position(|g| &**g == name)
        .map(|g| g as u32)
}

/// The dynamic name a `GetName`/`SetName` refers to.
fn dyn_name<'a>(proto: &'a Proto, op: &Op) -> Option<&'a DynName> {
    match *op {
        Op::GetName { name, .. } | Op::SetName { name, .. } => proto.dyn_names.get(name as usize),
        _ => None,
    }
}

/// Names of the dynamic names read (`GetName`) and assigned (`SetName`) by `proto`.
fn dyn_reads_and_writes(proto: &Proto) -> (Vec<String>, Vec<String>) {
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for op in &proto.code {
        let Some(d) = dyn_name(proto, op) else {
            continue;
        };
        match op {
            Op::GetName { .. } => reads.push(d.name.to_string()),
            _ => writes.push(d.name.to_string()),
        }
    }
    (reads, writes)
}

/// Messages of the `Raise` instructions of `proto`.
fn raised_messages(proto: &Proto) -> Vec<String> {
    proto
        .code
        .iter()
        .filter_map(|op| match *op {
            Op::Raise { msg } => Some(proto.const_str(msg).to_string()),
            _ => None,
        })
        .collect()
}

fn const_int(proto: &Proto, k: u32) -> Option<i64> {
    match proto.consts.get(k as usize) {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    }
}

// ---- 1. register globals

#[test]
fn top_level_loop_counter_lives_in_a_register() {
    let program = compile_src("mut i := 0\nwhile i < 10 { i += 1 }\n");
    let main = main_proto(&program);
    assert!(
        !has_op(main, "GetGlobal") && !has_op(main, "SetGlobal") && !has_op(main, "DefGlobal"),
        "register global used a global slot: {:?}",
        ops(main)
    );
    assert_eq!(global_slot(&program, "i"), None, "no slot is made for i");
    assert!(!has_op(main, "Move"), "no Move expected: {:?}", ops(main));

    // `mut i := 0` loads straight into i's register.
    let i = match main.code[0] {
        Op::LoadInt { dst, value: 0 } => dst,
        ref other => panic!("expected LoadInt of 0 first, got {other:?}"),
    };
    // The condition is one fused compare-and-jump against the constant 10.
    let cond_pc = main
        .code
        .iter()
        .position(|op| matches!(op, Op::JumpIfNotLtK { .. }))
        .expect("a fused JumpIfNotLtK");
    let Op::JumpIfNotLtK { a, k, target } = main.code[cond_pc] else {
        unreachable!()
    };
    assert_eq!(a, i);
    assert_eq!(const_int(main, k), Some(10));
    // `i += 1` is one AddK from i's register into i's register.
    assert_eq!(count_ops(main, "AddK"), 1);
    let add = main.code[cond_pc + 1];
    match add {
        Op::AddK { dst, a, k } => {
            assert_eq!((dst, a), (i, i));
            assert_eq!(const_int(main, k), Some(1));
        }
        other => panic!("expected AddK after the condition, got {other:?}"),
    }
    // Back-edge to the condition; the exit jumps just past the back-edge.
    assert_eq!(
        main.code[cond_pc + 2],
        Op::Loop {
            target: cond_pc as u32
        }
    );
    assert_eq!(target as usize, cond_pc + 3);
    assert_eq!(ops(main).last().map(String::as_str), Some("ReturnNull"));
}

#[test]
fn top_level_variable_mentioned_by_a_function_stays_a_global_slot() {
    let src = "\
total := 0
total += 1
func show() { return total }
func bump(n) { total := total + n }
";
    let program = compile_src(src);
    let g = global_slot(&program, "total").expect("total has a global slot");
    let main = main_proto(&program);
    assert!(main
        .code
        .iter()
        .any(|op| matches!(*op, Op::SetGlobal { g: s, .. } if s == g)));
    assert!(main
        .code
        .iter()
        .any(|op| matches!(*op, Op::GetGlobal { g: s, .. } if s == g)));

    // A function that only reads it reads the slot.
    let show = proto(&program, "show");
    assert!(
        show.code
            .iter()
            .any(|op| matches!(*op, Op::GetGlobal { g: s, .. } if s == g)),
        "{:?}",
        ops(show)
    );
    // A function that assigns it goes through a dynamic name backed by the same slot
    // (§9: the function-wide local does not exist yet, the global does).
    let bump = proto(&program, "bump");
    let set = first_set_name(bump);
    assert_eq!(&*set.name, "total");
    assert_eq!(set.global, Some(g));
}

#[test]
fn register_globals_only_where_no_global_machinery_can_observe_them() {
    // (program, name, whether it gets a global slot)
    let cases = [
        ("x := 1\nx := 2\nprint(x)\n", "x", false),
        ("let x := 1\nprint(x)\n", "x", false),
        // Assigning an immutable name must fail at run time through the slot.
        ("let x := 1\nx := 2\n", "x", true),
        // Used before its creating statement: `Undefined variable` needs the slot.
        ("print(x)\nx := 1\n", "x", true),
        // The value mentions the name being created.
        ("x := [x]\n", "x", true),
        // Mentioned in a top-level `if` body (a scope of its own).
        ("x := 0\nif true { x := 5 }\nprint(x)\n", "x", true),
        // Created by a `for` loop: a register (checked when read after the loop).
        ("for x in 3 { }\nprint(x)\n", "x", false),
        // Bound by a loop after other uses, or declared twice.
        (
            "x := 1\nfor x in 3 { }\nlet y := x\nlet [x] := [1]\n",
            "x",
            true,
        ),
        ("let x := 1\nlet x := 2\n", "x", true),
        // A builtin's name stays a global.
        ("len := 1\nprint(len)\n", "len", true),
    ];
    for (src, name, slot) in cases {
        let program = compile_src(src);
        assert_eq!(
            global_slot(&program, name).is_some(),
            slot,
            "{src:?}: {:?}",
            ops(main_proto(&program))
        );
    }
}

// ---- 3. fib

#[test]
fn fib_compiles_to_the_expected_instruction_sequence() {
    let src = "\
func fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
";
    let program = compile_src(src);
    let fib = proto(&program, "fib");
    assert_eq!(
        ops(fib),
        [
            "JumpIfNotLtK",
            "Return",
            "GetGlobal",
            "SubK",
            "Call",
            "GetGlobal",
            "SubK",
            "Call",
            "Add",
            "Return",
            "ReturnNull"
        ]
    );
    assert_eq!(fib.arity, 1);
    assert!(!fib.receiver);
    let g = global_slot(&program, "fib").expect("fib is a global");
    match fib.code[0] {
        Op::JumpIfNotLtK { a: 0, k, target: 2 } => assert_eq!(const_int(fib, k), Some(2)),
        other => panic!("unexpected condition {other:?}"),
    }
    assert_eq!(fib.code[1], Op::Return { src: 0 });
    for (get, sub, call, n) in [(2, 3, 4, 1), (5, 6, 7, 2)] {
        let Op::GetGlobal { dst: callee, g: s } = fib.code[get] else {
            unreachable!()
        };
        assert_eq!(s, g);
        let Op::SubK { dst, a: 0, k } = fib.code[sub] else {
            panic!("SubK must read the parameter: {:?}", fib.code[sub]);
        };
        assert_eq!(dst, callee + 1, "argument right after the callee");
        assert_eq!(const_int(fib, k), Some(n));
        assert_eq!(
            fib.code[call],
            Op::Call {
                base: callee,
                argc: 1
            }
        );
    }
    let (Op::Add { dst, .. }, Op::Return { src }) = (fib.code[8], fib.code[9]) else {
        unreachable!()
    };
    assert_eq!(dst, src);
}

// ---- 4. cells and captures

#[test]
fn captured_variable_becomes_a_cell_read_through_an_upvalue() {
    let src = "\
func outer() {
    mut x := 1
    read := func() { return x }
    bump := func() { x += 1 }
    bump()
    return read()
}
";
    let program = compile_src(src);
    let outer = proto(&program, "outer");
    let cell = first_new_cell(outer);
    assert!(outer
        .code
        .iter()
        .any(|op| matches!(*op, Op::SetCell { cell: c, .. } if c == cell)));

    let lambdas = protos_named(&program, "<lambda>");
    assert_eq!(lambdas.len(), 2);
    let (read, bump) = (lambdas[0], lambdas[1]);
    assert_eq!(read.captures, [Capture::Register(cell)]);
    assert_eq!(ops(read), ["GetUpval", "Return", "ReturnNull"]);
    let (Op::GetUpval { dst, idx: 0 }, Op::Return { src }) = (read.code[0], read.code[1]) else {
        panic!(
            "expected GetUpval of capture 0 then Return: {:?}",
            read.code
        );
    };
    assert_eq!(dst, src);

    // `x += 1` in a closure is a plain assignment (§9): the closure's own function-wide
    // `x` does not exist yet, so it is a dynamic name that finds the captured cell.
    assert_eq!(bump.captures, [Capture::Register(cell)]);
    let set = first_set_name(bump);
    assert_eq!(&*set.name, "x");
    assert_eq!(set.upvals, [(0, None)]);
    assert!(!has_op(bump, "SetGlobal"));
}

#[test]
fn doubly_nested_closure_captures_through_the_middle_closure() {
    let src = "\
func outer() {
    mut x := 1
    middle := func() {
        inner := func() { return x + 1 }
        return inner()
    }
    return middle()
}
";
    let program = compile_src(src);
    let outer = proto(&program, "outer");
    let cell = first_new_cell(outer);
    let lambdas = protos_named(&program, "<lambda>");
    assert_eq!(lambdas.len(), 2);
    // The middle closure is reserved first; it passes the cell on without using it.
    let (middle, inner) = (lambdas[0], lambdas[1]);
    assert_eq!(middle.captures, [Capture::Register(cell)]);
    assert!(!has_op(middle, "GetUpval"));
    assert_eq!(inner.captures, [Capture::Upval(0)]);
    assert_eq!(ops(inner), ["GetUpval", "AddK", "Return", "ReturnNull"]);
}

#[test]
fn uncaptured_local_is_not_boxed() {
    let program = compile_src("func f() {\n    mut x := 1\n    x += 2\n    return x\n}\n");
    let f = proto(&program, "f");
    assert!(!has_op(f, "NewCell") && !has_op(f, "GetCell") && !has_op(f, "SetCell"));
    assert!(f.captures.is_empty());
}

// ---- 5. dynamic names in functions

#[test]
fn plain_assignment_in_a_function_is_dynamic_only_for_global_names() {
    let src = "\
total := 0
func add(n) {
    total := total + n
    made := n * 2
    return made
}
";
    let program = compile_src(src);
    let add = proto(&program, "add");
    let (reads, writes) = dyn_reads_and_writes(add);
    assert_eq!(reads, ["total"]);
    assert_eq!(writes, ["total"]);
    let g = global_slot(&program, "total");
    assert!(add
        .dyn_names
        .iter()
        .filter(|d| &*d.name == "total")
        .all(|d| d.global == g && d.local.is_some() && !d.receiver_fields));

    // `made` is nowhere global: plain registers, computed straight into its register.
    assert!(add.dyn_names.iter().all(|d| &*d.name != "made"));
    assert_eq!(global_slot(&program, "made"), None);
    let made = add
        .code
        .iter()
        .find_map(|op| match *op {
            Op::MulK { dst, a: 0, .. } => Some(dst),
            _ => None,
        })
        .expect("n * 2 as MulK");
    assert_eq!(add.code[add.code.len() - 2], Op::Return { src: made });
    assert!(!has_op(add, "CheckDefined"), "made is certainly defined");
}

// ---- 6. methods

#[test]
fn method_without_self_reads_receiver_fields_dynamically() {
    let src = "\
struct Acc {
    n: int,
    func plus(k) { return n + k }
    func get(self) { return self.n }
}
";
    let program = compile_src(src);
    let plus = proto(&program, "Acc.plus");
    assert!(plus.receiver);
    assert_eq!(plus.arity, 1, "arity counts only explicit parameters");
    let read = plus
        .code
        .iter()
        .find_map(|op| match op {
            Op::GetName { .. } => dyn_name(plus, op),
            _ => None,
        })
        .expect("n is read as a dynamic name");
    assert_eq!(&*read.name, "n");
    assert!(read.receiver_fields);

    let get = proto(&program, "Acc.get");
    assert!(get.receiver);
    assert_eq!(get.arity, 0, "explicit self is not counted");
    assert!(!has_op(get, "GetName"));
    assert!(get
        .code
        .iter()
        .any(|op| matches!(op, Op::GetField { obj: 0, .. })));

    let main = main_proto(&program);
    assert_eq!(count_ops(main, "DefMethod"), 2);
}

// ---- 7. handlers

#[test]
fn try_handler_covers_the_body_and_targets_the_except_body() {
    let src = "\
func risky(v) {
    try {
        r := v + 1
        r := r * 2
    } except e {
        return e.message
    }
    return r
}
";
    let program = compile_src(src);
    let f = proto(&program, "risky");
    assert_eq!(f.handlers.len(), 1);
    let h = f.handlers[0];
    let body: Vec<String> = f.code[h.start as usize..h.end as usize]
        .iter()
        .map(op_name)
        .collect();
    assert_eq!(body, ["AddK", "MulK"], "exactly the try body is protected");
    // The body ends with a jump over the except body.
    let Op::Jump { target: after } = f.code[h.end as usize] else {
        panic!(
            "expected a Jump after the body: {:?}",
            f.code[h.end as usize]
        );
    };
    assert_eq!(h.target, h.end + 1);
    // The handler first binds `e` from the error register, then runs the except body.
    assert!(
        matches!(f.code[h.target as usize], Op::Move { src, .. } if src == h.reg),
        "{:?}",
        f.code[h.target as usize]
    );
    let except_body = &f.code[h.target as usize..after as usize];
    assert!(except_body
        .iter()
        .any(|op| matches!(*op, Op::GetField { name, .. } if f.const_str(name) == "message")));
    assert!(matches!(f.code[after as usize - 1], Op::Return { .. }));
}

#[test]
fn method_call_on_a_variable_writes_back_even_when_it_raises() {
    let src = "\
struct C { n: int, func bump(self) { self.n += 1 } }
func use_it() {
    mut c := C { n: 0 }
    c.bump()
    return c
}
";
    let program = compile_src(src);
    let f = proto(&program, "use_it");
    assert_eq!(f.handlers.len(), 1);
    let h = f.handlers[0];
    let call = f
        .code
        .iter()
        .position(|op| matches!(op, Op::CallMethod { .. }))
        .expect("a CallMethod");
    assert_eq!((h.start, h.end), (call as u32, call as u32 + 1));
    let Op::CallMethod {
        base,
        argc: 0,
        name,
    } = f.code[call]
    else {
        unreachable!()
    };
    assert_eq!(f.const_str(name), "bump");
    // Normal path: the receiver register is stored back into `c`.
    let c = match f.code[call + 1] {
        Op::SetPathReg { reg, src, .. } => {
            assert_eq!(src, base + 1, "the receiver as the method left it");
            reg
        }
        other => panic!("expected a write-back after the call, got {other:?}"),
    };
    // Error path: the same write-back, then the error goes on.
    let handler = &f.code[h.target as usize..];
    assert!(
        matches!(handler[0], Op::SetPathReg { reg, src, .. } if reg == c && src == base + 1),
        "{:?}",
        handler[0]
    );
    assert_eq!(handler[1], Op::Rethrow);
    // The normal path jumps over the error path.
    let skip = f.code[call + 1..h.target as usize]
        .iter()
        .find_map(|op| match *op {
            Op::Jump { target } => Some(target),
            _ => None,
        })
        .expect("a Jump over the error path");
    assert_eq!(skip, h.target + 2);
}

#[test]
fn method_call_on_a_temporary_has_no_write_back() {
    let src = "\
struct C { n: int, func bump(self) { self.n += 1 } }
func make() { return C { n: 0 } }
func use_it() { return make().bump() }
";
    let program = compile_src(src);
    let f = proto(&program, "use_it");
    assert!(f.handlers.is_empty());
    assert!(!has_op(f, "Rethrow") && !has_op(f, "SetPathReg"));
}

// ---- 8. static errors compiled to Raise

#[test]
fn duplicate_let_in_one_block_compiles_to_a_raise() {
    let src = "func f() {\n    let x := 1\n    let x := 2\n}\n";
    let program = compile_src(src);
    let f = proto(&program, "f");
    assert_eq!(
        raised_messages(f),
        ["Duplicate declaration in the same scope: x"]
    );
    let pc = f
        .code
        .iter()
        .position(|op| matches!(op, Op::Raise { .. }))
        .unwrap_or_default();
    assert_eq!(LineIndex::new(src).line(f.locations[pc]), 3);
}

#[test]
fn let_in_a_nested_block_may_shadow() {
    let program = compile_src("func f() {\n    let x := 1\n    if x { let x := 2 }\n}\n");
    assert!(raised_messages(proto(&program, "f")).is_empty());
}

#[test]
fn assigning_a_let_local_compiles_to_a_raise() {
    let src = "func f() {\n    let y := 3\n    y := 4\n    y += 1\n}\n";
    let program = compile_src(src);
    let f = proto(&program, "f");
    assert_eq!(
        raised_messages(f),
        [
            "Cannot reassign immutable let binding: y",
            "Cannot reassign immutable let binding: y"
        ]
    );
    let lines = LineIndex::new(src);
    let raise_lines: Vec<u32> = f
        .code
        .iter()
        .zip(&f.locations)
        .filter(|(op, _)| matches!(op, Op::Raise { .. }))
        .map(|(_, &loc)| lines.line(loc))
        .collect();
    assert_eq!(raise_lines, [3, 4]);
}

#[test]
fn assigning_a_const_local_compiles_to_a_raise() {
    let program = compile_src("func f() {\n    const K := 1\n    K := 2\n}\n");
    assert_eq!(
        raised_messages(proto(&program, "f")),
        ["Cannot reassign const binding: K"]
    );
}

mod whole_programs;
