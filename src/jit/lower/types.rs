//! Static tags: for each instruction, the registers whose value tag compiled code knows
//! before running it, so guards, reference-count checks and tag loads can go.
//!
//! Facts come from what inline code writes (a `LoadInt` makes an int, a guarded float
//! multiply makes a float) and from guards (after a guarded int add, both operands are
//! ints: otherwise the code left). Where paths meet, only facts true on every path stay
//! (an int on one path and a float on the other still rules out a heap value). Function
//! entry knows nothing about the arguments; in functions with loops the prologue nulls
//! the other registers, so temporaries in loops need no reference-count checks. Loop
//! headers are also entries (on-stack replacement); there the entry code checks the
//! facts against the registers before jumping in, and a header no compiled path reaches
//! is entered knowing nothing.

use std::collections::VecDeque;

use super::numeric::{const_kind, kinds, Kind};
use crate::bytecode::{Op, Proto, Reg};
use ruff_runtime::tag;

/// Per register: its tag, if known ([`SCALAR`]: some tag without a heap payload).
pub(super) type State = Vec<Option<u8>>;

/// A register known to hold no reference-counted value, of no one known tag.
pub(super) const SCALAR: u8 = u8::MAX;

fn scalar(tag: u8) -> bool {
    tag == SCALAR || ruff_runtime::jit_abi::HEAP_TAGS & (1 << tag) == 0
}

/// What two paths agree on about one register.
fn merge(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    match (a, b) {
        (Some(x), Some(y)) if x == y => Some(x),
        (Some(x), Some(y)) if scalar(x) && scalar(y) => Some(SCALAR),
        _ => None,
    }
}

/// Whether a known tag (possibly [`SCALAR`]) rules out a heap payload.
pub(super) fn is_scalar(tag: u8) -> bool {
    scalar(tag)
}

/// The known tags before each instruction (`None`: not reached by compiled code).
pub(super) struct Types {
    before: Vec<Option<State>>,
}

impl Types {
    /// `cleared`: registers from this one up hold null at entry (the prologue set them).
    /// `hot`: the instructions lowered inline; only their guards establish facts.
    pub(super) fn analyze(proto: &Proto, cleared: Option<usize>, hot: &[bool]) -> Types {
        let n = proto.code.len();
        let regs = proto.num_regs as usize;
        let mut before: Vec<Option<State>> = vec![None; n];
        let mut work = VecDeque::new();
        if n > 0 {
            let mut entry = vec![None; regs];
            if let Some(from) = cleared {
                entry
                    .iter_mut()
                    .skip(from)
                    .for_each(|t| *t = Some(tag::NULL));
            }
            before[0] = Some(entry);
            work.push_back(0);
        }
        let headers = super::plan::loop_headers(proto);
        loop {
            while let Some(pc) = work.pop_front() {
                let Some(state) = before[pc].clone() else {
                    continue;
                };
                let (after, successors) = transfer(proto, pc, state, hot[pc]);
                for next in successors {
                    if next >= n {
                        continue;
                    }
                    let merged = match &before[next] {
                        None => after.clone(),
                        Some(old) => old.iter().zip(&after).map(|(a, b)| merge(*a, *b)).collect(),
                    };
                    if before[next].as_ref() != Some(&merged) {
                        before[next] = Some(merged);
                        work.push_back(next);
                    }
                }
            }
            // A loop only tier 0 reaches (say, inside an `except` block, which tier 0
            // runs) is still entered by on-stack replacement, knowing nothing, and the
            // code after it must allow for that path too.
            let unreached = headers.iter().find(|&&h| before[h].is_none());
            match unreached {
                Some(&header) => {
                    before[header] = Some(vec![None; regs]);
                    work.push_back(header);
                }
                None => break,
            }
        }
        Types { before }
    }

    /// The tag of register `r` before instruction `pc`, if known.
    pub(super) fn known(&self, pc: usize, r: Reg) -> Option<u8> {
        self.before
            .get(pc)?
            .as_ref()?
            .get(r as usize)
            .copied()
            .flatten()
    }

