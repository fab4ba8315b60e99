//! `ruff dump --emit=llvm-ir|llvm-ir-opt|asm` and the files `ruff run --jit-dump` writes.
//!
//! - Every function's IR, before and after optimization, is valid textual LLVM IR
//!   (checked with LLVM 19's `llvm-as`, which `scripts/setup.sh` installs: it comes with
//!   `llvm-19-dev`).
//! - The assembly defines the function's symbol; `--function` limits the output to one
//!   function and rejects unknown names.
//! - What tier 1 makes of the benchmarks with real feedback (from a run): `loop.ruff`'s
//!   hot loop calls no runtime helper, and `fib` adds with `llvm.sadd.with.overflow` and
//!   calls itself directly, with no `jit_step` fallback.
//! - How the lowering keeps functions small: calls of builtins get no direct-call code,
//!   and code outside a loop whose registers are cached works on the stack, so its
//!   helper calls write back and re-read nothing.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const RUFF: &str = env!("CARGO_BIN_EXE_ruff");

/// Closures, structs with methods, try/except, a lambda and string interpolation: the
/// lowering of much more than arithmetic.
const MIXED: &str = r#"
struct Point {
    x: int,
    y: int,
    func norm1(self) { return abs(self.x) + abs(self.y) }
    func move(self, dx) { self.x := self.x + dx }
}
func make_counter(start) {
    mut count := start
    return func(n) {
        count := count + n
        return count
    }
}
func safe_div(a, b) {
    try {
        return a / b
    } except e {
        return "error: ${e.message}"
    }
}
mut p := Point { x: 3, y: -4 }
p.move(2)
add := make_counter(10)
mut total := 0
for i in range(5) { total := total + add(i) }
print(p.norm1(), total, safe_div(7, 2), safe_div(1, 0))
print(map([1, 2, 3], func(v) { return v * 2 }))
"#;

fn bench(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(name)
}

/// `ruff ARGS` with `stdin` as its standard input, free of the JIT's environment variables.
fn ruff(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(RUFF)
        .args(args)
        .env_remove("RUFF_JIT")
        .env_remove("RUFF_JIT_THRESHOLD")
        .env_remove("RUFF_JIT_DUMP")
        .env_remove("RUFF_CALL_DEPTH")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ruff starts");
    let mut input = child.stdin.take().expect("piped stdin");
    input.write_all(stdin.as_bytes()).expect("stdin written");
    drop(input);
    child.wait_with_output().expect("ruff finishes")
}

/// Standard output of a `ruff` run that must succeed.
fn ruff_ok(args: &[&str], stdin: &str) -> String {
    let out = ruff(args, stdin);
    assert!(
        out.status.success(),
        "ruff {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The `ruff dump` output split at its `COMMENT function NAME` lines: (name, text).
fn functions(output: &str, comment: &str) -> Vec<(String, String)> {
    let header = format!("{comment} function ");
    let mut parts: Vec<(String, String)> = Vec::new();
    for line in output.lines() {
        if let Some(name) = line.strip_prefix(&header) {
            parts.push((name.to_string(), String::new()));
        } else {
            let (_, text) = parts
                .last_mut()
                .unwrap_or_else(|| panic!("text before the first header: {line}"));
            text.push_str(line);
            text.push('\n');
        }
    }
    parts
}

/// LLVM 19's `llvm-as`: `llvm-as-19` on PATH, or in the LLVM that llvm-sys builds with.
fn llvm_as() -> PathBuf {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(prefix) = std::env::var_os("LLVM_SYS_191_PREFIX") {
        candidates.push(Path::new(&prefix).join("bin/llvm-as"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("llvm-as-19")));
    }
    candidates.push(PathBuf::from("/usr/lib/llvm-19/bin/llvm-as"));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "llvm-as-19 not found (on PATH, in $LLVM_SYS_191_PREFIX/bin or \
                 /usr/lib/llvm-19/bin): run scripts/setup.sh, which installs llvm-19-dev \
                 (its llvm-19 dependency ships llvm-as)"
            )
        })
}

