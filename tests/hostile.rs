//! Hostile input: each test feeds `ruff run` something a careless or malicious user
//! could, and asserts the exact error report and exit status (LANGUAGE.md §1, README
//! "Limits") — never a panic, an abort or a hang. Programs that run code are run with
//! tier 1 off and eager, which must agree.
//!
//! The inputs are built here rather than checked in: several are megabytes long.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const RUFF: &str = env!("CARGO_BIN_EXE_ruff");

/// What one run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
struct Output {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// A scratch directory of this test's own (tests run in parallel).
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ruff-hostile-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs `ruff run [flags] NAME` on `program` written to a scratch file `NAME`, from the
/// scratch directory (so reports name the file as given).
fn run(name: &str, program: &[u8], flags: &[&str]) -> Output {
    let dir = scratch(name);
    std::fs::write(dir.join(name), program).expect("write program");
    let out = Command::new(RUFF)
        .arg("run")
        .args(flags)
        .arg(name)
        .current_dir(&dir)
        .env_remove("RUFF_JIT")
        .env_remove("RUFF_MAX_HEAP")
        .env_remove("RUFF_CALL_DEPTH")
        .output()
        .expect("run ruff");
    let _ = std::fs::remove_dir_all(&dir);
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

/// Runs `program` with tier 1 off and eager; both must print `stdout` and `stderr` and
/// exit with `code`.
fn run_both_tiers(name: &str, program: &str, flags: &[&str], expected: (&str, &str, i32)) {
    for jit in ["--jit=off", "--jit=eager"] {
        let mut all = vec![jit];
        all.extend_from_slice(flags);
        let out = run(name, program.as_bytes(), &all);
        assert_eq!(
            out,
            Output {
                stdout: expected.0.into(),
                stderr: expected.1.into(),
                code: Some(expected.2),
            },
            "{name} with {jit}"
        );
    }
}

/// A report of a parse error (exit status 3).
fn parse_failure(out: &Output) -> &str {
    assert_eq!(out.code, Some(3), "{out:?}");
    assert_eq!(out.stdout, "");
    &out.stderr
}

#[test]
fn a_binary_file_is_refused_before_parsing() {
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec();
    elf.extend((0..=255u8).cycle().take(4096));
    let out = run("a.out", &elf, &[]);
    assert_eq!(
        out.stderr,
        "error: 'a.out' is not valid UTF-8 (invalid byte at offset 148)\n"
    );
    assert_eq!((out.stdout.as_str(), out.code), ("", Some(2)));
}

#[test]
fn nul_bytes_are_invalid_characters_shown_by_code_point() {
    let out = run("nul.ruff", b"print(1)\0print(2)\n", &[]);
    assert_eq!(
        parse_failure(&out),
        "Parse Error: Invalid character: U+0000\n  --> nul.ruff:1:9\n\
         1 | print(1)\u{fffd}print(2)\n  |         ^\n"
    );
}

#[test]
fn a_source_file_over_the_size_limit_is_refused() {
    let mut big = vec![b' '; 16 << 20];
    big.extend_from_slice(b"print(1)\n");
    let out = run("big.ruff", &big, &[]);
    assert_eq!(
        out.stderr,
        "error: 'big.ruff' is too large for a program (the limit is 16 MiB)\n"
    );
    assert_eq!(out.code, Some(2));
}

#[test]
fn a_ten_megabyte_line_runs_and_its_errors_show_a_window_of_it() {
    let comment = format!("# {}\nprint(\"after\")\n", "c".repeat(10 << 20));
    run_both_tiers("comment.ruff", &comment, &[], ("after\n", "", 0));

    let literal = format!("x := \"{}\"\n", "a".repeat(10 << 20));
    let out = run("literal.ruff", literal.as_bytes(), &[]);
    assert_eq!(
        parse_failure(&out),
        format!(
            "Parse Error: String literal too long (more than 8192 characters)\n  --> literal.ruff:1:6\n\
             1 | x := \"{}...\n  |      ^\n",
            "a".repeat(114)
        )
    );
}

#[test]
fn a_hundred_thousand_nested_brackets_hit_the_nesting_limit() {
    let arrays = format!("x := {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let out = run("brackets.ruff", arrays.as_bytes(), &[]);
    assert_eq!(
        parse_failure(&out),
        format!(
            "Parse Error: Nesting too deep (limit 256)\n  --> brackets.ruff:1:262\n\
             1 | ...{}...\n  | {}^\n",
            "[".repeat(120),
            " ".repeat(63)
        )
    );
    let parens = format!("print({}1{})\n", "(".repeat(100_000), ")".repeat(100_000));
    let out = run("parens.ruff", parens.as_bytes(), &[]);
    assert!(parse_failure(&out)
        .starts_with("Parse Error: Nesting too deep (limit 256)\n  --> parens.ruff:1:261\n"));
    let blocks = format!("{}{}\n", "if true {".repeat(100_000), "}".repeat(100_000));
    let out = run("blocks.ruff", blocks.as_bytes(), &[]);
    assert!(parse_failure(&out)
        .starts_with("Parse Error: Nesting too deep (limit 256)\n  --> blocks.ruff:1:2313\n"));
}

const COUNT_DOWN: &str = "func f(n) { if n == 0 { return 0 } return 1 + f(n - 1) }\n";

#[test]
fn recursion_a_million_deep_fails_at_the_call_depth_limit() {
    let program = format!("{COUNT_DOWN}print(f(1000000))\n");
    let mut frames: String = (0..20).map(|i| format!("  {i} at f\n")).collect();
    frames.push_str("  ... 9980 more frames\n");
    let report = format!(
        "Runtime Error: Maximum call depth of 10000 exceeded while calling f\n  --> deep.ruff:1:47\n\
         1 | {}  | {}^\nCall stack:\n{frames}",
        COUNT_DOWN,
        " ".repeat(46)
    );
    run_both_tiers("deep.ruff", &program, &[], ("", &report, 4));
}

#[test]
fn recursion_a_million_deep_runs_with_the_highest_call_depth_limit() {
    // The top level is one of the active calls.
    let program = format!("{COUNT_DOWN}print(f(999999))\n");
    run_both_tiers(
        "deep.ruff",
        &program,
        &["--call-depth", "1000000"],
        ("999999\n", "", 0),
    );
    let out = run("deep.ruff", b"print(1)", &["--call-depth", "1000001"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out
        .stderr
        .contains("invalid value '1000001' for '--call-depth <CALL_DEPTH>'"));
}

#[test]
fn callbacks_nested_past_the_native_stack_fail_cleanly() {
    let program = "func f(n) {\n    if n == 0 { return 0 }\n    \
                   return map([n], func(x) { return f(x - 1) })[0] + 1\n}\nprint(f(900000))\n";
    for jit in ["--jit=off", "--jit=eager"] {
        let out = run(
            "callbacks.ruff",
            program.as_bytes(),
            &[jit, "--call-depth", "1000000"],
        );
        assert_eq!(out.code, Some(4), "{jit}: {out:?}");
        assert!(
            out.stderr.starts_with(
                "Runtime Error: Native stack exhausted while calling <lambda> (callbacks nested too deeply)\n  --> callbacks.ruff:3:12\n"
            ),
            "{jit}: {}",
            out.stderr
        );
    }
}

#[test]
fn functions_too_long_for_tier_1_stay_in_the_interpreter() {
    // 700 statements of three instructions each: past `jit::MAX_COMPILED_INSTRUCTIONS`.
    let body = "    x := x * 3 % 1000 + 1\n".repeat(700);
    let program = format!("func long(x) {{\n{body}    return x\n}}\nprint(long(1))\n");
    let off = run("long.ruff", program.as_bytes(), &["--jit=off"]);
    let eager = run(
        "long.ruff",
        program.as_bytes(),
        &["--jit=eager", "--jit-stats"],
    );
    assert_eq!(off.code, Some(0), "{off:?}");
    assert_eq!(eager.stdout, off.stdout);
    // Only the top level is compiled.
    assert!(
        eager
            .stderr
            .starts_with("jit: 1 functions compiled (0 failed)"),
        "{}",
        eager.stderr
    );
}

#[test]
fn shifts_outside_0_to_63_are_errors() {
    run_both_tiers(
        "shift.ruff",
        "print(bit_shl(1, 63))\nprint(bit_shl(1, 64))\n",
        &[],
        (
            "-9223372036854775808\n",
            "Runtime Error: bit_shl() shift amount must be between 0 and 63\n  --> shift.ruff:2:7\n\
             2 | print(bit_shl(1, 64))\n  |       ^\n",
            4,
        ),
    );
}

#[test]
fn huge_size_requests_fail_before_allocating() {
    run_both_tiers(
        "repeat.ruff",
        "print(repeat(\"x\", 1000000 * 1000000))\n",
        &[],
        (
            "",
            "Runtime Error: repeat() result too large\n  --> repeat.ruff:1:7\n\
             1 | print(repeat(\"x\", 1000000 * 1000000))\n  |       ^\n",
            4,
        ),
    );
    run_both_tiers(
        "range.ruff",
        "print(len(range(1000000 * 1000000)))\n",
        &[],
        (
            "",
            "Runtime Error: range() result too large\n  --> range.ruff:1:11\n\
             1 | print(len(range(1000000 * 1000000)))\n  |           ^\n",
            4,
        ),
    );
}

#[test]
fn growth_past_the_heap_limit_is_a_catchable_error() {
    let doubling = "mut s := \"x\"\ntry {\n    while true { s := s + s }\n} except e {\n    \
                    print(e.message)\n}\nprint(len(s) >= 1024)\n";
    run_both_tiers(
        "double.ruff",
        doubling,
        &["--max-heap", "64M"],
        (
            "Out of memory: heap limit of 64 MiB exceeded\ntrue\n",
            "",
            0,
        ),
    );
    let appending = "mut a := []\nwhile true { a := push(a, [1, 2, 3]) }\n";
    run_both_tiers(
        "append.ruff",
        appending,
        &["--max-heap", "32M"],
        (
            "",
            "Runtime Error: Out of memory: heap limit of 32 MiB exceeded\n  --> append.ruff:2:19\n\
             2 | while true { a := push(a, [1, 2, 3]) }\n  |                   ^\n",
            4,
        ),
    );
}

#[test]
fn loops_that_only_continue_still_reach_the_heap_limit() {
    // Found by the run_tier0 fuzzer: `continue` jumped back without a back-edge check.
    let program =
        "mut s := \"\"\nwhile true {\n    s := s + \"xxxxxxxxxxxxxxxx\"\n    continue\n}\n";
    run_both_tiers(
        "continue.ruff",
        program,
        &["--max-heap", "64M"],
        (
            "",
            "Runtime Error: Out of memory: heap limit of 64 MiB exceeded\n  --> continue.ruff:4:5\n\
             4 |     continue\n  |     ^\n",
            4,
        ),
    );
}

#[test]
fn the_heap_limit_comes_from_the_environment_too_and_is_validated() {
    let dir = scratch("env");
    std::fs::write(
        dir.join("big.ruff"),
        "print(len(repeat(\"ab\", 1000000)))\n",
    )
    .unwrap();
    let with_limit = |limit: &str| {
        Command::new(RUFF)
            .args(["run", "big.ruff"])
            .current_dir(&dir)
            .env("RUFF_MAX_HEAP", limit)
            .output()
            .expect("run ruff")
    };
    let refused = with_limit("1M");
    assert_eq!(refused.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .starts_with("Runtime Error: Out of memory: heap limit of 1 MiB exceeded\n"));
    let allowed = with_limit("64M");
    assert_eq!(String::from_utf8_lossy(&allowed.stdout), "2000000\n");
    let invalid = with_limit("12Q");
    assert_eq!(invalid.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&invalid.stderr).contains("unknown size unit 'Q' (use K, M or G)")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deeply_nested_values_print_compare_and_drop_without_recursion() {
    let program = "mut a := []\nmut b := []\nfor i in range(1000000) { a := [a]; b := [b] }\n\
                   print(a == b)\nprint(len(str(a)))\nprint(len(to_json(b)))\n";
    run_both_tiers(
        "nested.ruff",
        program,
        &[],
        ("true\n2000002\n2000002\n", "", 0),
    );
}

#[test]
fn output_before_an_error_or_exit_is_not_lost() {
    run_both_tiers(
        "error.ruff",
        "for i in range(3) { print(i) }\nx := 1 / 0\n",
        &[],
        (
            "0\n1\n2\n",
            "Runtime Error: Division by zero\n  --> error.ruff:2:8\n2 | x := 1 / 0\n  |        ^\n",
            4,
        ),
    );
    run_both_tiers(
        "exit.ruff",
        "for i in range(3) { print(i) }\nexit(7)\nprint(\"not reached\")\n",
        &[],
        ("0\n1\n2\n", "", 7),
    );
}

#[test]
fn a_reader_closing_stdout_early_ends_the_run_quietly() {
    let dir = scratch("pipe");
    std::fs::write(
        dir.join("many.ruff"),
        "for i in range(100000000) { print(i) }\n",
    )
    .unwrap();
    for jit in ["--jit=off", "--jit=eager"] {
        let mut child = Command::new(RUFF)
            .args(["run", jit, "many.ruff"])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run ruff");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert_eq!(first, "0\n");
        // The read end is dropped here, as `| head -1` does.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{jit}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{jit}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