    /// Every known (register, tag) before instruction `pc`.
    pub(super) fn facts(&self, pc: usize) -> Vec<(Reg, u8)> {
        match self.before.get(pc) {
            Some(Some(state)) => state
                .iter()
                .enumerate()
                .filter_map(|(r, t)| t.map(|t| (r as Reg, t)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn kind_tag(kind: Kind) -> u8 {
    match kind {
        Kind::Int => tag::INT,
        Kind::Float => tag::FLOAT,
    }
}

fn const_tag(proto: &Proto, k: u32) -> Option<u8> {
    Some(proto.consts.get(k as usize)?.tag())
}

/// The state after instruction `pc` and where control goes next.
fn transfer(proto: &Proto, pc: usize, mut s: State, inline: bool) -> (State, Vec<usize>) {
    let op = proto.code[pc];
    // A site run by tier 0 (`jit_step`) has no guards: it tells nothing about its operands.
    let feedback = if inline {
        proto.feedback[pc].get()
    } else {
        crate::jit::abi::FEEDBACK_GENERIC
    };
    let next = vec![pc + 1];
    let forget_all = |s: &mut State| s.iter_mut().for_each(|t| *t = None);
    let forget_from = |s: &mut State, from: Reg| {
        s.iter_mut().skip(from as usize).for_each(|t| *t = None);
    };
    let set = |s: &mut State, r: Reg, t: Option<u8>| {
        if let Some(slot) = s.get_mut(r as usize) {
            *slot = t;
        }
    };
    // An arithmetic or comparison site: what its guards establish.
    let guarded = |s: &mut State, a: Reg, b: Option<Reg>, kb_const: Option<u8>| -> Option<Kind> {
        let (ka, kb) = kinds(feedback)?;
        if let Some(t) = kb_const {
            if t != kind_tag(kb) {
                return None;
            }
        }
        set(s, a, Some(kind_tag(ka)));
        if let Some(b) = b {
            set(s, b, Some(kind_tag(kb)));
        }
        Some(if ka == Kind::Int && kb == Kind::Int {
            Kind::Int
        } else {
            Kind::Float
        })
    };
    let successors = match op {
        Op::Move { dst, src } => {
            let t = s.get(src as usize).copied().flatten();
            set(&mut s, dst, t);
            next
        }
        Op::LoadNull { dst } => {
            set(&mut s, dst, Some(tag::NULL));
            next
        }
        Op::LoadBool { dst, .. } => {
            set(&mut s, dst, Some(tag::BOOL));
            next
        }
        Op::LoadInt { dst, .. } => {
            set(&mut s, dst, Some(tag::INT));
            next
        }
        Op::LoadConst { dst, k } => {
            set(&mut s, dst, const_tag(proto, k));
            next
        }
        Op::LoadNone { dst } => {
            set(&mut s, dst, Some(tag::NONE));
            next
        }
        Op::LoadUndef { dst } => {
            set(&mut s, dst, Some(tag::UNDEF));
            next
        }
        Op::Add { dst, a, b }
        | Op::Sub { dst, a, b }
        | Op::Mul { dst, a, b }
        | Op::Div { dst, a, b }
        | Op::Mod { dst, a, b } => {
            let result = guarded(&mut s, a, Some(b), None);
            set(&mut s, dst, result.map(kind_tag));
            next
        }
        Op::AddK { dst, a, k }
        | Op::SubK { dst, a, k }
        | Op::MulK { dst, a, k }
        | Op::DivK { dst, a, k }
        | Op::ModK { dst, a, k } => {
            let constant = Some(const_kind(proto, k).map_or(u8::MAX, kind_tag));
            let result = guarded(&mut s, a, None, constant);
            set(&mut s, dst, result.map(kind_tag));
            next
        }
        Op::Lt { dst, a, b }
        | Op::Le { dst, a, b }
        | Op::Gt { dst, a, b }
        | Op::Ge { dst, a, b } => {
            guarded(&mut s, a, Some(b), None);
            set(&mut s, dst, Some(tag::BOOL));
            next
        }
        Op::Eq { dst, .. } | Op::Ne { dst, .. } | Op::Truthy { dst, .. } => {
            set(&mut s, dst, Some(tag::BOOL));
            next
        }
        Op::Not { dst, src } => {
            let result =
                (s.get(src as usize).copied().flatten() == Some(tag::BOOL)).then_some(tag::BOOL);
            set(&mut s, dst, result);
            next
        }
        Op::JumpIfNotLt { a, b, target }
        | Op::JumpIfNotLe { a, b, target }
        | Op::JumpIfNotGt { a, b, target }
        | Op::JumpIfNotGe { a, b, target } => {
            guarded(&mut s, a, Some(b), None);
            vec![pc + 1, target as usize]
        }
        Op::JumpIfNotLtK { a, k, target }
        | Op::JumpIfNotLeK { a, k, target }
        | Op::JumpIfNotGtK { a, k, target }
        | Op::JumpIfNotGeK { a, k, target } => {
            let constant = Some(const_kind(proto, k).map_or(u8::MAX, kind_tag));
            guarded(&mut s, a, None, constant);
            vec![pc + 1, target as usize]
        }
        Op::Jump { target } | Op::Loop { target } => vec![target as usize],
        Op::JumpIfNotEq { target, .. }
        | Op::JumpIfNotNe { target, .. }
        | Op::JumpIfNotEqK { target, .. }
        | Op::JumpIfNotNeK { target, .. }
        | Op::JumpIfFalsy { target, .. }
        | Op::JumpIfTruthy { target, .. }
        | Op::JumpIfSame { target, .. }
        | Op::JumpIfNull { target, .. }
        | Op::JumpIfNotNull { target, .. }
        | Op::TestPattern { target, .. }
        | Op::ArrayPattern { target, .. } => vec![pc + 1, target as usize],
        Op::DictPatternGet { dst, target, .. } => {
            set(&mut s, dst, None);
            vec![pc + 1, target as usize]
        }
        Op::ForNext { iter, dst, target } => {
            set(&mut s, dst, None);
            set(&mut s, iter + 1, None);
            vec![pc + 1, target as usize]
        }
        Op::ForPrep { iter, .. } | Op::ForPrepRange { iter, .. } => {
            for r in iter..iter + 3 {
                set(&mut s, r, None);
            }
            next
        }
        Op::Return { .. } | Op::ReturnNull | Op::Throw { .. } | Op::Raise { .. } | Op::Rethrow => {
            Vec::new()
        }
        Op::TryUnwrap { dst, .. }
        | Op::GetGlobal { dst, .. }
        | Op::NewCell { dst }
        | Op::GetCell { dst, .. }
        | Op::GetUpval { dst, .. }
        | Op::Closure { dst, .. }
        | Op::Neg { dst, .. }
        | Op::NewArray { dst, .. }
        | Op::NewDict { dst }
        | Op::NewStruct { dst, .. }
        | Op::Wrap { dst, .. }
        | Op::NewEnum { dst, .. }
        | Op::Concat { dst, .. }
        | Op::GetIndex { dst, .. }
        | Op::GetField { dst, .. }
        | Op::Payload { dst, .. }
        | Op::GetElem { dst, .. }
        | Op::ArrayRest { dst, .. }
        | Op::DictRest { dst, .. } => {
            set(&mut s, dst, None);
            next
        }
        Op::SetCell { cell, .. } => {
            set(&mut s, cell, None);
            next
        }
        Op::ArrayPush { arr, .. } | Op::ArraySpread { arr, .. } => {
            set(&mut s, arr, None);
            next
        }
        Op::DictInsert { dict, .. } | Op::DictSpread { dict, .. } => {
            set(&mut s, dict, None);
            next
        }
        Op::PushInPlace { var, .. } => {
            set(&mut s, var, None);
            next
        }
        Op::SetPathReg { reg, .. } => {
            set(&mut s, reg, None);
            next
        }
        Op::CheckDefined { .. }
        | Op::RaiseIfDefined { .. }
        | Op::SetGlobal { .. }
        | Op::DefGlobal { .. }
        | Op::SetUpval { .. }
        | Op::SetPathGlobal { .. }
        | Op::SetPathUpval { .. }
        | Op::DefMethod { .. } => next,
        Op::Call { base, .. } | Op::CallMethod { base, .. } => {
            forget_from(&mut s, base);
            next
        }
        Op::GetName { .. } | Op::SetName { .. } | Op::SetPathName { .. } => {
            forget_all(&mut s);
            next
        }
    };
    (s, successors)
}
