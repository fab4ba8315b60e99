//! Statements: declarations, destructuring, assignment targets, control flow, `match`
//! patterns, declarations of functions/structs/enums, and the §20 forms.

use super::{assert_error, parse_ok, sexp, single_stmt};
use crate::syntax::ast::{AssignOp, ElseBranch, FuncKind, Pattern, Stmt, StmtKind, TargetStep};
use crate::syntax::span::Span;

fn s(src: &str) -> String {
    sexp::stmt(&single_stmt(src))
}

fn all(src: &str) -> Vec<String> {
    parse_ok(src).stmts.iter().map(sexp::stmt).collect()
}

#[test]
fn declarations() {
    assert_eq!(s("let x := 1"), "(let x 1)");
    assert_eq!(s("let x = 1"), "(let x 1)");
    assert_eq!(s("mut n := 0"), "(mut n 0)");
    assert_eq!(s("const N := 10"), "(const N 10)");
    assert_eq!(s("let x: int := \"hi\""), "(let x (str \"hi\"))");
    assert_eq!(
        s("const R: Result<Option<int>, string> = Ok(None)"),
        "(const R (Ok None))"
    );
    assert_eq!(s("mut xs: Option<bool> := None"), "(mut xs None)");
    assert_error(
        "let x := 1 := 2",
        "Unexpected ':=' after an assigned value: assignments do not chain",
        ":= 2",
    );
    assert_error(
        "let x: List<int> := 1",
        "Expected ':=' or '=' in the declaration, found '<'",
        "<",
    );
    assert_error("const [a] := v", "Expected a constant name, found '['", "[");
    assert_error(
        "let 5 := 1",
        "Expected a name or a destructuring pattern, found number 5",
        "5",
    );
}

#[test]
fn destructuring() {
    assert_eq!(
        s("let [first, _, ...tail] := xs"),
        "(let [first _ ...tail] xs)"
    );
    assert_eq!(s("let {name, ...rest} := d"), "(let {name ...rest} d)");
    assert_eq!(s("mut [a, b] := pair"), "(mut [a b] pair)");
    assert_eq!(s("[a, b] := pair"), "(let [a b] pair)");
    assert_eq!(s("{a, ...r} := d"), "(let {a ...r} d)");
    assert_eq!(s("[] := v"), "(let [] v)");
    assert_eq!(s("[...all] := v"), "(let [...all] v)");
    // Without `:=` these are literals.
    assert_eq!(s("[a, b]"), "[a b]");
    assert_eq!(s("{a: 1}"), "{a: 1}");
    assert_error(
        "[...r, a] := v",
        "Expected ']' to close the pattern, found ','",
        ", a]",
    );
    assert_error("[a, b] = v", "Invalid assignment target", "[");
    let src = "x := 1; [a, b] := f()";
    assert_eq!(parse_ok(src).stmts[1].span, Span::new(8, src.len()));
}

#[test]
fn assignments_and_targets() {
    assert_eq!(s("x := 1"), "(:= x 1)");
    assert_eq!(s("x = 1"), "(:= x 1)");
    assert_eq!(
        all("a += 1; a -= 1; a *= 2; a /= 2; a %= 3"),
        ["(+= a 1)", "(-= a 1)", "(*= a 2)", "(/= a 2)", "(%= a 3)"]
    );
    assert_eq!(s("m[0][i + 1] := 5"), "(:= m[0][(+ i 1)] 5)");
    assert_eq!(s("items[0].done := true"), "(:= items[0].done true)");
    assert_eq!(s("self.x := 5"), "(:= self.x 5)");
    assert_eq!(s("p.n += 1"), "(+= p.n 1)");

    let src = "self.a[k] += v";
    let Stmt {
        kind:
            StmtKind::Assign {
                target,
                op,
                op_span,
                ..
            },
        span,
    } = single_stmt(src)
    else {
        panic!();
    };
    assert_eq!(span, Span::new(0, src.len()));
    assert_eq!(op, AssignOp::Add);
    assert_eq!(op_span, Span::new(10, 12));
    assert_eq!(&*target.root.name, "self");
    assert_eq!(target.root.span, Span::new(0, 4));
    assert!(
        matches!(&target.path[..], [TargetStep::Field(f), TargetStep::Index { bracket, .. }]
        if &*f.name == "a" && bracket.start == 6)
    );
}

