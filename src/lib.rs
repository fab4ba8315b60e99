//! Ruff: front end, bytecode compiler, tier-0 VM and command-line driver.
//!
//! Data flows one way: `syntax` (text -> AST) -> `compile` (AST -> bytecode `Proto`s)
//! -> `vm` (runs them), with `runtime` (the `ruff-runtime` crate) owning values and
//! semantics for every tier.

pub mod bytecode;
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod jit;
pub mod syntax;
pub mod vm;
