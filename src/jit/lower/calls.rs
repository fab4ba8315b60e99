//! Calls and returns: direct native calls between compiled functions, calls through the
//! VM, method calls, `?`, and returning into the caller's result register.

use inkwell::values::BasicMetadataValueEnum;
use inkwell::IntPredicate;

use super::{err, Lower, Word2};
use crate::bytecode::Reg;
use crate::jit::abi;
use ruff_runtime::context::offsets;
use ruff_runtime::jit_abi::RC_VALUE_OFFSET;
use ruff_runtime::tag;
use ruff_runtime::value::FuncObj;

impl<'ctx> Lower<'_, 'ctx> {
    /// A method call, made by the VM (`jit_call_method`).
    pub(super) fn call_method(
        &self,
        pc: usize,
        base: Reg,
        argc: u16,
        name: u32,
    ) -> Result<(), String> {
        self.call_helper(&abi::CALL_METHOD, pc, base, argc, Some(name))
    }

    /// `R[src]?`: an error or none returns it; anything else is tier 0's.
    pub(super) fn try_unwrap(&self, pc: usize, src: Reg) -> Result<(), String> {
        let value = self.get(src)?;
        let is_err = self.tag_is(value, tag::ERR)?;
        let is_none = self.tag_is(value, tag::NONE)?;
        let leaves = self.b.build_or(is_err, is_none, "leaves").map_err(err)?;
        let (ret, stay) = (self.new_block("try_return"), self.new_block("try_unwrap"));
        self.b
            .build_conditional_branch(leaves, ret, stay)
            .map_err(err)?;
        self.b.position_at_end(ret);
        self.return_op(Some(src))?;
        self.b.position_at_end(stay);
        self.step(pc)
    }

    /// A call made by the VM (`jit_call`), which runs compiled callees too.
    pub(super) fn call_through_vm(&self, pc: usize, base: Reg, argc: u16) -> Result<(), String> {
        self.call_helper(&abi::CALL, pc, base, argc, None)
    }

    /// Calls `helper` (`jit_call` or `jit_call_method`) for the call at `pc` with the
    /// callee (or method name's receiver) at `base`, and continues or leaves on its status.
    fn call_helper(
        &self,
        helper: &abi::Helper,
        pc: usize,
        base: Reg,
        argc: u16,
        name: Option<u32>,
    ) -> Result<(), String> {
        self.flush()?;
        self.publish_depth()?;
        let word =
            |n: u64| -> BasicMetadataValueEnum<'ctx> { self.i32t.const_int(n, false).into() };
        let mut args = vec![
            self.ctx.into(),
            word(pc as u64),
            word(base as u64),
            word(argc as u64),
        ];
        args.extend(name.map(|n| word(n as u64)));
        let status = self.call(helper, &args)?;
        self.refresh_regs()?;
        self.reload(0)?;
        self.branch_on_status(status, pc)
    }

    /// Branches on a helper's status: on to `pc + 1`, or out with the error.
    pub(super) fn branch_on_status(
        &self,
        status: inkwell::values::IntValue<'ctx>,
        pc: usize,
    ) -> Result<(), String> {
        let ok = self
            .b
            .build_int_compare(
                IntPredicate::EQ,
                status,
                self.i32t.const_int(abi::STATUS_OK as u64, false),
                "ok",
            )
            .map_err(err)?;
        let fail = self.exit_block(pc + 1)?;
        self.b
            .build_conditional_branch(ok, self.goto(pc + 1)?, fail)
            .map_err(err)?;
        Ok(())
    }

    pub(super) fn call_op(&self, pc: usize, base: Reg, argc: u16) -> Result<(), String> {
        if self.builtin_calls.contains(&pc) {
            return self.call_through_vm(pc, base, argc);
        }
        if let Some((_, g, load_pc)) = self.pending_callee.take() {
            self.call_global(pc, base, argc, g, load_pc)?;
        }
        let callee = self.get(base)?;
        let is_func = self.tag_is(callee, tag::FUNC)?;
        let (func, general) = (self.new_block("call_func"), self.new_block("call_any"));
        self.b
            .build_conditional_branch(is_func, func, general)
            .map_err(err)?;

        self.b.position_at_end(general);
        self.call_through_vm(pc, base, argc)?;

        // A closure: straight into its compiled code when it has some.
        self.b.position_at_end(func);
        let proto = self.func_proto(callee)?;
        let code_field = self.field(offsets::CODE)?;
        let table = self
            .b
            .build_load(self.ptrt, code_field, "code")
            .map_err(err)?
            .into_pointer_value();
        let entry_offset = self
            .b
            .build_int_mul(proto, self.i64t.const_int(16, false), "entry_off")
            .map_err(err)?;
        let entry_ptr = self.byte_gep(table, entry_offset)?;
        let entry = self.load_i64(entry_ptr, "entry")?;
        let arity_ptr = self.byte_gep(entry_ptr, self.i64t.const_int(8, false))?;
        let arity = self.load_i64(arity_ptr, "arity")?;
        let compiled = self
            .b
            .build_int_compare(IntPredicate::NE, entry, self.i64t.const_zero(), "compiled")
            .map_err(err)?;
        let fits = self
            .b
            .build_int_compare(
                IntPredicate::EQ,
                arity,
                self.i64t.const_int(argc as u64, false),
                "arity_ok",
            )
            .map_err(err)?;
        let direct = self.b.build_and(compiled, fits, "direct").map_err(err)?;
        let direct = self
            .b
            .build_and(direct, self.stack_room()?, "direct")
            .map_err(err)?;
        let native = self.new_block("call_native");
        self.b
            .build_conditional_branch(direct, native, general)
            .map_err(err)?;
        self.b.position_at_end(native);
        let target = self
            .b
            .build_int_to_ptr(entry, self.ptrt, "target")
            .map_err(err)?;
        let status = self.direct_call(base, target)?;
        self.after_direct_call(status, pc, base)
    }

    /// A call through this function's own global `g`, whose load was deferred: a
    /// recursive call of this (capture-free) function goes straight in without loading
    /// the closure at all, since nothing would read it; any other callee is loaded into
    /// R[base] now and the general call code follows.
    fn call_global(
        &self,
        pc: usize,
        base: Reg,
        argc: u16,
        g: u32,
        load_pc: usize,
    ) -> Result<(), String> {
        let callee = self.load_global(g)?;
        let is_func = self.tag_is(callee, tag::FUNC)?;
        let (func, general) = (self.new_block("global_func"), self.new_block("global_any"));
        self.b
            .build_conditional_branch(is_func, func, general)
            .map_err(err)?;
        self.b.position_at_end(func);
        let proto = self.func_proto(callee)?;
        let same = self
            .b
            .build_int_compare(
                IntPredicate::EQ,
                proto,
                self.i64t.const_int(self.proto_index as u64, false),
                "self",
            )
            .map_err(err)?;
        let recursive = self.new_block("recursive");
        let same = if argc == self.proto.arity {
            self.b
                .build_and(same, self.stack_room()?, "self_room")
                .map_err(err)?
        } else {
            self.llvm.bool_type().const_zero()
        };
        self.b
            .build_conditional_branch(same, recursive, general)
            .map_err(err)?;
        self.b.position_at_end(recursive);
        let status = self.direct_call(base, self.function.as_global_value().as_pointer_value())?;
        self.after_direct_call(status, pc, base)?;
        self.b.position_at_end(general);
        self.get_global(load_pc, base, g)
    }

    /// Whether this frame is above the native stack's floor: only then may it call
    /// compiled code directly (below, calls go through tier 0, which needs no stack).
    fn stack_room(&self) -> Result<inkwell::values::IntValue<'ctx>, String> {
        let probe = self.stack_probe.ok_or("no stack probe")?;
        let here = self
            .b
            .build_ptr_to_int(probe, self.i64t, "stack_here")
            .map_err(err)?;
        let floor = self.load_i64(self.field(offsets::STACK_FLOOR)?, "stack_floor")?;
        self.b
            .build_int_compare(IntPredicate::UGE, here, floor, "stack_room")
            .map_err(err)
    }

    /// The function index of the closure `callee` (a `FUNC` value).
    fn func_proto(&self, callee: Word2<'ctx>) -> Result<inkwell::values::IntValue<'ctx>, String> {
        let object = self
            .b
            .build_int_to_ptr(callee.payload, self.ptrt, "func")
            .map_err(err)?;
        let proto_offset = RC_VALUE_OFFSET + std::mem::offset_of!(FuncObj, proto);
        let proto_ptr = self.byte_gep(object, self.i64t.const_int(proto_offset as u64, false))?;
        let proto = self
            .b
            .build_load(self.i32t, proto_ptr, "proto")
            .map_err(err)?
            .into_int_value();
        self.b
            .build_int_z_extend(proto, self.i64t, "proto64")
            .map_err(err)
    }

    /// Calls compiled code at `target` for the call with callee register `base`.
    fn direct_call(
        &self,
        base: Reg,
        target: inkwell::values::PointerValue<'ctx>,
    ) -> Result<Returned<'ctx>, String> {
        self.flush()?;
        let callee_base = self
            .b
            .build_int_add(
                self.base,
                self.i64t.const_int(base as u64 + 1, false),
                "callee_base",
            )
            .map_err(err)?;
        let first = if (base as usize + 1) < self.cache.len() {
            self.get(base + 1)?
        } else {
            self.word(tag::NULL, self.i64t.const_zero())
        };
        let args: [BasicMetadataValueEnum; 6] = [
            self.ctx.into(),
            callee_base.into(),
            self.i32t.const_zero().into(),
            self.callee_depth()?.into(),
            first.tag.into(),
            first.payload.into(),
        ];
        let fn_type = self.function.get_type();
        let site = self
            .b
            .build_indirect_call(fn_type, target, &args, "returned")
            .map_err(err)?;
        let (word, payload) = self.pair_result(site)?;
        Ok(Returned { word, payload })
    }

    /// After a direct call: re-read what the callee may have changed, then continue, or
    /// leave with the callee's error or resume.
    fn after_direct_call(
        &self,
        returned: Returned<'ctx>,
        pc: usize,
        base: Reg,
    ) -> Result<(), String> {
        self.refresh_regs()?;
        self.reload(base as usize)?;
        let status = self
            .b
            .build_and(returned.word, self.i64t.const_int(0xff, false), "status")
            .map_err(err)?;
        let status = self
            .b
            .build_int_truncate(status, self.i32t, "status32")
            .map_err(err)?;
        let failed = self.exit_block(pc + 1)?;
        let resumed =
            self.leave_block(self.i32t.const_int(abi::LEAVE_RESUME as u64, false), pc + 1)?;
        let ok = self.new_block("call_ok");
        let cases = [
            (self.i32t.const_int(abi::STATUS_OK as u64, false), ok),
            (self.i32t.const_int(abi::STATUS_ERROR as u64, false), failed),
        ];
        self.b.build_switch(status, resumed, &cases).map_err(err)?;
        self.b.position_at_end(ok);
        if let Some((tag_slot, payload_slot)) = self.cache_slot(base) {
            // The result, already in the stack, arrives in machine registers too. (Only
            // on success: otherwise that register is the callee's frame's closure slot.)
            let tag = self
                .b
                .build_right_shift(returned.word, self.i64t.const_int(8, false), false, "tag")
                .map_err(err)?;
            self.b.build_store(tag_slot, tag).map_err(err)?;
            self.b
                .build_store(payload_slot, returned.payload)
                .map_err(err)?;
        }
        self.next(pc)
    }

    /// Returns R[src] (null for `None`) into the caller's result register and drops the
    /// VM frame if one was materialized.
    pub(super) fn return_op(&self, src: Option<Reg>) -> Result<(), String> {
        let value = match src {
            Some(r) => self.get(r)?,
            None => self.word(tag::NULL, self.i64t.const_zero()),
        };
        self.retain(value)?;
        self.flush()?;
        if self.proto.receiver {
            self.call_void(&abi::UNWRAP_RECEIVER, &[self.ctx.into(), self.base.into()])?;
        }
        let result = self.slot(-1)?;
        let old = self.load_value(result)?;
        self.release(old)?;
        self.store_value(result, value)?;
        let index = self.depth;
        let materialized = self.load_i64(self.field(offsets::MATERIALIZED)?, "materialized")?;
        let framed = self
            .b
            .build_int_compare(IntPredicate::ULT, index, materialized, "framed")
            .map_err(err)?;
        let (pop, done) = (self.new_block("pop_frame"), self.new_block("returned"));
        self.b
            .build_conditional_branch(framed, pop, done)
            .map_err(err)?;
        self.b.position_at_end(pop);
        self.call_void(&abi::POP_FRAME, &[self.ctx.into()])?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(done);
        let word = self
            .b
            .build_left_shift(value.tag, self.i64t.const_int(8, false), "word")
            .map_err(err)?;
        self.ret_pair(word, value.payload)
    }
}

/// What a direct call returned: the status word (status | result tag << 8) and payload.
#[derive(Clone, Copy)]
struct Returned<'ctx> {
    word: inkwell::values::IntValue<'ctx>,
    payload: inkwell::values::IntValue<'ctx>,
}
