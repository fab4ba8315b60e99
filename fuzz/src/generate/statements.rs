//! Statements inside a block: prints, new variables and assignments, control flow
//! (`if`, loops, `try`, `match`, `break`/`continue`/`return`) and statements that
//! raise.

use arbitrary::Result;

use super::expressions::{BIG_INTS, KEYS};
use super::state::{Access, Generator, Kind, VALUE_KINDS};
use super::{MAX_BLOCKS, MAX_EXPR_DEPTH};

impl Generator<'_, '_> {
    /// A block of statements. Variables it creates are forgotten at its end (they may not
    /// exist: the block may not have run, or not to its end), and variables it gave
    /// another kind become `Any`.
    pub(super) fn block(&mut self, max_statements: u32) -> Result<()> {
        let kinds: Vec<Kind> = self.unit.vars.iter().map(|v| v.kind).collect();
        self.unit.blocks += 1;
        let n = self.u.int_in_range(1..=max_statements)?;
        for _ in 0..n {
            self.statement()?;
        }
        self.unit.blocks -= 1;
        self.unit.vars.truncate(kinds.len());
        for (var, kind) in self.unit.vars.iter_mut().zip(kinds) {
            if var.kind != kind {
                var.kind = Kind::Any;
            }
        }
        Ok(())
    }

    /// A loop body run `trips` times.
    fn loop_body(&mut self, trips: u64) -> Result<()> {
        let repeat = self.unit.repeat;
        self.unit.repeat = repeat.saturating_mul(trips.max(1));
        self.unit.loops += 1;
        let result = self.block(3);
        self.unit.loops -= 1;
        self.unit.repeat = repeat;
        result
    }

    pub(super) fn statement(&mut self) -> Result<()> {
        let nested = self.unit.blocks < MAX_BLOCKS;
        let choice = self.u.int_in_range(0..=19)?;
        match choice {
            0..=3 => self.print_statement(),
            4..=6 => self.new_var(),
            7..=9 => self.assign(),
            10 if nested => self.if_statement(),
            11 if nested => self.for_range(),
            12 if nested => self.while_loop(),
            13 if nested => self.for_each(),
            14 if nested => self.try_statement(),
            15 if nested => self.match_statement(),
            16 if self.unit.loops > 0 => {
                let word = *self.pick(&["break", "continue"])?;
                let cond = self.bool_expr(1)?;
                self.open(&format!("if ({cond})"));
                self.line(word);
                self.close();
                Ok(())
            }
            17 => match self.unit.returns {
                Some(kind) => {
                    let cond = self.bool_expr(1)?;
                    let value = self.expr(kind, 1)?;
                    self.open(&format!("if ({cond})"));
                    self.line(&format!("return {value}"));
                    self.close();
                    Ok(())
                }
                None => self.error_statement(),
            },
            18 => self.error_statement(),
            _ => {
                let kind = *self.pick(VALUE_KINDS)?;
                let call = self.call_returning(kind, 1)?;
                self.line(&format!("print({call})"));
                Ok(())
            }
        }
    }

    fn print_statement(&mut self) -> Result<()> {
        let n = self.u.int_in_range(1..=3)?;
        let mut args = Vec::new();
        for _ in 0..n {
            args.push(self.any_expr(2)?);
        }
        let f = if self.chance(1, 8)? {
            "eprint"
        } else {
            "print"
        };
        self.line(&format!("{f}({})", args.join(", ")));
        Ok(())
    }

    fn new_var(&mut self) -> Result<()> {
        let kind = *self.pick(VALUE_KINDS)?;
        let value = self.expr(kind, MAX_EXPR_DEPTH)?;
        let name = self.fresh("v");
        let (keyword, access) = *self.pick(&[
            ("", Access::Mutable),
            ("", Access::Mutable),
            ("mut ", Access::Mutable),
            ("let ", Access::Immutable),
        ])?;
        self.line(&format!("{keyword}{name} := {value}"));
        self.declare(&name, kind, access);
        Ok(())
    }

