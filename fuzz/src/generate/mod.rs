//! Turns fuzzer bytes into a valid, terminating, deterministic Ruff program for the
//! differential target.
//!
//! The generator tracks the kind of value every visible variable holds, so most of what
//! it writes runs without errors; operations that may fail (overflow, zero divisors,
//! indexing, `throw`, call depth) are written mostly inside `try`, where tier 1 has to
//! hand the error to tier 0 with the same message and line. Termination comes from the
//! shapes it writes: loops count to small constants, recursion counts down, and the only
//! calls are to functions defined earlier (or to the recursion templates), with an
//! estimated cost that keeps every program to a few tens of thousands of steps.
//!
//! Besides random statements it writes templates aimed at tier 1: variables that change
//! kind mid-loop and functions called with ints, then floats, then strings (guards and
//! deoptimization), hot loops that overflow or divide by zero part-way (errors from
//! compiled loops, on-stack replacement), closures updating captured variables, struct
//! methods that write back their receiver, `?` on results and deep recursion. Most
//! top-level statements are wrapped in a function called once (a "section"), so the code
//! is exercised both as top-level code (globals) and as function code (locals), and a
//! deoptimization recompiles a small function rather than the whole top level.
//!
//! This module holds the limits and the entry point; `state` owns the generator's
//! state and primitives, `expressions` and `statements` what goes inside a block,
//! `top_level` sections and helper functions, and `templates` the tier-1 templates.

mod expressions;
mod state;
mod statements;
mod templates;
mod top_level;

use arbitrary::{Result, Unstructured};

use state::{Generator, Unit};

/// Estimated statement executions a whole program may cost.
const PROGRAM_WORK: u64 = 30_000;
/// Estimated statement executions one call of a generated function may cost.
const FUNCTION_WORK: u64 = 400;
/// Deepest nesting of blocks the generator writes.
const MAX_BLOCKS: u32 = 3;
/// Deepest nesting of sub-expressions.
const MAX_EXPR_DEPTH: u32 = 3;
/// Most top-level statements (each may be a whole template). Tier 1 compiles every
/// function of a program, at a few milliseconds per bytecode instruction, and again after
/// deoptimizations: small programs keep a run (three of them) near a second.
const MAX_TOP_STATEMENTS: u32 = 10;
/// Most generated helper functions.
const MAX_FUNCTIONS: u32 = 3;

/// Generates one program from the fuzzer's bytes.
pub fn program(u: &mut Unstructured) -> Result<String> {
    let mut g = Generator {
        u,
        prelude: String::new(),
        unit: Unit {
            repeat: 1,
            budget: PROGRAM_WORK,
            ..Unit::default()
        },
        funcs: Vec::new(),
        next_id: 0,
    };
    let functions = g.u.int_in_range(0..=MAX_FUNCTIONS)?;
    for _ in 0..functions {
        g.function()?;
    }
    g.line("print(\"start\")");
    let mut written = 0;
    while written < MAX_TOP_STATEMENTS && !g.u.is_empty() {
        if g.chance(3, 4)? {
            g.section()?;
        } else {
            g.top_statement()?;
        }
        written += 1;
    }
    if g.chance(1, 16)? {
        // Not 3, the status of a parse error (which would be a generator bug).
        let code = g.u.choose(&[0, 1, 2, 5, 7])?;
        g.line(&format!("exit({code})"));
    }
    g.line("print(\"end\")");
    Ok(format!("{}{}", g.prelude, g.unit.text))
}
