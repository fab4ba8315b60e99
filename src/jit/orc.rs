//! The ORC glue: one LLJIT per process, created on the first tier-up, through the ORC v2 C
//! API (inkwell has no ORC wrapper). Every `unsafe` call into LLVM's C API lives here.
//!
//! Compiled code lives as long as the LLJIT: the process's, until [`shutdown`]. Modules are
//! built in their own thread-safe context and handed over whole; lookups are serialized by
//! the session lock (one LLJIT is not safe for concurrent compiling lookups).

use std::ffi::{CStr, CString};
use std::sync::Mutex;

use inkwell::context::ContextRef;
use inkwell::llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use inkwell::llvm_sys::orc2::lljit::{
    LLVMOrcCreateLLJIT, LLVMOrcCreateLLJITBuilder, LLVMOrcDisposeLLJIT,
    LLVMOrcLLJITAddLLVMIRModule, LLVMOrcLLJITBuilderSetJITTargetMachineBuilder,
    LLVMOrcLLJITGetMainJITDylib, LLVMOrcLLJITLookup, LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
};
use inkwell::llvm_sys::orc2::{
    LLVMJITEvaluatedSymbol, LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcAbsoluteSymbols,
    LLVMOrcCSymbolMapPair, LLVMOrcCreateNewThreadSafeContext, LLVMOrcCreateNewThreadSafeModule,
    LLVMOrcDisposeThreadSafeContext, LLVMOrcJITDylibDefine,
    LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine, LLVMOrcThreadSafeContextGetContext,
    LLVMOrcThreadSafeContextRef,
};
use inkwell::module::Module;
use inkwell::targets::{
    CodeModel, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use inkwell::OptimizationLevel;

/// The process's JIT: the LLJIT and a target machine for optimizing and printing assembly.
pub struct Session {
    jit: LLVMOrcLLJITRef,
    machine: TargetMachine,
}

// SAFETY: the session is only reached through `SESSION`'s lock, so one thread at a time
// uses the LLJIT and the target machine.
unsafe impl Send for Session {}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

/// Runs `f` with the process's session, creating it (and registering `helpers`) first if
/// this is the first tier-up.
pub fn with_session<R>(
    helpers: &[(&str, usize)],
    f: impl FnOnce(&mut Session) -> Result<R, String>,
) -> Result<R, String> {
    let mut guard = SESSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if guard.is_none() {
        *guard = Some(Session::create(helpers)?);
    }
    match guard.as_mut() {
        Some(session) => f(session),
        None => Err("the JIT session could not be created".into()),
    }
}

/// How hard native code generation works: LLVM's IR pipeline (`compile::PIPELINE`) has done
/// the heavy lifting by then; `Less` halves code generation time for the same code.
pub const CODEGEN_LEVEL: OptimizationLevel = OptimizationLevel::Less;

/// A host target machine configured like the LLJIT's (for the optimizer and `asm` dumps).
pub fn host_machine(reloc: RelocMode) -> Result<TargetMachine, String> {
    Target::initialize_native(&InitializationConfig::default())?;
    let triple: TargetTriple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| e.to_string())?;
    let cpu = TargetMachine::get_host_cpu_name();
    let features = TargetMachine::get_host_cpu_features();
    target
        .create_target_machine(
            &triple,
            &cpu.to_string_lossy(),
            &features.to_string_lossy(),
            CODEGEN_LEVEL,
            reloc,
            CodeModel::Small,
        )
        .ok_or_else(|| format!("LLVM has no target machine for {}", triple))
}

impl Session {
    fn create(helpers: &[(&str, usize)]) -> Result<Session, String> {
        let machine = host_machine(RelocMode::Default)?;
        let codegen = host_machine(RelocMode::Default)?;
        let mut jit: LLVMOrcLLJITRef = std::ptr::null_mut();
        // SAFETY: the JIT target machine builder takes over `codegen` (so inkwell must not
        // dispose of it) and the LLJIT builder takes over both; the builder is consumed by
        // `LLVMOrcCreateLLJIT`; on success `jit` is a live LLJIT we own until `shutdown`.
        unsafe {
            let builder = LLVMOrcCreateLLJITBuilder();
            let jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(codegen.as_mut_ptr());
            std::mem::forget(codegen);
            LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
            check(LLVMOrcCreateLLJIT(&mut jit, builder))?;
        }
        let session = Session { jit, machine };
        session.define_helpers(helpers)?;
        tracing::debug!(helpers = helpers.len(), "JIT session created");
        Ok(session)
    }

