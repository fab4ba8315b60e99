//! Top-level templates aimed at tier 1: variables changing kind in hot loops,
//! polymorphic calls, errors part-way through compiled loops, closures, struct
//! methods, recursion, `?` chains, global updates and destructuring.

use arbitrary::Result;

use super::state::{Access, Generator, Kind};

impl Generator<'_, '_> {
    /// A variable that is an int, then a float, then a string within one hot loop, with
    /// arithmetic that sees every kind (guards fail; tier 1 deoptimizes and recompiles).
    pub(super) fn morph_loop(&mut self) -> Result<()> {
        let trips: u64 = self.u.int_in_range(4..=30)?;
        if !self.afford(trips * 4) {
            return self.statement();
        }
        // Float first: `to_float` of the string would fail.
        let to_float = self.u.int_in_range(0..=trips)?;
        let to_str = to_float + self.u.int_in_range(0..=trips)?;
        let var = self.fresh("m");
        let i = self.fresh("i");
        let start = self.small_int()?;
        let step = self.small_int()?;
        self.line(&format!("mut {var} := {start}"));
        self.open(&format!("for {i} in range(0, {trips})"));
        self.line(&format!(
            "if ({i} == {to_float}) {{ {var} := (to_float({var}) + 0.5) }}"
        ));
        self.line(&format!(
            "if ({i} == {to_str}) {{ {var} := to_string({var}) }}"
        ));
        self.open(&format!("if (is_string({var}))"));
        self.line(&format!("{var} := ({var} + \"s\")"));
        self.reopen("else");
        self.line(&format!("{var} := (({var} * 2) + ({i} * {step}))"));
        self.close();
        if self.chance(1, 2)? {
            self.line(&format!("print({i}, {var}, type({var}))"));
        }
        self.close();
        self.line(&format!("print(\"morph\", {var})"));
        self.declare(&var, Kind::Any, Access::Mutable);
        Ok(())
    }

    /// A function called in a loop with ints, then floats, then strings (or values its
    /// operator rejects, inside `try`).
    pub(super) fn poly_calls(&mut self) -> Result<()> {
        let trips: u64 = self.u.int_in_range(4..=40)?;
        if !self.afford(trips * 3) {
            return self.statement();
        }
        let f = self.fresh("f");
        let op = self.pick(&["+", "-", "*", "+", "/"])?;
        let (a, b) = (self.fresh("p"), self.fresh("p"));
        self.define(&format!("func {f}({a}, {b}) {{ return ({a} {op} {b}) }}"));
        let (first, second) = (
            self.u.int_in_range(0..=trips)?,
            self.u.int_in_range(0..=trips)?,
        );
        let i = self.fresh("i");
        let k = self.small_int()?;
        let guarded = *op != "+" || self.chance(1, 3)?;
        self.open(&format!("for {i} in range(0, {trips})"));
        if guarded {
            self.open("try");
        }
        self.open(&format!("if ({i} < {first})"));
        self.line(&format!("print({f}({i}, {k}))"));
        self.reopen(&format!("else if ({i} < {second})"));
        self.line(&format!("print({f}(({i} * 0.5), 1.5))"));
        self.reopen("else");
        self.line(&format!("print({f}(\"s${{{i}}}\", \"t\"))"));
        self.close();
        if guarded {
            let err = self.fresh("e");
            self.reopen(&format!("except {err}"));
            self.line(&format!(
                "print(\"poly\", {err}.message, {err}.line, {err}.stack)"
            ));
            self.close();
        }
        self.close();
        Ok(())
    }

