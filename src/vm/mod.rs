//! Stage 4, tier 0: the register-based bytecode interpreter.
//!
//! All frames share one register stack; a frame is a window `base..base + num_regs`.
//! Everything the VM does to values goes through `ruff_runtime`, so compiled tiers and the
//! interpreter share one definition of each operation. The VM owns no global state: all of
//! it lives in `Vm`, and several VMs can run side by side.

mod build;
mod call;
mod cells;
mod error;
mod exec;
mod fast;
mod limits;
mod operators;
mod patterns;
mod places;
mod tier;

use std::io::{BufRead, Write};
use std::rc::Rc;

use ruff_runtime::{builtins, Host, RtError, RtResult, VMContext, Value};
use rustc_hash::FxHashMap;

use crate::bytecode::{verify, Binding, Program, VerifyError};
use crate::syntax::span::LineIndex;

pub use error::{Outcome, RuntimeError};
pub use limits::DEFAULT_NATIVE_STACK;

/// The default limit on active calls (LANGUAGE.md §10).
pub const DEFAULT_CALL_DEPTH_LIMIT: usize = 10_000;

/// The highest call-depth limit a run may ask for: deeper recursion in compiled code would
/// need more native stack than the interpreter thread has.
pub const MAX_CALL_DEPTH_LIMIT: usize = 1_000_000;

/// Where a program's input and output go.
pub struct Io {
    pub stdout: Box<dyn Write>,
    pub stderr: Box<dyn Write>,
    pub stdin: Box<dyn BufRead>,
}

impl Io {
    /// The process's standard streams, stdout buffered.
    pub fn standard() -> Io {
        Io {
            stdout: Box::new(std::io::BufWriter::with_capacity(
                64 * 1024,
                std::io::stdout(),
            )),
            stderr: Box::new(std::io::stderr()),
            stdin: Box::new(std::io::BufReader::new(std::io::stdin())),
        }
    }
}

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct Options {
    pub call_depth_limit: usize,
    pub jit: crate::jit::Settings,
    /// Heap limit in bytes (process-wide: `ruff_runtime::heap`).
    pub max_heap: usize,
    /// Loop iterations plus calls the run may make before failing with `Step budget of N
    /// exhausted` (None: unbounded). A budgeted run stays in tier 0, which counts them.
    pub step_budget: Option<u64>,
    /// Native stack the run may use below the frame that calls [`Vm::run`].
    pub native_stack: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            call_depth_limit: DEFAULT_CALL_DEPTH_LIMIT,
            jit: crate::jit::Settings::default(),
            max_heap: ruff_runtime::heap::DEFAULT_LIMIT,
            step_budget: None,
            native_stack: DEFAULT_NATIVE_STACK,
        }
    }
}

/// Bytes between global slots; compiled code reads a global's value (the first field)
/// at `VMContext::globals + g * GLOBAL_STRIDE`.
pub const GLOBAL_STRIDE: usize = std::mem::size_of::<Global>();

/// A global variable's slot.
#[repr(C)]
struct Global {
    value: Value,
    binding: Binding,
    /// The declaration that created it (0: plain assignment or a builtin).
    site: u32,
}

/// One active call.
struct Frame {
    proto: u32,
    /// Index of the next instruction to run (saved while this frame is not on top).
    pc: usize,
    base: usize,
    /// Absolute register that receives the return value. Until then it holds the closure
    /// being run, which keeps it alive and gives access to its captured cells.
    ret: usize,
    /// A method frame: register 0 holds the receiver, which the caller reads back.
    receiver: bool,
}

pub struct Vm {
    program: Rc<Program>,
    lines: LineIndex,
    regs: Vec<Value>,
    frames: Vec<Frame>,
    globals: Vec<Global>,
    /// Struct methods by type name, then method name (§14).
    methods: FxHashMap<Rc<str>, FxHashMap<Rc<str>, Value>>,
    ctx: VMContext,
    io: Io,
    options: Options,
    /// An error already located at its origin, travelling up through native code.
    pending: Option<RuntimeError>,
    /// The builtin `range`, which `for` loops count through without building its array.
    range_builtin: Option<ruff_runtime::value::NativeId>,
    /// The error the most recent handler caught, for `Rethrow`.
    caught: Option<RuntimeError>,
    /// Set by operations that know a more precise error location than their instruction.
    location_override: Option<u32>,
    /// Tier 1: compiled code, policy and statistics.
    tier: crate::jit::Tier,
    /// Hotness at which functions are compiled (`u32::MAX`: never).
    jit_threshold: u32,
    /// The frame on top was just pushed by a call: run its compiled code if it has some.
    enter_top: bool,
    /// The error a helper reported to compiled code, on its way to the interpreter.
    jit_error: Option<RtError>,
    /// What each active compiled call's frame would be, by depth (`VMContext::chain`).
    chain: Vec<[u64; 2]>,
    /// What is left of the step budget (`u64::MAX` when there is none).
    steps_left: u64,
    /// Cells of assignable captured variables, emptied at the end to free cycles.
    cells: cells::Cells,
}