    /// Makes each helper resolvable by name from generated code, at its address here.
    fn define_helpers(&self, helpers: &[(&str, usize)]) -> Result<(), String> {
        let flags = || LLVMJITSymbolFlags {
            GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
                | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8,
            TargetFlags: 0,
        };
        let mut pairs = Vec::with_capacity(helpers.len());
        for (name, address) in helpers {
            let name = CString::new(*name).map_err(|e| e.to_string())?;
            pairs.push(LLVMOrcCSymbolMapPair {
                // SAFETY: `jit` is live; the interned name's reference passes to the map.
                Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, name.as_ptr()) },
                Sym: LLVMJITEvaluatedSymbol {
                    Address: *address as u64,
                    Flags: flags(),
                },
            });
        }
        // SAFETY: the pairs are valid for the call; the materialization unit takes the
        // names. `LLVMOrcJITDylibDefine` does not consume the unit on error, but an error
        // here means the process cannot JIT at all, so leaking it once is acceptable.
        unsafe {
            let unit = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
            check(LLVMOrcJITDylibDefine(
                LLVMOrcLLJITGetMainJITDylib(self.jit),
                unit,
            ))
        }
    }

    pub fn machine(&self) -> &TargetMachine {
        &self.machine
    }

    /// Hands `module` (built in `context`) to the JIT and returns the address of `symbol`,
    /// compiling it now.
    pub fn install(
        &mut self,
        context: &ThreadSafeContext,
        module: Module<'_>,
        symbol: &str,
    ) -> Result<usize, String> {
        let raw_module = module.as_mut_ptr();
        // The thread-safe module takes the module over; inkwell must not dispose of it.
        std::mem::forget(module);
        let name = CString::new(symbol).map_err(|e| e.to_string())?;
        let mut address = 0u64;
        // SAFETY: `raw_module` was built in `context`, which the thread-safe module keeps
        // alive; `LLVMOrcLLJITAddLLVMIRModule` consumes the thread-safe module even on
        // error; `address` receives the symbol's address.
        unsafe {
            let tsm = LLVMOrcCreateNewThreadSafeModule(raw_module, context.raw);
            check(LLVMOrcLLJITAddLLVMIRModule(
                self.jit,
                LLVMOrcLLJITGetMainJITDylib(self.jit),
                tsm,
            ))?;
            check(LLVMOrcLLJITLookup(self.jit, &mut address, name.as_ptr()))?;
        }
        if address == 0 {
            return Err(format!("the JIT did not define {symbol}"));
        }
        Ok(address as usize)
    }
}

/// Disposes of the process's JIT and all compiled code. Nothing compiled may run after.
pub fn shutdown() {
    let mut guard = SESSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(session) = guard.take() {
        // SAFETY: no compiled code runs any more (the caller's promise), so the LLJIT
        // and the code it owns can go.
        if let Err(e) = check(unsafe { LLVMOrcDisposeLLJIT(session.jit) }) {
            tracing::warn!(error = %e, "disposing of the JIT failed");
        }
    }
}

/// An LLVM context that ORC can share with the compile threads it may use.
pub struct ThreadSafeContext {
    raw: LLVMOrcThreadSafeContextRef,
}

impl ThreadSafeContext {
    pub fn new() -> ThreadSafeContext {
        // SAFETY: creates a fresh context we hold one reference to (released on drop).
        ThreadSafeContext {
            raw: unsafe { LLVMOrcCreateNewThreadSafeContext() },
        }
    }

    /// The LLVM context to build modules in. Non-owning: the thread-safe context owns it
    /// (an owning inkwell `Context` would dispose of it a second time).
    pub fn context(&self) -> ContextRef<'_> {
        // SAFETY: `raw` is live for as long as `self`, which the returned reference's
        // lifetime is tied to.
        unsafe { ContextRef::new(LLVMOrcThreadSafeContextGetContext(self.raw)) }
    }
}

impl Default for ThreadSafeContext {
    fn default() -> ThreadSafeContext {
        ThreadSafeContext::new()
    }
}

impl Drop for ThreadSafeContext {
    fn drop(&mut self) {
        // SAFETY: releases our reference; modules handed to ORC hold their own.
        unsafe { LLVMOrcDisposeThreadSafeContext(self.raw) }
    }
}

/// Turns an LLVM error into its message (consuming the error).
fn check(error: LLVMErrorRef) -> Result<(), String> {
    if error.is_null() {
        return Ok(());
    }
    // SAFETY: `error` is a live error; getting its message consumes it, and the message
    // is ours to dispose of after copying.
    unsafe {
        let message = LLVMGetErrorMessage(error);
        let text = CStr::from_ptr(message).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(message);
        Err(text)
    }
}
