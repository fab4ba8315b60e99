//! Checks that a program only refers to what exists: registers below its function's
//! `num_regs`, constants, globals, side-table entries and jump targets in range, and code
//! that cannot run off its end. The interpreter relies on this to access registers and
//! instructions without bounds checks.

use super::{Op, PlacePath, Program, Proto, Reg, NO_REG};

/// Why a program was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError(pub String);

pub fn verify(program: &Program) -> Result<(), VerifyError> {
    if program.protos.get(program.main as usize).is_none() {
        return Err(VerifyError("no top-level function".into()));
    }
    for proto in &program.protos {
        verify_proto(program, proto)
            .map_err(|e| VerifyError(format!("function {}: {}", proto.name, e.0)))?;
    }
    Ok(())
}

fn verify_proto(program: &Program, proto: &Proto) -> Result<(), VerifyError> {
    let regs = proto.num_regs as usize;
    let len = proto.code.len();
    let fail = |pc: usize, what: &str| Err(VerifyError(format!("instruction {pc}: {what}")));
    match proto.code.last() {
        Some(
            Op::ReturnNull
            | Op::Return { .. }
            | Op::Jump { .. }
            | Op::Loop { .. }
            | Op::Raise { .. }
            | Op::Rethrow
            | Op::Throw { .. },
        ) => {}
        _ => return fail(len, "code does not end in a return or jump"),
    }
    if proto.locations.len() != len || proto.feedback.len() != len {
        return fail(
            len,
            "location or feedback table length differs from the code",
        );
    }
    if (proto.arity as usize) + usize::from(proto.receiver) > regs {
        return fail(0, "parameters exceed the registers");
    }
    for capture in &proto.captures {
        if let super::Capture::Register(r) = capture {
            // Checked against the creating frame when the closure is made; the parent's
            // register count is not known here, so only the sentinel is excluded.
            if *r == NO_REG {
                return fail(0, "capture of no register");
            }
        }
    }
    for handler in &proto.handlers {
        if handler.end as usize > len
            || handler.target as usize >= len
            || handler.reg as usize >= regs
        {
            return fail(handler.target as usize, "handler out of range");
        }
    }
    for (pc, op) in proto.code.iter().enumerate() {
        let mut check = Check { regs, ok: true };
        let counts = Counts {
            consts: proto.consts.len(),
            globals: program.globals.len(),
            code: len,
            protos: program.protos.len(),
        };
        if !operands_in_range(op, proto, &counts, &mut check) || !check.ok {
            return fail(pc, &format!("operand out of range in {op:?}"));
        }
    }
    Ok(())
}

struct Counts {
    consts: usize,
    globals: usize,
    code: usize,
    protos: usize,
}

struct Check {
    regs: usize,
    ok: bool,
}

impl Check {
    /// Registers `first .. first + n` exist.
    fn range(&mut self, first: Reg, n: usize) {
        self.ok &= first as usize + n <= self.regs;
    }

    fn reg(&mut self, r: Reg) {
        self.range(r, 1);
    }
}

