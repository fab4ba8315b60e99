//! Reference cycles through captured variables. Everything else a program can build is
//! a copy-on-write value, but a variable captured by a closure lives in a shared cell
//! that can be assigned later — also a closure that captures that very cell (a nested
//! function that calls itself, `c := func() { return c }`). `Rc` never frees such a
//! cycle, so the VM remembers the cells it makes for assignable captured variables and
//! empties the ones still alive when it ends, which frees every cycle through them.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use ruff_runtime::Value;

#[derive(Default)]
pub(super) struct Cells {
    made: Vec<Weak<RefCell<Value>>>,
    /// Length at which dead entries are dropped next (so a loop that makes closures
    /// keeps the list proportional to the cells alive, not to all it ever made).
    prune_at: usize,
}

impl Cells {
    /// A new cell holding `Undef` (a variable not assigned yet).
    pub(super) fn make(&mut self) -> Value {
        if self.made.len() >= self.prune_at {
            self.made.retain(|cell| cell.strong_count() > 0);
            self.prune_at = (self.made.len() * 2).max(1024);
        }
        let cell = Rc::new(RefCell::new(Value::Undef));
        self.made.push(Rc::downgrade(&cell));
        Value::Cell(cell)
    }

    /// Empties every cell still alive: the program has ended, nothing reads them again.
    pub(super) fn break_cycles(&mut self) {
        for cell in self.made.drain(..) {
            if let Some(cell) = cell.upgrade() {
                let value = cell.try_borrow_mut().map(|mut v| std::mem::take(&mut *v));
                drop(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Io, Options, Vm};
    use crate::syntax::span::LineIndex;

    /// Found by the run_tier0 fuzzer (LeakSanitizer): self-referencing functions leaked.
    #[test]
    fn cycles_through_captured_variables_are_freed_with_the_vm() {
        let src = "if true { func f() { return f } }\n\
                   func outer() { mut c := 0\n c := func() { return c }\n return c }\n\
                   keep := outer()\n";
        let program = crate::compile::compile(&crate::syntax::parse(src).unwrap()).unwrap();
        let io = Io {
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
            stdin: Box::new(std::io::empty()),
        };
        let mut vm = Vm::new(program, LineIndex::new(src), io, Options::default()).unwrap();
        vm.run();
        let cells = vm.cells.made.clone();
        assert!(cells.iter().filter(|c| c.strong_count() > 0).count() >= 2);
        drop(vm);
        assert!(cells.iter().all(|c| c.strong_count() == 0));
    }
}