#[test]
fn invalid_assignment_targets() {
    assert_error("(a) := 1", "Invalid assignment target", "(a)");
    assert_error("f().x := 1", "Invalid assignment target", "f()");
    assert_error("x.m() := 1", "Invalid assignment target", "x.m");
    assert_error("a?.b := 1", "Invalid assignment target", "a?.b");
    assert_error("a + b := 1", "Invalid assignment target", "a + b");
    assert_error("5 := 1", "Invalid assignment target", "5");
    assert_error("None := 1", "Invalid assignment target", "None");
    assert_error(
        "x := (y) := 1",
        "Unexpected ':=' after an assigned value: assignments do not chain",
        ":= 1",
    );
    assert_error(
        "a := b := 1",
        "Unexpected ':=' after an assigned value: assignments do not chain",
        ":= 1",
    );
    assert_error(
        "a = b = 1",
        "Unexpected '=' after an assigned value: assignments do not chain",
        "= 1",
    );
}

#[test]
fn return_takes_an_expression_unless_at_the_end_of_a_block() {
    let src = "func f() {\n    return\n    print(\"x\")\n}";
    assert_eq!(s(src), "(func f () {(return (call print (str \"x\")))})");
    assert_eq!(s("func f() { return }"), "(func f () {(return)})");
    assert_eq!(s("func f() { return; x }"), "(func f () {(return); x})");
    assert_eq!(all("x; return"), ["x", "(return)"]);
    assert_eq!(s("return 1 + 2"), "(return (+ 1 2))");
    assert_error("return )", "Expected an expression, found ')'", ")");
}

#[test]
fn if_else_chains_nest() {
    assert_eq!(
        s("if a { x } else if b { y } else { z }"),
        "(if a {x} else (if b {y} else {z}))"
    );
    let src = "if a {} else if b {}";
    let StmtKind::If {
        else_branch: Some(ElseBranch::If(nested)),
        ..
    } = single_stmt(src).kind
    else {
        panic!();
    };
    assert_eq!(nested.span, Span::new(13, src.len()));
    assert_error(
        "if a {} else b",
        "Expected 'if' or '{' after 'else', found identifier 'b'",
        "b",
    );
    assert_error(
        "if a b",
        "Expected '{' to start a block, found identifier 'b'",
        "b",
    );
}

#[test]
fn loops() {
    assert_eq!(s("while i < 3 { i += 1 }"), "(while (< i 3) {(+= i 1)})");
    assert_eq!(s("loop { break }"), "(loop {break})");
    assert_eq!(
        s("loop while go() { continue }"),
        "(while (call go) {continue})"
    );
    assert_eq!(s("for ch in \"abc\" { }"), "(for ch (str \"abc\") {})");
    assert_error(
        "for 1 in x {}",
        "Expected a loop variable after 'for', found number 1",
        "1",
    );
    assert_error(
        "for x of y {}",
        "Expected 'in' after the loop variable, found identifier 'of'",
        "of",
    );
}

#[test]
fn try_except() {
    assert_eq!(
        s("try { risky() } except err { print(err) }"),
        "(try {(call risky)} err {(call print err)})"
    );
    assert_error(
        "try {} catch e {}",
        "Expected 'except' after the try block, found identifier 'catch'",
        "catch",
    );
}

#[test]
fn match_patterns() {
    let src = "enum Shape { Circle, Empty }
    match v {
        case -1: {}
        case -2.5: {}
        case 0: {}
        case 1.5: {}
        case \"many\": {}
        case true: {}
        case false: {}
        case null: {}
        default: { other() }
        case _: {}
        case Ok(v): {}
        case Err(_): {}
        case None: {}
        case hello: {}
        case Result::Err(e): {}
        case Shape::Circle(r): {}
        case Shape::Empty: {}
    }";
    let mut program = parse_ok(src);
    let StmtKind::Match { cases, default, .. } = program.stmts.remove(1).kind else {
        panic!();
    };
    let patterns: Vec<String> = cases.iter().map(|c| sexp::pattern(&c.pattern)).collect();
    assert_eq!(
        patterns,
        [
            "-1",
            "-2.5",
            "0",
            "1.5",
            "\"many\"",
            "true",
            "false",
            "null",
            "_",
            "Ok(v)",
            "Err",
            "None",
            "hello",
            "Result::Err(e)",
            "Shape::Circle(r)",
            "Shape::Empty"
        ]
    );
    assert_eq!(cases[1].pattern, Pattern::Float(-2.5));
    assert_eq!(sexp::block(&default.unwrap()), "{(call other)}");
    assert_eq!(cases[0].span.start as usize, src.find("case -1").unwrap());
}

#[test]
fn match_syntax_errors() {
    assert_error(
        "match v { case hello(x): {} }",
        "Pattern 'hello' cannot bind a payload",
        "(x)",
    );
    assert_error(
        "match v { case \"a${b}\": {} }",
        "A pattern string cannot contain interpolation",
        "\"a",
    );
    assert_error(
        "match v { case - x: {} }",
        "Expected a number after '-' in the pattern, found identifier 'x'",
        "x:",
    );
    assert_error(
        "match v { case 1 {} }",
        "Expected ':' after the case pattern, found '{'",
        "{}",
    );
    assert_error(
        "match v { x }",
        "Expected 'case', 'default' or '}' in the match, found identifier 'x'",
        "x }",
    );
    assert_error(
        "match v { case [a]: {} }",
        "Expected a pattern, found '['",
        "[a]",
    );
    assert_error(
        "match v { case Shape::Rect(w, h): {} }",
        "Expected ')' after the payload name, found ','",
        ", h",
    );
}

