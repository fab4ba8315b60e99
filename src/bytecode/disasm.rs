//! Human-readable listing of a compiled program (`ruff dump --emit=bytecode`).

use std::fmt::Write;

use super::{Op, Program, Proto};
use crate::syntax::span::LineIndex;

/// Lists every function (or only those named `only`), one instruction per line with its
/// source line, plus what constants and globals the instruction refers to.
pub fn disassemble(program: &Program, lines: &LineIndex, only: Option<&str>) -> String {
    let mut out = String::new();
    for proto in &program.protos {
        if only.is_some_and(|name| name != &*proto.name) {
            continue;
        }
        disassemble_proto(&mut out, program, proto, lines);
    }
    out
}

fn disassemble_proto(out: &mut String, program: &Program, proto: &Proto, lines: &LineIndex) {
    let _ = writeln!(
        out,
        "function {} (arity {}, {} registers{})",
        proto.name,
        proto.arity,
        proto.num_regs,
        if proto.receiver { ", receiver" } else { "" }
    );
    for (pc, op) in proto.code.iter().enumerate() {
        let line = lines.line(proto.locations[pc]);
        let _ = write!(out, "  {pc:04}  line {line:<4} {op:?}");
        if let Some(note) = annotation(program, proto, op) {
            let _ = write!(out, "    ; {note}");
        }
        out.push('\n');
    }
    for h in &proto.handlers {
        let _ = writeln!(
            out,
            "  try {:04}..{:04} -> {:04} (error in r{})",
            h.start, h.end, h.target, h.reg
        );
    }
    out.push('\n');
}

fn annotation(program: &Program, proto: &Proto, op: &Op) -> Option<String> {
    let konst = |k: u32| proto.consts.get(k as usize).map(|v| format!("{v:?}"));
    let global = |g: u32| program.globals.get(g as usize).map(|n| n.to_string());
    match *op {
        Op::LoadConst { k, .. }
        | Op::AddK { k, .. }
        | Op::SubK { k, .. }
        | Op::MulK { k, .. }
        | Op::DivK { k, .. }
        | Op::ModK { k, .. }
        | Op::JumpIfNotLtK { k, .. }
        | Op::JumpIfNotLeK { k, .. }
        | Op::JumpIfNotGtK { k, .. }
        | Op::JumpIfNotGeK { k, .. }
        | Op::JumpIfNotEqK { k, .. }
        | Op::JumpIfNotNeK { k, .. } => konst(k),
        Op::GetField { name, .. } | Op::CallMethod { name, .. } | Op::CheckDefined { name, .. } => {
            konst(name)
        }
        Op::Raise { msg } | Op::RaiseIfDefined { msg, .. } => konst(msg),
        Op::GetGlobal { g, .. }
        | Op::SetGlobal { g, .. }
        | Op::DefGlobal { g, .. }
        | Op::SetPathGlobal { g, .. }
        | Op::ForPrepRange { g, .. }
        | Op::PushInPlace { g, .. } => global(g),
        Op::Closure { proto: p, .. } => program.protos.get(p as usize).map(|f| f.name.to_string()),
        Op::GetName { name, .. } | Op::SetName { name, .. } => proto
            .dyn_names
            .get(name as usize)
            .map(|d| d.name.to_string()),
        _ => None,
    }
}
