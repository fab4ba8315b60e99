//! Nesting limits: hostile nesting is a parse error, never a native stack overflow, and
//! nesting just under the limits still parses — both on a thread with the default
//! 2 MiB stack, in an unoptimized build.

use crate::syntax::ast::Program;
use crate::syntax::{parse, ParseError, MAX_BLOCK_DEPTH, MAX_EXPR_DEPTH};

/// Parses `src` on a fresh thread with a 2 MiB stack; the tree is dropped there too.
fn parse_on_small_stack(src: String) -> Result<usize, ParseError> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || parse(&src).map(|p: Program| p.stmts.len()))
        .expect("spawn parser thread")
        .join()
        .expect("parser thread must not crash")
}

fn assert_too_deep(src: String, limit: usize) {
    let preview: String = src.chars().take(40).collect();
    let e = parse_on_small_stack(src).expect_err("nesting beyond the limit must fail");
    assert_eq!(
        e.message,
        format!("Nesting too deep (limit {limit})"),
        "{preview}"
    );
}

/// Brackets nested this deep must fail cleanly.
const HUGE: usize = 100_000;
/// Far beyond the limits, for forms whose text is longer (keeps the test quick).
const FAR: usize = 10_000;

#[test]
fn deep_brackets_are_rejected() {
    let cases = [
        format!("x := {}1", "(".repeat(HUGE)),
        format!("x := {}1", "[".repeat(HUGE)),
        format!("x := {}", "{".repeat(HUGE)),
        "{".repeat(HUGE),
        "[".repeat(HUGE),
        format!("f{}", "(".repeat(HUGE)),
    ];
    for src in cases {
        assert_too_deep(src, MAX_EXPR_DEPTH);
    }
}

#[test]
fn deep_expressions_are_rejected() {
    let cases = [
        format!("x := {}1", "-".repeat(FAR)),
        format!("x := {}true", "!".repeat(FAR)),
        format!("x := {}1{}", "\"${".repeat(FAR), "}\"".repeat(FAR)),
        format!("x := a{}", ".b".repeat(FAR)),
        format!("x := f{}", "()".repeat(FAR)),
        format!("x := 1{}", " + 1".repeat(FAR)),
        format!("x := {}", "f(".repeat(FAR)),
        format!("x := {}", "P { a: ".repeat(FAR)),
        format!("x := {}", "await ".repeat(FAR)),
        format!("x := {}", "yield ".repeat(FAR)),
        format!("let x: {}", "Option<".repeat(FAR)),
        format!("x := {}", "func() { return ".repeat(FAR)),
    ];
    for src in cases {
        assert_too_deep(src, MAX_EXPR_DEPTH);
    }
}

#[test]
fn deep_blocks_are_rejected() {
    let cases = [
        "if a { ".repeat(FAR),
        "while a { ".repeat(FAR),
        "func f() { ".repeat(FAR),
        "match a { case 1: { ".repeat(FAR),
        "test_group \"g\" { ".repeat(FAR),
        format!("if a {{}}{}", " else if a {}".repeat(FAR)),
    ];
    for src in cases {
        assert_too_deep(src, MAX_BLOCK_DEPTH);
    }
}

#[test]
fn nesting_up_to_the_limits_parses() {
    let depth = MAX_EXPR_DEPTH - 2;
    let parens = format!("x := {}1{}", "(".repeat(depth), ")".repeat(depth));
    let arrays = format!("x := {}{}", "[".repeat(depth), "]".repeat(depth));
    let chain = format!("x := 1{}", " + 1".repeat(depth));
    let blocks = MAX_BLOCK_DEPTH - 1;
    let ifs = format!("{}{}", "if a { ".repeat(blocks), "}".repeat(blocks));
    let else_ifs = format!("if a {{}}{}", " else if a {}".repeat(blocks - 1));
    // Blocks and expressions nested in each other, both counters near their limits.
    let levels = MAX_EXPR_DEPTH / 3 - 1;
    let mixed = format!(
        "x := {}1{}",
        "f(func() { return ".repeat(levels),
        " })".repeat(levels)
    );
    let deep_block_deep_expr = format!(
        "{}x := {}1{}{}",
        "while a { ".repeat(blocks),
        "(".repeat(depth),
        ")".repeat(depth),
        "}".repeat(blocks)
    );
    for src in [
        parens,
        arrays,
        chain,
        ifs,
        else_ifs,
        mixed,
        deep_block_deep_expr,
    ] {
        let preview: String = src.chars().take(40).collect();
        assert_eq!(parse_on_small_stack(src), Ok(1), "{preview}");
    }
}