#[test]
fn functions() {
    assert_eq!(
        s("func add(a, b) { return a + b }"),
        "(func add (a b) {(return (+ a b))})"
    );
    assert_eq!(
        s("func f(a: int, b: Result<int, string>) -> Option<int> { }"),
        "(func f (a b) {})"
    );
    assert_eq!(s("async func load(url) {}"), "(async-func load (url) {})");
    assert_eq!(
        s("func* gen() { yield 1 }"),
        "(func* gen () {(unsupported yield)})"
    );
    // An anonymous function at statement start is an expression statement.
    assert_eq!(s("func() { }()"), "(call (func () {}))");
    let StmtKind::Func(f) = single_stmt("  func f() {}").kind else {
        panic!();
    };
    assert_eq!(f.span, Span::new(2, 13));
    assert_eq!(f.kind, FuncKind::Normal);
    assert_error("func f(a,) {}", "Expected a parameter name, found ')'", ")");
    assert_error(
        "func f(a b) {}",
        "Expected ')' after the parameters, found identifier 'b'",
        "b)",
    );
    assert_error("func f() -> {}", "Expected a type, found '{'", "{");
    assert_error(
        "func f() -> Option<int, int> {}",
        "Expected '>' to close the type arguments, found ','",
        ", int>",
    );
}

#[test]
fn structs() {
    let src = "struct Vec2 {
        x: float,
        y: float
        z
        func len2(self) { return self.x * self.x }
        func op_add(other) { return Vec2 { x: x + other.x } },
    }";
    assert_eq!(
        s(src),
        "(struct Vec2 (x y z) (func len2 (self) {(return (* (. self x) (. self x)))}) \
         (func op_add (other) {(return (Vec2 {x: (+ x (. other x))}))}))"
    );
    let StmtKind::Struct { methods, .. } = single_stmt(src).kind else {
        panic!();
    };
    assert_eq!(&*methods[0].params[0].name, "self");
    assert_error(
        "struct P { 1 }",
        "Expected a field, a method or '}' in the struct, found number 1",
        "1",
    );
    assert_error(
        "struct P { func() {} }",
        "Expected a function name, found '('",
        "()",
    );
}

#[test]
fn enums() {
    assert_eq!(
        s("enum Color { Red, Green, Blue, }"),
        "(enum Color Red Green Blue)"
    );
    assert_eq!(s("enum Empty {}"), "(enum Empty )");
    assert_error(
        "enum Color { Red Green }",
        "Expected '}' to close the enum, found identifier 'Green'",
        "Green",
    );
}

#[test]
fn later_statement_forms() {
    assert_eq!(
        all("import math\nfrom a.b import x, y\nspawn { work() }"),
        [
            "(unsupported import)",
            "(unsupported import)",
            "(unsupported spawn)"
        ]
    );
    assert_eq!(
        all("test \"adds\" { assert(1) }\ntest_group \"g\" { test \"t\" {} }\ntest_setup {}\ntest_teardown {}"),
        ["(test)", "(test)", "(test)", "(test)"]
    );
    assert_eq!(s("export func f() {}"), "(export (func f () {}))");
    assert_eq!(s("export let x := 1"), "(export (let x 1))");
    assert_eq!(s("export enum E { A }"), "(export (enum E A))");
    let stmt = single_stmt("from a.b import x, y");
    assert_eq!(stmt.span, Span::new(0, 20));
    assert_error(
        "export x := 1",
        "Expected a declaration after 'export', found identifier 'x'",
        "x :=",
    );
    let e = super::parse_err("import");
    assert_eq!(
        e.message,
        "Unexpected end of input: expected a module name after 'import'"
    );
    let e = super::parse_err("from a import");
    assert_eq!(
        e.message,
        "Unexpected end of input: expected a name to import"
    );
    assert_error(
        "test name {}",
        "Expected a test name string, found identifier 'name'",
        "name",
    );
    // Their insides are parsed fully.
    assert_error(
        "test \"t\" { x := }",
        "Expected an expression, found '}'",
        "}",
    );
    assert_error("spawn { ( }", "Expected an expression, found '}'", "}");
}

#[test]
fn blocks_must_close() {
    let e = super::parse_err("func f() {\n  x := 1\n");
    assert_eq!(
        e.message,
        "Unexpected end of input: expected '}' to close the block"
    );
    assert_eq!(e.span.start, 19, "right after the last token");
}