/// Asserts that every function of a dump is a module `llvm-as` accepts.
fn assert_valid_ir(what: &str, output: &str, expected_functions: usize) {
    let parts = functions(output, ";");
    assert_eq!(
        parts.len(),
        expected_functions,
        "{what}: functions in the dump"
    );
    let llvm_as = llvm_as();
    for (name, text) in parts {
        assert!(text.contains("define "), "{what}: {name} defines nothing");
        let mut child = Command::new(&llvm_as)
            .args(["-o", "/dev/null", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("llvm-as starts");
        let mut input = child.stdin.take().expect("piped stdin");
        input.write_all(text.as_bytes()).expect("IR written");
        drop(input);
        let out = child.wait_with_output().expect("llvm-as finishes");
        assert!(
            out.status.success(),
            "{what}: llvm-as rejects the IR of {name}:\n{}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// How many functions `ruff dump --emit=bytecode` lists.
fn function_count(file: &str, stdin: &str) -> usize {
    ruff_ok(&["dump", file, "--emit=bytecode"], stdin)
        .lines()
        .filter(|l| l.starts_with("function "))
        .count()
}

fn check_program_ir(what: &str, file: &str, stdin: &str) {
    let count = function_count(file, stdin);
    assert!(count >= 1, "{what}: no functions");
    let out = ruff_ok(&["dump", file, "--emit=llvm-ir,llvm-ir-opt"], stdin);
    assert_valid_ir(what, &out, 2 * count);
}

#[test]
fn fib_ir_is_valid() {
    check_program_ir("fib", bench("fib.ruff").to_str().unwrap(), "");
}

#[test]
fn loop_ir_is_valid() {
    check_program_ir("loop", bench("loop.ruff").to_str().unwrap(), "");
}

#[test]
fn mandel_ir_is_valid() {
    check_program_ir("mandel", bench("mandel.ruff").to_str().unwrap(), "");
}

#[test]
fn closures_structs_try_ir_is_valid() {
    assert!(
        function_count("-", MIXED) >= 6,
        "the mixed program's functions"
    );
    check_program_ir("mixed", "-", MIXED);
}

#[test]
fn asm_defines_the_function_symbol() {
    let fib = bench("fib.ruff");
    let out = ruff_ok(
        &[
            "dump",
            fib.to_str().unwrap(),
            "--emit=asm",
            "--function",
            "fib",
        ],
        "",
    );
    let parts = functions(&out, "#");
    assert_eq!(parts.len(), 1, "{out}");
    assert_eq!(parts[0].0, "fib");
    assert!(
        parts[0].1.lines().any(|l| l == "ruff_fib:"),
        "no ruff_fib label:\n{out}"
    );
    assert!(parts[0].1.contains("ret"), "no return:\n{out}");
    let all = ruff_ok(&["dump", "-", "--emit=asm"], MIXED);
    for label in ["ruff__main_:", "ruff_Point_norm1:", "ruff__lambda_:"] {
        assert!(all.lines().any(|l| l == label), "no {label}:\n{all}");
    }
}

#[test]
fn function_limits_every_per_function_listing() {
    let fib = bench("fib.ruff");
    let fib = fib.to_str().unwrap();
    for emit in ["llvm-ir", "llvm-ir-opt"] {
        let out = ruff_ok(
            &["dump", fib, &format!("--emit={emit}"), "--function", "fib"],
            "",
        );
        let parts = functions(&out, ";");
        assert_eq!(parts.len(), 1, "{emit}: {out}");
        assert_eq!(parts[0].0, "fib");
        assert!(parts[0].1.contains("@ruff_fib("), "{emit}: {out}");
        assert!(
            !out.contains("ruff__main_"),
            "{emit}: <main> printed:\n{out}"
        );
    }
    let main = ruff_ok(&["dump", fib, "--emit=llvm-ir", "--function", "<main>"], "");
    let parts = functions(&main, ";");
    assert_eq!(parts.len(), 1, "{main}");
    assert_eq!(parts[0].0, "<main>");
    assert!(parts[0].1.contains("@ruff__main_("), "{main}");
    // Several kinds at once: each lists the one function, in the order asked for.
    let both = ruff_ok(
        &["dump", fib, "--emit=bytecode,asm", "--function", "fib"],
        "",
    );
    assert!(both.starts_with("function fib "), "{both}");
    assert_eq!(both.matches("# function ").count(), 1, "{both}");
    assert!(!both.contains("function <main>"), "{both}");
}

#[test]
fn unknown_function_is_a_usage_error() {
    let fib = bench("fib.ruff");
    for emit in [
        "llvm-ir",
        "llvm-ir-opt",
        "asm",
        "bytecode",
        "tokens,llvm-ir",
    ] {
        let out = ruff(
            &[
                "dump",
                fib.to_str().unwrap(),
                &format!("--emit={emit}"),
                "--function",
                "nope",
            ],
            "",
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{emit}: {stderr}");
        assert!(out.stdout.is_empty(), "{emit}: printed something");
        assert!(
            stderr.contains("nope") && stderr.contains("fib"),
            "{emit}: {stderr}"
        );
    }
}

/// A scratch directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ruff-dump-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a benchmark with tier 1 on (compiling when hot, with the feedback tier 0
/// gathered) and returns the optimized IR it wrote for function file stem `stem`.
fn optimized_after_run(program: &str, expected: &str, stem: &str) -> String {
    let dir = TempDir::new(stem);
    let path = bench(program);
    let out = ruff_ok(
        &[
            "run",
            "--jit=auto",
            "--jit-dump",
            dir.0.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.trim(), expected, "{program}'s output");
    let file = dir.0.join(format!("{stem}.opt.ll"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| {
        let written: Vec<_> = std::fs::read_dir(&dir.0)
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        panic!("{}: {e} (written: {written:?})", file.display())
    })
}

/// The basic blocks of the one function defined in `ir`: label -> instruction lines.
/// Kept in order; the entry block is `""` when it has no label.
fn blocks(ir: &str) -> Vec<(String, Vec<String>)> {
    let mut lines = ir.lines().skip_while(|l| !l.starts_with("define "));
    assert!(lines.next().is_some(), "no function defined:\n{ir}");
    let mut blocks: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in lines {
        if line == "}" {
            break;
        }
        let code = line.split(';').next().unwrap_or("").trim_end();
        if !line.starts_with(' ') && code.ends_with(':') {
            let label = code.trim_end_matches(':').trim_matches('"').to_string();
            blocks.push((label, Vec::new()));
        } else if !code.trim().is_empty() {
            blocks.last_mut().unwrap().1.push(code.trim().to_string());
        }
    }
    blocks.retain(|(label, body)| !(label.is_empty() && body.is_empty()));
    blocks
}

/// The blocks a block's terminator names (`label %NAME`).
fn successors(body: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in body {
        for piece in line.split("label %").skip(1) {
            let name: String = if let Some(quoted) = piece.strip_prefix('"') {
                quoted.split('"').next().unwrap_or("").to_string()
            } else {
                piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "._-$".contains(*c))
                    .collect()
            };
            out.push(name);
        }
    }
    out
}

/// The blocks on a cycle through `start` (its strongly connected component), or none if
/// `start` is on no cycle.
fn loop_through(
    start: &str,
    succ: &HashMap<String, Vec<String>>,
    cache: &mut HashMap<String, HashSet<String>>,
) -> HashSet<String> {
    fn reach(from: &str, succ: &HashMap<String, Vec<String>>) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = succ
            .get(from)
            .map(|s| s.iter().map(|x| x.as_str()).collect())
            .unwrap_or_default();
        while let Some(b) = stack.pop() {
            if seen.insert(b.to_string()) {
                if let Some(next) = succ.get(b) {
                    stack.extend(next.iter().map(|x| x.as_str()));
                }
            }
        }
        seen
    }
    let forward = reach(start, succ);
    if !forward.contains(start) {
        return HashSet::new();
    }
    forward
        .into_iter()
        .filter(|b| {
            cache
                .entry(b.clone())
                .or_insert_with(|| reach(b, succ))
                .contains(start)
        })
        .collect()
}

/// Calls to the runtime's `jit_*` helpers in `lines`.
fn helper_calls(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.contains("call ") && l.contains("@jit_"))
        .collect()
}

#[test]
fn loop_hot_body_calls_no_helper() {
    let ir = optimized_after_run("loop.ruff", "2033000", "_main_");
    let blocks = blocks(&ir);
    let succ: HashMap<String, Vec<String>> = blocks
        .iter()
        .map(|(label, body)| (label.clone(), successors(body)))
        .collect();
    let body: HashMap<&str, &Vec<String>> = blocks.iter().map(|(l, b)| (l.as_str(), b)).collect();
    let mut cache = HashMap::new();
    let mut loops = 0;
    for (label, lines) in &blocks {
        if !lines.iter().any(|l| l.contains(" srem ")) {
            continue;
        }
        let cycle = loop_through(label, &succ, &mut cache);
        if cycle.is_empty() {
            continue;
        }
        loops += 1;
        let all: Vec<String> = cycle
            .iter()
            .flat_map(|b| body[b.as_str()].iter().cloned())
            .collect();
        assert!(
            all.iter()
                .any(|l| l.contains(" mul ") || l.contains("smul.with.overflow")),
            "the loop through {label} has no multiplication:\n{ir}"
        );
        let calls = helper_calls(&all);
        assert!(
            calls.is_empty(),
            "the hot loop (blocks {cycle:?}) calls helpers: {calls:#?}\n{ir}"
        );
    }
    assert!(loops >= 1, "no loop with an inline `srem` in <main>:\n{ir}");
}

#[test]
fn fib_adds_inline_and_calls_itself() {
    let ir = optimized_after_run("fib.ruff", "832040", "fib");
    assert!(
        ir.contains("@llvm.sadd.with.overflow.i64("),
        "no checked inline add:\n{ir}"
    );
    assert!(!ir.contains("@jit_step"), "a jit_step fallback:\n{ir}");
    let define = ir
        .lines()
        .find(|l| l.starts_with("define "))
        .expect("a definition");
    let symbol = define
        .split('@')
        .nth(1)
        .and_then(|s| s.split('(').next())
        .expect("the function's symbol");
    let recursive = format!("@{symbol}(");
    assert!(
        ir.lines()
            .any(|l| l.contains("call ") && l.contains(&recursive)),
        "no direct call to {symbol}:\n{ir}"
    );
}

/// The loop finder itself: a call inside a cycle is seen, one on the way out is not.
#[test]
fn loop_finder_sees_calls_on_the_cycle_only() {
    let ir = "define i32 @f(i64 %0) {\n\
              entry:\n  br label %head\n\n\
              head:                                   ; preds = %entry, %body\n  \
              %i = phi i64 [ 0, %entry ], [ %n, %body ]\n  \
              %c = icmp slt i64 %i, %0\n  br i1 %c, label %body, label %\"out x\"\n\n\
              body:                                   ; preds = %head\n  \
              %r = srem i64 %i, 7\n  call void @jit_value_drop(i64 0, i64 %r)\n  \
              %n = add i64 %i, 1\n  br label %head\n\n\
              \"out x\":\n  %s = call i32 @jit_leave(ptr null)\n  ret i32 %s\n}\n";
    let blocks = blocks(ir);
    let labels: Vec<&str> = blocks.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["entry", "head", "body", "out x"]);
    let succ: HashMap<String, Vec<String>> = blocks
        .iter()
        .map(|(label, body)| (label.clone(), successors(body)))
        .collect();
    assert_eq!(succ["head"], ["body", "out x"]);
    let mut cache = HashMap::new();
    let cycle = loop_through("body", &succ, &mut cache);
    let expected: HashSet<String> = ["head", "body"].map(String::from).into();
    assert_eq!(cycle, expected);
    assert!(loop_through("out x", &succ, &mut cache).is_empty());
    let body = &blocks[2].1;
    assert_eq!(helper_calls(body).len(), 1);
}

/// Whether an IR line reads or writes a register's cache slot (the allocas `%tN`, `%pN`).
fn uses_cache_slot(line: &str) -> bool {
    line.split("ptr %").skip(1).any(|rest| {
        let mut chars = rest.chars();
        matches!(chars.next(), Some('t' | 'p')) && chars.next().is_some_and(|c| c.is_ascii_digit())
    })
}

/// The unoptimized IR of function `name` in program text `source`.
fn lowered(source: &str, name: &str) -> String {
    ruff_ok(&["dump", "-", "--emit=llvm-ir", "--function", name], source)
}

#[test]
fn builtin_calls_get_no_direct_call_code() {
    let source = "func g(v) { return v + 1 }\n\
                  func h(x) {\n    print(x)\n    print(len(\"ab\"), x)\n    return g(x)\n}\n\
                  print(h(1))\n";
    let ir = lowered(source, "h");
    let vm_calls = ir.matches("call i32 @jit_call(").count();
    let direct_calls = ir
        .lines()
        .filter(|l| l.contains(" = call { i64, i64 } %"))
        .count();
    // print, len, print, and g's way through the VM; only g may be compiled code.
    assert_eq!(vm_calls, 4, "calls through the VM:\n{ir}");
    assert_eq!(direct_calls, 1, "direct calls of compiled code:\n{ir}");
}

#[test]
fn code_outside_a_cached_loop_leaves_the_cache_alone() {
    let source = "func h(n) {\n    mut total := 0\n    mut i := 0\n\
                  while i < n {\n        total := total + i * 2\n        i += 1\n    }\n\
                  print(total)\n    print(i, n)\n    print(total + 1)\n    return total\n}\n\
                  print(h(10))\n";
    let ir = lowered(source, "h");
    let blocks = blocks(&ir);
    let loop_pcs: HashSet<usize> = {
        let bytecode = ruff_ok(&["dump", "-", "--emit=bytecode"], source);
        let h = bytecode
            .split("\n\n")
            .find(|f| f.starts_with("function h "))
            .expect("h's bytecode")
            .to_string();
        let back_edge = h
            .lines()
            .find_map(|l| {
                let pc: usize = l.split_whitespace().next()?.parse().ok()?;
                let target = l.split("Loop { target: ").nth(1)?.split(' ').next()?;
                Some((target.parse::<usize>().ok()?, pc))
            })
            .expect("h has a loop");
        (back_edge.0..=back_edge.1).collect()
    };
    let mut outside = 0;
    for (label, lines) in &blocks {
        let Some(pc) = label
            .strip_prefix("pc")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let touches: Vec<&String> = lines.iter().filter(|l| uses_cache_slot(l)).collect();
        if loop_pcs.contains(&pc) {
            continue;
        }
        outside += 1;
        assert!(
            touches.is_empty(),
            "instruction {pc} is outside the loop but uses the cache: {touches:#?}\n{ir}"
        );
    }
    assert!(outside >= 8, "too few instructions outside the loop:\n{ir}");
    assert!(
        ir.lines().any(uses_cache_slot),
        "the loop's registers are not cached at all:\n{ir}"
    );
}