    /// A hot loop that reaches an overflow, a zero divisor or a missing index part-way.
    pub(super) fn edge_loop(&mut self) -> Result<()> {
        let trips: i64 = self.u.int_in_range(3..=30)?;
        if !self.afford(trips as u64 * 2) {
            return self.statement();
        }
        let var = self.fresh("v");
        let i = self.fresh("i");
        let guarded = self.chance(9, 10)?;
        if guarded {
            self.open("try");
        }
        match self.u.int_in_range(0..=3)? {
            0 => {
                let gap = self.u.int_in_range(0..=trips * 2)?;
                self.line(&format!("mut {var} := (9223372036854775807 - {gap})"));
                self.open(&format!("for {i} in range(0, {trips})"));
                self.line(&format!("{var} := ({var} + {i})"));
            }
            1 => {
                let gap = self.u.int_in_range(0..=trips * 2)?;
                self.line(&format!(
                    "mut {var} := ((-9223372036854775807 - 1) + {gap})"
                ));
                self.open(&format!("for {i} in range(0, {trips})"));
                self.line(&format!("{var} := ({var} - {i})"));
            }
            2 => {
                let zero_at = self.u.int_in_range(-trips..=trips)?;
                self.line(&format!("mut {var} := 0"));
                self.open(&format!("for {i} in range(0, {trips})"));
                let op = self.pick(&["/", "%"])?;
                self.line(&format!("{var} := ({var} + (1000 {op} ({i} - {zero_at})))"));
            }
            _ => {
                let len = self.u.int_in_range(0..=trips)?;
                self.line(&format!("mut {var} := range(0, {len})"));
                self.open(&format!("for {i} in range(0, {trips})"));
                self.line(&format!("print({var}[{i}])"));
            }
        }
        self.line(&format!("print({i}, {var})"));
        self.close();
        if guarded {
            let err = self.fresh("e");
            self.reopen(&format!("except {err}"));
            self.line(&format!("print(\"edge\", {err})"));
            self.close();
        }
        Ok(())
    }

    /// A function whose closure updates the function's local (captured by reference);
    /// the closure is kept and called from later code.
    pub(super) fn closure_counter(&mut self) -> Result<()> {
        if !self.afford(40) {
            return self.statement();
        }
        let maker = self.fresh("f");
        let (start, count, step, inner, trips) = (
            self.fresh("p"),
            self.fresh("v"),
            self.fresh("k"),
            self.fresh("v"),
            self.u.int_in_range(0..=12)?,
        );
        let i = self.fresh("i");
        let op = self.pick(&["+", "-", "*"])?;
        self.define(&format!(
            "func {maker}({start}) {{\n    \
             mut {count} := {start}\n    \
             {inner} := func({step}) {{\n        \
             {count} := (({count} {op} {step}) % 1000003)\n        \
             return {count}\n    }}\n    \
             for {i} in range(0, {trips}) {{ {inner}({i}) }}\n    \
             print(\"made\", {count})\n    \
             return {inner}\n}}"
        ));
        let closure = self.fresh("c");
        let first = self.small_int()?;
        self.line(&format!("{closure} := {maker}({first})"));
        self.declare(&closure, Kind::IntFn, Access::Fixed);
        // And a closure over a variable of the current scope, updated by both.
        if let Some(index) =
            self.var_where(|v| v.kind == Kind::Int && v.access == Access::Mutable)?
        {
            self.unit.vars[index].pinned = true;
            let outer = self.unit.vars[index].name.clone();
            let (name, param) = (self.fresh("c"), self.fresh("k"));
            self.line(&format!(
                "{name} := func({param}) {{ {outer} := (({outer} + {param}) % 99991); return {outer} }}"
            ));
            self.declare(&name, Kind::IntFn, Access::Fixed);
            self.line(&format!("print({name}(3), {outer})"));
        }
        let calls = self.u.int_in_range(1..=20)?;
        self.line(&format!(
            "for {i} in range(0, {calls}) {{ print({closure}({i})) }}"
        ));
        Ok(())
    }

