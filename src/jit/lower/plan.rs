//! The plan for lowering one function, from its bytecode alone: which instructions get
//! inline code, which registers are cached in SSA form, which callee loads can wait for
//! their call, which calls are of builtins, and where loops start (the
//! on-stack-replacement entries).

use std::collections::{HashMap, HashSet};

use crate::bytecode::{Op, Program, Proto, Reg};
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

/// The registers worth caching in SSA form, and where their values live in the cache.
pub(super) struct CachePlan {
    /// Every register that gets cache slots.
    pub registers: Vec<Reg>,
    /// The distinct sets (sorted) of registers whose values live in the cache together
    /// (the stack is the truth for every other register); set 0 is empty.
    pub sets: Vec<Vec<Reg>>,
    /// Per instruction: its set.
    pub resident: Vec<usize>,
}

/// In a function with loops: the registers inline code works on inside loops that call
/// no helpers, resident in those loops (values stay in machine registers across
/// iterations, and the code outside works on the stack, so helpers there need no
/// write-back). In a loop-free function: its first argument and the result registers of
/// calls, which arrive in machine registers (see `abi`), resident everywhere. Elsewhere
/// LLVM forwards stores to loads through the stack just as well, and a smaller function
/// compiles faster.
pub(super) fn register_cache(proto: &Proto) -> CachePlan {
    let regs = proto.num_regs as usize;
    let mut resident = vec![Vec::new(); proto.code.len()];
    let mut loops = false;
    for (pc, op) in proto.code.iter().enumerate() {
        let Op::Loop { target } = *op else {
            continue;
        };
        loops = true;
        let body = target as usize..=pc;
        // A loop that calls helpers would write the cache back and re-read it at every
        // call: not worth it (and it makes big functions slow to compile).
        if loop_calls_helpers(proto, pc, target as usize) {
            continue;
        }
        let used: Vec<Reg> = proto.code[body.clone()]
            .iter()
            .flat_map(inline_registers)
            .filter(|&r| (r as usize) < regs)
            .collect();
        for at in body {
            resident[at].extend_from_slice(&used);
        }
    }
    if !loops {
        let mut used: Vec<Reg> = proto
            .code
            .iter()
            .filter_map(|op| match *op {
                Op::Call { base, .. } => Some(base),
                _ => None,
            })
            .collect();
        if proto.arity > 0 && !proto.receiver && regs > 0 {
            used.push(0);
        }
        resident.iter_mut().for_each(|r| r.clone_from(&used));
    }
    let mut sets: Vec<Vec<Reg>> = vec![Vec::new()];
    let resident = resident
        .into_iter()
        .map(|mut set| {
            set.sort_unstable();
            set.dedup();
            sets.iter().position(|s| *s == set).unwrap_or_else(|| {
                sets.push(set);
                sets.len() - 1
            })
        })
        .collect();
    let mut registers: Vec<Reg> = sets.concat();
    registers.sort_unstable();
    registers.dedup();
    CachePlan {
        registers,
        sets,
        resident,
    }
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

/// Per global: whether it holds its builtin for the whole run, being a builtin's name
/// that no instruction of the program assigns.
pub(super) fn builtin_globals(program: &Program) -> Vec<bool> {
    let mut builtin: Vec<bool> = program
        .globals
        .iter()
        .map(|name| ruff_runtime::builtins::lookup(name).is_some())
        .collect();
    let mut assigned = |g: u32| {
        if let Some(slot) = builtin.get_mut(g as usize) {
            *slot = false;
        }
    };
    for proto in &program.protos {
        for op in &proto.code {
            match *op {
                Op::SetGlobal { g, .. } | Op::DefGlobal { g, .. } | Op::SetPathGlobal { g, .. } => {
                    assigned(g)
                }
                _ => {}
            }
        }
        proto
            .dyn_names
            .iter()
            .filter_map(|d| d.global)
            .for_each(&mut assigned);
    }
    builtin
}

/// Calls (by pc) whose callee was loaded from a global in `builtin`: the VM runs those
/// (`jit_call`), so they need none of the code of direct calls between compiled
/// functions. A wrong guess would only be slower: `jit_call` makes any call.
pub(super) fn builtin_calls(proto: &Proto, builtin: &[bool]) -> HashSet<usize> {
    let mut loaded: HashMap<Reg, u32> = HashMap::new();
    let mut calls = HashSet::new();
    for (pc, op) in proto.code.iter().enumerate() {
        match *op {
            Op::GetGlobal { dst, g } => {
                loaded.insert(dst, g);
            }
            Op::Call { base, .. } => {
                if let Some(&g) = loaded.get(&base) {
                    if builtin.get(g as usize).copied().unwrap_or(false) {
                        calls.insert(pc);
                    }
                }
                loaded.remove(&base);
            }
            _ => {}
        }
    }
    calls
}

/// `GetGlobal`s of global `own` (the function's own name) whose load can wait until its
/// `Call` (by pc), where a recursive call needs no closure: everything in between writes
/// only registers above the callee's, may run again, and is no jump target.
pub(super) fn fused_callees(proto: &Proto, own: u32) -> HashSet<usize> {
    let mut targets = HashSet::new();
    for op in &proto.code {
        if let Some(t) = op.jump_target() {
            targets.insert(t as usize);
        }
    }
    for handler in &proto.handlers {
        targets.insert(handler.target as usize);
    }
    let mut fused = HashSet::new();
    for (p, op) in proto.code.iter().enumerate() {
        let Op::GetGlobal { dst: callee, g } = *op else {
            continue;
        };
        if g != own {
            continue;
        }
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
