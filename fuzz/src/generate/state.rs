//! The generator's state and its primitives: the kinds of values it tracks, the
//! variables and functions it knows of, the unit (function or top level) being
//! written, and the helpers that write lines, name and find variables, make random
//! choices and count the work budget.

use arbitrary::{Result, Unstructured};

/// What a variable (or an expression) is known to hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Int,
    Float,
    Str,
    Bool,
    /// An array of ints.
    Ints,
    /// A dict from strings to ints.
    Dict,
    /// A closure taking one int and returning an int.
    IntFn,
    /// Unknown: only printed, converted to text or compared.
    Any,
}

pub(super) const VALUE_KINDS: &[Kind] = &[
    Kind::Int,
    Kind::Float,
    Kind::Str,
    Kind::Bool,
    Kind::Ints,
    Kind::Dict,
];

/// How the generator may assign a variable.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Plain or `mut` binding.
    Mutable,
    /// A `let` binding: assigning it raises an error, so only inside `try`.
    Immutable,
    /// Loop counters and `for` variables: never assigned (termination depends on it).
    Fixed,
}

pub(super) struct Var {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) access: Access,
    /// Enclosing loops where it was created; it may change kind only at that depth (a
    /// change inside a deeper loop would reach the loop's next iteration).
    pub(super) loops: u32,
    /// A closure reads it: its kind must stay.
    pub(super) pinned: bool,
}

/// A generated top-level function.
pub(super) struct Func {
    pub(super) name: String,
    pub(super) params: Vec<Kind>,
    pub(super) ret: Kind,
    /// Estimated statement executions per call.
    pub(super) cost: u64,
}

/// The state of the function (or top level) being written; saved while writing another.
#[derive(Default)]
pub(super) struct Unit {
    pub(super) text: String,
    pub(super) indent: usize,
    pub(super) vars: Vec<Var>,
    /// Enclosing loops of the current function (`break` needs one; a function body is a
    /// boundary).
    pub(super) loops: u32,
    /// Product of the trip counts of the enclosing loops.
    pub(super) repeat: u64,
    /// Estimated work written so far.
    pub(super) spent: u64,
    pub(super) budget: u64,
    pub(super) blocks: u32,
    pub(super) tries: u32,
    /// The kind the current function returns (None at top level).
    pub(super) returns: Option<Kind>,
    /// Expressions may read only number, bool and closure variables: set while writing a
    /// value for a variable that outlives a loop iteration, so strings and arrays grow
    /// linearly (`s := s + s` in a loop would grow exponentially).
    pub(super) plain_values: bool,
}

pub(super) struct Generator<'a, 'b> {
    pub(super) u: &'a mut Unstructured<'b>,
    /// Top-level functions and structs written so far (hoisted functions may go anywhere).
    pub(super) prelude: String,
    pub(super) unit: Unit,
    pub(super) funcs: Vec<Func>,
    pub(super) next_id: u32,
}

impl Generator<'_, '_> {
    // ---- output -------------------------------------------------------------------

    pub(super) fn line(&mut self, text: &str) {
        for _ in 0..self.unit.indent {
            self.unit.text.push_str("    ");
        }
        self.unit.text.push_str(text);
        self.unit.text.push('\n');
    }

    pub(super) fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.unit.indent += 1;
    }

    pub(super) fn close(&mut self) {
        self.unit.indent -= 1;
        self.line("}");
    }

    /// `} else {`, `} except e {`: closes one block and opens the next.
    pub(super) fn reopen(&mut self, header: &str) {
        self.unit.indent -= 1;
        self.line(&format!("}} {header} {{"));
        self.unit.indent += 1;
    }

    pub(super) fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    pub(super) fn declare(&mut self, name: &str, kind: Kind, access: Access) {
        let loops = self.unit.loops;
        self.unit.vars.push(Var {
            name: name.to_owned(),
            kind,
            access,
            loops,
            pinned: false,
        });
    }

    /// Appends top-level function definitions to the prelude (hoisted, so callable from
    /// anywhere).
    pub(super) fn define(&mut self, text: &str) {
        self.prelude.push_str(text);
        self.prelude.push('\n');
    }

    // ---- choices ------------------------------------------------------------------

    /// True with probability `numerator / denominator`; false once the bytes run out
    /// (where `Unstructured::ratio` would say true), so a program's tail stays tame.
    pub(super) fn chance(&mut self, numerator: u8, denominator: u8) -> Result<bool> {
        if self.u.is_empty() {
            return Ok(false);
        }
        self.u.ratio(numerator, denominator)
    }

    pub(super) fn pick<'s, T>(&mut self, items: &'s [T]) -> Result<&'s T> {
        self.u.choose(items)
    }

    /// Whether to write an operation that may raise: often inside `try`, rarely outside
    /// (an uncaught error ends the program, which leaves the rest untested).
    pub(super) fn risky(&mut self) -> Result<bool> {
        if self.unit.tries > 0 {
            self.chance(1, 3)
        } else {
            self.chance(1, 200)
        }
    }

    /// Whether something costing `cost` each time, run as often as the enclosing loops
    /// repeat, still fits the budget; if so it is counted.
    pub(super) fn afford(&mut self, cost: u64) -> bool {
        let total = self.unit.spent + self.unit.repeat.saturating_mul(cost);
        if total > self.unit.budget {
            return false;
        }
        self.unit.spent = total;
        true
    }

    /// A random visible variable satisfying `keep`.
    pub(super) fn var_where(&mut self, keep: impl Fn(&Var) -> bool) -> Result<Option<usize>> {
        let found: Vec<usize> = (0..self.unit.vars.len())
            .filter(|&i| keep(&self.unit.vars[i]))
            .collect();
        if found.is_empty() {
            return Ok(None);
        }
        Ok(Some(*self.pick(&found)?))
    }

    pub(super) fn var_of(&mut self, kind: Kind) -> Result<Option<String>> {
        let plain = self.unit.plain_values;
        let index = self.var_where(|v| {
            (kind == Kind::Any || v.kind == kind)
                && (!plain || matches!(v.kind, Kind::Int | Kind::Float | Kind::Bool | Kind::IntFn))
        })?;
        Ok(index.map(|i| self.unit.vars[i].name.clone()))
    }
}
