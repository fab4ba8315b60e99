//! How a semantic operation or builtin fails.

/// A failure that unwinds Ruff code.
#[derive(Debug, Clone)]
pub enum RtError {
    /// A catchable runtime error with its exact LANGUAGE.md message; the VM adds the
    /// location, the call stack and the `Error` value.
    Raise(String),
    /// A value thrown by `throw(v)` (kept whole so a caught `Error` struct can be re-thrown).
    Thrown(crate::Value),
    /// `exit(n)`: ends the program with status `n`; not catchable.
    Exit(i32),
}

pub type RtResult<T> = Result<T, RtError>;

/// Shorthand for a `Raise` error.
pub fn raise<T>(message: impl Into<String>) -> RtResult<T> {
    Err(RtError::Raise(message.into()))
}
