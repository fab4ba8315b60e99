//! Static errors (LANGUAGE.md §1): reported as parse errors before anything runs.

use super::{assert_error, parse_err, parse_ok};

#[test]
fn break_and_continue_need_a_loop() {
    assert_error("break", "'break' outside of a loop", "break");
    assert_error(
        "if x { continue }",
        "'continue' outside of a loop",
        "continue",
    );
    // A function body is a boundary, also for function expressions.
    assert_error(
        "while x { func f() { break } }",
        "'break' outside of a loop",
        "break",
    );
    assert_error(
        "for i in xs { g := func() { continue } }",
        "'continue' outside of a loop",
        "continue",
    );
    assert_error(
        "loop { test \"t\" { break } }",
        "'break' outside of a loop",
        "break",
    );
    assert_error(
        "loop { spawn { break } }",
        "'break' outside of a loop",
        "break",
    );
    // Loops of any kind; `match`, `try` and `if` bodies pass them through.
    parse_ok(
        "while a { break }
         loop { continue }
         loop while a { break }
         for x in xs { if x { match x { case 1: { try { break } except e { continue } } } } }
         func f() { while true { break } }",
    );
}

#[test]
fn repeated_parameter_names() {
    assert_error("func f(a, b, a) {}", "Duplicate parameter name: a", "a) {}");
    assert_error(
        "g := func(self, self) {}",
        "Duplicate parameter name: self",
        "self) {}",
    );
    assert_error(
        "struct S { func m(x, x) {} }",
        "Duplicate parameter name: x",
        "x) {}",
    );
}

#[test]
fn one_default_per_match() {
    assert_error(
        "match x { default: {} case 1: {} default: {} }",
        "Duplicate 'default' in match",
        "default: {} }",
    );
}

#[test]
fn two_enums_of_one_name() {
    assert_error(
        "enum Color { Red }\nfunc f() { enum Color { Blue } }",
        "Duplicate enum declaration: Color",
        "Color { Blue",
    );
    parse_ok("enum A { X }\nenum B { X }");
}

#[test]
fn unknown_enum_variants() {
    assert_error(
        "print(Color::Purple)",
        "Unknown enum variant: Color::Purple",
        "Color",
    );
    assert_error(
        "enum Color { Red }\nx := Color::Purple(1)",
        "Unknown enum variant: Color::Purple",
        "Color::Purple",
    );
    // Declarations count wherever they are, also after the use.
    parse_ok(
        "x := Shape::Circle(1)
         func f() { enum Shape { Circle, Square } }",
    );
    parse_ok("a := [Result::Ok(1), Result::Err(2), Option::Some(3), Option::None]");
    assert_error(
        "x := Result::Maybe",
        "Unknown enum variant: Result::Maybe",
        "Result",
    );
    // Declaring Result or Option has no effect.
    assert_error(
        "enum Option { Maybe }\nx := Option::Maybe",
        "Unknown enum variant: Option::Maybe",
        "Option::Maybe",
    );
}

#[test]
fn unknown_enum_variants_in_patterns_and_nested_positions() {
    assert_error(
        "enum Shape { Circle }\nmatch s { case Shape::Square(r): {} }",
        "Unknown enum variant: Shape::Square",
        "Shape::Square",
    );
    parse_ok("match r { case Result::Ok(v): {} case Option::None: {} }");
    for src in [
        "s := \"${Color::Red}\"",
        "f := func() { return [{\"k\": Color::Red}] }",
        "test \"t\" { x := Color::Red }",
        "spawn { x := Color::Red }",
        "x := await Color::Red",
        "x := yield Color::Red",
        "struct S { func m() { if a { } else { x := Color::Red } } }",
        "x.y[Color::Red] := 1",
        "x := P { f: -Color::Red? }",
    ] {
        let e = parse_err(src);
        assert_eq!(e.message, "Unknown enum variant: Color::Red", "{src}");
        assert_eq!(e.span.start as usize, src.find("Color").unwrap(), "{src}");
    }
}

#[test]
fn the_first_static_error_in_the_file_is_reported() {
    assert_error(
        "x := B::Q\nenum A { X }\nenum A { Y }",
        "Unknown enum variant: B::Q",
        "B::Q",
    );
    assert_error(
        "test \"t\" { x := C::D }\ny := E::F",
        "Unknown enum variant: C::D",
        "C::D",
    );
}

#[test]
fn enum_variants_take_at_most_one_argument() {
    assert_error(
        "enum Shape { Rect }\nx := Shape::Rect(1, 2, 3)",
        "Enum variant Shape::Rect takes at most one argument, got 3",
        "2, 3",
    );
    assert_error(
        "x := Result::Ok(1, 2)",
        "Enum variant Result::Ok takes at most one argument, got 2",
        "2)",
    );
}
