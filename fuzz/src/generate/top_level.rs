//! What the top level of a program is made of: top-level statements (templates or
//! plain statements), sections (a statement wrapped in a function called once) and
//! the generated helper functions later code calls.

use arbitrary::Result;

use super::state::{Access, Func, Generator, Kind, Unit};
use super::FUNCTION_WORK;

impl Generator<'_, '_> {
    pub(super) fn top_statement(&mut self) -> Result<()> {
        // Templates define functions and globals, so they stay at the top level.
        match self.u.int_in_range(0..=19)? {
            0 => self.morph_loop(),
            1 => self.poly_calls(),
            2 => self.edge_loop(),
            3 => self.closure_counter(),
            4 => self.struct_methods(),
            5 => self.recursion(),
            6 => self.result_chain(),
            7 => self.global_updates(),
            8 => self.deep_recursion(),
            9 => self.calls_in_loop(),
            10 => self.destructure(),
            11 | 12 => {
                // A section in a `try`, so an error in it does not end the program.
                let err = self.try_except()?;
                self.line(&format!(
                    "print(\"section failed:\", {err}.message, {err}.line)"
                ));
                self.close();
                Ok(())
            }
            _ => self.statement(),
        }
    }

    /// A top-level statement moved into a function that is called once, right there: it
    /// reads and changes the globals as the statement would, but tier 1 compiles (and
    /// after a deoptimization recompiles) it on its own rather than the whole top level.
    pub(super) fn section(&mut self) -> Result<()> {
        let name = self.fresh("s");
        let globals = self.unit.vars.len();
        let text = std::mem::take(&mut self.unit.text);
        let indent = std::mem::replace(&mut self.unit.indent, 1);
        // One block deep, so templates that need the top level itself write a statement.
        self.unit.blocks = 1;
        let written = self.top_statement();
        self.unit.blocks = 0;
        self.unit.indent = indent;
        let body = std::mem::replace(&mut self.unit.text, text);
        // Its own variables are locals of the function.
        self.unit.vars.truncate(globals);
        written?;
        self.prelude
            .push_str(&format!("func {name}() {{\n{body}}}\n"));
        self.line(&format!("{name}()"));
        Ok(())
    }

    /// Writes a top-level function (hoisted: it may be called anywhere) with random
    /// parameters and body; later code calls it.
    pub(super) fn function(&mut self) -> Result<()> {
        let name = self.fresh("f");
        let arity = self.u.int_in_range(0..=3)?;
        let params: Vec<Kind> = (0..arity)
            .map(|_| {
                self.pick(&[Kind::Int, Kind::Int, Kind::Float, Kind::Str, Kind::Ints])
                    .copied()
            })
            .collect::<Result<_>>()?;
        let ret = *self.pick(&[Kind::Int, Kind::Int, Kind::Float, Kind::Str, Kind::Ints])?;
        let saved = std::mem::replace(
            &mut self.unit,
            Unit {
                indent: 1,
                repeat: 1,
                budget: FUNCTION_WORK,
                returns: Some(ret),
                ..Unit::default()
            },
        );
        let names: Vec<String> = params.iter().map(|_| self.fresh("p")).collect();
        for (param, &kind) in names.iter().zip(&params) {
            self.declare(param, kind, Access::Mutable);
        }
        let statements = self.u.int_in_range(1..=4);
        let body = statements.and_then(|n| (0..n).try_for_each(|_| self.statement()));
        let value = body.and_then(|()| self.expr(ret, 2));
        let unit = std::mem::replace(&mut self.unit, saved);
        let value = value?;
        self.prelude.push_str(&format!(
            "func {name}({}) {{\n{}    return {value}\n}}\n",
            names.join(", "),
            unit.text
        ));
        self.funcs.push(Func {
            name,
            params,
            ret,
            cost: unit.spent.max(1) + 1,
        });
        Ok(())
    }
}
