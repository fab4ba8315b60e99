//! The values `throw` and `try`/`except` exchange (§17).

use std::rc::Rc;

use crate::format::{debug, display};
use crate::value::{StructObj, Value};

/// The message a thrown value carries: a string is the message; a struct with a `message`
/// field uses that field (its text form if not a string), so a caught `Error` can be
/// re-thrown unchanged; anything else becomes its debug form (`throw(42)` → `Int(42)`).
pub fn thrown_message(v: &Value) -> String {
    match v {
        Value::Str(s) => s.as_str().to_owned(),
        Value::Struct(obj) => match obj.get("message") {
            Some(message) => display(message),
            None => debug(v),
        },
        _ => debug(v),
    }
}

/// The `Error` struct an `except` clause binds: `line`, `message` and `stack` (function
/// names, outermost first).
pub fn make_error_value(message: &str, line: u32, stack: &[Rc<str>]) -> Value {
    let stack = stack.iter().map(|name| Value::str(name)).collect();
    Value::Struct(Rc::new(StructObj {
        name: "Error".into(),
        fields: vec![
            ("line".into(), Value::Int(i64::from(line))),
            ("message".into(), Value::str(message)),
            ("stack".into(), Value::array(stack)),
        ],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_values_print_like_the_spec() {
        let err = make_error_value("division by zero", 2, &["safe_div".into()]);
        assert_eq!(
            display(&err),
            "Error { line: 2, message: division by zero, stack: [safe_div] }"
        );
        let top = make_error_value("Index out of bounds: 5", 12, &[]);
        assert_eq!(crate::format::type_name(&top), "struct");
        assert_eq!(
            display(&top),
            "Error { line: 12, message: Index out of bounds: 5, stack: [] }"
        );
    }

    #[test]
    fn thrown_messages() {
        assert_eq!(thrown_message(&Value::str("boom")), "boom");
        assert_eq!(thrown_message(&Value::Int(42)), "Int(42)");
        assert_eq!(thrown_message(&Value::array(vec![])), "Array[0]");
        let rethrown = make_error_value("inner", 3, &["f".into(), "g".into()]);
        assert_eq!(thrown_message(&rethrown), "inner");
        let custom = Value::Struct(Rc::new(StructObj {
            name: "E".into(),
            fields: vec![("message".into(), Value::Int(7))],
        }));
        assert_eq!(thrown_message(&custom), "7");
        let plain = Value::Struct(Rc::new(StructObj {
            name: "P".into(),
            fields: vec![("x".into(), Value::Int(1))],
        }));
        assert_eq!(
            thrown_message(&plain),
            r#"Struct { name: "P", fields: {"x": Int(1)} }"#
        );
    }
}
