//! The one value representation shared by every tier.
//!
//! `Value` is 16 bytes, `repr(C, u8)`: the tag byte sits at offset 0 and the payload at
//! offset 8, so LLVM code can test a tag and read an `i64`/`f64` payload without calling
//! Rust. The tag numbers live in [`tag`] and nowhere else; the JIT imports them.
//! Heap payloads are single (thin) `Rc` pointers; collections get value semantics from
//! copy-on-write through `Rc::make_mut`.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// Tag byte of each `Value` variant (offset 0 of the value).
pub mod tag {
    pub const NULL: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const FLOAT: u8 = 3;
    pub const STR: u8 = 4;
    pub const ARRAY: u8 = 5;
    pub const DICT: u8 = 6;
    pub const STRUCT: u8 = 7;
    pub const FUNC: u8 = 8;
    pub const NATIVE: u8 = 9;
    pub const OK: u8 = 10;
    pub const ERR: u8 = 11;
    pub const SOME: u8 = 12;
    pub const NONE: u8 = 13;
    pub const ENUM: u8 = 14;
    pub const SET: u8 = 15;
    pub const QUEUE: u8 = 16;
    pub const STACK: u8 = 17;
    pub const CELL: u8 = 18;
    pub const UNDEF: u8 = 19;
    /// Number of tags; feedback bitsets index by tag.
    pub const COUNT: u8 = 20;
}

/// Byte offset of the payload inside a `Value`.
pub const PAYLOAD_OFFSET: usize = 8;

/// Dictionary storage: keys are strings, kept sorted byte-wise (the order Ruff prints and
/// iterates in).
pub type Dict = BTreeMap<Rc<str>, Value>;

/// A captured variable shared between a function and its closures.
pub type Cell = Rc<RefCell<Value>>;

/// Index of a builtin in [`crate::builtins::BUILTINS`].
pub type NativeId = u32;

#[repr(C, u8)]
#[derive(Default)]
pub enum Value {
    #[default]
    Null = tag::NULL,
    Bool(bool) = tag::BOOL,
    Int(i64) = tag::INT,
    Float(f64) = tag::FLOAT,
    Str(Rc<RStr>) = tag::STR,
    Array(Rc<Vec<Value>>) = tag::ARRAY,
    Dict(Rc<Dict>) = tag::DICT,
    Struct(Rc<StructObj>) = tag::STRUCT,
    Func(Rc<FuncObj>) = tag::FUNC,
    Native(NativeId) = tag::NATIVE,
    Ok(Rc<Value>) = tag::OK,
    Err(Rc<Value>) = tag::ERR,
    Some(Rc<Value>) = tag::SOME,
    None = tag::NONE,
    Enum(Rc<EnumObj>) = tag::ENUM,
    Set(Rc<Vec<Value>>) = tag::SET,
    Queue(Rc<VecDeque<Value>>) = tag::QUEUE,
    Stack(Rc<Vec<Value>>) = tag::STACK,
    /// Internal: the box of a captured variable. Never visible to programs.
    Cell(Cell) = tag::CELL,
    /// Internal: a binding that does not exist yet. Never visible to programs.
    Undef = tag::UNDEF,
}

/// A string. Programs never see it change; the VM appends in place only to a string
/// nothing else shares. `ascii` lets character indexing skip UTF-8 decoding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RStr {
    pub text: String,
    pub ascii: bool,
}

/// A struct instance: its type name and fields in the order they were first set.
#[derive(Clone)]
pub struct StructObj {
    pub name: Rc<str>,
    pub fields: Vec<(Rc<str>, Value)>,
}

/// A user function or closure. `proto` indexes the program's function table, which the
/// runtime never looks into; `captures` are the shared cells of its free variables.
pub struct FuncObj {
    pub proto: u32,
    pub name: Rc<str>,
    pub captures: Box<[Cell]>,
}

/// A value of a user enum: `Name::Variant` or `Name::Variant(payload)`.
#[derive(Clone)]
pub struct EnumObj {
    pub enum_name: Rc<str>,
    pub variant: Rc<str>,
    pub payload: Option<Value>,
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

impl RStr {
    pub fn new(text: &str) -> RStr {
        RStr {
            ascii: text.is_ascii(),
            text: text.into(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Appends `other` (only for a string nothing else shares).
    pub fn push_str(&mut self, other: &RStr) {
        self.text.push_str(&other.text);
        self.ascii &= other.ascii;
    }

    /// Length in characters.
    pub fn char_len(&self) -> usize {
        if self.ascii {
            self.text.len()
        } else {
            self.text.chars().count()
        }
    }
}

impl StructObj {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(name, _)| &**name == field)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, field: &str) -> Option<&mut Value> {
        self.fields
            .iter_mut()
            .find(|(name, _)| &**name == field)
            .map(|(_, v)| v)
    }

    /// Sets a field, adding it when absent.
    pub fn set(&mut self, field: &str, value: Value) {
        match self.get_mut(field) {
            Some(slot) => *slot = value,
            None => self.fields.push((field.into(), value)),
        }
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Rc::new(RStr::new(text)))
    }

    pub fn string(text: String) -> Value {
        Value::Str(Rc::new(RStr {
            ascii: text.is_ascii(),
            text,
        }))
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(items))
    }

    pub fn dict(map: Dict) -> Value {
        Value::Dict(Rc::new(map))
    }

    /// The tag byte, as stored at offset 0.
    pub fn tag(&self) -> u8 {
        // SAFETY: `Value` is `repr(C, u8)`, so its first byte is the discriminant.
        unsafe { *(self as *const Value as *const u8) }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
}

impl Clone for Value {
    /// Scalars are copied inline; only heap values pay for a reference-count update.
    #[inline(always)]
    fn clone(&self) -> Value {
        match *self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(x) => Value::Float(x),
            _ => self.clone_heap(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_heap(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Array(a) => Value::Array(a.clone()),
            Value::Dict(d) => Value::Dict(d.clone()),
            Value::Struct(s) => Value::Struct(s.clone()),
            Value::Func(f) => Value::Func(f.clone()),
            Value::Native(id) => Value::Native(*id),
            Value::Ok(v) => Value::Ok(v.clone()),
            Value::Err(v) => Value::Err(v.clone()),
            Value::Some(v) => Value::Some(v.clone()),
            Value::None => Value::None,
            Value::Enum(e) => Value::Enum(e.clone()),
            Value::Set(s) => Value::Set(s.clone()),
            Value::Queue(q) => Value::Queue(q.clone()),
            Value::Stack(s) => Value::Stack(s.clone()),
            Value::Cell(c) => Value::Cell(c.clone()),
            Value::Undef => Value::Undef,
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::format::debug(self))
    }
}
