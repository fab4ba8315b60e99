//! Lowering of each opcode: inline code for moves, constants, globals, numbers, branches,
//! calls and returns; everything else runs tier 0's implementation through `jit_step`.

use inkwell::values::{BasicMetadataValueEnum, BasicValue};
use inkwell::IntPredicate;

use super::numeric::Operand;
use super::{err, Lower, Word2};
use crate::bytecode::{Op, Reg};
use crate::jit::abi;
use ruff_runtime::context::offsets;
use ruff_runtime::ops::{ArithOp, CmpOp};
use ruff_runtime::{tag, Value};
impl<'ctx> Lower<'_, 'ctx> {
    pub(super) fn lower_op(&mut self, pc: usize) -> Result<(), String> {
        let op = self.proto.code[pc];
        if !self.hot[pc] {
            return self.lower_cold(pc, op);
        }
        self.lower_inline(pc, op)
    }

    /// An instruction with its inline code (where it has some).
    fn lower_inline(&self, pc: usize, op: Op) -> Result<(), String> {
        match op {
            Op::CheckDefined { reg, .. } => self.check_defined(pc, reg, true),
            Op::RaiseIfDefined { reg, .. } => self.check_defined(pc, reg, false),
            Op::Move { dst, src } => {
                let value = self.get(src)?;
                self.retain(value)?;
                self.set(dst, value)?;
                self.next(pc)
            }
            Op::LoadNull { dst } => self.load_scalar(pc, dst, tag::NULL, 0),
            Op::LoadBool { dst, value } => self.load_scalar(pc, dst, tag::BOOL, value as u64),
            Op::LoadInt { dst, value } => self.load_scalar(pc, dst, tag::INT, value as i64 as u64),
            Op::LoadNone { dst } => self.load_scalar(pc, dst, tag::NONE, 0),
            Op::LoadUndef { dst } => self.load_scalar(pc, dst, tag::UNDEF, 0),
            Op::LoadConst { dst, k } => match self.proto.consts[k as usize] {
                Value::Int(i) => self.load_scalar(pc, dst, tag::INT, i as u64),
                Value::Float(x) => self.load_scalar(pc, dst, tag::FLOAT, x.to_bits()),
                Value::Bool(b) => self.load_scalar(pc, dst, tag::BOOL, b as u64),
                Value::Null => self.load_scalar(pc, dst, tag::NULL, 0),
                _ => self.step(pc),
            },
            Op::GetGlobal { dst, g } if self.fused.contains(&pc) && self.hot[pc] => {
                self.pending_callee.set(Some((dst, g, pc)));
                self.next(pc)
            }
            Op::GetGlobal { dst, g } => {
                self.get_global(pc, dst, g)?;
                self.next(pc)
            }

            Op::Add { dst, a, b } => self.arith(pc, ArithOp::Add, dst, a, Operand::Reg(b)),
            Op::Sub { dst, a, b } => self.arith(pc, ArithOp::Sub, dst, a, Operand::Reg(b)),
            Op::Mul { dst, a, b } => self.arith(pc, ArithOp::Mul, dst, a, Operand::Reg(b)),
            Op::Div { dst, a, b } => self.arith(pc, ArithOp::Div, dst, a, Operand::Reg(b)),
            Op::Mod { dst, a, b } => self.arith(pc, ArithOp::Mod, dst, a, Operand::Reg(b)),
            Op::AddK { dst, a, k } => self.arith(pc, ArithOp::Add, dst, a, Operand::Const(k)),
            Op::SubK { dst, a, k } => self.arith(pc, ArithOp::Sub, dst, a, Operand::Const(k)),
            Op::MulK { dst, a, k } => self.arith(pc, ArithOp::Mul, dst, a, Operand::Const(k)),
            Op::DivK { dst, a, k } => self.arith(pc, ArithOp::Div, dst, a, Operand::Const(k)),
            Op::ModK { dst, a, k } => self.arith(pc, ArithOp::Mod, dst, a, Operand::Const(k)),
            Op::Not { dst, src } => self.not(pc, dst, src),

            Op::Eq { dst, a, b } => self.equality_into(pc, dst, a, Operand::Reg(b), false),
            Op::Ne { dst, a, b } => self.equality_into(pc, dst, a, Operand::Reg(b), true),
            Op::Lt { dst, a, b } => self.compare_into(pc, CmpOp::Lt, dst, a, b),
            Op::Le { dst, a, b } => self.compare_into(pc, CmpOp::Le, dst, a, b),
            Op::Gt { dst, a, b } => self.compare_into(pc, CmpOp::Gt, dst, a, b),
            Op::Ge { dst, a, b } => self.compare_into(pc, CmpOp::Ge, dst, a, b),
            Op::JumpIfNotLt { a, b, target } => {
                self.compare_jump(pc, CmpOp::Lt, a, Operand::Reg(b), target)
            }
            Op::JumpIfNotLe { a, b, target } => {
                self.compare_jump(pc, CmpOp::Le, a, Operand::Reg(b), target)
            }
            Op::JumpIfNotGt { a, b, target } => {
                self.compare_jump(pc, CmpOp::Gt, a, Operand::Reg(b), target)
            }
            Op::JumpIfNotGe { a, b, target } => {
                self.compare_jump(pc, CmpOp::Ge, a, Operand::Reg(b), target)
            }
            Op::JumpIfNotLtK { a, k, target } => {
                self.compare_jump(pc, CmpOp::Lt, a, Operand::Const(k), target)
            }
            Op::JumpIfNotLeK { a, k, target } => {
                self.compare_jump(pc, CmpOp::Le, a, Operand::Const(k), target)
            }
            Op::JumpIfNotGtK { a, k, target } => {
                self.compare_jump(pc, CmpOp::Gt, a, Operand::Const(k), target)
            }
            Op::JumpIfNotGeK { a, k, target } => {
                self.compare_jump(pc, CmpOp::Ge, a, Operand::Const(k), target)
            }
            Op::JumpIfNotEq { a, b, target } => {
                self.equality_jump(a, Operand::Reg(b), false, pc, target)
            }
            Op::JumpIfNotNe { a, b, target } => {
                self.equality_jump(a, Operand::Reg(b), true, pc, target)
            }
            Op::JumpIfNotEqK { a, k, target } => {
                self.equality_jump(a, Operand::Const(k), false, pc, target)
            }
            Op::JumpIfNotNeK { a, k, target } => {
                self.equality_jump(a, Operand::Const(k), true, pc, target)
            }

            Op::Truthy { dst, src } => {
                let value = self.get(src)?;
                let truth = self.truthy(value)?;
                let payload = self
                    .b
                    .build_int_z_extend(truth, self.i64t, "b")
                    .map_err(err)?;
                self.set(dst, self.word(tag::BOOL, payload))?;
                self.next(pc)
            }
            Op::Jump { target } | Op::Loop { target } => {
                if matches!(op, Op::Loop { .. })
                    && super::plan::loop_calls_helpers(self.proto, pc, target as usize)
                {
                    self.heap_poll(pc)?;
                }
                self.b
                    .build_unconditional_branch(self.goto(target as usize)?)
                    .map_err(err)?;
                Ok(())
            }
            Op::JumpIfFalsy { src, target } | Op::JumpIfTruthy { src, target } => {
                let value = self.get(src)?;
                let truth = self.truthy(value)?;
                let (jump, stay) = (self.goto(target as usize)?, self.goto(pc + 1)?);
                let (on_true, on_false) = match op {
                    Op::JumpIfTruthy { .. } => (jump, stay),
                    _ => (stay, jump),
                };
                self.b
                    .build_conditional_branch(truth, on_true, on_false)
                    .map_err(err)?;
                Ok(())
            }
            Op::JumpIfNull { src, target } | Op::JumpIfNotNull { src, target } => {
                let value = self.get(src)?;
                let null = self.tag_is(value, tag::NULL)?;
                let (jump, stay) = (self.goto(target as usize)?, self.goto(pc + 1)?);
                let (on_null, on_other) = match op {
                    Op::JumpIfNull { .. } => (jump, stay),
                    _ => (stay, jump),
                };
                self.b
                    .build_conditional_branch(null, on_null, on_other)
                    .map_err(err)?;
                Ok(())
            }
            Op::ForNext { iter, dst, target } => self.for_next(pc, iter, dst, target),

            Op::Call { base, argc } => self.call_op(pc, base, argc),
            Op::CallMethod { base, argc, name } => self.call_method(pc, base, argc, name),
            Op::Return { src } => self.return_op(Some(src)),
            Op::ReturnNull => self.return_op(None),
            Op::TryUnwrap { src, .. } => self.try_unwrap(pc, src),
            _ => self.step(pc),
        }
    }

    /// At the back-edge `pc` of a loop that may allocate: once the heap has passed its
    /// limit, tier 0 runs the back-edge, which raises the error.
    fn heap_poll(&self, pc: usize) -> Result<(), String> {
        let (used, limit) = ruff_runtime::heap::counter_addresses();
        let used = self.load_counter(used)?;
        let limit = self.load_counter(limit)?;
        let over = self
            .b
            .build_int_compare(IntPredicate::UGT, used, limit, "over_heap")
            .map_err(err)?;
        let polled = self.new_block("polled");
        self.b
            .build_conditional_branch(over, self.bail_block(pc)?, polled)
            .map_err(err)?;
        self.b.position_at_end(polled);
        Ok(())
    }

    /// The `usize` counter at `address` (an atomic of this process), read monotonically.
    fn load_counter(&self, address: usize) -> Result<inkwell::values::IntValue<'ctx>, String> {
        let ptr = self
            .b
            .build_int_to_ptr(
                self.i64t.const_int(address as u64, false),
                self.ptrt,
                "heap",
            )
            .map_err(err)?;
        let load = self
            .b
            .build_load(self.i64t, ptr, "heap_word")
            .map_err(err)?;
        let instruction = load.as_instruction_value().ok_or("load")?;
        instruction
            .set_atomic_ordering(inkwell::AtomicOrdering::Monotonic)
            .map_err(|e| e.to_string())?;
        instruction.set_alignment(8).map_err(|e| e.to_string())?;
        Ok(load.into_int_value())
    }

    /// Code that runs once per call: control flow and calls, everything else in tier 0.
    fn lower_cold(&self, pc: usize, op: Op) -> Result<(), String> {
        match op {
            Op::Jump { target } | Op::Loop { target } => {
                self.b
                    .build_unconditional_branch(self.goto(target as usize)?)
                    .map_err(err)?;
                Ok(())
            }
            Op::Return { src } => self.return_op(Some(src)),
            Op::ReturnNull => self.return_op(None),
            Op::Call { base, argc } => self.call_through_vm(pc, base, argc),
            Op::CallMethod { base, argc, name } => self.call_method(pc, base, argc, name),
            Op::TryUnwrap { src, .. } => self.try_unwrap(pc, src),
            Op::LoadNull { .. }
            | Op::LoadBool { .. }
            | Op::LoadInt { .. }
            | Op::LoadNone { .. }
            | Op::LoadUndef { .. }
            | Op::CheckDefined { .. }
            | Op::RaiseIfDefined { .. } => self.lower_inline(pc, op),
            _ => self.step(pc),
        }
    }

    /// `CheckDefined`/`RaiseIfDefined` on a plain register: the common outcome inline;
    /// cells and errors are tier 0's.
    fn check_defined(&self, pc: usize, reg: Reg, want_defined: bool) -> Result<(), String> {
        let value = self.get(reg)?;
        let undef = self.tag_is(value, tag::UNDEF)?;
        let fine = if want_defined {
            let cell = self.tag_is(value, tag::CELL)?;
            let either = self.b.build_or(undef, cell, "maybe_undef").map_err(err)?;
            self.b.build_not(either, "defined").map_err(err)?
        } else {
            undef
        };
        // In a loop a captured (boxed) variable takes this path every time: tier 0's
        // code, then on; elsewhere it is rare, and leaving keeps the function small.
        let other = if self.hot[pc] {
            let here = self.b.get_insert_block().ok_or("no block")?;
            let block = self.new_block("check_general");
            self.b.position_at_end(block);
            self.step(pc)?;
            self.b.position_at_end(here);
            block
        } else {
            self.bail_block(pc)?
        };
        if pc + 1 >= self.proto.code.len() {
            return Err("code runs off its end".into());
        }
        let next = self.goto(pc + 1)?;
        self.b
            .build_conditional_branch(fine, next, other)
            .map_err(err)?;
        Ok(())
    }

    pub(super) fn word(&self, tag: u8, payload: inkwell::values::IntValue<'ctx>) -> Word2<'ctx> {
        Word2 {
            tag: self.i64t.const_int(tag as u64, false),
            payload,
        }
    }

    fn load_scalar(&self, pc: usize, dst: Reg, tag: u8, payload: u64) -> Result<(), String> {
        self.set(dst, self.word(tag, self.i64t.const_int(payload, false)))?;
        self.next(pc)
    }

    pub(super) fn tag_is(
        &self,
        value: Word2<'ctx>,
        tag: u8,
    ) -> Result<inkwell::values::IntValue<'ctx>, String> {
        self.b
            .build_int_compare(
                IntPredicate::EQ,
                value.tag,
                self.i64t.const_int(tag as u64, false),
                "is",
            )
            .map_err(err)
    }

    /// R[dst] = G[g]; an undefined global leaves for tier 0 at `pc` (which raises it).
    pub(super) fn get_global(&self, pc: usize, dst: Reg, g: u32) -> Result<(), String> {
        let value = self.load_global(g)?;
        let undefined = self.tag_is(value, tag::UNDEF)?;
        let defined = self.new_block("defined");
        let missing = self.bail_block(pc)?;
        self.b
            .build_conditional_branch(undefined, missing, defined)
            .map_err(err)?;
        self.b.position_at_end(defined);
        self.retain(value)?;
        self.set(dst, value)
    }

    pub(super) fn load_global(&self, g: u32) -> Result<Word2<'ctx>, String> {
        let table_field = self.field(offsets::GLOBALS)?;
        let table = self
            .b
            .build_load(self.ptrt, table_field, "globals")
            .map_err(err)?
            .into_pointer_value();
        let offset = g as u64 * crate::vm::GLOBAL_STRIDE as u64;
        let slot = self.byte_gep(table, self.i64t.const_int(offset, false))?;
        self.load_value(slot)
    }

    /// Truthiness: bools inline, everything else through the runtime.
    fn truthy(&self, value: Word2<'ctx>) -> Result<inkwell::values::IntValue<'ctx>, String> {
        let is_bool = self.tag_is(value, tag::BOOL)?;
        let here = self.b.get_insert_block().ok_or("no block")?;
        let (inline, general, done) = (
            self.new_block("truthy_bool"),
            self.new_block("truthy_any"),
            self.new_block("truthy"),
        );
        self.b
            .build_conditional_branch(is_bool, inline, general)
            .map_err(err)?;
        let _ = here;
        self.b.position_at_end(inline);
        let byte = self
            .b
            .build_int_truncate(value.payload, self.i8t, "byte")
            .map_err(err)?;
        let quick = self
            .b
            .build_int_compare(IntPredicate::NE, byte, self.i8t.const_zero(), "bool")
            .map_err(err)?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(general);
        let slow = self.call(
            &abi::VALUE_TRUTHY,
            &[value.tag.into(), value.payload.into()],
        )?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(done);
        let phi = self
            .b
            .build_phi(self.llvm.bool_type(), "truth")
            .map_err(err)?;
        phi.add_incoming(&[(&quick, inline), (&slow, general)]);
        Ok(phi.as_basic_value().into_int_value())
    }

    fn not(&self, pc: usize, dst: Reg, src: Reg) -> Result<(), String> {
        let value = self.get(src)?;
        let is_bool = self.tag_is(value, tag::BOOL)?;
        let (inline, general) = (self.new_block("not_bool"), self.new_block("not_any"));
        self.b
            .build_conditional_branch(is_bool, inline, general)
            .map_err(err)?;
        self.b.position_at_end(general);
        self.step(pc)?;
        self.b.position_at_end(inline);
        let bit = self
            .b
            .build_and(value.payload, self.i64t.const_int(1, false), "bit")
            .map_err(err)?;
        let flipped = self
            .b
            .build_xor(bit, self.i64t.const_int(1, false), "not")
            .map_err(err)?;
        self.set(dst, self.word(tag::BOOL, flipped))?;
        self.next(pc)
    }

    /// `a == b` (negated for `!=`): ints inline, everything else through the runtime.
    fn equality(
        &self,
        a: Reg,
        b: Operand,
        negate: bool,
    ) -> Result<inkwell::values::IntValue<'ctx>, String> {
        let x = self.get(a)?;
        let Some(y) = self.operand(b)? else {
            return Err("equality with a constant tier 1 cannot hold".into());
        };
        let both_int = {
            let xi = self.tag_is(x, tag::INT)?;
            let yi = self.tag_is(y, tag::INT)?;
            self.b.build_and(xi, yi, "ints").map_err(err)?
        };
        let (inline, general, done) = (
            self.new_block("eq_int"),
            self.new_block("eq_any"),
            self.new_block("eq"),
        );
        self.b
            .build_conditional_branch(both_int, inline, general)
            .map_err(err)?;
        self.b.position_at_end(inline);
        let quick = self
            .b
            .build_int_compare(IntPredicate::EQ, x.payload, y.payload, "eq")
            .map_err(err)?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(general);
        let args: [BasicMetadataValueEnum; 4] = [
            x.tag.into(),
            x.payload.into(),
            y.tag.into(),
            y.payload.into(),
        ];
        let slow = self.call(&abi::VALUES_EQUAL, &args)?;
        self.b.build_unconditional_branch(done).map_err(err)?;
        self.b.position_at_end(done);
        let phi = self
            .b
            .build_phi(self.llvm.bool_type(), "equal")
            .map_err(err)?;
        phi.add_incoming(&[(&quick, inline), (&slow, general)]);
        let equal = phi.as_basic_value().into_int_value();
        if negate {
            self.b.build_not(equal, "ne").map_err(err)
        } else {
            Ok(equal)
        }
    }

    fn equality_into(
        &self,
        pc: usize,
        dst: Reg,
        a: Reg,
        b: Operand,
        negate: bool,
    ) -> Result<(), String> {
        let result = self.equality(a, b, negate)?;
        let payload = self
            .b
            .build_int_z_extend(result, self.i64t, "b")
            .map_err(err)?;
        self.set(dst, self.word(tag::BOOL, payload))?;
        self.next(pc)
    }

    fn equality_jump(
        &self,
        a: Reg,
        b: Operand,
        negate: bool,
        pc: usize,
        target: u32,
    ) -> Result<(), String> {
        if matches!(b, Operand::Const(k) if !self.const_is_plain(k)) {
            return self.step(pc);
        }
        let result = self.equality(a, b, negate)?;
        self.b
            .build_conditional_branch(result, self.goto(pc + 1)?, self.goto(target as usize)?)
            .map_err(err)?;
        Ok(())
    }

    fn for_next(&self, pc: usize, iter: Reg, dst: Reg, target: u32) -> Result<(), String> {
        let end = self.get(iter)?;
        let at = self.get(iter + 1)?;
        let step = self.get(iter + 2)?;
        let ints = {
            let a = self.tag_is(end, tag::INT)?;
            let b = self.tag_is(at, tag::INT)?;
            let c = self.tag_is(step, tag::INT)?;
            let ab = self.b.build_and(a, b, "ints").map_err(err)?;
            self.b.build_and(ab, c, "ints").map_err(err)?
        };
        let (counting, general) = (self.new_block("count"), self.new_block("iterate"));
        self.b
            .build_conditional_branch(ints, counting, general)
            .map_err(err)?;
        self.b.position_at_end(general);
        self.step(pc)?;
        self.b.position_at_end(counting);
        let up = self
            .b
            .build_int_compare(
                IntPredicate::SGT,
                step.payload,
                self.i64t.const_zero(),
                "up",
            )
            .map_err(err)?;
        let below = self
            .b
            .build_int_compare(IntPredicate::SLT, at.payload, end.payload, "below")
            .map_err(err)?;
        let above = self
            .b
            .build_int_compare(IntPredicate::SGT, at.payload, end.payload, "above")
            .map_err(err)?;
        let more = self
            .b
            .build_select(up, below, above, "more")
            .map_err(err)?
            .into_int_value();
        let body = self.new_block("next_item");
        self.b
            .build_conditional_branch(more, body, self.goto(target as usize)?)
            .map_err(err)?;
        self.b.position_at_end(body);
        self.set(dst, self.word(tag::INT, at.payload))?;
        let (sum, overflow) = self.int_overflow_op("sadd", at.payload, step.payload)?;
        // Past i64 the range has ended: park the counter on `end` (as tier 0 does).
        let next = self
            .b
            .build_select(overflow, end.payload, sum, "counter")
            .map_err(err)?
            .into_int_value();
        self.set(iter + 1, self.word(tag::INT, next))?;
        self.next(pc)
    }
}
