//! Lowering of each opcode: inline code for moves, constants, globals, numbers, branches,
//! calls and returns; everything else runs tier 0's implementation through `jit_step`.

use inkwell::values::BasicMetadataValueEnum;
use inkwell::IntPredicate;

use super::numeric::Operand;
use super::{err, Lower, Word2};
use crate::bytecode::{Op, Proto, Reg};
use crate::jit::abi;
use ruff_runtime::context::offsets;
use ruff_runtime::jit_abi::RC_VALUE_OFFSET;
use ruff_runtime::ops::{ArithOp, CmpOp};
use ruff_runtime::value::FuncObj;
use ruff_runtime::{tag, Value};

/// The registers an instruction's inline code reads or writes.
fn inline_registers(op: &Op) -> Vec<Reg> {
    match *op {
        Op::Move { dst, src } | Op::Not { dst, src } | Op::Truthy { dst, src } => vec![dst, src],
        Op::LoadNull { dst }
        | Op::LoadBool { dst, .. }
        | Op::LoadInt { dst, .. }
        | Op::LoadConst { dst, .. }
        | Op::LoadNone { dst }
        | Op::LoadUndef { dst }
        | Op::GetGlobal { dst, .. } => vec![dst],
        Op::Add { dst, a, b }
        | Op::Sub { dst, a, b }
        | Op::Mul { dst, a, b }
        | Op::Div { dst, a, b }
        | Op::Mod { dst, a, b }
        | Op::Eq { dst, a, b }
        | Op::Ne { dst, a, b }
        | Op::Lt { dst, a, b }
        | Op::Le { dst, a, b }
        | Op::Gt { dst, a, b }
        | Op::Ge { dst, a, b } => vec![dst, a, b],
        Op::AddK { dst, a, .. }
        | Op::SubK { dst, a, .. }
        | Op::MulK { dst, a, .. }
        | Op::DivK { dst, a, .. }
        | Op::ModK { dst, a, .. } => vec![dst, a],
        Op::JumpIfNotLt { a, b, .. }
        | Op::JumpIfNotLe { a, b, .. }
        | Op::JumpIfNotGt { a, b, .. }
        | Op::JumpIfNotGe { a, b, .. }
        | Op::JumpIfNotEq { a, b, .. }
        | Op::JumpIfNotNe { a, b, .. } => vec![a, b],
        Op::JumpIfNotLtK { a, .. }
        | Op::JumpIfNotLeK { a, .. }
        | Op::JumpIfNotGtK { a, .. }
        | Op::JumpIfNotGeK { a, .. }
        | Op::JumpIfNotEqK { a, .. }
        | Op::JumpIfNotNeK { a, .. } => vec![a],
        Op::JumpIfFalsy { src, .. }
        | Op::JumpIfTruthy { src, .. }
        | Op::JumpIfNull { src, .. }
        | Op::JumpIfNotNull { src, .. }
        | Op::Return { src }
        | Op::TryUnwrap { src, .. } => vec![src],
        Op::ForNext { iter, dst, .. } => vec![iter, iter + 1, iter + 2, dst],
        Op::Call { base, .. } | Op::CallMethod { base, .. } => vec![base],
        _ => Vec::new(),
    }
}

/// The registers worth caching in SSA form. In a function with loops: those inline code
/// works on inside loops (values stay in machine registers across iterations). In a
/// loop-free function: its first argument and the result registers of calls, which
/// arrive in machine registers (see `abi`). Elsewhere LLVM forwards stores to loads
/// through the stack just as well, and a smaller function compiles faster.
pub(super) fn cached_registers(proto: &Proto) -> Vec<Reg> {
    let mut used = vec![false; proto.num_regs as usize];
    let mut mark = |r: Reg| {
        if let Some(slot) = used.get_mut(r as usize) {
            *slot = true;
        }
    };
    let mut loops = false;
    for (pc, op) in proto.code.iter().enumerate() {
        if let Op::Loop { target } = *op {
            loops = true;
            let body = target as usize..=pc;
            // A loop that calls helpers would write the cache back and re-read it at
            // every call: not worth it (and it makes big functions slow to compile).
            if body.clone().all(|at| runs_inline(proto, at)) {
                for inner in &proto.code[body] {
                    inline_registers(inner).into_iter().for_each(&mut mark);
                }
            }
        }
    }
    if !loops {
        if proto.arity > 0 && !proto.receiver {
            mark(0);
        }
        for op in &proto.code {
            if let Op::Call { base, .. } = *op {
                mark(base);
            }
        }
    }
    (0..proto.num_regs).filter(|&r| used[r as usize]).collect()
}

