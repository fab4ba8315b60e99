//! Tier 1's guards, deoptimization and bails, end to end: each test runs a program from
//! `tests/tier1/` with tier 1 (`--jit=eager` and/or `--jit-threshold 2`) and with
//! `--jit=off`, and asserts
//!
//! 1. the same stdout, stderr and exit status (tier 0 is the reference), and
//! 2. from `--jit-stats` and the `RUST_LOG` events (`deopt: guard failed`, `tier-up:
//!    compiled`), that tier 1 did what the program forces: a failed guard deoptimizes the
//!    function it is in (and only that one), an overflow or zero divisor is handed to
//!    tier 0 without a deopt, recompiles stay within `jit::MAX_RECOMPILES`.
//!
//! Each program's first lines say what it forces.

use std::path::{Path, PathBuf};
use std::process::Command;

use ruff::jit::MAX_RECOMPILES;

const RUFF: &str = env!("CARGO_BIN_EXE_ruff");

/// Where the programs are; the runs use it as their working directory, so error reports
/// name the file as `NAME.ruff`.
fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tier1")
}

/// What one run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
struct Output {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// The `--jit-stats` line.
#[derive(Debug, Default)]
struct Stats {
    compiled: u32,
    failed: u32,
    deopts: u32,
    recompiles: u32,
}

/// A run with tier 1: its output without the stats line and log events, the stats, and
/// per event the function it names.
#[derive(Debug)]
struct Tiered {
    output: Output,
    stats: Stats,
    /// `deopt: guard failed` events, in order.
    deopts: Vec<String>,
    /// `tier-up: compiled` events, in order.
    compiles: Vec<String>,
    /// `tier-up: compile failed` events, in order.
    failures: Vec<String>,
}

impl Tiered {
    /// How many deopt events name `function`.
    fn deopts_in(&self, function: &str) -> usize {
        self.deopts.iter().filter(|f| *f == function).count()
    }

    /// How many times `function` was compiled.
    fn compiles_of(&self, function: &str) -> usize {
        self.compiles.iter().filter(|f| *f == function).count()
    }

    /// How many times tier 1 tried to compile `function` (successfully or not).
    fn attempts_of(&self, function: &str) -> usize {
        self.compiles_of(function) + self.failures.iter().filter(|f| *f == function).count()
    }
}

/// `ruff run ARGS FILE`, free of the environment variables that configure a run, with
/// `RUST_LOG` set to `log` if given.
fn ruff(file: &str, args: &[&str], log: Option<&str>) -> Output {
    let mut command = Command::new(RUFF);
    command
        .current_dir(programs())
        .arg("run")
        .args(args)
        .arg(file)
        .env_remove("RUFF_JIT")
        .env_remove("RUFF_JIT_THRESHOLD")
        .env_remove("RUFF_JIT_DUMP")
        .env_remove("RUFF_CALL_DEPTH")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1");
    if let Some(filter) = log {
        command.env("RUST_LOG", filter);
    }
    let out = command.output().expect("ruff runs");
    Output {
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        code: out.status.code(),
    }
}

/// `text` without ANSI escape sequences (in case the log is coloured after all).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC '[' parameters, ended by a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `line` is a `tracing` event (it starts with an RFC 3339 timestamp).
fn is_log_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
}

/// The value of `key=` in a log line.
fn field(line: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}=");
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(&prefix))
        .map(str::to_string)
}

/// Parses `jit: N functions compiled (F failed), compile ms …; D deopts, R recompiles`.
fn parse_stats(line: &str) -> Stats {
    let number_before = |what: &str| -> u32 {
        let at = line
            .find(what)
            .unwrap_or_else(|| panic!("no `{what}` in the stats line: {line}"));
        line[..at]
            .split(|c: char| !c.is_ascii_digit())
            .rfind(|s| !s.is_empty())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before `{what}` in: {line}"))
    };
    Stats {
        compiled: number_before(" functions compiled"),
        failed: number_before(" failed)"),
        deopts: number_before(" deopts"),
        recompiles: number_before(" recompiles"),
    }
}

