//! Limits that turn runaway programs into errors instead of crashes or hangs: the heap
//! limit (counted in `ruff_runtime::heap`), the native stack (callbacks, operator methods
//! and compiled code nest native calls) and the step budget (embedders and the fuzzer
//! bound how long a run may take).

use ruff_runtime::{heap, raise, RtResult};

use super::Vm;

/// Native stack a run may use below the point where [`Vm::run`] starts, unless the
/// caller knows it has more (`ruff run` runs programs on a thread with 1 GiB).
pub const DEFAULT_NATIVE_STACK: usize = 512 << 10;

impl Vm {
    /// At every loop back-edge: the step budget and the heap limit.
    #[inline]
    pub(super) fn poll(&mut self) -> RtResult<()> {
        self.count_step()?;
        heap::check()
    }

    /// One step of the budget (loop iterations and calls each take one).
    #[inline]
    pub(super) fn count_step(&mut self) -> RtResult<()> {
        if self.steps_left == 0 {
            return raise(format!(
                "Step budget of {} exhausted",
                self.options.step_budget.unwrap_or(0)
            ));
        }
        self.steps_left -= 1;
        Ok(())
    }

    /// Whether less native stack than a nested run needs is left. Tier 0 then runs calls
    /// itself (its calls use no native stack) and nested calls from native code fail.
    pub(super) fn native_stack_low(&self) -> bool {
        stack_position() < self.ctx.stack_floor
    }

    /// Before native code (a builtin's callback, an operator method) calls `name`.
    pub(super) fn check_native_stack(&self, name: &str) -> RtResult<()> {
        if self.native_stack_low() {
            return raise(format!(
                "Native stack exhausted while calling {name} (callbacks nested too deeply)"
            ));
        }
        Ok(())
    }

    /// Records where the native stack ends for this run: `native_stack` bytes below here.
    pub(super) fn mark_native_stack(&mut self) {
        self.ctx.stack_floor = stack_position().saturating_sub(self.options.native_stack);
    }
}

/// An address in the current native stack frame (the stack grows down on every target
/// Ruff supports).
#[inline(never)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}