    /// A struct with a `self` method that changes its receiver, a self-less method and
    /// an operator method, used in a loop.
    pub(super) fn struct_methods(&mut self) -> Result<()> {
        let trips: u64 = self.u.int_in_range(0..=20)?;
        if !self.afford(trips * 3 + 3) {
            return self.statement();
        }
        let name = format!("S{}", self.next_id);
        self.next_id += 1;
        let (other, d) = (self.fresh("p"), self.fresh("p"));
        self.line(&format!(
            "struct {name} {{\n    \
             x, y,\n    \
             func total(self) {{ return (self.x + self.y) }}\n    \
             func bump(self, {d}) {{ self.x := (self.x + {d}); return self.x }}\n    \
             func scaled({d}) {{ return (x * {d}) }}\n    \
             func op_add({other}) {{ return {name} {{ x: (x + {other}.x), y: (y + {other}.y) }} }}\n\
             }}"
        ));
        let (var, i) = (self.fresh("v"), self.fresh("i"));
        let (x, y) = (self.int_leaf()?, self.float_expr(0)?);
        self.line(&format!("mut {var} := {name} {{ x: {x}, y: {y} }}"));
        self.open(&format!("for {i} in range(0, {trips})"));
        self.line(&format!("{var}.bump({i})"));
        if self.chance(1, 2)? {
            self.line(&format!("print({var}.total(), {var}.scaled(2))"));
        }
        self.close();
        let sum = self.fresh("v");
        self.line(&format!("{sum} := ({var} + {name} {{ x: 1, y: 2 }})"));
        self.line(&format!("print({var}, {sum}, {sum}.total())"));
        Ok(())
    }

    /// Bounded recursion: a counted-down accumulator, or doubly recursive like fib.
    pub(super) fn recursion(&mut self) -> Result<()> {
        let f = self.fresh("f");
        let (n, acc) = (self.fresh("p"), self.fresh("p"));
        let (depth, cost) = if self.chance(1, 2)? {
            let step = self.small_int()?;
            let op = self.pick(&["+", "*", "-"])?;
            self.define(&format!(
                "func {f}({n}, {acc}) {{\n    \
                 if ({n} <= 0) {{ return {acc} }}\n    \
                 return {f}(({n} - 1), (({acc} {op} {n}) + {step}))\n}}"
            ));
            let depth: u64 = self.u.int_in_range(0..=60)?;
            (format!("{depth}, {}", self.int_leaf()?), depth + 1)
        } else {
            let base = self.pick(&["1", "0.5", "\"b\""])?;
            self.define(&format!(
                "func {f}({n}, {acc}) {{\n    \
                 if ({n} < 2) {{ return {base} }}\n    \
                 return ({f}(({n} - 1), {acc}) + {f}(({n} - 2), {acc}))\n}}"
            ));
            let depth: u32 = self.u.int_in_range(0..=11)?;
            (format!("{depth}, 0"), 300)
        };
        if !self.afford(cost) {
            return self.statement();
        }
        let call = format!("print(\"rec\", {f}({depth}))");
        if self.chance(3, 4)? {
            let err = self.fresh("e");
            self.line(&format!(
                "try {{ {call} }} except {err} {{ print(\"rec\", {err}.message, {err}.stack) }}"
            ));
        } else {
            self.line(&call);
        }
        Ok(())
    }

    /// `?` on results and options through two functions, called in a loop.
    pub(super) fn result_chain(&mut self) -> Result<()> {
        let trips: u64 = self.u.int_in_range(1..=12)?;
        if !self.afford(trips * 4) {
            return self.statement();
        }
        let (check, use_it, n, v) = (
            self.fresh("f"),
            self.fresh("f"),
            self.fresh("p"),
            self.fresh("v"),
        );
        let limit = self.small_int()?;
        let (ok, fail) = *self.pick(&[("Ok", "Err(\"big\")"), ("Some", "None")])?;
        self.define(&format!(
            "func {check}({n}) {{\n    \
             if ({n} > {limit}) {{ return {fail} }}\n    \
             return {ok}(({n} * 3))\n}}\n\
             func {use_it}({n}) {{\n    \
             {v} := {check}({n})?\n    \
             return {ok}(({v} + 1))\n}}"
        ));
        let i = self.fresh("i");
        self.line(&format!(
            "for {i} in range(0, {trips}) {{ print({use_it}({i})) }}"
        ));
        Ok(())
    }