    /// Assigns an existing variable: same kind, another kind where that is safe, an
    /// element or entry, or (risky) an immutable binding.
    fn assign(&mut self) -> Result<()> {
        let Some(index) = self.var_where(|v| v.access != Access::Fixed && v.kind != Kind::IntFn)?
        else {
            return self.new_var();
        };
        if self.unit.vars[index].access == Access::Immutable && !self.risky()? {
            return self.print_statement();
        }
        let plain = self.unit.plain_values;
        self.unit.plain_values = self.unit.vars[index].loops < self.unit.loops;
        let result = self.assign_value(index);
        self.unit.plain_values = plain;
        result
    }

    fn assign_value(&mut self, index: usize) -> Result<()> {
        let var = &self.unit.vars[index];
        let (name, kind) = (var.name.clone(), var.kind);
        let may_retype = !var.pinned && var.loops == self.unit.loops;
        if may_retype && self.chance(1, 4)? {
            let new_kind = *self.pick(VALUE_KINDS)?;
            let value = self.expr(new_kind, 2)?;
            self.line(&format!("{name} := {value}"));
            self.unit.vars[index].kind = new_kind;
            return Ok(());
        }
        match kind {
            Kind::Int | Kind::Float | Kind::Str if self.chance(1, 3)? => {
                // Repeated `*=` on an int soon overflows: only where that is wanted.
                let op = if kind == Kind::Str {
                    "+="
                } else if kind == Kind::Float || self.risky()? {
                    *self.pick(&["+=", "-=", "*="])?
                } else {
                    *self.pick(&["+=", "-="])?
                };
                let value = match kind {
                    Kind::Int => self.int_expr(1)?,
                    Kind::Float => self.float_expr(1)?,
                    _ => self.str_expr(1)?,
                };
                self.line(&format!("{name} {op} {value}"));
            }
            Kind::Ints if self.risky()? => {
                let (i, v) = (self.int_expr(1)?, self.int_expr(1)?);
                self.line(&format!("{name}[{i}] := {v}"));
            }
            Kind::Ints if self.chance(1, 2)? => {
                let v = self.int_expr(1)?;
                self.line(&format!("{name} := push({name}, {v})"));
            }
            Kind::Dict => {
                let key = self.pick(KEYS)?;
                let v = self.int_expr(1)?;
                self.line(&format!("{name}[{key}] := {v}"));
            }
            // Another kind is fine for a variable nothing relies on.
            Kind::Any => {
                let kind = *self.pick(VALUE_KINDS)?;
                let v = self.expr(kind, 2)?;
                self.line(&format!("{name} := {v}"));
            }
            _ => {
                let v = self.expr(kind, 2)?;
                self.line(&format!("{name} := {v}"));
            }
        }
        Ok(())
    }

    fn if_statement(&mut self) -> Result<()> {
        let cond = self.bool_expr(2)?;
        self.open(&format!("if ({cond})"));
        self.block(3)?;
        if self.chance(1, 2)? {
            if self.chance(1, 3)? {
                let cond = self.bool_expr(2)?;
                self.reopen(&format!("else if ({cond})"));
                self.block(2)?;
            }
            self.reopen("else");
            self.block(3)?;
        }
        self.close();
        Ok(())
    }

    /// The trip count of a loop: usually small, sometimes long enough for on-stack
    /// replacement and for guards to fail in compiled code.
    fn trips(&mut self) -> Result<u64> {
        Ok(if self.chance(1, 4)? {
            self.u.int_in_range(10..=40)?
        } else {
            self.u.int_in_range(0..=6)?
        })
    }

    fn for_range(&mut self) -> Result<()> {
        let trips = self.trips()?;
        if !self.afford(trips) {
            return self.print_statement();
        }
        let start = self.u.int_in_range(-2..=2)?;
        let var = self.fresh("i");
        self.open(&format!(
            "for {var} in range({start}, {})",
            start + trips as i64
        ));
        self.declare(&var, Kind::Int, Access::Fixed);
        self.loop_body(trips)?;
        self.unit.vars.pop();
        self.close();
        Ok(())
    }