/// Whether instruction `pc` (in hot code) runs without calling a helper, as far as its
/// opcode and feedback tell.
fn runs_inline(proto: &Proto, pc: usize) -> bool {
    let op = &proto.code[pc];
    let numeric = matches!(
        op,
        Op::Add { .. }
            | Op::Sub { .. }
            | Op::Mul { .. }
            | Op::Div { .. }
            | Op::Mod { .. }
            | Op::AddK { .. }
            | Op::SubK { .. }
            | Op::MulK { .. }
            | Op::DivK { .. }
            | Op::ModK { .. }
            | Op::Lt { .. }
            | Op::Le { .. }
            | Op::Gt { .. }
            | Op::Ge { .. }
            | Op::JumpIfNotLt { .. }
            | Op::JumpIfNotLe { .. }
            | Op::JumpIfNotGt { .. }
            | Op::JumpIfNotGe { .. }
            | Op::JumpIfNotLtK { .. }
            | Op::JumpIfNotLeK { .. }
            | Op::JumpIfNotGtK { .. }
            | Op::JumpIfNotGeK { .. }
    );
    if numeric {
        return super::numeric::kinds(proto.feedback[pc].get()).is_some();
    }
    match op {
        Op::Call { .. } | Op::CallMethod { .. } | Op::TryUnwrap { .. } => false,
        Op::LoadConst { k, .. } => matches!(
            proto.consts[*k as usize],
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Null
        ),
        Op::Jump { .. } | Op::Loop { .. } => true,
        op => !inline_registers(op).is_empty(),
    }
}

/// Which instructions get fast inline code: in a function with loops, in the top-level
/// code and in very long functions, those inside a loop (the rest runs once per call,
/// and tier 0's code through `jit_step` keeps the function small, which matters for
/// compile time); in other functions, all.
pub(super) fn hot_instructions(proto: &Proto, top_level: bool) -> Vec<bool> {
    const LONG: usize = 400;
    let mut hot = vec![false; proto.code.len()];
    let mut loops = top_level || proto.code.len() > LONG;
    for (pc, op) in proto.code.iter().enumerate() {
        if let Op::Loop { target } = *op {
            loops = true;
            hot[target as usize..=pc].iter_mut().for_each(|h| *h = true);
        }
    }
    if !loops {
        hot.iter_mut().for_each(|h| *h = true);
    }
    hot
}

/// `GetGlobal`s of a callee whose load can wait until its `Call` (by pc): everything in
/// between writes only registers above the callee's, may run again, and is no jump target.
pub(super) fn fused_callees(proto: &Proto) -> std::collections::HashSet<usize> {
    let mut targets = std::collections::HashSet::new();
    for op in &proto.code {
        if let Some(t) = op.jump_target() {
            targets.insert(t as usize);
        }
    }
    for handler in &proto.handlers {
        targets.insert(handler.target as usize);
    }
    let mut fused = std::collections::HashSet::new();
    for (p, op) in proto.code.iter().enumerate() {
        let Op::GetGlobal { dst: callee, .. } = *op else {
            continue;
        };
        for (q, later) in proto.code.iter().enumerate().skip(p + 1) {
            if targets.contains(&q) {
                break;
            }
            let above = |r: Reg| r > callee;
            let fine = match *later {
                Op::Call { base, .. } if base == callee => {
                    fused.insert(p);
                    break;
                }
                Op::LoadInt { dst, .. }
                | Op::LoadNull { dst }
                | Op::LoadBool { dst, .. }
                | Op::LoadNone { dst } => above(dst),
                Op::LoadConst { dst, k } => {
                    above(dst)
                        && matches!(proto.consts[k as usize], Value::Int(_) | Value::Float(_))
                }
                Op::Move { dst, src } => above(dst) && src != callee,
                Op::AddK { dst, a, .. } | Op::SubK { dst, a, .. } | Op::MulK { dst, a, .. } => {
                    above(dst) && a != callee
                }
                Op::Add { dst, a, b } | Op::Sub { dst, a, b } | Op::Mul { dst, a, b } => {
                    above(dst) && a != callee && b != callee
                }
                _ => false,
            };
            if !fine {
                break;
            }
        }
    }
    fused
}

/// Instructions a loop jumps back to: the entries for on-stack replacement.
pub(super) fn loop_headers(proto: &Proto) -> Vec<usize> {
    let mut headers: Vec<usize> = proto
        .code
        .iter()
        .filter_map(|op| match op {
            Op::Loop { target } => Some(*target as usize),
            _ => None,
        })
        .collect();
    headers.sort_unstable();
    headers.dedup();
    headers
}