/// Runs `file` with `args` plus `--jit-stats` and the tier-1 events logged, and splits
/// what it wrote to stderr into the program's part, the stats and the events.
fn run_tiered(file: &str, args: &[&str]) -> Tiered {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--jit-stats");
    let raw = ruff(file, &all, Some("ruff::vm::tier=debug,ruff::jit=debug"));
    let mut stderr = String::new();
    let mut stats = None;
    let (mut deopts, mut compiles, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for line in raw.stderr.split_inclusive('\n') {
        let clean = strip_ansi(line);
        if is_log_line(&clean) {
            let function = field(&clean, "function").unwrap_or_default();
            if clean.contains("deopt: guard failed") {
                deopts.push(function);
            } else if clean.contains("tier-up: compiled") {
                compiles.push(function);
            } else if clean.contains("tier-up: compile failed") {
                failures.push(function);
            }
        } else if clean.starts_with("jit: ") && clean.contains(" functions compiled") {
            assert!(stats.is_none(), "{file} {args:?}: two stats lines");
            stats = Some(parse_stats(clean.trim_end()));
        } else {
            stderr.push_str(line);
        }
    }
    let stats = stats.unwrap_or_else(|| panic!("{file} {args:?}: no --jit-stats line"));
    let tiered = Tiered {
        output: Output {
            stdout: raw.stdout,
            stderr,
            code: raw.code,
        },
        stats,
        deopts,
        compiles,
        failures,
    };
    // What every run must agree with: the events match the counts.
    assert_eq!(
        tiered.deopts.len(),
        tiered.stats.deopts as usize,
        "{file} {args:?}: deopt events vs --jit-stats: {tiered:#?}"
    );
    assert_eq!(
        tiered.compiles.len(),
        tiered.stats.compiled as usize,
        "{file} {args:?}: compile events vs --jit-stats: {tiered:#?}"
    );
    assert_eq!(
        tiered.failures.len(),
        tiered.stats.failed as usize,
        "{file} {args:?}: compile failure events vs --jit-stats: {tiered:#?}"
    );
    assert!(
        tiered.stats.recompiles <= tiered.stats.compiled,
        "{file} {args:?}: {tiered:#?}"
    );
    tiered
}

/// Runs `file` with `--jit=off` (plus `common`) and with tier 1 (`jit` plus `common`),
/// asserts the two print the same and end the same way, and returns the tier-1 run.
fn same_as_tier0(file: &str, jit: &[&str], common: &[&str]) -> Tiered {
    let mut off = vec!["--jit=off"];
    off.extend_from_slice(common);
    let reference = ruff(file, &off, None);
    let mut args = jit.to_vec();
    args.extend_from_slice(common);
    let tiered = run_tiered(file, &args);
    assert_eq!(
        tiered.output.stdout, reference.stdout,
        "{file} {args:?}: stdout differs from --jit=off"
    );
    assert_eq!(
        tiered.output.stderr, reference.stderr,
        "{file} {args:?}: stderr differs from --jit=off"
    );
    assert_eq!(
        tiered.output.code, reference.code,
        "{file} {args:?}: exit status differs from --jit=off"
    );
    tiered
}

const EAGER: &[&str] = &["--jit=eager"];
const HOT_AT_2: &[&str] = &["--jit-threshold", "2"];

/// A failed guard happened, and only in the functions named.
fn assert_deopts_only_in(t: &Tiered, functions: &[&str]) {
    assert!(t.stats.deopts >= 1, "expected a deopt: {t:#?}");
    for f in &t.deopts {
        assert!(
            functions.contains(&f.as_str()),
            "unexpected deopt in {f} (expected only {functions:?}): {t:#?}"
        );
    }
}

/// After its deopt, `function` got hot again and tier 1 compiled it again (counted as
/// attempts, successful or not).
fn assert_compiled_again(t: &Tiered, function: &str) {
    assert!(
        t.attempts_of(function) >= 2,
        "{function} was not compiled again after its deopt: {t:#?}"
    );
}

/// No guard failed (errors and bails are not deopts), and nothing failed to compile.
fn assert_no_deopt(t: &Tiered) {
    assert_eq!(t.stats.deopts, 0, "expected no deopt: {t:#?}");
    assert_eq!(t.stats.recompiles, 0, "expected no recompile: {t:#?}");
    assert_eq!(t.stats.failed, 0, "expected no failed compile: {t:#?}");
    assert!(t.stats.compiled >= 1, "expected compiled code: {t:#?}");
}

#[test]
fn int_guard_sees_a_float() {
    // `scale`'s int `*` gets 2.5 (then 0.5): it deoptimizes, tier 0 computes the floats.
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("int_to_float.ruff", jit, &[]);
        assert_eq!(t.output.stdout, "7 21 43\n8.5\n3\n43 -5.75\n");
        assert_eq!(t.output.code, Some(0));
        assert_deopts_only_in(&t, &["scale"]);
        assert_compiled_again(&t, "scale");
    }
}

