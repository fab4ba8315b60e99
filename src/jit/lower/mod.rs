//! Bytecode (+ feedback) -> LLVM IR for one function (`jit::compile` optimizes and
//! installs it).
//!
//! Registers live in the VM's register stack, as in tier 0. Registers that inline code
//! in loops works on are cached in allocas (which mem2reg turns into SSA values, so loops
//! run in machine registers): the cache is written back before anything that may look at
//! the stack (helpers, calls, returns, exits) and re-read after anything that may change
//! it. So at every helper call and every exit the VM's stack holds exactly what tier 0
//! would have, and tier 0 can continue from there.
//!
//! `plan` decides what gets inline code and caching; `cache` keeps track of where each
//! register's value lives; `types` which register tags are known; `ops` lowers each
//! opcode, `numeric` the guarded int/float fast paths, `calls` calls and returns.

mod cache;
mod calls;
mod numeric;
mod ops;
mod plan;
mod types;

use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::ContextRef;
use inkwell::module::{Linkage, Module};
use inkwell::types::{FloatType, IntType, PointerType};
use inkwell::values::{FunctionValue, IntValue, PointerValue};
use inkwell::IntPredicate;

use super::abi::{self, Helper};
use crate::bytecode::{Program, Proto, Reg};
use ruff_runtime::context::offsets;
use ruff_runtime::jit_abi::HEAP_TAGS;

/// Builds the module holding function `proto` as `symbol`, and verifies it.
pub(super) fn build_module<'ctx>(
    llvm: &ContextRef<'ctx>,
    program: &Program,
    proto: u32,
    symbol: &str,
) -> Result<Module<'ctx>, String> {
    let module = llvm.create_module(symbol);
    let lower = Lower::new(llvm, &module, program, proto, symbol);
    lower.build()?;
    module.verify().map_err(|e| e.to_string())?;
    Ok(module)
}

/// The state of lowering one function.
struct Lower<'a, 'ctx> {
    llvm: &'a ContextRef<'ctx>,
    module: &'a Module<'ctx>,
    b: Builder<'ctx>,
    function: FunctionValue<'ctx>,
    proto_index: u32,
    proto: &'a Proto,
    i64t: IntType<'ctx>,
    i32t: IntType<'ctx>,
    i8t: IntType<'ctx>,
    f64t: FloatType<'ctx>,
    ptrt: PointerType<'ctx>,
    ctx: PointerValue<'ctx>,
    base: IntValue<'ctx>,
    /// Calls active below this one (its index in `VMContext::chain` and the VM frames).
    depth: IntValue<'ctx>,
    /// A `GetGlobal` of this function's own global deferred to its `Call` (see
    /// `plan::fused_callees`): the callee register, the global, and the `GetGlobal`'s pc.
    pending_callee: std::cell::Cell<Option<(Reg, u32, usize)>>,
    /// Cached start of the register stack (re-read after anything that may move it).
    regs: Option<PointerValue<'ctx>>,
    /// A byte in this call's native frame: its address tells how much stack is left.
    stack_probe: Option<PointerValue<'ctx>>,
    /// The ways out for errors, failed guards and callees that left for tier 0, one per
    /// set of resident registers (which it writes back), with the stopping pc and the
    /// `abi::LEAVE_*` kind as phis.
    exits: std::cell::RefCell<Vec<Option<Exit<'ctx>>>>,
    /// Per register: its (tag, payload) cache slots, for registers inline code uses.
    cache: Vec<Option<(PointerValue<'ctx>, PointerValue<'ctx>)>>,
    /// Where cached registers live in the cache (`plan::CachePlan`).
    cache_plan: plan::CachePlan,
    /// The set of `cache_plan` in force where code is being built (0 outside the
    /// instructions: the prologue works on the stack).
    resident: std::cell::Cell<usize>,
    /// The block of each instruction.
    blocks: Vec<BasicBlock<'ctx>>,
    /// `GetGlobal`s deferred to their call (`plan::fused_callees`).
    fused: std::collections::HashSet<usize>,
    /// Calls of builtins, made through the VM (`plan::builtin_calls`).
    builtin_calls: std::collections::HashSet<usize>,
    /// Register tags known before each instruction.
    types: types::Types,
    /// Instructions that get inline code (`plan::hot_instructions`).
    hot: Vec<bool>,
    /// Cached registers are written to the stack at once (loop-free functions, whose
    /// cache only saves reloads) rather than before the stack is looked at (loops).
    write_through: bool,
    /// The instruction being lowered, and tags its guards established so far.
    current_pc: std::cell::Cell<usize>,
    learned: std::cell::RefCell<Vec<(Reg, u8)>>,
    /// Set once the cache was re-read in this instruction: the facts no longer apply.
    stale: std::cell::Cell<bool>,
}