impl<'ctx> Lower<'_, 'ctx> {
    pub(super) fn lower_op(&mut self, pc: usize) -> Result<(), String> {
        let op = self.proto.code[pc];
        if !self.hot[pc] {
            return self.lower_cold(pc, op);
        }
        match op {
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
                self.b
                    .build_unconditional_branch(self.blocks[target as usize])
                    .map_err(err)?;
                Ok(())
            }
            Op::JumpIfFalsy { src, target } | Op::JumpIfTruthy { src, target } => {
                let value = self.get(src)?;
                let truth = self.truthy(value)?;
                let (jump, stay) = (self.blocks[target as usize], self.blocks[pc + 1]);
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
                let (jump, stay) = (self.blocks[target as usize], self.blocks[pc + 1]);
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

    /// Code that runs once per call: control flow and calls, everything else in tier 0.
    fn lower_cold(&self, pc: usize, op: Op) -> Result<(), String> {
        match op {
            Op::Jump { target } | Op::Loop { target } => {
                self.b
                    .build_unconditional_branch(self.blocks[target as usize])
                    .map_err(err)?;
                Ok(())
            }
            Op::Return { src } => self.return_op(Some(src)),
            Op::ReturnNull => self.return_op(None),
            Op::Call { base, argc } => self.call_through_vm(pc, base, argc),
            Op::CallMethod { base, argc, name } => self.call_method(pc, base, argc, name),
            Op::TryUnwrap { src, .. } => self.try_unwrap(pc, src),
            _ => self.step(pc),
        }
    }

    fn call_method(&self, pc: usize, base: Reg, argc: u16, name: u32) -> Result<(), String> {
        self.flush()?;
        self.publish_depth()?;
        let args: [BasicMetadataValueEnum; 5] = [
            self.ctx.into(),
            self.i32t.const_int(pc as u64, false).into(),
            self.i32t.const_int(base as u64, false).into(),
            self.i32t.const_int(argc as u64, false).into(),
            self.i32t.const_int(name as u64, false).into(),
        ];
        let status = self.call(&abi::CALL_METHOD, &args)?;
        self.refresh_regs()?;
        self.reload(0)?;
        self.branch_on_status(status, pc)
    }

    /// `R[src]?`: an error or none returns it; anything else is tier 0's.
    fn try_unwrap(&self, pc: usize, src: Reg) -> Result<(), String> {
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
    fn call_through_vm(&self, pc: usize, base: Reg, argc: u16) -> Result<(), String> {
        self.flush()?;
        self.publish_depth()?;
        let args: [BasicMetadataValueEnum; 4] = [
            self.ctx.into(),
            self.i32t.const_int(pc as u64, false).into(),
            self.i32t.const_int(base as u64, false).into(),
            self.i32t.const_int(argc as u64, false).into(),
        ];
        let status = self.call(&abi::CALL, &args)?;
        self.refresh_regs()?;
        self.reload(0)?;
        self.branch_on_status(status, pc)
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
    fn get_global(&self, pc: usize, dst: Reg, g: u32) -> Result<(), String> {
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

    fn load_global(&self, g: u32) -> Result<Word2<'ctx>, String> {
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
            .build_conditional_branch(result, self.blocks[pc + 1], self.blocks[target as usize])
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
            .build_conditional_branch(more, body, self.blocks[target as usize])
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

    /// Branches on a helper's status: on to `pc + 1`, or out with the error.
    fn branch_on_status(
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
            .build_conditional_branch(ok, self.blocks[pc + 1], fail)
            .map_err(err)?;
        Ok(())
    }

    fn call_op(&self, pc: usize, base: Reg, argc: u16) -> Result<(), String> {
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

    /// A call of the function in global `g` whose load was deferred: a recursive call of
    /// this (capture-free) function goes straight in without loading the closure at all,
    /// since nothing would read it; any other callee is loaded into R[base] now and the
    /// general call code follows.
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
            same
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
        let pair = self
            .b
            .build_indirect_call(fn_type, target, &args, "returned")
            .map_err(err)?
            .try_as_basic_value()
            .basic()
            .ok_or("compiled functions return a pair")?
            .into_struct_value();
        let word = self
            .b
            .build_extract_value(pair, 0, "word")
            .map_err(err)?
            .into_int_value();
        let payload = self
            .b
            .build_extract_value(pair, 1, "payload")
            .map_err(err)?
            .into_int_value();
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
        if let Some((tag_slot, payload_slot)) = self.cache[base as usize] {
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
    fn return_op(&self, src: Option<Reg>) -> Result<(), String> {
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
