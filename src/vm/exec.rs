//! The dispatch loop: one `match` arm per opcode, as defined in `bytecode/opcodes.rs`.

use std::rc::Rc;

use ruff_runtime::ops::{self, ArithOp, CmpOp};
use ruff_runtime::{equality, RtError, RtResult, Value};

use super::build::{concat, is_defined, new_enum};
use super::fast::{
    equal_fast, float_op, int_op, ordered, record, record_bits, same_value, set_float, set_int,
    undefined, FEEDBACK_WINDOW, FLOAT_FLOAT,
};
use super::patterns::{
    array_fits, array_rest, dict_entry, dict_rest, element, pattern_matches, payload,
};
use super::tier::Ran;
use super::{Frame, Vm};
use crate::bytecode::{Op, Wrapper, NO_REG};

impl Vm {
    /// Runs frames from the top one until frame `entry` returns; returns its value.
    /// Errors not handled in frames `entry..` come back located (see `unwind`).
    pub(super) fn execute(&mut self, entry: usize) -> RtResult<Value> {
        self.dispatch::<false>(entry)
    }

    /// The dispatch loop; with `STEP`, it runs a single instruction (see `Vm::step`).
    pub(super) fn dispatch<const STEP: bool>(&mut self, entry: usize) -> RtResult<Value> {
        let program = Rc::clone(&self.program);
        'frames: loop {
            let Some(frame) = self.frames.last() else {
                return Ok(Value::Null);
            };
            let (proto_index, mut pc, mut base) = (frame.proto as usize, frame.pc, frame.base);
            let mut proto = &program.protos[proto_index];
            let mut code = &proto.code[..];
            let mut recording = proto.hotness.get() < FEEDBACK_WINDOW;
            // The current frame's register window. `verify` proved every register operand
            // of `proto` is below its `num_regs`, and `push_frame`/`run` keep
            // `self.regs.len() > base + num_regs`. Only calls can grow (reallocate)
            // `self.regs`; `refresh!` re-derives the pointer after each of them, and
            // switching frames re-derives it too.
            let mut regs: *mut Value = self.regs[base..].as_mut_ptr();
            macro_rules! refresh {
                () => {
                    regs = self.regs[base..].as_mut_ptr()
                };
            }

            macro_rules! konst {
                ($k:expr) => {
                    // SAFETY: `verify` proved every constant operand is below `consts.len()`.
                    unsafe { proto.consts.get_unchecked($k as usize) }
                };
            }

            macro_rules! fail {
                ($error:expr) => {{
                    let error = $error;
                    if let Some(frame) = self.frames.last_mut() {
                        frame.pc = pc;
                    }
                    if STEP {
                        return Err(error);
                    }
                    self.unwind(error, entry)?;
                    continue 'frames;
                }};
            }
            // Where compiled code handed control back: returned (to `$returned`, with
            // the result register), resumed or failed.
            macro_rules! after_compiled {
                ($ran:expr) => {
                    after_compiled!($ran, |ret| {
                        if self.frames.len() <= entry {
                            return Ok(std::mem::take(&mut self.regs[ret]));
                        }
                        continue 'frames;
                    })
                };
                ($ran:expr, |$ret:ident| $returned:block) => {
                    match $ran {
                        Ran::Returned($ret) => $returned,
                        Ran::Resume => continue 'frames,
                        Ran::Failed(error) => {
                            self.unwind(error, entry)?;
                            continue 'frames;
                        }
                    }
                };
            }
            macro_rules! tri {
                ($result:expr) => {
                    match $result {
                        Ok(v) => v,
                        Err(e) => fail!(e),
                    }
                };
            }
            macro_rules! reg {
                ($r:expr) => {
                    // SAFETY: `$r` is a verified register of this frame and `regs` is
                    // current (see above).
                    (*unsafe { &mut *regs.add($r as usize) })
                };
            }
            macro_rules! save_pc {
                () => {
                    if let Some(frame) = self.frames.last_mut() {
                        frame.pc = pc;
                    }
                };
            }
            macro_rules! arith {
                ($op:expr, $dst:expr, $a:expr, $bval:expr) => {{
                    let a = &reg!($a);
                    let b = $bval;
                    let numbers = match (a, b) {
                        (&Value::Int(x), &Value::Int(y)) => match int_op($op, x, y) {
                            Some(v) => {
                                set_int(&mut reg!($dst), v);
                                continue;
                            }
                            None => None,
                        },
                        (&Value::Float(x), &Value::Float(y)) => {
                            if recording {
                                record_bits(proto, pc - 1, FLOAT_FLOAT);
                            }
                            Some((x, y))
                        }
                        (&Value::Int(x), &Value::Float(y)) => {
                            record(proto, pc - 1, a, b);
                            Some((x as f64, y))
                        }
                        (&Value::Float(x), &Value::Int(y)) => {
                            record(proto, pc - 1, a, b);
                            Some((x, y as f64))
                        }
                        _ => {
                            record(proto, pc - 1, a, b);
                            None
                        }
                    };
                    if let Some(v) = numbers.and_then(|(x, y)| float_op($op, x, y)) {
                        set_float(&mut reg!($dst), v);
                        continue;
                    }
                    // `s := s + t` on a string nothing else holds appends in place, so
                    // building a string in a loop is linear, not quadratic.
                    if let (ArithOp::Add, true, Value::Str(_), Value::Str(tail)) =
                        ($op, $dst == $a, a, b)
                    {
                        let tail = Rc::clone(tail);
                        if let Value::Str(text) = &mut reg!($dst) {
                            if let Some(text) = Rc::get_mut(text) {
                                text.push_str(&tail);
                                continue;
                            }
                        }
                    }
                    let (a, b) = (reg!($a).clone(), $bval.clone());
                    save_pc!();
                    let value = self.arith_slow($op, a, b);
                    refresh!();
                    reg!($dst) = tri!(value);
                }};
            }
            macro_rules! compare {
                ($op:expr, $a:expr, $bval:expr) => {{
                    let a = &reg!($a);
                    let b = $bval;
                    if let (Value::Int(x), Value::Int(y)) = (a, b) {
                        ordered($op, *x, *y)
                    } else if let (Value::Float(x), Value::Float(y)) = (a, b) {
                        if recording {
                            record_bits(proto, pc - 1, FLOAT_FLOAT);
                        }
                        ordered($op, *x, *y)
                    } else {
                        record(proto, pc - 1, a, b);
                        tri!(ops::compare($op, a, b))
                    }
                }};
            }
            macro_rules! jump_unless {
                ($cond:expr, $target:expr) => {{
                    if !$cond {
                        pc = $target as usize;
                    }
                }};
            }

            if !STEP && std::mem::take(&mut self.enter_top) && pc == 0 && self.frame_fits_jit() {
                if let Some(address) = self.compiled_or_tier_up(proto_index as u32) {
                    after_compiled!(self.enter_compiled_frame(address, 0));
                }
            }

            let mut stepped = false;
            loop {
                if STEP {
                    if stepped {
                        save_pc!();
                        return Ok(Value::Null);
                    }
                    stepped = true;
                }
                // SAFETY: `verify` proved every jump target and handler is inside the
                // code and that the code ends with a return or jump, so `pc` never leaves it.
                let op = unsafe { code.get_unchecked(pc) };
                pc += 1;
                match *op {
                    Op::Move { dst, src } => match reg!(src) {
                        Value::Int(i) => set_int(&mut reg!(dst), i),
                        Value::Float(x) => set_float(&mut reg!(dst), x),
                        _ => {
                            let value = reg!(src).clone();
                            reg!(dst) = value;
                        }
                    },
                    Op::LoadNull { dst } => reg!(dst) = Value::Null,
                    Op::LoadBool { dst, value } => reg!(dst) = Value::Bool(value),
                    Op::LoadInt { dst, value } => set_int(&mut reg!(dst), value as i64),
                    Op::LoadConst { dst, k } => reg!(dst) = konst!(k).clone(),
                    Op::LoadNone { dst } => reg!(dst) = Value::None,
                    Op::LoadUndef { dst } => reg!(dst) = Value::Undef,
                    Op::CheckDefined { reg, name } => {
                        if !is_defined(&reg!(reg)) {
                            let name = proto.const_str(name);
                            fail!(RtError::Raise(format!("Undefined variable: {name}")));
                        }
                    }
                    Op::RaiseIfDefined { reg, msg } => {
                        if is_defined(&reg!(reg)) {
                            fail!(RtError::Raise(proto.const_str(msg).to_string()));
                        }
                    }
                    Op::GetGlobal { dst, g } => match &self.globals[g as usize].value {
                        // Functions (the usual callee) are cloned inline, straight in place.
                        Value::Func(f) => {
                            let f = Rc::clone(f);
                            reg!(dst) = Value::Func(f);
                        }
                        Value::Undef => fail!(undefined(&program.globals[g as usize]).unwrap_err()),
                        value => reg!(dst) = value.clone(),
                    },
                    Op::SetGlobal { src, g } => {
                        let value = reg!(src).clone();
                        let result = self.set_global(g, value);
                        refresh!();
                        tri!(result);
                    }
                    Op::DefGlobal { src, g, kind, site } => {
                        let value = reg!(src).clone();
                        let result = self.def_global(g, value, kind, site);
                        refresh!();
                        tri!(result);
                    }

                    Op::NewCell { dst } => reg!(dst) = self.cells.make(),
                    Op::GetCell { dst, cell } => {
                        let value = match &reg!(cell) {
                            Value::Cell(c) => c.borrow().clone(),
                            other => other.clone(),
                        };
                        reg!(dst) = value;
                    }
                    Op::SetCell { cell, src } => {
                        let value = reg!(src).clone();
                        match &reg!(cell) {
                            Value::Cell(c) => *c.borrow_mut() = value,
                            _ => reg!(cell) = value,
                        }
                    }
                    Op::GetUpval { dst, idx } => {
                        let value = self.upval(idx).borrow().clone();
                        reg!(dst) = value;
                    }
                    Op::SetUpval { idx, src } => {
                        let value = reg!(src).clone();
                        *self.upval(idx).borrow_mut() = value;
                    }
                    Op::Closure { dst, proto: child } => {
                        let closure = self.make_closure(child, base);
                        reg!(dst) = closure;
                    }
                    Op::GetName { dst, name } => {
                        let value = tri!(self.get_name(&proto.dyn_names[name as usize], base));
                        reg!(dst) = value;
                    }
                    Op::SetName { src, name } => {
                        let value = reg!(src).clone();
                        let result = self.set_name(&proto.dyn_names[name as usize], base, value);
                        refresh!();
                        tri!(result);
                    }

                    Op::Add { dst, a, b } => arith!(ArithOp::Add, dst, a, &reg!(b)),
                    Op::Sub { dst, a, b } => arith!(ArithOp::Sub, dst, a, &reg!(b)),
                    Op::Mul { dst, a, b } => arith!(ArithOp::Mul, dst, a, &reg!(b)),
                    Op::Div { dst, a, b } => arith!(ArithOp::Div, dst, a, &reg!(b)),
                    Op::Mod { dst, a, b } => arith!(ArithOp::Mod, dst, a, &reg!(b)),
                    Op::AddK { dst, a, k } => {
                        arith!(ArithOp::Add, dst, a, konst!(k))
                    }
                    Op::SubK { dst, a, k } => {
                        arith!(ArithOp::Sub, dst, a, konst!(k))
                    }
                    Op::MulK { dst, a, k } => {
                        arith!(ArithOp::Mul, dst, a, konst!(k))
                    }
                    Op::DivK { dst, a, k } => {
                        arith!(ArithOp::Div, dst, a, konst!(k))
                    }
                    Op::ModK { dst, a, k } => {
                        arith!(ArithOp::Mod, dst, a, konst!(k))
                    }
                    Op::Neg { dst, src } => {
                        let value = reg!(src).clone();
                        save_pc!();
                        let result = self.unary_slow("op_neg", value, ops::negate);
                        refresh!();
                        reg!(dst) = tri!(result);
                    }
                    Op::Not { dst, src } => {
                        let value = match &reg!(src) {
                            Value::Bool(b) => Value::Bool(!b),
                            other => {
                                let other = other.clone();
                                save_pc!();
                                let result = self.unary_slow("op_not", other, ops::not);
                                refresh!();
                                tri!(result)
                            }
                        };
                        reg!(dst) = value;
                    }

                    Op::Eq { dst, a, b } => {
                        reg!(dst) = Value::Bool(equal_fast(&reg!(a), &reg!(b)));
                    }
                    Op::Ne { dst, a, b } => {
                        reg!(dst) = Value::Bool(!equal_fast(&reg!(a), &reg!(b)));
                    }
                    Op::Lt { dst, a, b } => {
                        reg!(dst) = Value::Bool(compare!(CmpOp::Lt, a, &reg!(b)))
                    }
                    Op::Le { dst, a, b } => {
                        reg!(dst) = Value::Bool(compare!(CmpOp::Le, a, &reg!(b)))
                    }
                    Op::Gt { dst, a, b } => {
                        reg!(dst) = Value::Bool(compare!(CmpOp::Gt, a, &reg!(b)))
                    }
                    Op::Ge { dst, a, b } => {
                        reg!(dst) = Value::Bool(compare!(CmpOp::Ge, a, &reg!(b)))
                    }
                    Op::JumpIfNotLt { a, b, target } => {
                        jump_unless!(compare!(CmpOp::Lt, a, &reg!(b)), target)
                    }
                    Op::JumpIfNotLe { a, b, target } => {
                        jump_unless!(compare!(CmpOp::Le, a, &reg!(b)), target)
                    }
                    Op::JumpIfNotGt { a, b, target } => {
                        jump_unless!(compare!(CmpOp::Gt, a, &reg!(b)), target)
                    }
                    Op::JumpIfNotGe { a, b, target } => {
                        jump_unless!(compare!(CmpOp::Ge, a, &reg!(b)), target)
                    }
                    Op::JumpIfNotEq { a, b, target } => {
                        jump_unless!(equal_fast(&reg!(a), &reg!(b)), target)
                    }
                    Op::JumpIfNotNe { a, b, target } => {
                        jump_unless!(!equal_fast(&reg!(a), &reg!(b)), target)
                    }
                    Op::JumpIfNotLtK { a, k, target } => {
                        jump_unless!(compare!(CmpOp::Lt, a, konst!(k)), target)
                    }
                    Op::JumpIfNotLeK { a, k, target } => {
                        jump_unless!(compare!(CmpOp::Le, a, konst!(k)), target)
                    }
                    Op::JumpIfNotGtK { a, k, target } => {
                        jump_unless!(compare!(CmpOp::Gt, a, konst!(k)), target)
                    }
                    Op::JumpIfNotGeK { a, k, target } => {
                        jump_unless!(compare!(CmpOp::Ge, a, konst!(k)), target)
                    }
                    Op::JumpIfNotEqK { a, k, target } => {
                        jump_unless!(equal_fast(&reg!(a), konst!(k)), target)
                    }
                    Op::JumpIfNotNeK { a, k, target } => {
                        jump_unless!(!equal_fast(&reg!(a), konst!(k)), target)
                    }

                    Op::Truthy { dst, src } => {
                        reg!(dst) = Value::Bool(equality::truthy(&reg!(src)));
                    }
                    Op::Jump { target } => pc = target as usize,
                    Op::Loop { target } => {
                        tri!(self.poll());
                        let hotness = proto.hotness.get().wrapping_add(1);
                        proto.hotness.set(hotness);
                        recording = hotness < FEEDBACK_WINDOW;
                        pc = target as usize;
                        if !STEP && hotness >= self.jit_threshold && self.frame_fits_jit() {
                            // On-stack replacement: the loop continues in compiled code.
                            // (`proto_index` is the frame this dispatch started in; calls
                            // and returns since may have switched to another.)
                            let current = self.frames.last().map_or(0, |f| f.proto);
                            if let Some(address) = self.compiled_or_tier_up(current) {
                                save_pc!();
                                after_compiled!(self.enter_compiled_frame(address, pc));
                            }
                        }
                    }
                    Op::JumpIfFalsy { src, target } => {
                        if !equality::truthy(&reg!(src)) {
                            pc = target as usize;
                        }
                    }
                    Op::JumpIfTruthy { src, target } => {
                        if equality::truthy(&reg!(src)) {
                            pc = target as usize;
                        }
                    }
                    Op::JumpIfSame { a, b, target } => {
                        if same_value(&reg!(a), &reg!(b)) {
                            pc = target as usize;
                        }
                    }
                    Op::JumpIfNull { src, target } => {
                        if matches!(reg!(src), Value::Null) {
                            pc = target as usize;
                        }
                    }
                    Op::JumpIfNotNull { src, target } => {
                        if !matches!(reg!(src), Value::Null) {
                            pc = target as usize;
                        }
                    }

                    Op::Call { base: b, argc } => {
                        save_pc!();
                        let at = base + b as usize;
                        if let Value::Func(f) = &reg!(b) {
                            // The common case, switched to in place: a closure called with
                            // the right arity, below the depth limit, registers in reach.
                            let callee = &program.protos[f.proto as usize];
                            let callee_index = f.proto;
                            let callee_base = at + 1;
                            let hotness = callee.hotness.get().wrapping_add(1);
                            if !STEP && argc == callee.arity && hotness >= self.jit_threshold {
                                if let Some(address) = self.compiled_or_tier_up(callee_index) {
                                    callee.hotness.set(hotness);
                                    save_pc!();
                                    let ran = self.run_compiled(address, callee_base, 0);
                                    after_compiled!(ran, |_ret| {
                                        refresh!();
                                        continue;
                                    });
                                }
                            }
                            if argc == callee.arity
                                && self.ctx.depth <= self.options.call_depth_limit
                                && self.regs.len() > callee_base + callee.num_regs as usize
                                && self.steps_left > 0
                            {
                                self.steps_left -= 1;
                                callee.hotness.set(hotness);
                                self.frames.push(Frame {
                                    proto: callee_index,
                                    pc: 0,
                                    base: callee_base,
                                    ret: at,
                                    receiver: false,
                                });
                                self.ctx.depth += 1;
                                proto = callee;
                                code = &callee.code[..];
                                recording = callee.hotness.get() < FEEDBACK_WINDOW;
                                base = callee_base;
                                pc = 0;
                                refresh!();
                                continue;
                            }
                        }
                        let entered = self.call_register(at, argc as usize);
                        refresh!();
                        if tri!(entered) {
                            continue 'frames;
                        }
                    }
                    Op::CallMethod {
                        base: b,
                        argc,
                        name,
                    } => {
                        save_pc!();
                        let at = base + b as usize;
                        let entered = self.call_method(at, argc as usize, proto.const_str(name));
                        refresh!();
                        if tri!(entered) {
                            continue 'frames;
                        }
                    }
                    Op::Return { src } => {
                        let value = reg!(src).clone();
                        if let Some(result) = self.return_from_frame(value, entry) {
                            return Ok(result);
                        }
                        // Back to the caller, switched to in place.
                        let Some(caller) = self.frames.last() else {
                            return Ok(Value::Null);
                        };
                        proto = &program.protos[caller.proto as usize];
                        code = &proto.code[..];
                        base = caller.base;
                        pc = caller.pc;
                        recording = proto.hotness.get() < FEEDBACK_WINDOW;
                        refresh!();
                        continue;
                    }
                    Op::ReturnNull => {
                        if let Some(result) = self.return_from_frame(Value::Null, entry) {
                            return Ok(result);
                        }
                        continue 'frames;
                    }
                    Op::TryUnwrap { dst, src } => match &reg!(src) {
                        Value::Ok(v) | Value::Some(v) => {
                            let inner = (**v).clone();
                            reg!(dst) = inner;
                        }
                        Value::Err(_) | Value::None => {
                            let value = reg!(src).clone();
                            if let Some(result) = self.return_from_frame(value, entry) {
                                return Ok(result);
                            }
                            continue 'frames;
                        }
                        _ => fail!(RtError::Raise(
                            "Try operator requires Result or Option".into()
                        )),
                    },
                    Op::Throw { src } => {
                        let value = reg!(src).clone();
                        fail!(RtError::Thrown(value));
                    }
                    Op::Raise { msg } => fail!(RtError::Raise(proto.const_str(msg).to_string())),
                    Op::Rethrow => fail!(self.rethrow()),

                    Op::NewArray { dst, base: b, n } => {
                        let start = base + b as usize;
                        let items = self.regs[start..start + n as usize].to_vec();
                        reg!(dst) = Value::array(items);
                    }
                    Op::ArrayPush { arr, src } => {
                        let value = reg!(src).clone();
                        if let Value::Array(items) = &mut reg!(arr) {
                            Rc::make_mut(items).push(value);
                        }
                    }
                    Op::ArraySpread { arr, src } => {
                        let value = reg!(src).clone();
                        if let Value::Array(items) = &mut reg!(arr) {
                            tri!(ops::spread_into_array(Rc::make_mut(items), &value));
                        }
                    }
                    Op::PushInPlace {
                        var,
                        val,
                        g,
                        builtin,
                    } => {
                        let callee = &self.globals[g as usize].value;
                        if matches!(callee, Value::Native(id) if *id == builtin) {
                            let element = reg!(val).clone();
                            if let Value::Array(items) = &mut reg!(var) {
                                Rc::make_mut(items).push(element);
                                continue;
                            }
                        }
                        if let Value::Undef = callee {
                            fail!(undefined(&program.globals[g as usize]).unwrap_err());
                        }
                        let callee = callee.clone();
                        let arguments = [reg!(var).clone(), reg!(val).clone()];
                        save_pc!();
                        let result = self.call_nested(&callee, &arguments);
                        refresh!();
                        reg!(var) = tri!(result);
                    }
                    Op::NewDict { dst } => reg!(dst) = Value::dict(Default::default()),
                    Op::DictInsert { dict, key, val } => {
                        let key = tri!(ops::dict_key(&reg!(key)));
                        let value = reg!(val).clone();
                        if let Value::Dict(map) = &mut reg!(dict) {
                            Rc::make_mut(map).insert(key, value);
                        }
                    }
                    Op::DictSpread { dict, src } => {
                        let value = reg!(src).clone();
                        if let Value::Dict(map) = &mut reg!(dict) {
                            tri!(ops::spread_into_dict(Rc::make_mut(map), &value));
                        }
                    }
                    Op::NewStruct {
                        dst,
                        shape,
                        base: b,
                    } => {
                        let value =
                            self.new_struct(&proto.shapes[shape as usize], base + b as usize);
                        reg!(dst) = value;
                    }
                    Op::Wrap { dst, src, kind } => {
                        let inner = Rc::new(reg!(src).clone());
                        reg!(dst) = match kind {
                            Wrapper::Ok => Value::Ok(inner),
                            Wrapper::Err => Value::Err(inner),
                            Wrapper::Some => Value::Some(inner),
                        };
                    }
                    Op::NewEnum {
                        dst,
                        variant,
                        payload,
                    } => {
                        let payload = (payload != NO_REG).then(|| reg!(payload).clone());
                        reg!(dst) = new_enum(&proto.variants[variant as usize], payload);
                    }
                    Op::Concat { dst, base: b, n } => {
                        let start = base + b as usize;
                        reg!(dst) = concat(&self.regs[start..start + n as usize]);
                    }
                    Op::DefMethod {
                        type_name,
                        name,
                        src,
                    } => {
                        let method = reg!(src).clone();
                        let (type_name, name) = (proto.const_str(type_name), proto.const_str(name));
                        self.define_method(type_name, name, method);
                    }

                    Op::GetIndex { dst, obj, index } => {
                        let value = tri!(ops::index_get(&reg!(obj), &reg!(index)));
                        reg!(dst) = value;
                    }
                    Op::GetField { dst, obj, name } => {
                        let value = tri!(ops::field_get(&reg!(obj), proto.const_str(name)));
                        reg!(dst) = value;
                    }
                    Op::SetPathReg {
                        reg,
                        path,
                        keys,
                        src,
                    } => {
                        let value = reg!(src).clone();
                        let keys = base + keys as usize;
                        let path = &proto.paths[path as usize];
                        let result = self.set_path_reg(base + reg as usize, path, keys, value);
                        refresh!();
                        tri!(result);
                    }
                    Op::SetPathGlobal { g, path, keys, src } => {
                        let value = reg!(src).clone();
                        let keys = base + keys as usize;
                        let path = &proto.paths[path as usize];
                        let result = self.set_path_global(g, path, keys, value);
                        refresh!();
                        tri!(result);
                    }
                    Op::SetPathUpval {
                        idx,
                        path,
                        keys,
                        src,
                    } => {
                        let value = reg!(src).clone();
                        let keys = base + keys as usize;
                        let path = &proto.paths[path as usize];
                        let cell = self.upval(idx);
                        let result = self.set_path_cell(&cell, path, keys, value);
                        refresh!();
                        tri!(result);
                    }
                    Op::SetPathName {
                        name,
                        path,
                        keys,
                        src,
                    } => {
                        let value = reg!(src).clone();
                        let keys = base + keys as usize;
                        let path = &proto.paths[path as usize];
                        let name = &proto.dyn_names[name as usize];
                        let result = self.set_path_name(name, base, path, keys, value);
                        refresh!();
                        tri!(result);
                    }

                    Op::ForPrep { iter, src } => {
                        let items = tri!(ops::iteration_items(&reg!(src)));
                        reg!(iter) = items;
                        reg!(iter + 1) = Value::Int(0);
                        reg!(iter + 2) = Value::Null;
                    }
                    Op::ForPrepRange {
                        iter,
                        args,
                        argc,
                        g,
                    } => {
                        save_pc!();
                        let result = self.for_prep_range(base, iter, args, argc, g);
                        refresh!();
                        tri!(result);
                    }
                    Op::ForNext { iter, dst, target } => {
                        let Value::Int(i) = reg!(iter + 1) else {
                            pc = target as usize;
                            continue;
                        };
                        if let (&Value::Int(step), &Value::Int(end)) =
                            (&reg!(iter + 2), &reg!(iter))
                        {
                            let more = if step > 0 { i < end } else { i > end };
                            if !more {
                                pc = target as usize;
                                continue;
                            }
                            set_int(&mut reg!(dst), i);
                            // Past i64 the range has ended: park the counter on `end`.
                            set_int(&mut reg!(iter + 1), i.checked_add(step).unwrap_or(end));
                            continue;
                        }
                        let next = match &reg!(iter) {
                            Value::Array(items) => items.get(i as usize).cloned(),
                            &Value::Int(n) => (i < n).then_some(Value::Int(i)),
                            _ => None,
                        };
                        match next {
                            Some(item) => {
                                reg!(dst) = item;
                                reg!(iter + 1) = Value::Int(i + 1);
                            }
                            None => pc = target as usize,
                        }
                    }
                    Op::TestPattern {
                        src,
                        pattern,
                        target,
                    } => {
                        if !pattern_matches(&proto.patterns[pattern as usize], &reg!(src)) {
                            pc = target as usize;
                        }
                    }
                    Op::Payload { dst, src } => {
                        let value = payload(&reg!(src));
                        reg!(dst) = value;
                    }
                    Op::ArrayPattern {
                        src,
                        len,
                        rest,
                        target,
                    } => {
                        if !array_fits(&reg!(src), len, rest) {
                            pc = target as usize;
                        }
                    }
                    Op::GetElem { dst, src, index } => {
                        let value = element(&reg!(src), index);
                        reg!(dst) = value;
                    }
                    Op::ArrayRest { dst, src, from } => {
                        let rest = array_rest(&reg!(src), from);
                        reg!(dst) = rest;
                    }
                    Op::DictPatternGet {
                        dst,
                        src,
                        key,
                        target,
                    } => match dict_entry(&reg!(src), proto.const_str(key)) {
                        Some(value) => reg!(dst) = value,
                        None => pc = target as usize,
                    },
                    Op::DictRest { dst, src, keys } => {
                        let rest = dict_rest(&reg!(src), &proto.key_lists[keys as usize]);
                        reg!(dst) = rest;
                    }
                }
            }
        }
    }
}