    /// A function that updates a global by plain assignment, called in a loop.
    pub(super) fn global_updates(&mut self) -> Result<()> {
        if self.unit.blocks > 0 {
            return self.statement();
        }
        let trips: u64 = self.u.int_in_range(1..=30)?;
        if !self.afford(trips * 2) {
            return self.statement();
        }
        let (global, f, n, i) = (
            self.fresh("g"),
            self.fresh("f"),
            self.fresh("p"),
            self.fresh("i"),
        );
        let start = self.pick(&["0", "0.5", "\"\""])?;
        let add = if *start == "\"\"" {
            format!("to_string({n})")
        } else {
            n.clone()
        };
        self.define(&format!(
            "func {f}({n}) {{ {global} := ({global} + {add}); return {global} }}"
        ));
        self.line(&format!("{global} := {start}"));
        self.line(&format!("for {i} in range(0, {trips}) {{ {f}({i}) }}"));
        self.line(&format!("print(\"global\", {global})"));
        Ok(())
    }

    /// Unbounded recursion inside `try`: the call-depth limit must stop it the same way
    /// in every tier.
    pub(super) fn deep_recursion(&mut self) -> Result<()> {
        if !self.afford(2000) {
            return self.statement();
        }
        let (f, n, e) = (self.fresh("f"), self.fresh("p"), self.fresh("e"));
        self.define(&format!("func {f}({n}) {{ return ({f}(({n} + 1)) + 1) }}"));
        self.line(&format!(
            "try {{ print({f}(0)) }} except {e} {{ print(\"deep\", {e}.message, {e}.line) }}"
        ));
        Ok(())
    }

    /// Generated functions called many times in a loop (tier-up by calls).
    pub(super) fn calls_in_loop(&mut self) -> Result<()> {
        let trips: u64 = self.u.int_in_range(2..=30)?;
        if !self.afford(trips) {
            return self.statement();
        }
        let i = self.fresh("i");
        self.open(&format!("for {i} in range(0, {trips})"));
        self.declare(&i, Kind::Int, Access::Fixed);
        let repeat = self.unit.repeat;
        self.unit.repeat = repeat * trips;
        let kind = *self.pick(&[Kind::Int, Kind::Float, Kind::Str, Kind::Ints])?;
        let call = self.call_returning(kind, 1);
        self.unit.repeat = repeat;
        self.unit.vars.pop();
        self.line(&format!("print({i}, {})", call?));
        self.close();
        Ok(())
    }

    pub(super) fn destructure(&mut self) -> Result<()> {
        let (a, b, rest) = (self.fresh("v"), self.fresh("v"), self.fresh("v"));
        let items = [self.int_leaf()?, self.int_leaf()?, self.int_leaf()?];
        if self.chance(1, 2)? {
            self.line(&format!(
                "let [{a}, _, ...{rest}] := [{}, {}, {}, 4]",
                items[0], items[1], items[2]
            ));
            self.line(&format!("print({a}, {rest})"));
            self.declare(&a, Kind::Int, Access::Immutable);
            self.declare(&rest, Kind::Ints, Access::Immutable);
        } else {
            // A dict pattern binds the keys of its names.
            self.line(&format!(
                "mut {{{a}, {b}, ...{rest}}} := {{\"{a}\": {}, \"{b}\": {}, \"c\": {}}}",
                items[0], items[1], items[2]
            ));
            self.line(&format!("print({a}, {b}, {rest})"));
            self.declare(&a, Kind::Int, Access::Mutable);
            self.declare(&b, Kind::Int, Access::Mutable);
            self.declare(&rest, Kind::Dict, Access::Mutable);
        }
        Ok(())
    }
}
