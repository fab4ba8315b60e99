//! Tier 1's listings of a whole program, for `ruff dump --emit=llvm-ir|llvm-ir-opt|asm`.
//!
//! Each function is lowered with the feedback it has now — none, for a program that has
//! not run — optimized and compiled to assembly exactly as [`compile::listing`] does, and
//! never installed. Every function's text is a complete module (or assembly file) after
//! a header line naming the function (`; function NAME` for IR, `# function NAME` for
//! assembly), so the output can be split at those lines and each part fed to `llvm-as`
//! or `llc` on its own.

use std::rc::Rc;

use super::compile::{self, Listing};
use crate::bytecode::Program;

/// Which of a function's listings to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// LLVM IR as lowered, before optimization.
    Ir,
    /// LLVM IR after the IR pipeline (`compile::PIPELINE`).
    Optimized,
    /// Native assembly for the host.
    Asm,
}

impl Kind {
    /// This kind's text of `listing`.
    pub fn text(self, listing: &Listing) -> &str {
        match self {
            Kind::Ir => &listing.ir,
            Kind::Optimized => &listing.optimized,
            Kind::Asm => &listing.asm,
        }
    }

    /// The line that introduces function `name`'s text: a comment in the text's language.
    pub fn header(self, name: &str) -> String {
        let comment = match self {
            Kind::Ir | Kind::Optimized => ';',
            Kind::Asm => '#',
        };
        format!("{comment} function {name}\n")
    }
}

/// One function's listings, or why tier 1 could not compile it.
pub struct FunctionListing {
    pub name: Rc<str>,
    pub proto: u32,
    pub listing: Result<Listing, String>,
}

impl FunctionListing {
    /// The header and `kind`'s text, or the compile error.
    pub fn render(&self, kind: Kind) -> Result<String, String> {
        match &self.listing {
            Ok(listing) => {
                let mut out = kind.header(&self.name);
                out.push_str(kind.text(listing));
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                Ok(out)
            }
            Err(e) => Err(format!(
                "tier 1 could not compile function {}: {e}",
                self.name
            )),
        }
    }
}

/// Whether `program` has a function called `name` (several may share it, like `<lambda>`).
pub fn has_function(program: &Program, name: &str) -> bool {
    program.protos.iter().any(|p| &*p.name == name)
}

/// The listings of every function of `program` (only those called `only`, if given), in
/// program order. One function failing does not stop the others.
pub fn listings(program: &Program, only: Option<&str>) -> Vec<FunctionListing> {
    program
        .protos
        .iter()
        .enumerate()
        .filter(|(_, p)| only.is_none_or(|name| &*p.name == name))
        .map(|(index, p)| FunctionListing {
            name: p.name.clone(),
            proto: index as u32,
            listing: compile::listing(program, index as u32),
        })
        .collect()
}

/// `kind`'s text of every function of `program` (or of those called `only`), each after
/// its header line; the first function tier 1 cannot compile (or an unknown `only`) is an
/// error.
pub fn emit(program: &Program, kind: Kind, only: Option<&str>) -> Result<String, String> {
    if let Some(name) = only {
        if !has_function(program, name) {
            return Err(format!("no function named {name}"));
        }
    }
    let mut out = String::new();
    for function in listings(program, only) {
        out.push_str(&function.render(kind)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(source: &str) -> Program {
        let ast = crate::syntax::parse(source).expect("parses");
        crate::compile::compile(&ast).expect("compiles")
    }

    #[test]
    fn every_function_gets_a_header_and_a_module() {
        let p = program("func add(a, b) { return a + b }\nprint(add(1, 2))\n");
        let ir = emit(&p, Kind::Ir, None).expect("lowers");
        assert_eq!(ir.matches("; function ").count(), p.protos.len());
        assert!(ir.contains("; function add\n"), "{ir}");
        assert!(ir.contains("define "), "{ir}");
        let asm = emit(&p, Kind::Asm, Some("add")).expect("compiles");
        assert!(asm.starts_with("# function add\n"), "{asm}");
        assert_eq!(asm.matches("# function ").count(), 1);
    }

    #[test]
    fn unknown_function_is_an_error() {
        let p = program("print(1)\n");
        let error = emit(&p, Kind::Optimized, Some("nope")).unwrap_err();
        assert!(error.contains("nope"), "{error}");
    }
}