#[test]
fn float_guard_sees_an_int() {
    // `blend` is compiled with float feedback; `blend(3, 2.0)` fails its float guard. The
    // int/int overflow that ends the program is tier 0's error text.
    let t = same_as_tier0("float_to_int.ruff", HOT_AT_2, &[]);
    assert_eq!(t.output.stdout, "2 9 -0.875\n5\n5\n41\n");
    assert!(
        t.output
            .stderr
            .starts_with("Runtime Error: Integer overflow: 9223372036854775807 * 2\n"),
        "{t:#?}"
    );
    assert_eq!(t.output.code, Some(4));
    assert_deopts_only_in(&t, &["blend"]);
    assert_compiled_again(&t, "blend");
}

#[test]
fn mixed_int_float_site_gets_strings() {
    // `join2`'s `a + b` saw int + float; "ab" + "cd" fails the guard and tier 0
    // concatenates; "n=" + 5 is tier 0's error.
    let t = same_as_tier0("mixed_to_string.ruff", HOT_AT_2, &[]);
    assert_eq!(t.output.stdout, "1.5 2.25 3.75\nabcd\n2.5 \n");
    assert_eq!(
        t.output.stderr,
        "Runtime Error: Invalid binary operation: string + int\n  \
         --> mixed_to_string.ruff:4:14\n\
         4 |     return a + b\n  \
         |              ^\n\
         Call stack:\n  \
         0 at join2\n"
    );
    assert_eq!(t.output.code, Some(4));
    assert_deopts_only_in(&t, &["join2"]);
    assert_compiled_again(&t, "join2");
}

#[test]
fn comparison_guards_fail() {
    // An int `<` (compare-and-jump) gets floats; a float `>=` gets strings, then a string
    // and a float: `Invalid binary operation: string >= float`.
    let t = same_as_tier0("compare.ruff", HOT_AT_2, &[]);
    assert_eq!(
        t.output.stdout,
        "below not below not below\ntrue false true\nbelow not below not below\n\
         true false false\nbelow true true\n"
    );
    assert_eq!(
        t.output.stderr,
        "Runtime Error: Invalid binary operation: string >= float\n  \
         --> compare.ruff:10:14\n\
         10 |     return x >= y\n   \
         |              ^\n\
         Call stack:\n  \
         0 at at_least\n"
    );
    assert_eq!(t.output.code, Some(4));
    assert_deopts_only_in(&t, &["below", "at_least"]);
    assert!(t.deopts_in("below") >= 1, "{t:#?}");
    assert!(t.deopts_in("at_least") >= 1, "{t:#?}");
    assert_compiled_again(&t, "below");
    assert_compiled_again(&t, "at_least");
}

#[test]
fn guard_fails_in_a_callee_of_compiled_callers() {
    // `score` deoptimizes under compiled `middle` and `outer`; they resume in tier 0
    // with its result. Only `score` deoptimizes: leaving because a callee left is no
    // deopt of the caller.
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("callee.ruff", jit, &[]);
        assert_eq!(t.output.stdout, "130\n120\n120\n2 1 1\n");
        assert_deopts_only_in(&t, &["score"]);
        assert_compiled_again(&t, "score");
        for caller in ["middle", "outer"] {
            assert!(t.compiles_of(caller) >= 1, "{caller} not compiled: {t:#?}");
        }
    }
}

#[test]
fn guard_fails_in_a_top_level_loop_after_osr() {
    // The top-level loop is entered by OSR with `y` an int; at i == 25 `y` turns float.
    let t = same_as_tier0("osr_deopt.ruff", HOT_AT_2, &[]);
    assert_eq!(t.output.stdout, "787.5 0.5 40\n");
    assert_deopts_only_in(&t, &["<main>"]);
    assert_compiled_again(&t, "<main>");
}

