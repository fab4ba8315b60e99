//! Stage 5, tier 1: hot functions lowered from bytecode (plus tier-0 feedback) to LLVM IR,
//! optimized, and compiled in-process by ORC's LLJIT.
//!
//! - `lower/` builds one LLVM function per bytecode function; `compile` optimizes and
//!   installs it; `abi` names what generated code shares with Rust (the `VMContext`
//!   fields, status codes, helper signatures).
//! - `orc` owns the process's LLJIT and every call into LLVM's C API.
//! - `helpers` are the `extern "C"` functions compiled code calls that need the VM.
//! - `Tier` (here) is one VM's view: which functions have code, the tier-up policy, stats.
//!
//! Compiled code works on the VM's own register stack and frames, so tier 0 can take over
//! at any instruction: a failed guard writes the registers back and returns `RESUME`, and
//! the interpreter continues the frame at the guarded instruction (see `docs/ARCHITECTURE.md`).

pub mod abi;
pub mod compile;
pub mod dump;
pub mod helpers;
pub mod lower;
pub mod orc;

use std::path::PathBuf;
use std::time::Instant;

use crate::bytecode::Program;

/// When tier 1 compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Never: the interpreter runs everything.
    Off,
    /// When a function's calls plus loop iterations reach the threshold.
    Auto,
    /// Before a function's first call.
    Eager,
}

/// The tier-1 options of one run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub threshold: u32,
    /// Print a summary of what tier 1 did when the program ends.
    pub stats: bool,
    /// Write `NAME.ll`, `NAME.opt.ll` and `NAME.s` here for every function compiled.
    pub dump_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mode: Mode::Off,
            threshold: 1000,
            stats: false,
            dump_dir: None,
        }
    }
}

/// How often one function may be compiled again after its guards failed.
pub const MAX_RECOMPILES: u8 = 4;

/// Functions longer than this (in bytecode instructions) stay in tier 0: LLVM's time and
/// memory grow faster than the code, and a generated program's huge top level would
/// stall the run compiling code that runs once.
pub const MAX_COMPILED_INSTRUCTIONS: usize = 2000;

/// What tier 1 did during a run.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub compiled: u32,
    pub failed: u32,
    /// Milliseconds per compile (IR build + optimize + codegen).
    pub compile_ms: Vec<f64>,
    pub deopts: u32,
    pub recompiles: u32,
}

impl Stats {
    /// The `--jit-stats` summary.
    pub fn summary(&self) -> String {
        // (`+ 0.0`: an empty sum is -0.0.)
        let total: f64 = self.compile_ms.iter().sum::<f64>() + 0.0;
        let mut sorted = self.compile_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let first = self.compile_ms.first().copied().unwrap_or(0.0);
        format!(
            "jit: {} functions compiled ({} failed), compile ms total {total:.2}, \
             median {median:.2}, first {first:.2}; {} deopts, {} recompiles\n",
            self.compiled, self.failed, self.deopts, self.recompiles
        )
    }
}

/// One VM's tier-1 state.
pub struct Tier {
    pub settings: Settings,
    /// Per function: compiled entry address (0: none) and arity. `VMContext::code`
    /// points here; the length never changes.
    code: Vec<usize>,
    compiles: Vec<u8>,
    blocked: Vec<bool>,
    pub stats: Stats,
    /// Symbol prefix unique to this VM (the LLJIT is shared by the process).
    prefix: String,
}

impl Tier {
    pub fn new(settings: Settings, program: &Program) -> Tier {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let n = program.protos.len();
        let mut code = vec![0usize; 2 * n];
        for (i, proto) in program.protos.iter().enumerate() {
            code[2 * i + 1] = proto.arity as usize;
        }
        Tier {
            settings,
            code,
            compiles: vec![0; n],
            blocked: vec![false; n],
            stats: Stats::default(),
            prefix: format!("ruff{id}_"),
        }
    }

    /// Hotness at which a function is compiled (never, when tier 1 is off).
    pub fn threshold(&self) -> u32 {
        match self.settings.mode {
            Mode::Off => u32::MAX,
            Mode::Auto => self.settings.threshold,
            Mode::Eager => 0,
        }
    }

    /// The compiled entry of function `proto`, if it has one.
    #[inline(always)]
    pub fn entry(&self, proto: u32) -> Option<usize> {
        match self.code.get(2 * proto as usize) {
            Some(&address) if address != 0 => Some(address),
            _ => None,
        }
    }

    pub fn code_table(&self) -> *const usize {
        self.code.as_ptr()
    }

    /// Compiles function `proto` with its current feedback; whether it now has code.
    pub fn compile(&mut self, program: &Program, proto: u32) -> bool {
        let index = proto as usize;
        if self.blocked[index] || self.settings.mode == Mode::Off {
            return false;
        }
        if self.compiles[index] > MAX_RECOMPILES
            || program.protos[index].code.len() > MAX_COMPILED_INSTRUCTIONS
        {
            self.blocked[index] = true;
            return false;
        }
        let name = &program.protos[index].name;
        let started = Instant::now();
        // A new name per compile: the LLJIT still holds the code of earlier ones.
        let symbol = format!("{}{}_{}", self.prefix, proto, self.compiles[index]);
        match compile::compile_function(program, proto, &symbol, self.settings.dump_dir.as_deref())
        {
            Ok(compiled) => {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                if self.compiles[index] > 0 {
                    self.stats.recompiles += 1;
                }
                self.compiles[index] += 1;
                self.stats.compiled += 1;
                self.stats.compile_ms.push(ms);
                self.code[2 * index] = compiled.address;
                tracing::debug!(
                    function = %name,
                    build_ms = compiled.build_ms,
                    optimize_ms = compiled.optimize_ms,
                    codegen_ms = compiled.codegen_ms,
                    total_ms = ms,
                    "tier-up: compiled"
                );
                true
            }
            Err(error) => {
                self.stats.failed += 1;
                self.blocked[index] = true;
                tracing::warn!(function = %name, %error, "tier-up: compile failed");
                false
            }
        }
    }

    /// Forgets function `proto`'s code after a failed guard; it may be compiled again,
    /// with the widened feedback, once hot again. The old code stays in memory: frames
    /// may still be running it.
    pub fn invalidate(&mut self, proto: u32) {
        self.code[2 * proto as usize] = 0;
        self.stats.deopts += 1;
    }
}
