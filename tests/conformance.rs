//! File-driven conformance suite for the `ruff` binary.
//!
//! Every `tests/conformance/**/*.ruff` file is one program whose expected
//! behaviour is written in a trailing comment block (see
//! `tests/conformance/README.md` for the format). Each file becomes one
//! libtest-mimic trial per execution mode:
//!
//! * `RUFF_CONFORMANCE_ARGS` — whitespace-separated words passed to every run
//!   right after `run` (e.g. `--jit=off`).
//! * `RUFF_TIERS` — comma-separated list of extra flag sets; one trial is
//!   created per (file, flag set). Default: the tier-differential set
//!   `--jit=off,--jit=eager,--jit-threshold 2` (the interpreter alone, everything
//!   compiled before its first call, and tiering up almost at once), so every
//!   program must behave identically in each. An empty entry (e.g. the first one
//!   in `,--jit=eager`) means "no extra flags".
//! * `RUFF_CONFORMANCE_TIMEOUT` — seconds per program (default 10).
//! * `RUFF_CONFORMANCE_BIN` — run this binary instead of the `ruff` built by
//!   cargo (handy for checking the harness itself).
//!
//! Command line of a run (working directory = the crate root):
//! `ruff run <RUFF_CONFORMANCE_ARGS...> <tier flags...> tests/conformance/<dir>/<name>.ruff`

use libtest_mimic::{Arguments, Failed, Trial};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUITE_DIR: &str = "tests/conformance";

// ---------------------------------------------------------------------------
// Expectation format
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum StderrExpect {
    /// `# --- expect stderr`: the whole stderr, exactly.
    Whole(Vec<String>),
    /// `# --- expect stderr (first line)` / `(first N lines)`: the first N
    /// lines of stderr, exactly (stderr must have at least N lines).
    FirstLines(Vec<String>),
    /// `# --- expect stderr (first line starts with)`: the first line of
    /// stderr starts with the given text.
    FirstLinePrefix(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Expectation {
    stdout: Vec<String>,
    stderr: Option<StderrExpect>,
    exit: i32,
    stdin: Option<String>,
}

const MARKER: &str = "# --- ";

/// Parses the trailing expectation block of a conformance program.
fn parse_expectation(source: &str) -> Result<Expectation, String> {
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(MARKER))
        .ok_or_else(|| "no expectation block (`# --- expect stdout` ...) found".to_string())?;

    // Drop blank lines at the very end of the file.
    let mut end = lines.len();
    while end > start && lines[end - 1].trim().is_empty() {
        end -= 1;
    }

    let mut sections: Vec<(String, usize, Vec<String>)> = Vec::new();
    for (i, raw) in lines[start..end].iter().enumerate() {
        let lineno = start + i + 1;
        if let Some(header) = raw.strip_prefix(MARKER) {
            sections.push((header.trim().to_string(), lineno, Vec::new()));
            continue;
        }
        let content = if *raw == "#" {
            String::new()
        } else if let Some(rest) = raw.strip_prefix("# ") {
            rest.to_string()
        } else {
            return Err(format!(
                "line {lineno}: every line of the expectation block must be `#` or start with `# ` (got {raw:?})"
            ));
        };
        sections
            .last_mut()
            .expect("a header opens the block")
            .2
            .push(content);
    }

    let mut stdout = None;
    let mut stderr = None;
    let mut exit = None;
    let mut stdin = None;
    for (header, lineno, body) in sections {
        let dup = |what: &str| format!("line {lineno}: duplicate `{what}` section");
        match header.as_str() {
            "expect stdout" => {
                if stdout.replace(body).is_some() {
                    return Err(dup("expect stdout"));
                }
            }
            "expect exit" => {
                let text: Vec<&String> = body.iter().filter(|l| !l.trim().is_empty()).collect();
                if text.len() != 1 {
                    return Err(format!(
                        "line {lineno}: `expect exit` needs exactly one line with a number"
                    ));
                }
                let code = text[0]
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| format!("line {lineno}: bad exit status {:?}", text[0]))?;
                if exit.replace(code).is_some() {
                    return Err(dup("expect exit"));
                }
            }
            "stdin" => {
                let mut s = String::new();
                for l in &body {
                    s.push_str(l);
                    s.push('\n');
                }
                if stdin.replace(s).is_some() {
                    return Err(dup("stdin"));
                }
            }
            h if h.starts_with("expect stderr") => {
                let kind = h["expect stderr".len()..].trim();
                let exp = if kind.is_empty() {
                    StderrExpect::Whole(body)
                } else if kind == "(first line starts with)" {
                    if body.len() != 1 {
                        return Err(format!("line {lineno}: `{h}` needs exactly one line"));
                    }
                    StderrExpect::FirstLinePrefix(body.into_iter().next().unwrap())
                } else {
                    let n = if kind == "(first line)" {
                        1
                    } else {
                        kind.strip_prefix("(first ")
                            .and_then(|k| k.strip_suffix(" lines)"))
                            .and_then(|k| k.trim().parse::<usize>().ok())
                            .filter(|n| *n >= 1)
                            .ok_or_else(|| {
                                format!("line {lineno}: unknown section header `# --- {h}`")
                            })?
                    };
                    if body.len() != n {
                        return Err(format!(
                            "line {lineno}: `{h}` announces {n} line(s) but the block has {}",
                            body.len()
                        ));
                    }
                    StderrExpect::FirstLines(body)
                };
                if stderr.replace(exp).is_some() {
                    return Err(dup("expect stderr"));
                }
            }
            other => {
                return Err(format!(
                    "line {lineno}: unknown section header `# --- {other}`"
                ))
            }
        }
    }

    Ok(Expectation {
        stdout: stdout
            .ok_or("missing `# --- expect stdout` section (write it empty for no output)")?,
        stderr,
        exit: exit.unwrap_or(0),
        stdin,
    })
}

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