#[test]
fn recompiles_are_bounded() {
    // Each call fails a new guard of `sites`; it is compiled at most 1 + MAX_RECOMPILES
    // times and each compile deoptimizes at most once (a failed site turns generic).
    let t = same_as_tier0("recompile_bound.ruff", EAGER, &[]);
    assert_eq!(
        t.output.stdout,
        "[2, 3, 4, 5, 6, 7]\n[3, 3, 4, 5, 6, 7]\n[2, 4.5, 4, 5, 6, 7]\n\
         [2, 3, 6, 5, 6, 7]\n[2, 3, 4, 7.5, 6, 7]\n[2, 3, 4, 5, 9, 7]\n\
         [2, 3, 4, 5, 6, 10.5]\n[4, 6, 8, 10, 12, 14]\n[1, 6, 2, 10, 3, 14]\n\
         [4, 1.5, 8, 2.5, 12, 3.5]\n"
    );
    let bound = MAX_RECOMPILES as usize;
    assert_deopts_only_in(&t, &["sites"]);
    assert_compiled_again(&t, "sites");
    assert!(t.stats.recompiles as usize <= bound, "{t:#?}");
    assert!(t.attempts_of("sites") <= bound + 1, "{t:#?}");
    assert!(t.deopts_in("sites") <= t.compiles_of("sites"), "{t:#?}");
    assert!(t.deopts_in("sites") <= bound + 1, "{t:#?}");
    // `<main>` (top-level code without loops) is compiled once and never deoptimizes.
    assert_eq!(t.compiles_of("<main>"), 1, "{t:#?}");
}

#[test]
fn int_overflow_at_the_edge_bails_to_tier0() {
    // A compiled checked add overflows: tier 0's report, exit 4, no deopt.
    let t = same_as_tier0("overflow.ruff", HOT_AT_2, &[]);
    assert_eq!(
        t.output.stdout,
        "3 7\n9223372036854775807\n-9223372036854775808\n"
    );
    assert_eq!(
        t.output.stderr,
        "Runtime Error: Integer overflow: 9223372036854775807 + 1\n  \
         --> overflow.ruff:4:14\n\
         4 |     return x + k\n  \
         |              ^\n\
         Call stack:\n  \
         0 at bump\n"
    );
    assert_eq!(t.output.code, Some(4));
    assert_no_deopt(&t);
    assert!(t.compiles_of("bump") >= 1, "{t:#?}");
}

#[test]
fn every_int_overflow_is_caught_without_deopt() {
    // + - * / % at both i64 edges in eagerly compiled (int-guarded) functions.
    let t = same_as_tier0("overflow_caught.ruff", EAGER, &[]);
    let expected = "\
add Integer overflow: 9223372036854775807 + 1 3 [attempt, add]
add Integer overflow: -9223372036854775808 + -1 3 [attempt, add]
sub Integer overflow: -9223372036854775808 - 1 4 [attempt, sub]
sub Integer overflow: 9223372036854775807 - -1 4 [attempt, sub]
mul Integer overflow: 9223372036854775807 * 2 5 [attempt, mul]
mul Integer overflow: -9223372036854775808 * -1 5 [attempt, mul]
div Integer overflow: -9223372036854775808 / -1 6 [attempt, div]
rem Integer overflow: -9223372036854775808 % -1 7 [attempt, rem]
div -9223372036854775808
rem 7
inc Integer overflow: 9223372036854775807 + 1
twice Integer overflow: -9223372036854775808 * 2
9223372036854775806 -9223372036854775807 9223372036854775806
";
    assert_eq!(t.output.stdout, expected);
    assert_eq!(t.output.code, Some(0));
    assert_no_deopt(&t);
}

#[test]
fn int_overflow_in_a_top_level_loop_after_osr() {
    // The loop runs compiled (OSR) until `x * 3` overflows: no call stack, no deopt.
    let t = same_as_tier0("overflow_loop.ruff", HOT_AT_2, &[]);
    assert_eq!(
        t.output.stdout,
        "10 59049\n20 3486784401\n30 205891132094649\n"
    );
    assert_eq!(
        t.output.stderr,
        "Runtime Error: Integer overflow: 4052555153018976267 * 3\n  \
         --> overflow_loop.ruff:6:12\n\
         6 |     x := x * 3\n  \
         |            ^\n"
    );
    assert_eq!(t.output.code, Some(4));
    assert_no_deopt(&t);
    assert_eq!(t.compiles_of("<main>"), 1, "{t:#?}");
}

#[test]
fn division_and_modulo_by_zero() {
    // Int and float `/` and `%` by zero (and -0.0) in compiled code: tier 0's errors.
    let t = same_as_tier0("divzero.ruff", HOT_AT_2, &[]);
    assert_eq!(
        t.output.stdout,
        "14 2 3 1.5\n-3 -1 1 -1.5 0.3333333333333333\n\
         Division by zero 3 [idiv]\nModulo by zero 4 [imod]\n\
         Division by zero 5 [fdiv]\nModulo by zero 6 [fmod]\n\
         Division by zero 5 [fdiv]\n3 1 2.25 1.5\n"
    );
    assert_eq!(
        t.output.stderr,
        "Runtime Error: Modulo by zero\n  \
         --> divzero.ruff:6:28\n\
         6 | func fmod(a, b) { return a % b }\n  \
         |                            ^\n\
         Call stack:\n  \
         0 at fmod\n"
    );
    assert_eq!(t.output.code, Some(4));
    assert_no_deopt(&t);
    for f in ["idiv", "imod", "fdiv", "fmod"] {
        assert!(t.compiles_of(f) >= 1, "{f} not compiled: {t:#?}");
    }
}

