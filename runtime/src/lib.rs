//! The Ruff runtime: values, heap objects, every semantic operation and the builtins.
//!
//! Tier 0, tier 1 and AOT executables all call into this crate, so each rule of the
//! language is implemented exactly once, here.

pub mod builtins;
pub mod context;
pub mod equality;
pub mod error;
pub mod format;
pub mod heap;
pub mod host;
pub mod jit_abi;
pub mod ops;
pub mod value;

pub use context::VMContext;
pub use error::{raise, RtError, RtResult};
pub use host::Host;
pub use value::{tag, Value};
