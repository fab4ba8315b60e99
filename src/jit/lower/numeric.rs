//! Numbers: arithmetic and ordering comparisons specialized on tier-0 feedback.
//!
//! A site whose operands were always ints (or floats, or one of each) gets a tag guard and
//! native arithmetic; a failed guard deoptimizes. Overflow and zero divisors hand the
//! instruction to tier 0, which raises the error; sites with mixed feedback run tier 0's
//! implementation (`jit_step`).

use inkwell::intrinsics::Intrinsic;
use inkwell::values::{FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

use super::{err, Lower, Word2};
use crate::bytecode::{Proto, Reg};
use crate::jit::abi::FEEDBACK_GENERIC;
use ruff_runtime::ops::{ArithOp, CmpOp};
use ruff_runtime::{tag, Value};

/// The second operand of a binary instruction.
#[derive(Clone, Copy)]
pub(super) enum Operand {
    Reg(Reg),
    Const(u32),
}

/// The number kind a guarded site works on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int,
    Float,
}

impl Kind {
    fn tag(self) -> u8 {
        match self {
            Kind::Int => tag::INT,
            Kind::Float => tag::FLOAT,
        }
    }
}

/// The operand kinds feedback `bits` (tags seen, per operand) promises, if it promises any.
pub(super) fn kinds(feedback: u64) -> Option<(Kind, Kind)> {
    if feedback & FEEDBACK_GENERIC != 0 {
        return None;
    }
    // Int/int fast paths record nothing: no feedback means ints (or not run yet).
    if feedback == 0 {
        return Some((Kind::Int, Kind::Int));
    }
    let one = |bits: u64| match bits {
        b if b == 1 << tag::INT => Some(Kind::Int),
        b if b == 1 << tag::FLOAT => Some(Kind::Float),
        _ => None,
    };
    Some((one(feedback & 0xffff_ffff)?, one(feedback >> 32)?))
}

/// The number kind of constant `k`, if it is a number.
pub(super) fn const_kind(proto: &Proto, k: u32) -> Option<Kind> {
    match proto.consts.get(k as usize)? {
        Value::Int(_) => Some(Kind::Int),
        Value::Float(_) => Some(Kind::Float),
        _ => None,
    }
}