/// The shared exit block and its phis: guard pc, resume pc, `abi::LEAVE_*` kind.
#[derive(Clone, Copy)]
struct Exit<'ctx> {
    block: BasicBlock<'ctx>,
    guard: inkwell::values::PhiValue<'ctx>,
    resume: inkwell::values::PhiValue<'ctx>,
    kind: inkwell::values::PhiValue<'ctx>,
}

/// A register's two words as SSA values (tag as i64, payload as i64).
#[derive(Clone, Copy)]
struct Word2<'ctx> {
    tag: IntValue<'ctx>,
    payload: IntValue<'ctx>,
}

impl<'a, 'ctx> Lower<'a, 'ctx> {
    fn new(
        llvm: &'a ContextRef<'ctx>,
        module: &'a Module<'ctx>,
        program: &'a Program,
        proto_index: u32,
        symbol: &str,
    ) -> Lower<'a, 'ctx> {
        let i64t = llvm.i64_type();
        let i32t = llvm.i32_type();
        let ptrt = llvm.ptr_type(Default::default());
        let pair = llvm.struct_type(&[i64t.into(), i64t.into()], false);
        let params = [
            ptrt.into(),
            i64t.into(),
            i32t.into(),
            i64t.into(),
            i64t.into(),
            i64t.into(),
        ];
        let fn_type = pair.fn_type(&params, false);
        let function = module.add_function(symbol, fn_type, Some(Linkage::External));
        let noalias = llvm.create_enum_attribute(
            inkwell::attributes::Attribute::get_named_enum_kind_id("noalias"),
            0,
        );
        function.add_attribute(inkwell::attributes::AttributeLoc::Param(0), noalias);
        let ctx = function.get_nth_param(0).map(|p| p.into_pointer_value());
        let base = function.get_nth_param(1).map(|p| p.into_int_value());
        let depth = function.get_nth_param(3).map(|p| p.into_int_value());
        let proto = &program.protos[proto_index as usize];
        let hot = plan::hot_instructions(proto, proto_index == program.main);
        // Top-level functions are bound to the global of their name; a call through
        // that global may be a recursive call.
        let own_global = program
            .globals
            .iter()
            .position(|name| **name == *proto.name)
            .map(|g| g as u32);
        Lower {
            llvm,
            module,
            b: llvm.create_builder(),
            function,
            proto_index,
            proto,
            i64t,
            i32t,
            i8t: llvm.i8_type(),
            f64t: llvm.f64_type(),
            ptrt,
            ctx: ctx.expect("compiled functions take the context first"),
            base: base.expect("compiled functions take the register base second"),
            depth: depth.expect("compiled functions take the depth fourth"),
            pending_callee: std::cell::Cell::new(None),
            regs: None,
            stack_probe: None,
            exits: std::cell::RefCell::new(Vec::new()),
            cache: vec![None; proto.num_regs as usize],
            cache_plan: plan::register_cache(proto),
            resident: std::cell::Cell::new(0),
            blocks: Vec::new(),
            types: types::Types::analyze(proto, Self::cleared_from(proto), &hot),
            hot,
            write_through: Self::cleared_from(proto).is_none(),
            current_pc: std::cell::Cell::new(0),
            learned: std::cell::RefCell::new(Vec::new()),
            stale: std::cell::Cell::new(false),
            fused: match own_global {
                Some(g) if proto.captures.is_empty() => plan::fused_callees(proto, g),
                _ => Default::default(),
            },
            builtin_calls: plan::builtin_calls(proto, &plan::builtin_globals(program)),
        }
    }

