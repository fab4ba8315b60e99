//! The plan for lowering one function, from its bytecode alone: which instructions get
//! inline code, which registers are cached in SSA form, which callee loads can wait for
//! their call, and where loops start (the on-stack-replacement entries).

use crate::bytecode::{Op, Proto, Reg};
use ruff_runtime::Value;

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
            if !loop_calls_helpers(proto, pc, target as usize) {
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

/// Whether the loop closed by the `Loop` at `pc` may allocate: it runs an instruction
/// through a helper. Only such loops check the heap limit at their back-edge (a loop of
/// inline code allocates nothing).
pub(super) fn loop_calls_helpers(proto: &Proto, pc: usize, target: usize) -> bool {
    !(target..=pc).all(|at| runs_inline(proto, at))
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
