//! Expressions: precedence, newline continuation, literals, struct literal trigger,
//! postfix forms, interpolation and the spans the compiler relies on.

use super::{assert_error, expr, offset, parse_err, parse_ok, sexp, single_stmt, sx};
use crate::syntax::ast::{ExprKind, StmtKind, StrPart};
use crate::syntax::span::Span;

#[test]
fn precedence_table() {
    assert_eq!(sx("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(sx("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    assert_eq!(
        sx("a |> f ?? b || c && d == e < f + g * -h"),
        "(|> a (?? f (|| b (&& c (== d (< e (+ f (* g (neg h)))))))))"
    );
    assert_eq!(
        sx("a * b + c < d == e && f || g ?? h |> i"),
        "(|> (?? (|| (&& (== (< (+ (* a b) c) d) e) f) g) h) i)"
    );
    assert_eq!(sx("a % b / c"), "(/ (% a b) c)");
    assert_eq!(sx("a != b <= c >= d > e"), "(!= a (> (>= (<= b c) d) e))");
}

#[test]
fn binary_operators_are_left_associative() {
    assert_eq!(sx("a - b - c"), "(- (- a b) c)");
    assert_eq!(sx("a < b < c"), "(< (< a b) c)");
    assert_eq!(sx("a |> f |> g(1)"), "(|> (|> a f) (call g 1))");
    assert_eq!(sx("a ?? b ?? c"), "(?? (?? a b) c)");
}

#[test]
fn prefix_binds_looser_than_postfix() {
    assert_eq!(sx("- - x"), "(neg (neg x))");
    assert_eq!(sx("!a.b"), "(! (. a b))");
    assert_eq!(sx("-a[0]"), "(neg ([] a 0))");
    assert_eq!(sx("-f(x)?"), "(neg (? (call f x)))");
    assert_eq!(sx("!!done"), "(! (! done))");
}

#[test]
fn postfix_chains() {
    assert_eq!(
        sx("a.b.c(1, 2)[i]?.d?"),
        "(? (?. ([] (.c (. a b) 1 2) i) d))"
    );
    assert_eq!(sx("f()()"), "(call (call f))");
    assert_eq!(
        sx("func(x) { return x }(1)"),
        "(call (func (x) {(return x)}) 1)"
    );
    assert_eq!(sx("self.items[0]"), "([] (. self items) 0)");
}

#[test]
fn literals() {
    assert_eq!(
        sx("[1, 2.5, \"s\", true, false, null]"),
        "[1 2.5 (str \"s\") true false null]"
    );
    assert_eq!(sx("[]"), "[]");
    assert_eq!(sx("[1, ...rest, 2,]"), "[1 ...rest 2]");
    assert_eq!(sx("{}"), "{}");
    assert_eq!(
        sx("{\"a\": 1, name: x, ...d, 1: 2,}"),
        "{(str \"a\"): 1, name: x, ...d, 1: 2}"
    );
    assert_eq!(sx("Ok(1)"), "(Ok 1)");
    assert_eq!(sx("Err(\"bad\")"), "(Err (str \"bad\"))");
    assert_eq!(sx("Some(x + 1)"), "(Some (+ x 1))");
    assert_eq!(sx("None"), "None");
    assert_eq!(sx("Ok"), "Ok");
    assert_eq!(sx("throw(\"boom\")"), "(throw (str \"boom\"))");
    assert_eq!(sx("Option::None"), "Option::None");
    assert_eq!(sx("Result::Ok(1)"), "(Result::Ok 1)");
    assert_eq!(with_shapes("Shape::Empty"), "Shape::Empty");
}

#[test]
fn elements_entries_and_field_values_are_parsed_at_equality_level() {
    assert_eq!(sx("[a == b, -c, d < e]"), "[(== a b) (neg c) (< d e)]");
    assert_eq!(sx("[(a && b)]"), "[(&& a b)]");
    assert_error(
        "[a && b]",
        "Expected ']' to close the array literal, found '&&'",
        "&&",
    );
    assert_error(
        "{\"k\": x ?? 1}",
        "Expected '}' to close the dict literal, found '??'",
        "??",
    );
    assert_error(
        "P { x: a || b }",
        "Expected '}' to close the struct literal, found '||'",
        "||",
    );
    assert_error(
        "{a || b: 1}",
        "Expected ':' after the dict key, found '||'",
        "||",
    );
}

#[test]
fn an_expression_continues_onto_the_next_line() {
    let program = parse_ok("a := 10\nb := a\n-1\nprint(b)");
    let stmts: Vec<String> = program.stmts.iter().map(sexp::stmt).collect();
    assert_eq!(stmts, ["(:= a 10)", "(:= b (- a 1))", "(call print b)"]);

    assert_eq!(sx("print(x)\n[1]"), "([] (call print x) 1)");
    assert_error(
        "print(x)\n[1, 2]",
        "Expected ']' after the index, found ','",
        ",",
    );
}

#[test]
fn semicolons_separate_statements() {
    let program = parse_ok("print(x);\n[1, 2];;");
    let stmts: Vec<String> = program.stmts.iter().map(sexp::stmt).collect();
    assert_eq!(stmts, ["(call print x)", "[1 2]"]);
}

#[test]
fn struct_literal_trigger() {
    assert_eq!(sx("P { x: 1, y: a + b, }"), "(P {x: 1, y: (+ a b)})");
    assert_eq!(sx("P {}"), "(P {})");
    assert_eq!(
        sx("Vec2 { x: 1.0 } + Vec2 { x: 2.0 }"),
        "(+ (Vec2 {x: 1.0}) (Vec2 {x: 2.0}))"
    );
    // `{ IDENT :=` is not a trigger: `x := p` ends, then a dict-literal statement fails.
    assert_error(
        "x := p { y := 1 }",
        "Expected ':' after the dict key, found ':='",
        ":= 1",
    );
}

#[test]
fn condition_positions_read_name_brace_as_a_block() {
    let s = sexp::stmt(&single_stmt("if ready { }"));
    assert_eq!(s, "(if ready {})");
    let s = sexp::stmt(&single_stmt("if p == P { x: 1 } { go() }"));
    assert_eq!(s, "(if (== p (P {x: 1})) {(call go)})");
    assert_eq!(
        sexp::stmt(&single_stmt("while running {}")),
        "(while running {})"
    );
    assert_eq!(
        sexp::stmt(&single_stmt("loop while running {}")),
        "(while running {})"
    );
    assert_eq!(
        sexp::stmt(&single_stmt("for x in items {}")),
        "(for x items {})"
    );
    assert_eq!(sexp::stmt(&single_stmt("match v {}")), "(match v )");
    // Brackets end the condition position.
    assert_eq!(
        sexp::stmt(&single_stmt("if (P {}) == q {}")),
        "(if (== (P {}) q) {})"
    );
    assert_eq!(
        sexp::stmt(&single_stmt("if f(P {}) { x := P {} }")),
        "(if (call f (P {})) {(:= x (P {}))})"
    );
}

#[test]
fn for_iterates_over_a_postfix_expression() {
    assert_eq!(
        sexp::stmt(&single_stmt("for i in range(0, n) { print(i) }")),
        "(for i (call range 0 n) {(call print i)})"
    );
    assert_eq!(
        sexp::stmt(&single_stmt("for c in obj.items()[1] {}")),
        "(for c ([] (.items obj) 1) {})"
    );
    assert_error(
        "for x in a + b {}",
        "Expected '{' to start a block, found '+'",
        "+",
    );
}

#[test]
fn pipe_keeps_its_right_side_as_written() {
    assert_eq!(sx("5 |> add(3)"), "(|> 5 (call add 3))");
    assert_eq!(sx("\"abc\" |> len"), "(|> (str \"abc\") len)");
}

#[test]
fn functions_as_expressions() {
    assert_eq!(
        sx("func(a, b) { return a + b }"),
        "(func (a b) {(return (+ a b))})"
    );
    assert_eq!(sx("func(x: int) -> Option<int> { }"), "(func (x) {})");
    assert_eq!(sx("async func() {}"), "(async-func () {})");
    assert_eq!(
        sx("func*(n) { yield n }"),
        "(func* (n) {(unsupported yield)})"
    );
    assert_error(
        "f := func g() {}",
        "Expected '(' before the parameters, found identifier 'g'",
        "g(",
    );
}

#[test]
fn later_expression_forms() {
    assert_eq!(sx("await fetch(x)"), "(unsupported await)");
    assert_eq!(sx("yield"), "(unsupported yield)");
    assert_eq!(sx("[yield, 1]"), "[(unsupported yield) 1]");
    assert_eq!(sx("yield a + b"), "(unsupported yield)");
    let e = expr("await x + 1");
    // `await` binds like a prefix operator.
    assert!(matches!(e.kind, ExprKind::Binary { .. }), "{e:#?}");
    assert_error("await (1 +)", "Expected an expression, found ')'", ")");
}

#[test]
fn interpolation() {
    assert_eq!(
        sx("\"x=${x}, twice ${x * 2}${[1]}\""),
        "(str \"x=\" ${x} \", twice \" ${(* x 2)} ${[1]})"
    );
    assert_eq!(sx("\"${\"in${y}\"}\""), "(str ${(str \"in\" ${y})})");
    assert_eq!(
        sx("\"${ {\"k\": 1}[\"k\"] }\""),
        "(str ${([] {(str \"k\"): 1} (str \"k\"))})"
    );
    // `Name {}` inside an interpolation is a literal even in a condition.
    let s = sexp::stmt(&single_stmt("if \"${P {}}\" {}"));
    assert_eq!(s, "(if (str ${(P {})}) {})");
}

#[test]
fn interpolation_spans_point_into_the_source() {
    let src = "s := \"ab${x / y}\"";
    let StmtKind::Assign { value, .. } = single_stmt(src).kind else {
        panic!();
    };
    assert_eq!(value.span, Span::new(5, src.len()));
    let ExprKind::Str(parts) = value.kind else {
        panic!();
    };
    let [StrPart::Lit(_), StrPart::Interp(inner)] = parts.as_slice() else {
        panic!("{parts:#?}");
    };
    let ExprKind::Binary { op_span, lhs, .. } = &inner.kind else {
        panic!("{inner:#?}");
    };
    assert_eq!(op_span.start, offset(src, "/"));
    assert_eq!(lhs.span, Span::new(10, 11));
}

#[test]
fn interpolation_errors() {
    assert_error("s := \"a${}\"", "Expected an expression, found '}'", "}");
    assert_error(
        "s := \"a${x y}\"",
        "Expected '}' to close the interpolation, found identifier 'y'",
        "y}",
    );
    assert_error("s := \"a${1 +}\"", "Expected an expression, found '}'", "}");
}

#[test]
fn spans_of_error_locations() {
    let src = "f(a)[i].name + g.m(1)?";
    let e = expr(src);
    assert_eq!(e.span, Span::new(0, src.len() as u32 as usize));
    let ExprKind::Binary {
        op_span, lhs, rhs, ..
    } = e.kind
    else {
        panic!();
    };
    assert_eq!(op_span.start, offset(src, "+"));
    let ExprKind::Field { object, name } = lhs.kind else {
        panic!();
    };
    assert_eq!(name.span.start, offset(src, "name"));
    let ExprKind::Index {
        object: call,
        bracket,
        ..
    } = object.kind
    else {
        panic!();
    };
    assert_eq!(bracket.start, offset(src, "["));
    assert_eq!(call.span, Span::new(0, 4));
    let ExprKind::Try { q_span, operand } = rhs.kind else {
        panic!();
    };
    assert_eq!(q_span.start, offset(src, "?"));
    assert!(
        matches!(operand.kind, ExprKind::MethodCall { ref name, .. } if name.span.start == offset(src, "m("))
    );

    let e = expr("(f)(1)");
    assert_eq!(e.span.start, 0, "the callee's first token is the '('");
    let e = expr("throw(1)");
    assert_eq!(e.span, Span::new(0, 8));
}

#[test]
fn throw_needs_parentheses() {
    assert_error(
        "throw \"x\"",
        "Expected '(' after 'throw', found string literal",
        "\"",
    );
    assert_error(
        "throw(1, 2)",
        "Expected ')' after the throw value, found ','",
        ",",
    );
    assert_error(
        "Ok(1, 2)",
        "Expected ')' after the Ok value, found ','",
        ",",
    );
}

/// The expression statement `src` after a declaration of `Shape`, rendered.
fn with_shapes(src: &str) -> String {
    let program = parse_ok(&format!("enum Shape {{ Circle, Empty }}\n{src}"));
    let [_, stmt] = program.stmts.as_slice() else {
        panic!("{program:#?}");
    };
    sexp::stmt(stmt)
}

#[test]
fn enum_variant_payloads() {
    assert_eq!(with_shapes("Shape::Circle(2.5)"), "(Shape::Circle 2.5)");
    assert_eq!(with_shapes("Shape::Circle(-x)"), "(Shape::Circle (neg x))");
    assert_error("Shape::Circle()", "Expected an expression, found ')'", ")");
    assert_error(
        "Shape::Rect(1, 2)",
        "Enum variant Shape::Rect takes at most one argument, got 2",
        "2)",
    );
    assert_error(
        "Shape::(1)",
        "Expected a variant name after '::', found '('",
        "(",
    );
}

#[test]
fn syntax_error_messages_name_expected_and_found() {
    assert_error("print(1}", "Expected ')' after arguments, found '}'", "}");
    let e = parse_err("print(1");
    assert_eq!(
        e.message,
        "Unexpected end of input: expected ')' after arguments"
    );
    assert_eq!(e.span, Span::new(7, 7));
    let e = parse_err("x := 1 +\n\n");
    assert_eq!(e.message, "Unexpected end of input: expected an expression");
    assert_eq!(e.span.start, 8, "right after the last token");
    assert_error("a & b", "Expected an expression, found '&'", "&");
    assert_error("a | b", "Expected an expression, found '|'", "|");
    assert_error("x := )", "Expected an expression, found ')'", ")");
    assert_error(
        "a.1",
        "Expected a field or method name after '.', found number 1",
        "1",
    );
    assert_error("x := impl", "Expected an expression, found 'impl'", "impl");
}