    /// In functions with loops, the prologue nulls the registers from this one up (all
    /// but the arguments and receiver), so the loops know their temporaries hold no heap
    /// values. The interpreter never reads a register its function has not written.
    fn cleared_from(proto: &Proto) -> Option<usize> {
        let loops = proto
            .code
            .iter()
            .any(|op| matches!(op, crate::bytecode::Op::Loop { .. }));
        loops.then_some(proto.arity as usize + proto.receiver as usize)
    }

    fn build(mut self) -> Result<(), String> {
        let entry = self.llvm.append_basic_block(self.function, "entry");
        self.b.position_at_end(entry);
        for (pc, _) in self.proto.code.iter().enumerate() {
            let block = self
                .llvm
                .append_basic_block(self.function, &format!("pc{pc}"));
            self.blocks.push(block);
        }
        self.regs = Some(self.b.build_alloca(self.ptrt, "regs").map_err(err)?);
        self.stack_probe = Some(
            self.b
                .build_alloca(self.llvm.i8_type(), "stack_probe")
                .map_err(err)?,
        );
        for r in self.cache_plan.registers.clone() {
            let tag = self
                .b
                .build_alloca(self.i64t, &format!("t{r}"))
                .map_err(err)?;
            let payload = self
                .b
                .build_alloca(self.i64t, &format!("p{r}"))
                .map_err(err)?;
            self.cache[r as usize] = Some((tag, payload));
        }
        *self.exits.get_mut() = vec![None; self.cache_plan.sets.len()];
        self.b.position_at_end(entry);
        self.prologue()?;
        for pc in 0..self.proto.code.len() {
            self.b.position_at_end(self.blocks[pc]);
            self.current_pc.set(pc);
            self.resident.set(self.cache_plan.resident[pc]);
            self.learned.borrow_mut().clear();
            self.stale.set(false);
            self.lower_op(pc)?;
        }
        Ok(())
    }

    /// Enters the call: depth check, chain entry, stack room; then loads the register
    /// cache and jumps to the entry instruction.
    fn prologue(&mut self) -> Result<(), String> {
        let proto = self.i64t.const_int(self.proto_index as u64, false);
        let limit = self.load_i64(self.field(offsets::DEPTH_LIMIT)?, "limit")?;
        let too_deep = self
            .b
            .build_int_compare(IntPredicate::UGT, self.depth, limit, "too_deep")
            .map_err(err)?;
        let (deep, go) = (self.new_block("too_deep"), self.new_block("go"));
        self.b
            .build_conditional_branch(too_deep, deep, go)
            .map_err(err)?;
        self.b.position_at_end(deep);
        let proto32 = self.i32t.const_int(self.proto_index as u64, false);
        self.call_void(&abi::DEPTH_ERROR, &[self.ctx.into(), proto32.into()])?;
        self.ret_status(abi::STATUS_ERROR)?;
        self.b.position_at_end(go);
        let chain = self
            .b
            .build_load(self.ptrt, self.field(offsets::CHAIN)?, "chain")
            .map_err(err)?
            .into_pointer_value();
        let offset = self
            .b
            .build_int_mul(self.depth, self.i64t.const_int(16, false), "entry_off")
            .map_err(err)?;
        let entry = self.byte_gep(chain, offset)?;
        self.b.build_store(entry, proto).map_err(err)?;
        let entry_base = self.byte_gep(entry, self.i64t.const_int(8, false))?;
        self.b.build_store(entry_base, self.base).map_err(err)?;
        let needed = self
            .b
            .build_int_add(
                self.base,
                self.i64t.const_int(self.proto.num_regs as u64 + 1, false),
                "needed",
            )
            .map_err(err)?;
        let have = self.load_i64(self.field(offsets::REGS_LEN)?, "regs_len")?;
        let short = self
            .b
            .build_int_compare(IntPredicate::ULT, have, needed, "short")
            .map_err(err)?;
        let (grow, ready) = (self.new_block("grow"), self.new_block("ready"));
        self.b
            .build_conditional_branch(short, grow, ready)
            .map_err(err)?;
        self.b.position_at_end(grow);
        self.call_void(&abi::GROW, &[self.ctx.into(), needed.into()])?;
        self.b.build_unconditional_branch(ready).map_err(err)?;
        self.b.position_at_end(ready);
        self.refresh_regs()?;
        if let Some(from) = Self::cleared_from(self.proto) {
            self.clear_registers(from, entry_pc_is_zero(self)?)?;
        }
        if self.write_through {
            // Loop-free functions keep their cached registers in the cache everywhere, and
            // are only entered at instruction 0, with their first argument also passed in
            // machine registers (see `abi`).
            let everywhere = self.cache_plan.resident.first().copied().unwrap_or(0);
            self.resident.set(everywhere);
            self.reload(0)?;
            if let Some((tag, payload)) = self.cache_slot(0) {
                if self.proto.arity > 0 && !self.proto.receiver {
                    let arg_tag = self.function.get_nth_param(4).ok_or("no argument tag")?;
                    let arg_payload = self
                        .function
                        .get_nth_param(5)
                        .ok_or("no argument payload")?;
                    self.b.build_store(tag, arg_tag).map_err(err)?;
                    self.b.build_store(payload, arg_payload).map_err(err)?;
                }
            }
        }
        let entry_pc = self
            .function
            .get_nth_param(2)
            .map(|p| p.into_int_value())
            .ok_or("compiled functions take the entry pc third")?;
        let switch_block = self.b.get_insert_block().ok_or("no block")?;
        let mut cases = Vec::new();
        for header in plan::loop_headers(self.proto)
            .into_iter()
            .filter(|&t| t != 0)
        {
            let check = self.osr_entry(header)?;
            cases.push((self.i32t.const_int(header as u64, false), check));
        }
        self.b.position_at_end(switch_block);
        let start = self.goto(0)?;
        self.b.build_switch(entry_pc, start, &cases).map_err(err)?;
        Ok(())
    }

