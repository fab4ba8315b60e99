//! What builtins need from the engine that runs them.

use crate::{RtResult, Value};

/// Implemented by each execution tier. Builtins that take callbacks (`map`, `filter`,
/// `reduce`, `find`, `any`, `all`) call back through it, and all I/O goes through it so the
/// engine controls buffering and flushing.
pub trait Host {
    /// Calls a Ruff function value (closure or builtin) with `args`.
    fn call_value(&mut self, callee: &Value, args: &[Value]) -> RtResult<Value>;
    /// Writes program output (`print`) to stdout's buffer.
    fn write_stdout(&mut self, text: &str) -> RtResult<()>;
    /// Writes to stderr (`eprint`), after flushing stdout.
    fn write_stderr(&mut self, text: &str) -> RtResult<()>;
    /// Reads one line from stdin without its line break; `None` at end of input.
    fn read_line(&mut self) -> RtResult<Option<String>>;
    /// Per-run state builtins keep (random generator, start time).
    fn context(&mut self) -> &mut crate::VMContext;
}