impl Vm {
    /// Prepares to run `program`, which must pass the bytecode verifier (everything the
    /// compiler produces does): the interpreter relies on it for memory safety.
    pub fn new(
        program: Program,
        lines: LineIndex,
        io: Io,
        mut options: Options,
    ) -> Result<Vm, VerifyError> {
        verify(&program)?;
        options.call_depth_limit = options.call_depth_limit.min(MAX_CALL_DEPTH_LIMIT);
        if options.step_budget.is_some() {
            options.jit.mode = crate::jit::Mode::Off;
        }
        ruff_runtime::heap::set_limit(options.max_heap);
        let globals = program
            .globals
            .iter()
            .map(|name| Global {
                value: initial_global(name),
                binding: Binding::Mut,
                site: 0,
            })
            .collect();
        let tier = crate::jit::Tier::new(options.jit.clone(), &program);
        Ok(Vm {
            jit_threshold: tier.threshold(),
            tier,
            enter_top: false,
            jit_error: None,
            chain: vec![[0; 2]; options.call_depth_limit.min(MAX_CALL_DEPTH_LIMIT) + 2],
            program: Rc::new(program),
            lines,
            regs: Vec::with_capacity(1024),
            frames: Vec::with_capacity(64),
            globals,
            methods: FxHashMap::default(),
            ctx: VMContext::new(),
            io,
            pending: None,
            range_builtin: builtins::lookup("range"),
            caught: None,
            location_override: None,
            steps_left: options.step_budget.unwrap_or(u64::MAX),
            cells: cells::Cells::default(),
            options,
        })
    }

    /// Runs the top-level code to its end.
    pub fn run(&mut self) -> Outcome {
        let main = self.program.main;
        let num_regs = self.program.protos[main as usize].num_regs as usize;
        self.regs.clear();
        self.regs.resize(num_regs + 1, Value::Null);
        self.frames.push(Frame {
            proto: main,
            pc: 0,
            base: 1,
            ret: 0,
            receiver: false,
        });
        self.ctx.depth = 1;
        self.enter_top = true;
        self.mark_native_stack();
        let result = self.execute(0);
        let outcome = match result {
            Ok(_) => Outcome::Finished,
            Err(RtError::Exit(code)) => Outcome::Exit(code),
            Err(e) => Outcome::Error(self.take_located(e)),
        };
        let _ = self.io.stdout.flush();
        outcome
    }

    /// Flushes program output.
    pub fn flush(&mut self) {
        let _ = self.io.stdout.flush();
    }

    /// Ends the VM (and everything it holds), handing back its streams.
    pub fn into_io(mut self) -> Io {
        let closed = Io {
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
            stdin: Box::new(std::io::empty()),
        };
        std::mem::replace(&mut self.io, closed)
    }

    /// What tier 1 did so far.
    pub fn jit_stats(&self) -> &crate::jit::Stats {
        &self.tier.stats
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        self.cells.break_cycles();
    }
}

/// What a global slot holds before the program runs: its builtin, constant, or nothing.
fn initial_global(name: &str) -> Value {
    if let Some(id) = builtins::lookup(name) {
        return Value::Native(id);
    }
    builtins::CONSTANTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Value::Undef, |(_, v)| Value::Float(*v))
}

impl Host for Vm {
    fn call_value(&mut self, callee: &Value, args: &[Value]) -> RtResult<Value> {
        self.call_nested(callee, args)
    }

    fn write_stdout(&mut self, text: &str) -> RtResult<()> {
        self.io
            .stdout
            .write_all(text.as_bytes())
            .map_err(|_| RtError::Exit(0))
    }

    fn write_stderr(&mut self, text: &str) -> RtResult<()> {
        let _ = self.io.stdout.flush();
        let _ = self.io.stderr.write_all(text.as_bytes());
        Ok(())
    }

    fn read_line(&mut self) -> RtResult<Option<String>> {
        let _ = self.io.stdout.flush();
        let mut line = String::new();
        match self.io.stdin.read_line(&mut line) {
            Ok(0) | Err(_) => Ok(None),
            Ok(_) => {
                if line.ends_with('\n') {
                    line.pop();
                    if line.ends_with('\r') {
                        line.pop();
                    }
                }
                Ok(Some(line))
            }
        }
    }

    fn context(&mut self) -> &mut VMContext {
        &mut self.ctx
    }
}
#[cfg(test)]
mod tests;