    /// The entry at loop header `header` for on-stack replacement: the registers must
    /// hold the tags the loop's code assumes there, or tier 0 keeps the loop for now.
    fn osr_entry(&self, header: usize) -> Result<BasicBlock<'ctx>, String> {
        let entry = self.new_block(&format!("osr{header}"));
        self.b.position_at_end(entry);
        let refuse = self.leave_block(self.i32t.const_int(abi::LEAVE_OSR as u64, false), header)?;
        for (r, tag) in self.types.facts(header) {
            let actual = self.load_value(self.slot(r as i64)?)?.tag;
            let fits = if tag == types::SCALAR {
                let heap = self.is_heap(actual)?;
                self.b.build_not(heap, "fits").map_err(err)?
            } else {
                self.b
                    .build_int_compare(
                        IntPredicate::EQ,
                        actual,
                        self.i64t.const_int(tag as u64, false),
                        "fits",
                    )
                    .map_err(err)?
            };
            let next = self.new_block("osr_fits");
            self.b
                .build_conditional_branch(fits, next, refuse)
                .map_err(err)?;
            self.b.position_at_end(next);
        }
        let into_loop = self.goto(header)?;
        self.b.build_unconditional_branch(into_loop).map_err(err)?;
        Ok(entry)
    }

    /// At a call's start (entry pc 0, not on-stack replacement): registers `from..` are
    /// released and set to null.
    fn clear_registers(&self, from: usize, fresh: IntValue<'ctx>) -> Result<(), String> {
        let (clear, done) = (self.new_block("clear"), self.new_block("cleared"));
        self.b
            .build_conditional_branch(fresh, clear, done)
            .map_err(err)?;
        self.b.position_at_end(clear);
        let absolute = |r: usize| {
            self.b
                .build_int_add(self.base, self.i64t.const_int(r as u64, false), "reg")
                .map_err(err)
        };
        let (first, end) = (absolute(from)?, absolute(self.proto.num_regs as usize)?);
        self.call_void(
            &abi::CLEAR_REGISTERS,
            &[self.ctx.into(), first.into(), end.into()],
        )?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(done);
        Ok(())
    }

    /// The shared exit for the registers resident here: writes them back and lets
    /// `jit_leave` record where this call stopped (materializing its frame); returns the
    /// status it gives. Made on first use, one per set of resident registers.
    fn exit(&self) -> Result<Exit<'ctx>, String> {
        let set = self.resident.get();
        if let Some(exit) = self.exits.borrow().get(set).copied().flatten() {
            return Ok(exit);
        }
        let here = self.b.get_insert_block();
        let block = self.new_block("leave");
        self.b.position_at_end(block);
        let guard = self.b.build_phi(self.i32t, "guard_pc").map_err(err)?;
        let resume = self.b.build_phi(self.i32t, "resume_pc").map_err(err)?;
        let kind = self.b.build_phi(self.i32t, "leave_kind").map_err(err)?;
        self.flush()?;
        let args: [inkwell::values::BasicMetadataValueEnum; 5] = [
            self.ctx.into(),
            self.depth.into(),
            guard.as_basic_value().into(),
            resume.as_basic_value().into(),
            kind.as_basic_value().into(),
        ];
        let status = self.call(&abi::LEAVE, &args)?;
        let status = self
            .b
            .build_int_z_extend(status, self.i64t, "status")
            .map_err(err)?;
        self.ret_pair(status, self.i64t.const_zero())?;
        let exit = Exit {
            block,
            guard,
            resume,
            kind,
        };
        if let Some(slot) = self.exits.borrow_mut().get_mut(set) {
            *slot = Some(exit);
        }
        if let Some(here) = here {
            self.b.position_at_end(here);
        }
        Ok(exit)
    }

    /// The depth callees of this call run at.
    fn callee_depth(&self) -> Result<IntValue<'ctx>, String> {
        self.b
            .build_int_add(self.depth, self.i64t.const_int(1, false), "callee_depth")
            .map_err(err)
    }

    /// Tells the VM how deep this call is, before a helper that may look at frames.
    fn publish_depth(&self) -> Result<(), String> {
        let depth = self.callee_depth()?;
        self.b
            .build_store(self.field(offsets::DEPTH)?, depth)
            .map_err(err)?;
        Ok(())
    }

    /// Re-reads the register stack's address (after a helper that may have moved it).
    fn refresh_regs(&self) -> Result<(), String> {
        let regs = self
            .b
            .build_load(self.ptrt, self.field(offsets::REGS)?, "regs")
            .map_err(err)?;
        let slot = self.regs.ok_or("no register stack slot")?;
        self.b.build_store(slot, regs).map_err(err)?;
        Ok(())
    }

    // ---- the register stack and the cache

    /// Address of absolute register `base + r` (`r` may be -1: the result register).
    fn slot(&self, r: i64) -> Result<PointerValue<'ctx>, String> {
        let regs_slot = self.regs.ok_or("no register stack slot")?;
        let regs = self
            .b
            .build_load(self.ptrt, regs_slot, "regs")
            .map_err(err)?
            .into_pointer_value();
        let index = self
            .b
            .build_int_add(self.base, self.i64t.const_int(r as u64, true), "reg")
            .map_err(err)?;
        let offset = self
            .b
            .build_int_mul(index, self.i64t.const_int(16, false), "reg_off")
            .map_err(err)?;
        self.byte_gep(regs, offset)
    }

    fn field(&self, offset: usize) -> Result<PointerValue<'ctx>, String> {
        self.byte_gep(self.ctx, self.i64t.const_int(offset as u64, false))
    }

    fn byte_gep(
        &self,
        ptr: PointerValue<'ctx>,
        offset: IntValue<'ctx>,
    ) -> Result<PointerValue<'ctx>, String> {
        // SAFETY: (inkwell marks GEPs unsafe) the offsets stay inside the register stack
        // or the object the pointer addresses, which the lowering's callers guarantee.
        unsafe { self.b.build_gep(self.i8t, ptr, &[offset], "at") }.map_err(err)
    }

    fn load_i64(&self, ptr: PointerValue<'ctx>, name: &str) -> Result<IntValue<'ctx>, String> {
        Ok(self
            .b
            .build_load(self.i64t, ptr, name)
            .map_err(err)?
            .into_int_value())
    }

    /// The two words of a value in memory at `ptr` (tag byte widened).
    fn load_value(&self, ptr: PointerValue<'ctx>) -> Result<Word2<'ctx>, String> {
        let tag_byte = self
            .b
            .build_load(self.i8t, ptr, "tag")
            .map_err(err)?
            .into_int_value();
        let tag = self
            .b
            .build_int_z_extend(tag_byte, self.i64t, "tag64")
            .map_err(err)?;
        let payload_ptr = self.byte_gep(ptr, self.i64t.const_int(8, false))?;
        let payload = self.load_i64(payload_ptr, "payload")?;
        Ok(Word2 { tag, payload })
    }

    fn store_value(&self, ptr: PointerValue<'ctx>, value: Word2<'ctx>) -> Result<(), String> {
        self.b.build_store(ptr, value.tag).map_err(err)?;
        let payload_ptr = self.byte_gep(ptr, self.i64t.const_int(8, false))?;
        self.b
            .build_store(payload_ptr, value.payload)
            .map_err(err)?;
        Ok(())
    }

    // ---- reference counts

    fn is_heap(&self, tag: IntValue<'ctx>) -> Result<IntValue<'ctx>, String> {
        let bits = self.i64t.const_int(HEAP_TAGS, false);
        let shifted = self
            .b
            .build_right_shift(bits, tag, false, "heap_bits")
            .map_err(err)?;
        self.b
            .build_int_truncate(shifted, self.llvm.bool_type(), "is_heap")
            .map_err(err)
    }

    /// Takes one more reference to `value` (a copy).
    fn retain(&self, value: Word2<'ctx>) -> Result<(), String> {
        self.if_heap(value, &abi::VALUE_CLONE)
    }

    /// Gives up a reference to `value` (the runtime frees it at the last one).
    fn release(&self, value: Word2<'ctx>) -> Result<(), String> {
        self.if_heap(value, &abi::VALUE_DROP)
    }

    /// Calls `helper` on `value` when it is reference counted (known scalars: nothing).
    fn if_heap(&self, value: Word2<'ctx>, helper: &Helper) -> Result<(), String> {
        if let Some(tag) = value.tag.get_zero_extended_constant() {
            if HEAP_TAGS & (1 << tag) == 0 {
                return Ok(());
            }
        }
        let heap = self.is_heap(value.tag)?;
        let (then, done) = (self.new_block("heap"), self.new_block("counted"));
        self.b
            .build_conditional_branch(heap, then, done)
            .map_err(err)?;
        self.b.position_at_end(then);
        self.call_void(helper, &[value.tag.into(), value.payload.into()])?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(done);
        Ok(())
    }

    // ---- calls, blocks, exits

    fn new_block(&self, name: &str) -> BasicBlock<'ctx> {
        self.llvm.append_basic_block(self.function, name)
    }

    fn call(
        &self,
        helper: &Helper,
        args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
    ) -> Result<IntValue<'ctx>, String> {
        let f = helper.declare(self.llvm, self.module);
        let site = self.b.build_call(f, args, helper.name).map_err(err)?;
        site.try_as_basic_value()
            .basic()
            .map(|v| v.into_int_value())
            .ok_or_else(|| format!("{} returns nothing", helper.name))
    }

    /// The two words of a call that returns a pair (`{ i64, i64 }` or `{ i64, i1 }`).
    fn pair_result(
        &self,
        site: inkwell::values::CallSiteValue<'ctx>,
    ) -> Result<(IntValue<'ctx>, IntValue<'ctx>), String> {
        let pair = site
            .try_as_basic_value()
            .basic()
            .ok_or("the call returns no pair")?
            .into_struct_value();
        let word = |i: u32| -> Result<IntValue<'ctx>, String> {
            Ok(self
                .b
                .build_extract_value(pair, i, "word")
                .map_err(err)?
                .into_int_value())
        };
        Ok((word(0)?, word(1)?))
    }

    fn call_void(
        &self,
        helper: &Helper,
        args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
    ) -> Result<(), String> {
        let f = helper.declare(self.llvm, self.module);
        self.b.build_call(f, args, "").map_err(err)?;
        Ok(())
    }

    fn ret_status(&self, status: u32) -> Result<(), String> {
        self.ret_pair(
            self.i64t.const_int(status as u64, false),
            self.i64t.const_zero(),
        )
    }

    /// Returns the pair (status word, payload): see `abi` for the encoding.
    fn ret_pair(&self, word: IntValue<'ctx>, payload: IntValue<'ctx>) -> Result<(), String> {
        let pair = self
            .function
            .get_type()
            .get_return_type()
            .ok_or("no return type")?;
        let pair = pair.into_struct_type();
        let value = self
            .b
            .build_insert_value(pair.get_undef(), word, 0, "ret")
            .map_err(err)?;
        let value = self
            .b
            .build_insert_value(value, payload, 1, "ret")
            .map_err(err)?;
        self.b.build_return(Some(&value)).map_err(err)?;
        Ok(())
    }

    /// A block that leaves this call at instruction `pc` with `kind` (`abi::LEAVE_*`).
    /// While a callee load is deferred, tier 0 resumes at that load instead (everything
    /// from there to the call may run again).
    fn leave_block(&self, kind: IntValue<'ctx>, pc: usize) -> Result<BasicBlock<'ctx>, String> {
        let here = self.b.get_insert_block();
        let block = self.new_block("to_leave");
        self.b.position_at_end(block);
        let resume = match self.pending_callee.get() {
            Some((_, _, load_pc)) => load_pc,
            None => pc,
        };
        let guard = self.i32t.const_int(pc as u64, false);
        let resume = self.i32t.const_int(resume as u64, false);
        let exit = self.exit()?;
        self.b.build_unconditional_branch(exit.block).map_err(err)?;
        exit.guard.add_incoming(&[(&guard, block)]);
        exit.resume.add_incoming(&[(&resume, block)]);
        exit.kind.add_incoming(&[(&kind, block)]);
        if let Some(here) = here {
            self.b.position_at_end(here);
        }
        Ok(block)
    }

    /// Leaves with the error instruction `pc - 1` raised.
    fn exit_block(&self, pc: usize) -> Result<BasicBlock<'ctx>, String> {
        self.leave_block(self.i32t.const_int(abi::LEAVE_ERROR as u64, false), pc)
    }

    /// Leaves for tier 0 after a failed guard at instruction `pc`.
    fn deopt_block(&self, pc: usize) -> Result<BasicBlock<'ctx>, String> {
        self.leave_block(self.i32t.const_int(abi::LEAVE_DEOPT as u64, false), pc)
    }

    /// Leaves for tier 0 to run instruction `pc` (a rare case, such as an error, that
    /// compiled code does not handle; the feedback stays as it is).
    fn bail_block(&self, pc: usize) -> Result<BasicBlock<'ctx>, String> {
        self.leave_block(self.i32t.const_int(abi::LEAVE_RESUME as u64, false), pc)
    }

    /// The instruction `pc` lowered as a call to tier 0's implementation of it.
    fn step(&self, pc: usize) -> Result<(), String> {
        self.flush()?;
        self.publish_depth()?;
        let at = self.i32t.const_int(pc as u64, false);
        let status = self.call(&abi::STEP, &[self.ctx.into(), at.into()])?;
        self.refresh_regs()?;
        self.reload(0)?;
        let fail = self.exit_block(pc + 1)?;
        let next = if pc + 1 < self.blocks.len() {
            self.goto(pc + 1)?
        } else {
            fail
        };
        let jumped = match self.proto.code[pc].jump_target() {
            Some(target) => self.goto(target as usize)?,
            None => next,
        };
        let cases = [
            (self.i32t.const_int(abi::STATUS_OK as u64, false), next),
            (
                self.i32t.const_int(abi::STATUS_JUMPED as u64, false),
                jumped,
            ),
        ];
        self.b.build_switch(status, fail, &cases).map_err(err)?;
        Ok(())
    }

    /// Continues with instruction `pc + 1`.
    fn next(&self, pc: usize) -> Result<(), String> {
        if pc + 1 >= self.blocks.len() {
            return Err("code runs off its end".into());
        }
        let target = self.goto(pc + 1)?;
        self.b.build_unconditional_branch(target).map_err(err)?;
        Ok(())
    }
}

/// Whether this call starts at instruction 0 (rather than at a loop header).
fn entry_pc_is_zero<'ctx>(lower: &Lower<'_, 'ctx>) -> Result<IntValue<'ctx>, String> {
    let entry_pc = lower
        .function
        .get_nth_param(2)
        .map(|p| p.into_int_value())
        .ok_or("compiled functions take the entry pc third")?;
    lower
        .b
        .build_int_compare(IntPredicate::EQ, entry_pc, lower.i32t.const_zero(), "fresh")
        .map_err(err)
}

/// inkwell builder errors as text.
fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
