//! A tiny `Host` for the builtin unit tests: records output, serves canned input lines and
//! calls builtins only.

use std::collections::VecDeque;

use super::{call, lookup, table};
use crate::format::display;
use crate::{raise, Host, RtError, RtResult, VMContext, Value};

#[derive(Default)]
pub struct TestHost {
    pub stdout: String,
    pub stderr: String,
    pub input: VecDeque<String>,
    pub ctx: VMContext,
}

impl Host for TestHost {
    fn call_value(&mut self, callee: &Value, args: &[Value]) -> RtResult<Value> {
        match callee {
            Value::Native(id) => call(*id, self, args),
            _ => raise("TestHost calls builtins only"),
        }
    }

    fn write_stdout(&mut self, text: &str) -> RtResult<()> {
        self.stdout.push_str(text);
        Ok(())
    }

    fn write_stderr(&mut self, text: &str) -> RtResult<()> {
        self.stderr.push_str(text);
        Ok(())
    }

    fn read_line(&mut self) -> RtResult<Option<String>> {
        Ok(self.input.pop_front())
    }

    fn context(&mut self) -> &mut VMContext {
        &mut self.ctx
    }
}

impl TestHost {
    /// Calls the builtin registered as `name`.
    pub fn call(&mut self, name: &str, args: &[Value]) -> RtResult<Value> {
        match lookup(name) {
            Some(id) => call(id, self, args),
            None => panic!("no builtin named {name}"),
        }
    }
}

/// Calls builtin `name` on a fresh host.
pub fn run(name: &str, args: &[Value]) -> RtResult<Value> {
    TestHost::default().call(name, args)
}

/// The display form of a successful call.
pub fn shown(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Ok(v) => display(&v),
        Err(e) => panic!("{name} failed: {e:?}"),
    }
}

/// The message of a call that must raise.
pub fn failure(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(RtError::Raise(m)) => m,
        other => panic!("{name} should have raised, got {other:?}"),
    }
}

/// Shorthands for building arguments.
pub fn s(text: &str) -> Value {
    Value::str(text)
}

pub fn i(n: i64) -> Value {
    Value::Int(n)
}

pub fn f(x: f64) -> Value {
    Value::Float(x)
}

pub fn ints(xs: &[i64]) -> Value {
    Value::array(xs.iter().map(|&n| Value::Int(n)).collect())
}

#[test]
fn builtin_names_are_unique() {
    let mut names: Vec<&str> = table().iter().map(|b| b.name).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "a builtin name is registered twice");
}

/// Every builtin of the core families, fed odd arguments of every kind and count, must
/// return or raise, never panic (the VM gets fuzzed).
#[test]
fn core_builtins_never_panic() {
    use crate::value::StructObj;
    use std::rc::Rc;
    let families = [
        super::io::BUILTINS,
        super::convert::BUILTINS,
        super::math::BUILTINS,
        super::strings::BUILTINS,
        super::text::BUILTINS,
        super::assert::BUILTINS,
        super::time::BUILTINS,
    ];
    let mut dict = crate::value::Dict::new();
    dict.insert("1".into(), s("x"));
    let pool = [
        Value::Null,
        Value::Bool(false),
        i(0),
        i(-1),
        i(64),
        i(i64::MIN),
        i(i64::MAX),
        f(f64::NAN),
        f(-0.0),
        f(-1e300),
        f(f64::INFINITY),
        s(""),
        s("é"),
        s("a%d%s%f%"),
        ints(&[]),
        Value::array(vec![i(1), s("a"), Value::Null]),
        Value::dict(dict),
        Value::Struct(Rc::new(StructObj {
            name: "P".into(),
            fields: vec![("message".into(), i(1))],
        })),
        Value::Native(0),
        Value::Ok(Rc::new(i(1))),
        Value::None,
        Value::Set(Rc::new(vec![i(1)])),
        Value::Queue(Rc::default()),
        Value::Stack(Rc::new(vec![])),
    ];
    let small = &pool[..14];
    for builtin in families.iter().flat_map(|family| family.iter()) {
        let mut host = TestHost::default();
        let mut call = |args: &[Value]| {
            let _ = (builtin.func)(&mut host, args);
        };
        call(&[]);
        for a in &pool {
            call(std::slice::from_ref(a));
            for b in &pool {
                call(&[a.clone(), b.clone()]);
            }
        }
        for a in small {
            for b in small {
                for c in small {
                    call(&[a.clone(), b.clone(), c.clone()]);
                    call(&[a.clone(), b.clone(), c.clone(), a.clone()]);
                }
            }
        }
    }
}
