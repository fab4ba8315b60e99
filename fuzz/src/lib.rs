//! Shared pieces of the Ruff fuzz targets: in-memory program I/O, running a program the
//! way `ruff run` does, and (in `generate`) the program generator of the differential
//! target.

pub mod generate;

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use ruff::diagnostics::SourceFile;
use ruff::vm::{Io, Options};

/// A `Write` sink whose bytes stay readable after the VM that owns the writer is gone.
#[derive(Clone, Default)]
pub struct SharedBuffer(Rc<RefCell<Vec<u8>>>);

impl SharedBuffer {
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Program streams for a fuzz run: stdout and stderr captured, stdin empty (so `input()`
/// returns `""` instead of blocking on the fuzzer's terminal).
pub fn captured_io() -> (Io, SharedBuffer, SharedBuffer) {
    let stdout = SharedBuffer::default();
    let stderr = SharedBuffer::default();
    let io = Io {
        stdout: Box::new(stdout.clone()),
        stderr: Box::new(stderr.clone()),
        stdin: Box::new(std::io::empty()),
    };
    (io, stdout, stderr)
}

/// How one run ended and what it wrote.
#[derive(Debug, PartialEq, Eq)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Native stack of the thread a program runs on. Compiled code recurses on the native
/// stack, so this is sized like `ruff run`'s thread (scaled to the fuzzer's call-depth
/// limit) rather than left to whatever thread libFuzzer happens to call us on.
const RUN_STACK_BYTES: usize = 256 << 20;

/// What of that stack stays free below the deepest nested run (as in `ruff run`).
const NATIVE_STACK_RESERVE: usize = 16 << 20;

/// Runs `text` through `ruff::cli::run::run_source` (parse, compile, run, error report,
/// JIT shutdown) on a fresh thread with a large stack, and returns what it printed.
/// A panic inside the run is re-raised here so libFuzzer records it.
pub fn run_program(text: &str, options: Options) -> Output {
    let text = text.to_owned();
    let options = Options {
        native_stack: RUN_STACK_BYTES - NATIVE_STACK_RESERVE,
        ..options
    };
    let runner = std::thread::Builder::new()
        .name("ruff-fuzz-run".into())
        .stack_size(RUN_STACK_BYTES)
        .spawn(move || {
            let source = SourceFile::new("fuzz.ruff", text);
            let (io, stdout, stderr) = captured_io();
            let status = ruff::cli::run::run_source(&source, options, io);
            Output {
                status,
                stdout: String::from_utf8_lossy(&stdout.take()).into_owned(),
                stderr: String::from_utf8_lossy(&stderr.take()).into_owned(),
            }
        })
        .expect("spawning the run thread");
    match runner.join() {
        Ok(output) => output,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
