//! Expressions of each kind the generator tracks, from the pools of literals they
//! draw on, and calls of earlier generated functions.

use arbitrary::Result;

use super::state::{Access, Generator, Kind, VALUE_KINDS};

/// Literals that put ints next to the i64 limits, so sums, products, negations and
/// divisions overflow.
pub(super) const BIG_INTS: &[&str] = &[
    "9223372036854775807",
    "(-9223372036854775807 - 1)",
    "4611686018427387904",
    "3037000500",
    "(-9223372036854775807)",
    "9223372036854775800",
    "4294967296",
];
pub(super) const FLOATS: &[&str] = &[
    "0.5",
    "1.25",
    "2.0",
    "0.1",
    "3.75",
    "1000000.5",
    "(-2.5)",
    "0.3",
    "100000000000000000000.0",
    // Infinity and NaN (NaN equals nothing, not even itself).
    "pow(10.0, 400)",
    "(pow(10.0, 400) - pow(10.0, 400))",
];
pub(super) const STRINGS: &[&str] = &[
    "",
    "a",
    "hello",
    "x y",
    "tab\\there",
    "line\\nbreak",
    "ünï",
    "cost \\$5",
    "Zz",
    "0",
];
pub(super) const KEYS: &[&str] = &["\"a\"", "\"b\"", "\"key\"", "\"zz\"", "7"];

impl Generator<'_, '_> {
    pub(super) fn expr(&mut self, kind: Kind, depth: u32) -> Result<String> {
        match kind {
            Kind::Int => self.int_expr(depth),
            Kind::Float => self.float_expr(depth),
            Kind::Str => self.str_expr(depth),
            Kind::Bool => self.bool_expr(depth),
            Kind::Ints => self.ints_expr(depth),
            Kind::Dict => self.dict_expr(depth),
            Kind::IntFn => Ok(match self.var_of(Kind::IntFn)? {
                Some(name) => name,
                None => "func(x) { return x }".into(),
            }),
            Kind::Any => self.any_expr(depth),
        }
    }

    pub(super) fn any_expr(&mut self, depth: u32) -> Result<String> {
        if self.chance(1, 3)? {
            if let Some(name) = self.var_of(Kind::Any)? {
                return Ok(name);
            }
        }
        Ok(match self.u.int_in_range(0..=9)? {
            0 => "null".into(),
            1 => format!("Ok({})", self.int_expr(depth.saturating_sub(1))?),
            2 => format!("Some({})", self.str_expr(depth.saturating_sub(1))?),
            3 => "None".into(),
            _ => {
                let kind = *self.pick(VALUE_KINDS)?;
                self.expr(kind, depth)?
            }
        })
    }

    pub(super) fn small_int(&mut self) -> Result<String> {
        let n = self.u.int_in_range(-3..=20)?;
        Ok(if n < 0 {
            format!("({n})")
        } else {
            n.to_string()
        })
    }

    pub(super) fn int_leaf(&mut self) -> Result<String> {
        if self.risky()? {
            return Ok(self.pick(BIG_INTS)?.to_string());
        }
        if self.chance(1, 2)? {
            if let Some(name) = self.var_of(Kind::Int)? {
                return Ok(name);
            }
        }
        self.small_int()
    }

    /// A divisor: a non-zero constant, or when risky anything (zero included).
    fn int_divisor(&mut self, depth: u32) -> Result<String> {
        if self.risky()? {
            return self.int_expr(depth);
        }
        Ok(self.pick(&["1", "2", "3", "7", "(-2)", "10"])?.to_string())
    }