    fn while_loop(&mut self) -> Result<()> {
        let trips = self.trips()?;
        if !self.afford(trips) {
            return self.print_statement();
        }
        let counter = self.fresh("w");
        self.line(&format!("mut {counter} := 0"));
        self.declare(&counter, Kind::Int, Access::Fixed);
        // Counting first, so `continue` cannot skip it.
        if self.chance(1, 2)? {
            self.open(&format!("while ({counter} < {trips})"));
            self.line(&format!("{counter} := ({counter} + 1)"));
        } else {
            self.open("loop");
            self.line(&format!("{counter} += 1"));
            self.line(&format!("if ({counter} > {trips}) {{ break }}"));
        }
        self.loop_body(trips)?;
        self.close();
        Ok(())
    }

    /// `for` over an array, a string or a dict's keys.
    fn for_each(&mut self) -> Result<()> {
        if !self.afford(12) {
            return self.print_statement();
        }
        let var = self.fresh("x");
        // At most 12 trips: arrays and strings are cut to 12, dicts have at most 5 keys.
        let (source, kind) = match self.u.int_in_range(0..=2)? {
            0 => (format!("slice({}, 0, 12)", self.ints_expr(1)?), Kind::Int),
            1 => (
                format!("substring({}, 0, 12)", self.str_expr(1)?),
                Kind::Str,
            ),
            _ => (format!("({})", self.dict_expr(1)?), Kind::Str),
        };
        self.open(&format!("for {var} in {source}"));
        self.declare(&var, kind, Access::Fixed);
        self.loop_body(12)?;
        self.unit.vars.pop();
        self.close();
        Ok(())
    }

    /// Writes `try { … } except e {` with a generated body and returns the error's name;
    /// the caller writes the handler and closes it.
    pub(super) fn try_except(&mut self) -> Result<String> {
        self.open("try");
        self.unit.tries += 1;
        let body = self.block(3);
        self.unit.tries -= 1;
        body?;
        let err = self.fresh("e");
        self.reopen(&format!("except {err}"));
        Ok(err)
    }

    fn try_statement(&mut self) -> Result<()> {
        let err = self.try_except()?;
        let report = match self.u.int_in_range(0..=3)? {
            0 => format!("print(\"caught\", {err}.message)"),
            1 => format!("print(\"caught\", {err}.message, {err}.line)"),
            2 => format!("print(\"caught\", {err})"),
            _ => format!("eprint(\"caught\", {err}.message, {err}.stack)"),
        };
        self.line(&report);
        if self.chance(1, 4)? {
            self.block(2)?;
        }
        self.close();
        Ok(())
    }

    fn match_statement(&mut self) -> Result<()> {
        let subject = if self.chance(1, 2)? {
            self.int_expr(1)?
        } else {
            self.any_expr(1)?
        };
        self.open(&format!("match {subject}"));
        let cases = self.u.int_in_range(1..=3)?;
        for _ in 0..cases {
            let pattern = self.pick(&["0", "1", "-1", "2.5", "\"a\"", "hello", "null", "true"])?;
            self.open(&format!("case {pattern}:"));
            self.block(2)?;
            self.close();
        }
        if self.chance(1, 2)? {
            self.open("default:");
            self.block(2)?;
            self.close();
        }
        self.close();
        Ok(())
    }

    /// A statement that raises: meant for `try` bodies, so outside one it is mostly a
    /// print instead.
    fn error_statement(&mut self) -> Result<()> {
        if self.unit.tries == 0 && !self.chance(1, 200)? {
            return self.print_statement();
        }
        let text = match self.u.int_in_range(0..=7)? {
            0 => format!("print((1 / ({} - {0})))", self.int_leaf()?),
            1 => format!("print({}[99])", self.ints_expr(1)?),
            2 => format!("print(({} + 1))", BIG_INTS[0]),
            3 => format!("throw(\"boom ${{{}}}\")", self.int_leaf()?),
            4 => format!("throw({})", self.any_expr(1)?),
            5 => format!("print((\"n=\" + {}))", self.int_leaf()?),
            6 => format!("print(({} % 0))", self.int_leaf()?),
            _ => format!("print(missing_{}.x)", self.next_id),
        };
        self.line(&text);
        Ok(())
    }
}