#[test]
fn errors_in_compiled_code_are_caught() {
    // Caught in a compiled caller (`caller`) and in the raising function (`same`).
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("caught.ruff", jit, &[]);
        let expected = "\
caught Division by zero 4 [caller, ratio]
caught too big: 4 8 [caller, checked]
caught too big: 5 8 [caller, checked]
3116
same Division by zero 31 [same]
same Division by zero 31 [same]
same four 33 [same]
same Division by zero 31 [same]
176
same Division by zero 31 [same]
52 59
";
        assert_eq!(t.output.stdout, expected);
        assert_eq!(t.output.code, Some(0));
        assert_no_deopt(&t);
        for f in ["caller", "same", "ratio", "checked"] {
            assert!(t.compiles_of(f) >= 1, "{f} not compiled: {t:#?}");
        }
    }
}

#[test]
fn call_depth_limit_in_compiled_recursion() {
    // --call-depth 200: `down` recursing in compiled code hits the limit exactly where
    // tier 0 does, caught (`guarded`) and uncaught (the report's call stack).
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("depth.ruff", jit, &["--call-depth", "200"]);
        let message = "Maximum call depth of 200 exceeded while calling down";
        assert_eq!(
            t.output.stdout,
            format!("150\n198\n{message} 7 200 guarded down\n-1\n{message} 7 200 guarded down\n-1\n197\n")
        );
        let mut stack = String::new();
        for i in 0..20 {
            stack.push_str(&format!("  {i} at down\n"));
        }
        assert_eq!(
            t.output.stderr,
            format!(
                "Runtime Error: {message}\n  --> depth.ruff:7:12\n\
                 7 |     return down(n - 1) + 1\n  |            ^\n\
                 Call stack:\n{stack}  ... 180 more frames\n"
            )
        );
        assert_eq!(t.output.code, Some(4));
        assert_no_deopt(&t);
        assert!(t.compiles_of("down") >= 1, "{t:#?}");
    }
}

#[test]
fn osr_declined_then_accepted() {
    // Output only: see the program's comment for the declined and accepted entries.
    let t = same_as_tier0("osr_decline.ruff", HOT_AT_2, &[]);
    assert_eq!(
        t.output.stdout,
        " 4 6 8 10 12\n 4 6 7 8 10 12 14\n 3 5 6 8 10\n"
    );
    assert_eq!(t.output.code, Some(0));
}
// Recompiles after a deopt (each compile gets its own symbol).

#[test]
fn recompile_after_deopt() {
    // `scale` deoptimizes and is compiled again with the widened feedback.
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("int_to_float.ruff", jit, &[]);
        assert_eq!(t.stats.failed, 0, "{t:#?}");
        assert!(t.stats.recompiles >= 1, "{t:#?}");
        assert!(t.compiles_of("scale") >= 2, "{t:#?}");
    }
}

#[test]
fn recompiles_reach_the_bound_then_stop() {
    // Every compile of `sites` fails one guard: 1 + MAX_RECOMPILES compiles, as many
    // deopts, then tier 0 for good.
    let t = same_as_tier0("recompile_bound.ruff", EAGER, &[]);
    let bound = MAX_RECOMPILES as usize;
    assert_eq!(t.stats.failed, 0, "{t:#?}");
    assert_eq!(t.stats.recompiles as usize, bound, "{t:#?}");
    assert_eq!(t.compiles_of("sites"), bound + 1, "{t:#?}");
    assert_eq!(t.deopts_in("sites"), bound + 1, "{t:#?}");
}
#[test]
fn cold_site_result_is_not_trusted() {
    // Tier 0 computes `a * 1` and `k * 2` (cold sites) as floats; compiled code must not
    // take them for ints.
    for jit in [EAGER, HOT_AT_2] {
        let t = same_as_tier0("cold_site.ruff", jit, &[]);
        assert_eq!(t.output.stdout, "6 2\n7.5 3\n8 10\n");
        assert_eq!(t.output.code, Some(0));
    }
}