impl<'ctx> Lower<'_, 'ctx> {
    /// The current value of an operand; `None` for a constant that is not a plain scalar.
    pub(super) fn operand(&self, operand: Operand) -> Result<Option<Word2<'ctx>>, String> {
        match operand {
            Operand::Reg(r) => self.get(r).map(Some),
            Operand::Const(k) => Ok(match self.proto.consts[k as usize] {
                Value::Int(i) => Some(self.word(tag::INT, self.i64t.const_int(i as u64, true))),
                Value::Float(x) => {
                    Some(self.word(tag::FLOAT, self.i64t.const_int(x.to_bits(), false)))
                }
                Value::Bool(b) => Some(self.word(tag::BOOL, self.i64t.const_int(b as u64, false))),
                Value::Null => Some(self.word(tag::NULL, self.i64t.const_zero())),
                _ => None,
            }),
        }
    }

    /// Whether constant `k` is a scalar inline code can hold.
    pub(super) fn const_is_plain(&self, k: u32) -> bool {
        matches!(
            self.proto.consts[k as usize],
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Null
        )
    }

    /// The operand kinds to specialize instruction `pc` on, if any.
    fn site_kinds(&self, pc: usize) -> Option<(Kind, Kind)> {
        kinds(self.proto.feedback[pc].get())
    }

    /// Guards `value` to be of `kind` (deoptimizing at `pc` otherwise), unless its tag is
    /// already known.
    fn guard(&self, value: Word2<'ctx>, kind: Kind, pc: usize) -> Result<(), String> {
        if value.tag.get_zero_extended_constant() == Some(kind.tag() as u64) {
            return Ok(());
        }
        let ok = self.tag_is(value, kind.tag())?;
        let pass = self.new_block("guarded");
        let deopt = self.deopt_block(pc)?;
        self.b
            .build_conditional_branch(ok, pass, deopt)
            .map_err(err)?;
        self.b.position_at_end(pass);
        Ok(())
    }

    fn as_float(&self, value: Word2<'ctx>, kind: Kind) -> Result<FloatValue<'ctx>, String> {
        match kind {
            Kind::Int => self
                .b
                .build_signed_int_to_float(value.payload, self.f64t, "f")
                .map_err(err),
            Kind::Float => Ok(self
                .b
                .build_bit_cast(value.payload, self.f64t, "f")
                .map_err(err)?
                .into_float_value()),
        }
    }

    /// Loads both operands of a guarded site, or `None` when it must run generically.
    fn guarded_operands(
        &self,
        pc: usize,
        a: Reg,
        b: Operand,
    ) -> Result<Option<(Word2<'ctx>, Word2<'ctx>, Kind, Kind)>, String> {
        let Some((ka, kb)) = self.site_kinds(pc) else {
            return Ok(None);
        };
        let Some(y) = self.operand(b)? else {
            return Ok(None);
        };
        if let Operand::Const(k) = b {
            if const_kind(self.proto, k) != Some(kb) {
                return Ok(None);
            }
        }
        let x = self.get(a)?;
        self.guard(x, ka, pc)?;
        self.learn(a, ka.tag());
        if let Operand::Reg(r) = b {
            self.guard(y, kb, pc)?;
            self.learn(r, kb.tag());
        }
        let known = |value: Word2<'ctx>, kind: Kind| Word2 {
            tag: self.i64t.const_int(kind.tag() as u64, false),
            payload: value.payload,
        };
        Ok(Some((known(x, ka), known(y, kb), ka, kb)))
    }

    /// `llvm.s<op>.with.overflow.i64(x, y)`: the result and whether it overflowed.
    pub(super) fn int_overflow_op(
        &self,
        op: &str,
        x: IntValue<'ctx>,
        y: IntValue<'ctx>,
    ) -> Result<(IntValue<'ctx>, IntValue<'ctx>), String> {
        let name = format!("llvm.{op}.with.overflow");
        let intrinsic = Intrinsic::find(&name).ok_or_else(|| format!("no intrinsic {name}"))?;
        let f = intrinsic
            .get_declaration(self.module, &[self.i64t.into()])
            .ok_or_else(|| format!("cannot declare {name}"))?;
        let site = self
            .b
            .build_call(f, &[x.into(), y.into()], op)
            .map_err(err)?;
        self.pair_result(site)
    }

    pub(super) fn arith(
        &self,
        pc: usize,
        op: ArithOp,
        dst: Reg,
        a: Reg,
        b: Operand,
    ) -> Result<(), String> {
        let Some((x, y, ka, kb)) = self.guarded_operands(pc, a, b)? else {
            return self.step(pc);
        };
        let general = self.bail_block(pc)?;
        let result = if ka == Kind::Int && kb == Kind::Int {
            let value = self.int_arith(op, x.payload, y.payload, general)?;
            self.word(tag::INT, value)
        } else {
            let (fx, fy) = (self.as_float(x, ka)?, self.as_float(y, kb)?);
            let value = self.float_arith(op, fx, fy, general)?;
            let bits = self
                .b
                .build_bit_cast(value, self.i64t, "bits")
                .map_err(err)?
                .into_int_value();
            self.word(tag::FLOAT, bits)
        };
        self.set(dst, result)?;
        self.next(pc)
    }

    /// Continues in a new block when `bad` is false, else goes to `general`.
    fn unless(
        &self,
        bad: IntValue<'ctx>,
        general: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> Result<(), String> {
        let fine = self.new_block("fine");
        self.b
            .build_conditional_branch(bad, general, fine)
            .map_err(err)?;
        self.b.position_at_end(fine);
        Ok(())
    }

    fn int_arith(
        &self,
        op: ArithOp,
        x: IntValue<'ctx>,
        y: IntValue<'ctx>,
        general: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> Result<IntValue<'ctx>, String> {
        let checked = |name: &str| -> Result<IntValue<'ctx>, String> {
            let (value, overflow) = self.int_overflow_op(name, x, y)?;
            self.unless(overflow, general)?;
            Ok(value)
        };
        match op {
            ArithOp::Add => checked("sadd"),
            ArithOp::Sub => checked("ssub"),
            ArithOp::Mul => checked("smul"),
            ArithOp::Div | ArithOp::Mod => {
                // Zero divisors and `MIN / -1` are tier 0's (an error either way).
                let zero = self
                    .b
                    .build_int_compare(IntPredicate::EQ, y, self.i64t.const_zero(), "zero")
                    .map_err(err)?;
                let minus_one = self
                    .b
                    .build_int_compare(IntPredicate::EQ, y, self.i64t.const_all_ones(), "m1")
                    .map_err(err)?;
                let min = self
                    .b
                    .build_int_compare(
                        IntPredicate::EQ,
                        x,
                        self.i64t.const_int(i64::MIN as u64, true),
                        "min",
                    )
                    .map_err(err)?;
                let overflow = self.b.build_and(minus_one, min, "ovf").map_err(err)?;
                let bad = self.b.build_or(zero, overflow, "bad").map_err(err)?;
                self.unless(bad, general)?;
                if op == ArithOp::Div {
                    self.b.build_int_signed_div(x, y, "div").map_err(err)
                } else {
                    self.b.build_int_signed_rem(x, y, "rem").map_err(err)
                }
            }
        }
    }

    fn float_arith(
        &self,
        op: ArithOp,
        x: FloatValue<'ctx>,
        y: FloatValue<'ctx>,
        general: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> Result<FloatValue<'ctx>, String> {
        match op {
            ArithOp::Add => self.b.build_float_add(x, y, "fadd").map_err(err),
            ArithOp::Sub => self.b.build_float_sub(x, y, "fsub").map_err(err),
            ArithOp::Mul => self.b.build_float_mul(x, y, "fmul").map_err(err),
            ArithOp::Div | ArithOp::Mod => {
                let zero = self
                    .b
                    .build_float_compare(FloatPredicate::OEQ, y, self.f64t.const_zero(), "zero")
                    .map_err(err)?;
                self.unless(zero, general)?;
                if op == ArithOp::Div {
                    self.b.build_float_div(x, y, "fdiv").map_err(err)
                } else {
                    self.b.build_float_rem(x, y, "frem").map_err(err)
                }
            }
        }
    }

    /// The guarded comparison as an `i1`, or `None` when the site runs generically.
    fn ordered(
        &self,
        pc: usize,
        op: CmpOp,
        a: Reg,
        b: Operand,
    ) -> Result<Option<IntValue<'ctx>>, String> {
        let Some((x, y, ka, kb)) = self.guarded_operands(pc, a, b)? else {
            return Ok(None);
        };
        if ka == Kind::Int && kb == Kind::Int {
            let predicate = match op {
                CmpOp::Lt => IntPredicate::SLT,
                CmpOp::Le => IntPredicate::SLE,
                CmpOp::Gt => IntPredicate::SGT,
                CmpOp::Ge => IntPredicate::SGE,
            };
            return self
                .b
                .build_int_compare(predicate, x.payload, y.payload, "cmp")
                .map(Some)
                .map_err(err);
        }
        let (fx, fy) = (self.as_float(x, ka)?, self.as_float(y, kb)?);
        let predicate = match op {
            CmpOp::Lt => FloatPredicate::OLT,
            CmpOp::Le => FloatPredicate::OLE,
            CmpOp::Gt => FloatPredicate::OGT,
            CmpOp::Ge => FloatPredicate::OGE,
        };
        self.b
            .build_float_compare(predicate, fx, fy, "fcmp")
            .map(Some)
            .map_err(err)
    }

    pub(super) fn compare_into(
        &self,
        pc: usize,
        op: CmpOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    ) -> Result<(), String> {
        let Some(result) = self.ordered(pc, op, a, Operand::Reg(b))? else {
            return self.step(pc);
        };
        let payload = self
            .b
            .build_int_z_extend(result, self.i64t, "b")
            .map_err(err)?;
        self.set(dst, self.word(tag::BOOL, payload))?;
        self.next(pc)
    }

    pub(super) fn compare_jump(
        &self,
        pc: usize,
        op: CmpOp,
        a: Reg,
        b: Operand,
        target: u32,
    ) -> Result<(), String> {
        let Some(result) = self.ordered(pc, op, a, b)? else {
            return self.step(pc);
        };
        self.b
            .build_conditional_branch(result, self.goto(pc + 1)?, self.goto(target as usize)?)
            .map_err(err)?;
        Ok(())
    }
}
