//! The register cache: where each register's value lives while compiled code runs.
//!
//! A register is in the VM's stack, or, where the plan makes it resident
//! (`plan::register_cache`), in cache slots (allocas that mem2reg turns into SSA values),
//! which hold the truth there while the stack may be stale. Helpers and exits see the
//! stack, so the resident registers are written back before them and re-read after; an
//! edge into code where another set is resident moves the difference between cache and
//! stack on the way (`goto`). Loop-free functions keep their few cached registers
//! resident everywhere and write them through to the stack at once.

use inkwell::basic_block::BasicBlock;
use inkwell::values::PointerValue;

use super::{err, types, Lower, Word2};
use crate::bytecode::Reg;

impl<'ctx> Lower<'_, 'ctx> {
    /// The registers resident where code is being built.
    fn resident_here(&self) -> &[Reg] {
        &self.cache_plan.sets[self.resident.get()]
    }

    /// Register `r`'s cache slots, if its value lives there where code is being built.
    pub(super) fn cache_slot(&self, r: Reg) -> Option<(PointerValue<'ctx>, PointerValue<'ctx>)> {
        self.resident_here().binary_search(&r).ok()?;
        self.cache[r as usize]
    }

    /// Register `r`'s current value (its tag a constant where it is known).
    pub(super) fn get(&self, r: Reg) -> Result<Word2<'ctx>, String> {
        let mut value = match self.cache_slot(r) {
            Some((tag, payload)) => Word2 {
                tag: self.load_i64(tag, "t")?,
                payload: self.load_i64(payload, "p")?,
            },
            None => self.load_value(self.slot(r as i64)?)?,
        };
        match self.known_tag(r) {
            Some(types::SCALAR) | None => {}
            Some(tag) => value.tag = self.i64t.const_int(tag as u64, false),
        }
        Ok(value)
    }

    /// The tag register `r` is known to hold at this point of the current instruction.
    pub(super) fn known_tag(&self, r: Reg) -> Option<u8> {
        if self.stale.get() {
            return None;
        }
        let learned = self.learned.borrow();
        if let Some(&(_, tag)) = learned.iter().rev().find(|(reg, _)| *reg == r) {
            return Some(tag);
        }
        self.types.known(self.current_pc.get(), r)
    }

    /// Records that register `r` holds `tag` from here on in this instruction.
    pub(super) fn learn(&self, r: Reg, tag: u8) {
        self.learned.borrow_mut().push((r, tag));
    }

    /// Sets register `r`, releasing what it held. `value` must already be owned (cloned).
    pub(super) fn set(&self, r: Reg, value: Word2<'ctx>) -> Result<(), String> {
        let old = self.get(r)?;
        if !self.known_tag(r).is_some_and(types::is_scalar) {
            self.release(old)?;
        }
        match value.tag.get_zero_extended_constant() {
            Some(tag) => self.learn(r, tag as u8),
            None => self.learned.borrow_mut().retain(|(reg, _)| *reg != r),
        }
        if let Some((tag, payload)) = self.cache_slot(r) {
            self.b.build_store(tag, value.tag).map_err(err)?;
            self.b.build_store(payload, value.payload).map_err(err)?;
            if !self.write_through {
                return Ok(());
            }
        }
        self.store_value(self.slot(r as i64)?, value)
    }

    /// Writes the resident registers back to the stack (before anything looks at it).
    pub(super) fn flush(&self) -> Result<(), String> {
        if self.write_through {
            return Ok(());
        }
        self.write_back(self.resident_here())
    }

    /// Re-reads the resident registers `from..` from the stack.
    pub(super) fn reload(&self, from: usize) -> Result<(), String> {
        self.stale.set(true);
        let resident = self.resident_here();
        let first = resident.partition_point(|&r| (r as usize) < from);
        self.read_in(&resident[first..])
    }

    /// Stores the cached values of `registers` to the stack.
    fn write_back(&self, registers: &[Reg]) -> Result<(), String> {
        for &r in registers {
            let Some((tag, payload)) = self.cache[r as usize] else {
                continue;
            };
            let value = Word2 {
                tag: self.load_i64(tag, "t")?,
                payload: self.load_i64(payload, "p")?,
            };
            self.store_value(self.slot(r as i64)?, value)?;
        }
        Ok(())
    }

    /// Loads `registers` from the stack into their cache slots.
    fn read_in(&self, registers: &[Reg]) -> Result<(), String> {
        for &r in registers {
            let Some((tag, payload)) = self.cache[r as usize] else {
                continue;
            };
            let value = self.load_value(self.slot(r as i64)?)?;
            self.b.build_store(tag, value.tag).map_err(err)?;
            self.b.build_store(payload, value.payload).map_err(err)?;
        }
        Ok(())
    }

    /// Where to branch to go from here to instruction `to`: its block, or, where other
    /// registers are resident there, a pad that writes back those leaving the cache and
    /// reads in those entering it.
    pub(super) fn goto(&self, to: usize) -> Result<BasicBlock<'ctx>, String> {
        let target = self.blocks[to];
        let there = &self.cache_plan.sets[self.cache_plan.resident[to]];
        let here = self.resident_here();
        let leaving: Vec<Reg> = here
            .iter()
            .filter(|r| !there.contains(r))
            .copied()
            .collect();
        let entering: Vec<Reg> = there
            .iter()
            .filter(|r| !here.contains(r))
            .copied()
            .collect();
        if leaving.is_empty() && entering.is_empty() {
            return Ok(target);
        }
        let from = self.b.get_insert_block();
        let pad = self.new_block(&format!("to{to}"));
        self.b.position_at_end(pad);
        if !self.write_through {
            self.write_back(&leaving)?;
        }
        self.read_in(&entering)?;
        self.b.build_unconditional_branch(target).map_err(err)?;
        if let Some(from) = from {
            self.b.position_at_end(from);
        }
        Ok(pad)
    }
}