/// Checks every index `op` carries; registers go through `check`.
fn operands_in_range(op: &Op, proto: &Proto, n: &Counts, c: &mut Check) -> bool {
    let k = |i: u32| (i as usize) < n.consts;
    let g = |i: u32| (i as usize) < n.globals;
    let t = |i: u32| (i as usize) < n.code;
    let path_keys = |path: u32| proto.paths.get(path as usize).map(PlacePath::key_count);
    match *op {
        Op::Move { dst, src } | Op::Neg { dst, src } | Op::Not { dst, src } => {
            c.reg(dst);
            c.reg(src);
            true
        }
        Op::Truthy { dst, src } | Op::Payload { dst, src } => {
            c.reg(dst);
            c.reg(src);
            true
        }
        Op::LoadNull { dst }
        | Op::LoadBool { dst, .. }
        | Op::LoadInt { dst, .. }
        | Op::LoadNone { dst }
        | Op::LoadUndef { dst }
        | Op::NewCell { dst }
        | Op::NewDict { dst } => {
            c.reg(dst);
            true
        }
        Op::LoadConst { dst, k: i } => {
            c.reg(dst);
            k(i)
        }
        Op::CheckDefined { reg, name } | Op::RaiseIfDefined { reg, msg: name } => {
            c.reg(reg);
            k(name)
        }
        Op::GetGlobal { dst: r, g: i } | Op::SetGlobal { src: r, g: i } => {
            c.reg(r);
            g(i)
        }
        Op::DefGlobal { src, g: i, .. } => {
            c.reg(src);
            g(i)
        }
        Op::GetCell { dst, cell } => {
            c.reg(dst);
            c.reg(cell);
            true
        }
        Op::SetCell { cell, src } => {
            c.reg(cell);
            c.reg(src);
            true
        }
        Op::GetUpval { dst: r, idx } | Op::SetUpval { src: r, idx } => {
            c.reg(r);
            (idx as usize) < proto.captures.len()
        }
        Op::Closure { dst, proto: p } => {
            c.reg(dst);
            (p as usize) < n.protos
        }
        Op::GetName { dst: r, name } | Op::SetName { src: r, name } => {
            c.reg(r);
            proto.dyn_names.get(name as usize).is_some_and(|d| {
                d.local.is_none_or(|l| (l as usize) < c.regs)
                    && d.upvals
                        .iter()
                        .all(|(u, _)| (*u as usize) < proto.captures.len())
                    && d.receiver_upval
                        .is_none_or(|u| (u as usize) < proto.captures.len())
                    && d.global.is_none_or(|gi| (gi as usize) < n.globals)
                    && (!d.receiver_fields || c.regs > 0)
            })
        }
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
        | Op::Ge { dst, a, b } => {
            c.reg(dst);
            c.reg(a);
            c.reg(b);
            true
        }
        Op::AddK { dst, a, k: i }
        | Op::SubK { dst, a, k: i }
        | Op::MulK { dst, a, k: i }
        | Op::DivK { dst, a, k: i }
        | Op::ModK { dst, a, k: i } => {
            c.reg(dst);
            c.reg(a);
            k(i)
        }
        Op::JumpIfNotLt { a, b, target }
        | Op::JumpIfNotLe { a, b, target }
        | Op::JumpIfNotGt { a, b, target }
        | Op::JumpIfNotGe { a, b, target }
        | Op::JumpIfNotEq { a, b, target }
        | Op::JumpIfNotNe { a, b, target }
        | Op::JumpIfSame { a, b, target } => {
            c.reg(a);
            c.reg(b);
            t(target)
        }
        Op::JumpIfNotLtK { a, k: i, target }
        | Op::JumpIfNotLeK { a, k: i, target }
        | Op::JumpIfNotGtK { a, k: i, target }
        | Op::JumpIfNotGeK { a, k: i, target }
        | Op::JumpIfNotEqK { a, k: i, target }
        | Op::JumpIfNotNeK { a, k: i, target } => {
            c.reg(a);
            k(i) && t(target)
        }
        Op::Jump { target } | Op::Loop { target } => t(target),
        Op::JumpIfFalsy { src, target }
        | Op::JumpIfTruthy { src, target }
        | Op::JumpIfNull { src, target }
        | Op::JumpIfNotNull { src, target } => {
            c.reg(src);
            t(target)
        }
        Op::Call { base, argc } => {
            c.range(base, 1 + argc as usize);
            true
        }
        Op::CallMethod { base, argc, name } => {
            c.range(base, 2 + argc as usize);
            k(name)
        }
        Op::Return { src } | Op::Throw { src } => {
            c.reg(src);
            true
        }
        Op::ReturnNull | Op::Rethrow => true,
        Op::TryUnwrap { dst, src } => {
            c.reg(dst);
            c.reg(src);
            true
        }
        Op::Raise { msg } => k(msg),
        Op::NewArray {
            dst,
            base,
            n: count,
        }
        | Op::Concat {
            dst,
            base,
            n: count,
        } => {
            c.reg(dst);
            c.range(base, count as usize);
            true
        }
        Op::ArrayPush { arr, src } | Op::ArraySpread { arr, src } => {
            c.reg(arr);
            c.reg(src);
            true
        }
        Op::PushInPlace { var, val, g: i, .. } => {
            c.reg(var);
            c.reg(val);
            g(i)
        }
        Op::DictInsert { dict, key, val } => {
            c.reg(dict);
            c.reg(key);
            c.reg(val);
            true
        }
        Op::DictSpread { dict, src } => {
            c.reg(dict);
            c.reg(src);
            true
        }
        Op::NewStruct { dst, shape, base } => {
            c.reg(dst);
            match proto.shapes.get(shape as usize) {
                Some(s) => {
                    c.range(base, s.fields.len());
                    true
                }
                None => false,
            }
        }
        Op::Wrap { dst, src, .. } => {
            c.reg(dst);
            c.reg(src);
            true
        }
        Op::NewEnum {
            dst,
            variant,
            payload,
        } => {
            c.reg(dst);
            if payload != NO_REG {
                c.reg(payload);
            }
            (variant as usize) < proto.variants.len()
        }
        Op::DefMethod {
            type_name,
            name,
            src,
        } => {
            c.reg(src);
            k(type_name) && k(name)
        }
        Op::GetIndex { dst, obj, index } => {
            c.reg(dst);
            c.reg(obj);
            c.reg(index);
            true
        }
        Op::GetField { dst, obj, name } => {
            c.reg(dst);
            c.reg(obj);
            k(name)
        }
        Op::SetPathReg {
            reg,
            path,
            keys,
            src,
        } => {
            c.reg(reg);
            c.reg(src);
            path_keys(path).is_some_and(|count| {
                c.range(keys, count);
                true
            })
        }
        Op::SetPathGlobal {
            g: i,
            path,
            keys,
            src,
        } => {
            c.reg(src);
            g(i) && path_keys(path).is_some_and(|count| {
                c.range(keys, count);
                true
            })
        }
        Op::SetPathUpval {
            path, keys, src, ..
        } => {
            c.reg(src);
            path_keys(path).is_some_and(|count| {
                c.range(keys, count);
                true
            })
        }
        Op::SetPathName {
            name,
            path,
            keys,
            src,
        } => {
            c.reg(src);
            (name as usize) < proto.dyn_names.len()
                && path_keys(path).is_some_and(|count| {
                    c.range(keys, count);
                    true
                })
        }
        Op::ForPrep { iter, src } => {
            c.range(iter, 3);
            c.reg(src);
            true
        }
        Op::ForPrepRange {
            iter,
            args,
            argc,
            g: i,
        } => {
            c.range(iter, 3);
            c.range(args, argc as usize);
            g(i)
        }
        Op::ForNext { iter, dst, target } => {
            c.range(iter, 3);
            c.reg(dst);
            t(target)
        }
        Op::TestPattern {
            src,
            pattern,
            target,
        } => {
            c.reg(src);
            (pattern as usize) < proto.patterns.len() && t(target)
        }
        Op::ArrayPattern { src, target, .. } => {
            c.reg(src);
            t(target)
        }
        Op::GetElem { dst, src, .. } | Op::ArrayRest { dst, src, .. } => {
            c.reg(dst);
            c.reg(src);
            true
        }
        Op::DictPatternGet {
            dst,
            src,
            key,
            target,
        } => {
            c.reg(dst);
            c.reg(src);
            k(key) && t(target)
        }
        Op::DictRest { dst, src, keys } => {
            c.reg(dst);
            c.reg(src);
            (keys as usize) < proto.key_lists.len()
        }
    }
}