fn collect_programs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_programs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ruff") {
            out.push(path);
        }
    }
    Ok(())
}

/// Path relative to `root` with forward slashes.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

struct RunOutput {
    stdout: String,
    stderr: String,
    status: ExitStatus,
}

fn run_program(
    bin: &Path,
    root: &Path,
    args: &[String],
    stdin: Option<&str>,
    timeout: Duration,
) -> Result<RunOutput, String> {
    let mut cmd = Command::new(bin);
    cmd.current_dir(root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;

    let stdin_thread = match (stdin, child.stdin.take()) {
        (Some(text), Some(mut pipe)) => {
            let text = text.to_string();
            // Ignore write errors: the program may exit without reading.
            Some(std::thread::spawn(move || {
                let _ = pipe.write_all(text.as_bytes());
            }))
        }
        _ => None,
    };
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });

    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "timed out after {} s (process killed)",
                        timeout.as_secs_f64()
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("waiting for the process failed: {e}")),
        }
    };
    if let Some(t) = stdin_thread {
        let _ = t.join();
    }
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok(RunOutput {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        status,
    })
}

// ---------------------------------------------------------------------------
// Comparison and reporting
// ---------------------------------------------------------------------------

/// Line diff (LCS based): ` ` common, `-` expected only, `+` actual only.
fn diff_lines(expected: &[&str], actual: &[&str]) -> String {
    let (n, m) = (expected.len(), actual.len());
    if n * m > 4_000_000 {
        return format!(
            "(too large to diff)\n--- expected\n{}\n+++ actual\n{}\n",
            expected.join("\n"),
            actual.join("\n")
        );
    }
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            out.push_str(&format!("   {}\n", expected[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!(" + {}\n", actual[j]));
            j += 1;
        } else {
            out.push_str(&format!(" - {}\n", expected[i]));
            i += 1;
        }
    }
    out
}

