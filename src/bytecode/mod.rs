//! Stage 3: the compiled form of a program — per-function `Proto`s holding instructions,
//! constants, a location table, handler tables and the side tables instructions index.

mod disasm;
pub mod opcodes;
mod verify;

use std::cell::Cell;
use std::rc::Rc;

use ruff_runtime::Value;

pub use disasm::disassemble;
pub use opcodes::{Binding, ConstIdx, GlobalIdx, Op, Reg, Target, Wrapper, NO_REG};
pub use verify::{verify, VerifyError};

/// A whole compiled program.
pub struct Program {
    /// Every function; `main` is the top-level code.
    pub protos: Vec<Proto>,
    pub main: u32,
    /// Names of the global slots `GetGlobal`/`SetGlobal` index.
    pub globals: Vec<Rc<str>>,
}

/// One compiled function.
pub struct Proto {
    /// The name call stacks show: `f`, `Type.method`, `<lambda>`, `<main>`.
    pub name: Rc<str>,
    /// Number of explicit parameters (what arity errors count).
    pub arity: u16,
    /// Methods get their receiver in register 0, before the explicit parameters.
    pub receiver: bool,
    /// Registers the frame needs.
    pub num_regs: u16,
    pub code: Vec<Op>,
    /// Source byte offset of each instruction's error location (its caret).
    pub locations: Vec<u32>,
    /// For each `CallMethod` (by instruction index), where its method name is: the caret
    /// of `Field not found` (other call errors point at the receiver, the callee's first
    /// token).
    pub method_names: Vec<(u32, u32)>,
    pub consts: Vec<Value>,
    /// Where each captured cell of a closure of this function comes from, in the frame
    /// that executes the `Closure` instruction.
    pub captures: Vec<Capture>,
    /// `try` regions, innermost first.
    pub handlers: Vec<Handler>,
    pub dyn_names: Vec<DynName>,
    pub paths: Vec<PlacePath>,
    pub patterns: Vec<PatternTest>,
    pub shapes: Vec<StructShape>,
    pub variants: Vec<EnumVariant>,
    pub key_lists: Vec<Vec<Rc<str>>>,
    /// Calls plus loop back-edges; tier 1 compiles a function when this gets high.
    pub hotness: Cell<u32>,
    /// Per instruction: the value tags seen by operand a (bits 0..31) and b (bits 32..63).
    pub feedback: Box<[Cell<u64>]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// The cell held in register `r` of the creating frame.
    Register(Reg),
    /// Captured cell `u` of the creating closure.
    Upval(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    /// Instructions `start..end` are protected.
    pub start: u32,
    pub end: u32,
    /// Where the `except` body starts.
    pub target: Target,
    /// Register that receives the `Error` value.
    pub reg: Reg,
}

/// A name whose meaning is only known at run time (LANGUAGE.md §9, §14): tried in order
/// as a receiver field, a local or captured variable that exists by now, then a global.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynName {
    pub name: Rc<str>,
    /// In a method without `self`, the receiver's fields are locals.
    pub receiver_fields: bool,
    /// In a function nested in such a method: the captured cell holding its receiver,
    /// whose fields are then variables of an enclosing function.
    pub receiver_upval: Option<u16>,
    /// The function-wide local that holds the name once created (maybe boxed).
    pub local: Option<Reg>,
    /// Variables of enclosing functions, nearest first, each with its mutability when it
    /// is immutable (assigning it is then an error): the first that exists is the one.
    pub upvals: Vec<(u16, Option<Binding>)>,
    pub global: Option<GlobalIdx>,
}

/// The `.field` / `[index]` chain of an assignment target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacePath {
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    /// `None` for an index step (its key is the next key register).
    pub field: Option<Rc<str>>,
    /// Source offset for errors raised at this step.
    pub location: u32,
}

#[derive(Debug, Clone)]
pub enum PatternTest {
    /// Matches a value `==` to this literal.
    Equal(Value),
    Ok,
    Err,
    Some,
    None,
    /// Variant `variant` of user enum `enum_name`, with or without payload.
    Variant {
        enum_name: Rc<str>,
        variant: Rc<str>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructShape {
    pub name: Rc<str>,
    pub fields: Vec<Rc<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub enum_name: Rc<str>,
    pub variant: Rc<str>,
}

impl PlacePath {
    /// How many index steps (each with a key register) the path has.
    pub fn key_count(&self) -> usize {
        self.steps.iter().filter(|s| s.field.is_none()).count()
    }
}

impl Proto {
    /// The constant `k` as text (names, field names, messages).
    pub fn const_str(&self, k: ConstIdx) -> &str {
        self.consts
            .get(k as usize)
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}
