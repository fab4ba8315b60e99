//! Program and I/O builtins (§18): `print`, `eprint`, `input`, `exit`. All output goes
//! through the host, which owns buffering and flushing.

use super::args::{expect_count_between, requires};
use super::Builtin;
use crate::format::write_display;
use crate::{Host, RtError, RtResult, Value};

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "print",
        func: print,
    },
    Builtin {
        name: "eprint",
        func: eprint,
    },
    Builtin {
        name: "input",
        func: input,
    },
    Builtin {
        name: "exit",
        func: exit,
    },
];

/// Text forms joined by one space, plus the line break.
fn line_of(args: &[Value]) -> String {
    let mut line = String::new();
    for (i, v) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        write_display(&mut line, v);
    }
    line.push('\n');
    line
}

fn print(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    host.write_stdout(&line_of(args))?;
    Ok(Value::Null)
}

fn eprint(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    host.write_stderr(&line_of(args))?;
    Ok(Value::Null)
}

/// `input(prompt)`: the prompt (any value, written in its text form; optional) goes to
/// stdout, then one line is read; `""` at end of input.
fn input(host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count_between("input", args, 0, 1)?;
    if let Some(prompt) = args.first() {
        let mut text = String::new();
        write_display(&mut text, prompt);
        host.write_stdout(&text)?;
    }
    let line = host.read_line()?.unwrap_or_default();
    Ok(Value::string(line))
}

/// `exit(code = 0)`: not an error, so it travels as `RtError::Exit` past every `try`.
fn exit(_host: &mut dyn Host, args: &[Value]) -> RtResult<Value> {
    expect_count_between("exit", args, 0, 1)?;
    let code = match args.first() {
        None => 0,
        Some(Value::Int(n)) => match i32::try_from(*n) {
            Ok(code) => code,
            Err(_) => return requires("exit", "a status code that fits in 32 bits"),
        },
        Some(_) => return requires("exit", "an int status code"),
    };
    Err(RtError::Exit(code))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failure, i, ints, s, TestHost};
    use super::*;

    #[test]
    fn print_joins_text_forms() {
        let mut host = TestHost::default();
        let args = [
            s("n:"),
            i(3),
            Value::Float(2.0),
            Value::Bool(true),
            Value::Null,
        ];
        assert!(matches!(host.call("print", &args), Ok(Value::Null)));
        host.call("print", &[]).unwrap();
        host.call("print", &[ints(&[1, 2])]).unwrap();
        assert_eq!(host.stdout, "n: 3 2 true null\n\n[1, 2]\n");
        host.call("eprint", &[s("oops"), i(1)]).unwrap();
        assert_eq!(host.stderr, "oops 1\n");
    }

    #[test]
    fn input_writes_the_prompt_and_reads_a_line() {
        let mut host = TestHost::default();
        host.input.push_back("Ann".into());
        let got = host.call("input", &[s("name? ")]).unwrap();
        assert_eq!(got.as_str(), Some("Ann"));
        assert_eq!(host.stdout, "name? ");
        let at_eof = host.call("input", &[]).unwrap();
        assert_eq!(at_eof.as_str(), Some(""));
        assert_eq!(
            failure("input", &[s("a"), s("b")]),
            "input expects 0 or 1 arguments, got 2"
        );
    }

    #[test]
    fn exit_carries_its_status() {
        let mut host = TestHost::default();
        assert!(matches!(host.call("exit", &[]), Err(RtError::Exit(0))));
        assert!(matches!(host.call("exit", &[i(3)]), Err(RtError::Exit(3))));
        assert_eq!(
            failure("exit", &[s("1")]),
            "exit() requires an int status code"
        );
        assert_eq!(
            failure("exit", &[i(1 << 40)]),
            "exit() requires a status code that fits in 32 bits"
        );
    }
}