/// Splits program output into lines; `None` for the final line means the
/// output did not end with a line break.
fn output_lines(text: &str) -> (Vec<&str>, bool) {
    if text.is_empty() {
        return (Vec::new(), true);
    }
    let ends_with_newline = text.ends_with('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    (body.split('\n').collect(), ends_with_newline)
}

fn describe_status(status: &ExitStatus) -> String {
    match status.code() {
        Some(c) => c.to_string(),
        None => format!("none (terminated by a signal: {status})"),
    }
}

fn check(rel_file: &str, exp: &Expectation, out: &RunOutput) -> Result<(), String> {
    let mut problems = Vec::new();

    // stdout: whole output, every expected line followed by "\n".
    let mut expected_stdout = String::new();
    for l in &exp.stdout {
        expected_stdout.push_str(l);
        expected_stdout.push('\n');
    }
    if out.stdout != expected_stdout {
        let (act, act_nl) = output_lines(&out.stdout);
        let exp_lines: Vec<&str> = exp.stdout.iter().map(|s| s.as_str()).collect();
        let mut msg = String::from("stdout differs (- expected, + actual):\n");
        msg.push_str(&diff_lines(&exp_lines, &act));
        if !act_nl {
            msg.push_str("   (actual stdout does not end with a line break)\n");
        }
        if let Some(k) =
            (0..exp_lines.len().max(act.len())).find(|&k| exp_lines.get(k) != act.get(k))
        {
            msg.push_str(&format!(
                "   first difference at line {}: expected {:?}, actual {:?}\n",
                k + 1,
                exp_lines.get(k),
                act.get(k)
            ));
        }
        problems.push(msg);
    }

    // stderr
    let (err_lines, err_nl) = output_lines(&out.stderr);
    match &exp.stderr {
        None => {}
        Some(StderrExpect::Whole(lines)) => {
            let want: Vec<String> = lines.iter().map(|l| l.replace("$FILE", rel_file)).collect();
            let want_refs: Vec<&str> = want.iter().map(|s| s.as_str()).collect();
            if want_refs != err_lines || (!err_nl && !err_lines.is_empty()) {
                problems.push(format!(
                    "stderr differs (- expected, + actual):\n{}",
                    diff_lines(&want_refs, &err_lines)
                ));
            }
        }
        Some(StderrExpect::FirstLines(lines)) => {
            let want: Vec<String> = lines.iter().map(|l| l.replace("$FILE", rel_file)).collect();
            let want_refs: Vec<&str> = want.iter().map(|s| s.as_str()).collect();
            let got: Vec<&str> = err_lines.iter().take(want.len()).copied().collect();
            if want_refs != got {
                problems.push(format!(
                    "first {} line(s) of stderr differ (- expected, + actual):\n{}",
                    want.len(),
                    diff_lines(&want_refs, &got)
                ));
            }
        }
        Some(StderrExpect::FirstLinePrefix(prefix)) => {
            let prefix = prefix.replace("$FILE", rel_file);
            let first = err_lines.first().copied().unwrap_or("");
            if !first.starts_with(&prefix) {
                problems.push(format!(
                    "first line of stderr should start with {prefix:?}\n   actual first line: {first:?}\n"
                ));
            }
        }
    }

    // exit status
    if out.status.code() != Some(exp.exit) {
        problems.push(format!(
            "exit status: expected {}, actual {}\n",
            exp.exit,
            describe_status(&out.status)
        ));
    }

    if problems.is_empty() {
        return Ok(());
    }
    let mut report = problems.join("\n");
    report.push_str("\n----- full stderr -----\n");
    report.push_str(if out.stderr.is_empty() {
        "(empty)\n"
    } else {
        &out.stderr
    });
    if !out.stderr.is_empty() && !out.stderr.ends_with('\n') {
        report.push('\n');
    }
    report.push_str("-----------------------");
    Err(report)
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

struct Config {
    bin: PathBuf,
    root: PathBuf,
    extra_args: Vec<String>,
    timeout: Duration,
}

fn run_trial(config: &Config, rel_file: &str, mode: &[String]) -> Result<(), Failed> {
    let source = std::fs::read_to_string(config.root.join(rel_file))
        .map_err(|e| Failed::from(format!("cannot read {rel_file}: {e}")))?;
    let exp = parse_expectation(&source)
        .map_err(|e| Failed::from(format!("malformed expectation block in {rel_file}: {e}")))?;

    let mut args = vec!["run".to_string()];
    args.extend(config.extra_args.iter().cloned());
    args.extend(mode.iter().cloned());
    args.push(rel_file.to_string());

    let out = run_program(
        &config.bin,
        &config.root,
        &args,
        exp.stdin.as_deref(),
        config.timeout,
    )
    .map_err(|e| {
        Failed::from(format!(
            "$ {} {}\n{e}",
            config.bin.display(),
            args.join(" ")
        ))
    })?;
    check(rel_file, &exp, &out).map_err(|e| {
        Failed::from(format!(
            "$ {} {}\n{e}",
            config.bin.display(),
            args.join(" ")
        ))
    })
}

fn tiers_from_env() -> Vec<Vec<String>> {
    match std::env::var("RUFF_TIERS") {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|set| set.split_whitespace().map(str::to_string).collect())
            .collect(),
        _ => DEFAULT_TIERS
            .iter()
            .map(|set| set.iter().map(|s| s.to_string()).collect())
            .collect(),
    }
}

/// The flag sets every program runs under unless `RUFF_TIERS` says otherwise.
const DEFAULT_TIERS: &[&[&str]] = &[&["--jit=off"], &["--jit=eager"], &["--jit-threshold", "2"]];

fn main() {
    let args = Arguments::from_args();

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("RUFF_CONFORMANCE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ruff")));
    let extra_args: Vec<String> = std::env::var("RUFF_CONFORMANCE_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let timeout_secs: f64 = std::env::var("RUFF_CONFORMANCE_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(10.0);
    let config = Arc::new(Config {
        bin,
        root: root.clone(),
        extra_args,
        timeout: Duration::from_secs_f64(timeout_secs),
    });

    let suite = root.join(SUITE_DIR);
    let mut files = Vec::new();
    if let Err(e) = collect_programs(&suite, &mut files) {
        panic!("conformance: cannot read {}: {e}", suite.display());
    }
    if files.is_empty() {
        panic!(
            "conformance: found ZERO .ruff programs under {} — the suite is missing",
            suite.display()
        );
    }

    let tiers = tiers_from_env();
    let plain = tiers.len() == 1 && tiers[0].is_empty();
    let mut trials = Vec::new();
    for file in &files {
        let rel_file = relative(&root, file); // tests/conformance/<dir>/<name>.ruff
        let short = relative(&suite, file); // <dir>/<name>.ruff
        for mode in &tiers {
            let name = if plain {
                short.clone()
            } else if mode.is_empty() {
                format!("{short} [default]")
            } else {
                format!("{short} [{}]", mode.join(" "))
            };
            let config = Arc::clone(&config);
            let rel_file = rel_file.clone();
            let mode = mode.clone();
            trials.push(Trial::test(name, move || {
                run_trial(&config, &rel_file, &mode)
            }));
        }
    }

    libtest_mimic::run(&args, trials).exit();
}
