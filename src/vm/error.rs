//! Runtime errors: locating them where they are raised, and unwinding to the innermost
//! `try` handler (LANGUAGE.md §17).

use std::rc::Rc;

use ruff_runtime::{ops, RtError};

use super::Vm;

/// A runtime error with where it was raised.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeError {
    pub message: String,
    /// Source byte offset of the token that raised it.
    pub location: u32,
    /// 1-based line of `location`.
    pub line: u32,
    /// Names of the active functions, innermost first (the top level has none).
    pub stack: Vec<Rc<str>>,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    Finished,
    /// `exit(n)`.
    Exit(i32),
    /// An uncaught runtime error.
    Error(RuntimeError),
}

fn message_of(error: &RtError) -> String {
    match error {
        RtError::Raise(message) => message.clone(),
        RtError::Thrown(value) => ops::thrown_message(value),
        RtError::Exit(code) => format!("exit({code})"),
    }
}

impl Vm {
    /// Builds the located form of `error`, raised by the instruction before the top
    /// frame's saved `pc`.
    fn locate(&mut self, error: &RtError) -> RuntimeError {
        let location = match self.location_override.take() {
            Some(offset) => offset,
            None => match self.frames.last() {
                Some(frame) => {
                    let proto = &self.program.protos[frame.proto as usize];
                    let pc = frame.pc.saturating_sub(1).min(proto.locations.len() - 1);
                    proto.locations[pc]
                }
                None => 0,
            },
        };
        RuntimeError {
            message: message_of(error),
            location,
            line: self.lines.line(location),
            stack: self.stack_names(),
        }
    }

    /// Names of the active functions, innermost first.
    pub(super) fn stack_names(&self) -> Vec<Rc<str>> {
        self.frames
            .iter()
            .skip(1)
            .rev()
            .map(|f| self.program.protos[f.proto as usize].name.clone())
            .collect()
    }

    /// The located error for `error`: the one recorded at its origin, or located now.
    pub(super) fn take_located(&mut self, error: RtError) -> RuntimeError {
        match self.pending.take() {
            Some(located) => located,
            None => self.locate(&error),
        }
    }

    /// Pops frames down to `len`. A method frame leaves its receiver (register 0) as the
    /// method left it, out of its cell, for the caller's write-back.
    fn drop_frames(&mut self, len: usize) {
        while self.frames.len() > len {
            let Some(frame) = self.frames.pop() else {
                break;
            };
            self.ctx.depth -= 1;
            if frame.receiver {
                if let ruff_runtime::Value::Cell(cell) = &self.regs[frame.base] {
                    let receiver = cell.borrow().clone();
                    self.regs[frame.base] = receiver;
                }
            }
        }
    }

    /// Re-raises the error the last handler caught, keeping its origin.
    pub(super) fn rethrow(&mut self) -> RtError {
        match self.caught.take() {
            Some(located) => {
                let message = located.message.clone();
                self.pending = Some(located);
                RtError::Raise(message)
            }
            None => RtError::Raise("Nothing to re-raise".into()),
        }
    }

    /// Unwinds `error` (raised with the top frame's `pc` saved) to the innermost handler in
    /// frames `entry..`. On success execution resumes at the handler; otherwise those
    /// frames are gone and the error, located, travels on to the caller of `execute`.
    pub(super) fn unwind(&mut self, error: RtError, entry: usize) -> Result<(), RtError> {
        if let RtError::Exit(_) = error {
            return Err(error);
        }
        let located = self.take_located(error);
        for depth in (entry..self.frames.len()).rev() {
            let frame = &self.frames[depth];
            let proto = &self.program.protos[frame.proto as usize];
            let at = frame.pc.saturating_sub(1) as u32;
            let Some(handler) = proto.handlers.iter().find(|h| h.start <= at && at < h.end) else {
                continue;
            };
            let (target, reg, base) = (handler.target, handler.reg, frame.base);
            self.drop_frames(depth + 1);
            let mut stack = located.stack.clone();
            stack.reverse();
            self.regs[base + reg as usize] =
                ops::make_error_value(&located.message, located.line, &stack);
            if let Some(frame) = self.frames.last_mut() {
                frame.pc = target as usize;
            }
            self.caught = Some(located);
            return Ok(());
        }
        self.drop_frames(entry);
        let message = located.message.clone();
        self.pending = Some(located);
        Err(RtError::Raise(message))
    }
}