    pub(super) fn int_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 {
            return self.int_leaf();
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=17)? {
            0..=2 => self.int_leaf()?,
            3..=5 => {
                let op = self.pick(&["+", "-", "*", "+", "-"])?;
                format!("({} {op} {})", self.int_expr(d)?, self.int_expr(d)?)
            }
            6 => {
                let op = self.pick(&["/", "%"])?;
                format!("({} {op} {})", self.int_expr(d)?, self.int_divisor(d)?)
            }
            7 => format!("(-{})", self.int_expr(d)?),
            8 => {
                let kind = *self.pick(&[Kind::Str, Kind::Ints, Kind::Dict])?;
                format!("len({})", self.expr(kind, d)?)
            }
            9 => self.call_returning(Kind::Int, d)?,
            10 => match self.var_of(Kind::IntFn)? {
                Some(f) => format!("{f}({})", self.int_expr(d)?),
                None => self.int_leaf()?,
            },
            11 => {
                let op = self.pick(&["bit_xor", "bit_and", "bit_or", "min", "max"])?;
                let (a, b) = (self.int_expr(d)?, self.int_expr(d)?);
                if op.starts_with("bit") {
                    format!("{op}({a}, {b})")
                } else {
                    // min/max return floats; to_int brings them back.
                    format!("to_int({op}({a}, {b}))")
                }
            }
            12 => format!("sum({})", self.ints_expr(d)?),
            13 => {
                let key = self.pick(KEYS)?;
                format!("get({}, {key}, {})", self.dict_expr(d)?, self.int_expr(d)?)
            }
            14 => self.int_index(d)?,
            15 => format!("index_of({}, {})", self.ints_expr(d)?, self.int_expr(d)?),
            16 => match self.u.int_in_range(0..=2)? {
                0 => format!("(null ?? {})", self.int_expr(d)?),
                1 => format!("({} |> len)", self.str_expr(d)?),
                // Floats outside the i64 range do not convert.
                _ if self.risky()? => format!("to_int({})", self.float_expr(d)?),
                _ => format!("to_int(({} / 3.0))", self.int_leaf()?),
            },
            _ => {
                let key = self.pick(KEYS)?;
                if self.risky()? {
                    format!("{}[{key}]", self.dict_expr(d)?)
                } else {
                    format!("to_int(\"{}\")", self.u.int_in_range(-99..=99)?)
                }
            }
        })
    }

    /// An array element: from a literal of known length, or (risky) any array and index.
    fn int_index(&mut self, d: u32) -> Result<String> {
        if self.risky()? {
            let array = self.ints_expr(d)?;
            return Ok(format!("{array}[{}]", self.int_expr(d)?));
        }
        let items = [self.int_leaf()?, self.int_leaf()?, self.int_leaf()?];
        let index = self.pick(&["0", "1", "2", "(-1)", "(-3)"])?;
        Ok(format!("[{}][{index}]", items.join(", ")))
    }

    pub(super) fn float_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 || self.chance(1, 3)? {
            if self.chance(1, 2)? {
                if let Some(name) = self.var_of(Kind::Float)? {
                    return Ok(name);
                }
            }
            return Ok(self.pick(FLOATS)?.to_string());
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=8)? {
            0..=2 => {
                let op = self.pick(&["+", "-", "*"])?;
                let (a, b) = if self.chance(1, 2)? {
                    (self.float_expr(d)?, self.int_expr(d)?)
                } else {
                    (self.int_expr(d)?, self.float_expr(d)?)
                };
                format!("({a} {op} {b})")
            }
            3 => {
                let divisor = if self.risky()? {
                    self.float_expr(d)?
                } else {
                    self.pick(&["2.0", "0.5", "(-4.0)", "3.0"])?.to_string()
                };
                let op = self.pick(&["/", "%"])?;
                format!("({} {op} {divisor})", self.float_expr(d)?)
            }
            4 => format!("to_float({})", self.int_expr(d)?),
            5 => {
                let (open, close) = *self.pick(&[
                    ("sqrt(abs(", "))"),
                    ("floor(", ")"),
                    ("round(", ")"),
                    ("abs(", ")"),
                    ("sin(", ")"),
                ])?;
                format!("{open}{}{close}", self.float_expr(d)?)
            }
            6 => self.call_returning(Kind::Float, d)?,
            7 => format!("pow({}, 2)", self.float_expr(d)?),
            _ => format!("(-{})", self.float_expr(d)?),
        })
    }

    pub(super) fn str_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 || self.chance(1, 3)? {
            if self.chance(1, 2)? {
                if let Some(name) = self.var_of(Kind::Str)? {
                    return Ok(name);
                }
            }
            return Ok(format!("\"{}\"", self.pick(STRINGS)?));
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=10)? {
            0 | 1 => format!("({} + {})", self.str_expr(d)?, self.str_expr(d)?),
            2 => {
                let kind = *self.pick(VALUE_KINDS)?;
                format!("to_string({})", self.expr(kind, d)?)
            }
            3 => {
                // Interpolated expressions hold no string literals (their braces and
                // quotes would need care); numbers and variables of any kind are fine.
                let inner = if self.chance(1, 2)? {
                    self.int_expr(d)?
                } else {
                    match self.var_of(Kind::Any)? {
                        Some(name) => name,
                        None => self.small_int()?,
                    }
                };
                format!("\"v=${{{inner}}};\"")
            }
            4 => {
                let f = self.pick(&["upper", "lower", "trim", "str_reverse", "capitalize"])?;
                format!("{f}({})", self.str_expr(d)?)
            }
            5 => format!(
                "substring({}, {}, {})",
                self.str_expr(d)?,
                self.small_int()?,
                self.small_int()?
            ),
            6 => format!(
                "repeat({}, {})",
                self.str_expr(d)?,
                self.u.int_in_range(0..=3)?
            ),
            7 => format!("join({}, \",\")", self.ints_expr(d)?),
            8 => {
                let kind = *self.pick(VALUE_KINDS)?;
                format!("type({})", self.expr(kind, d)?)
            }
            9 => self.call_returning(Kind::Str, d)?,
            _ => format!(
                "format(\"%d/%s\", {}, {})",
                self.int_expr(d)?,
                self.str_expr(d)?
            ),
        })
    }

    pub(super) fn bool_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 || self.chance(1, 4)? {
            if let Some(name) = self.var_of(Kind::Bool)? {
                return Ok(name);
            }
            return Ok(self.pick(&["true", "false"])?.to_string());
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=7)? {
            0 | 1 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="])?;
                let (left, right) = *self.pick(&[
                    (Kind::Int, Kind::Int),
                    (Kind::Int, Kind::Int),
                    (Kind::Float, Kind::Float),
                    (Kind::Int, Kind::Float),
                    (Kind::Float, Kind::Int),
                    (Kind::Str, Kind::Str),
                ])?;
                format!("({} {op} {})", self.expr(left, d)?, self.expr(right, d)?)
            }
            2 => {
                let op = self.pick(&["==", "!="])?;
                format!("({} {op} {})", self.any_expr(d)?, self.any_expr(d)?)
            }
            3 => {
                let op = self.pick(&["&&", "||"])?;
                format!("({} {op} {})", self.bool_expr(d)?, self.bool_expr(d)?)
            }
            4 => format!("(!{})", self.bool_expr(d)?),
            5 => format!("contains({}, {})", self.ints_expr(d)?, self.int_expr(d)?),
            6 => {
                let f = self.pick(&["is_int", "is_float", "is_string", "is_array"])?;
                format!("{f}({})", self.any_expr(d)?)
            }
            _ => format!("to_bool({})", self.any_expr(d)?),
        })
    }

    pub(super) fn ints_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 || self.chance(1, 3)? {
            if self.chance(2, 3)? {
                if let Some(name) = self.var_of(Kind::Ints)? {
                    return Ok(name);
                }
            }
            let n = self.u.int_in_range(0..=4)?;
            let items = (0..n)
                .map(|_| self.int_leaf())
                .collect::<Result<Vec<_>>>()?;
            return Ok(format!("[{}]", items.join(", ")));
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=9)? {
            0 => {
                let start = self.u.int_in_range(-3..=3)?;
                let end = start + self.u.int_in_range(0..=8)?;
                format!("range({start}, {end})")
            }
            1 => format!("push({}, {})", self.ints_expr(d)?, self.int_expr(d)?),
            2 => format!("concat({}, {})", self.ints_expr(d)?, self.ints_expr(d)?),
            3 => {
                let f = self.pick(&["reverse", "sort", "unique"])?;
                format!("{f}({})", self.ints_expr(d)?)
            }
            4 => format!(
                "slice({}, {}, {})",
                self.ints_expr(d)?,
                self.small_int()?,
                self.small_int()?
            ),
            5 | 6 => {
                let array = self.ints_expr(d)?;
                let (param, body) = self.lambda_body(Kind::Int, d)?;
                format!("map({array}, func({param}) {{ return {body} }})")
            }
            7 => {
                let array = self.ints_expr(d)?;
                let (param, body) = self.lambda_body(Kind::Bool, d)?;
                format!("filter({array}, func({param}) {{ return {body} }})")
            }
            8 => format!("[...{}, {}]", self.ints_expr(d)?, self.int_expr(d)?),
            _ => self.call_returning(Kind::Ints, d)?,
        })
    }

    /// The parameter and returned expression of a callback called at once by a builtin:
    /// it may read every visible variable (they cannot change kind before it runs).
    fn lambda_body(&mut self, returns: Kind, depth: u32) -> Result<(String, String)> {
        let param = self.fresh("k");
        self.declare(&param, Kind::Int, Access::Fixed);
        let body = self.expr(returns, depth);
        self.unit.vars.pop();
        Ok((param, body?))
    }

    pub(super) fn dict_expr(&mut self, depth: u32) -> Result<String> {
        if depth == 0 || self.chance(1, 2)? {
            if self.chance(2, 3)? {
                if let Some(name) = self.var_of(Kind::Dict)? {
                    return Ok(name);
                }
            }
            let n = self.u.int_in_range(0..=3)?;
            let mut entries = Vec::new();
            for _ in 0..n {
                let key = self.pick(KEYS)?;
                entries.push(format!("{key}: {}", self.int_leaf()?));
            }
            return Ok(format!("{{{}}}", entries.join(", ")));
        }
        let d = depth - 1;
        Ok(if self.chance(1, 2)? {
            format!("merge({}, {})", self.dict_expr(d)?, self.dict_expr(d)?)
        } else {
            let key = self.pick(KEYS)?;
            format!(
                "{{...{}, {key}: {}}}",
                self.dict_expr(d)?,
                self.int_expr(d)?
            )
        })
    }

    /// A call of an earlier generated function returning `kind`, if one exists and the
    /// budget allows; else a plain expression of that kind.
    pub(super) fn call_returning(&mut self, kind: Kind, depth: u32) -> Result<String> {
        let candidates: Vec<usize> = (0..self.funcs.len())
            .filter(|&i| self.funcs[i].ret == kind)
            .collect();
        if let Some(&index) = candidates.first() {
            let index = *self.pick(&candidates).unwrap_or(&index);
            if self.afford(self.funcs[index].cost) {
                let params = self.funcs[index].params.clone();
                let args = params
                    .iter()
                    .map(|&k| self.expr(k, depth))
                    .collect::<Result<Vec<_>>>()?;
                return Ok(format!("{}({})", self.funcs[index].name, args.join(", ")));
            }
        }
        match kind {
            Kind::Int => self.int_leaf(),
            Kind::Float => Ok(self.pick(FLOATS)?.to_string()),
            Kind::Str => Ok("\"called\"".into()),
            _ => self.expr(kind, 0),
        }
    }
}
