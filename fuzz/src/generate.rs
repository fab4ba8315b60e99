//! Turns fuzzer bytes into a valid, terminating, deterministic Ruff program for the
//! differential target.
//!
//! The generator tracks the kind of value every visible variable holds, so most of what
//! it writes runs without errors; operations that may fail (overflow, zero divisors,
//! indexing, `throw`, call depth) are written mostly inside `try`, where tier 1 has to
//! hand the error to tier 0 with the same message and line. Termination comes from the
//! shapes it writes: loops count to small constants, recursion counts down, and the only
//! calls are to functions defined earlier (or to the recursion templates), with an
//! estimated cost that keeps every program to a few tens of thousands of steps.
//!
//! Besides random statements it writes templates aimed at tier 1: variables that change
//! kind mid-loop and functions called with ints, then floats, then strings (guards and
//! deoptimization), hot loops that overflow or divide by zero part-way (errors from
//! compiled loops, on-stack replacement), closures updating captured variables, struct
//! methods that write back their receiver, `?` on results and deep recursion. Most
//! top-level statements are wrapped in a function called once (a "section"), so the code
//! is exercised both as top-level code (globals) and as function code (locals), and a
//! deoptimization recompiles a small function rather than the whole top level.

use arbitrary::{Result, Unstructured};

/// Estimated statement executions a whole program may cost.
const PROGRAM_WORK: u64 = 30_000;
/// Estimated statement executions one call of a generated function may cost.
const FUNCTION_WORK: u64 = 400;
/// Deepest nesting of blocks the generator writes.
const MAX_BLOCKS: u32 = 3;
/// Deepest nesting of sub-expressions.
const MAX_EXPR_DEPTH: u32 = 3;
/// Most top-level statements (each may be a whole template). Tier 1 compiles every
/// function of a program, at a few milliseconds per bytecode instruction, and again after
/// deoptimizations: small programs keep a run (three of them) near a second.
const MAX_TOP_STATEMENTS: u32 = 10;
/// Most generated helper functions.
const MAX_FUNCTIONS: u32 = 3;

/// Literals that put ints next to the i64 limits, so sums, products, negations and
/// divisions overflow.
const BIG_INTS: &[&str] = &[
    "9223372036854775807",
    "(-9223372036854775807 - 1)",
    "4611686018427387904",
    "3037000500",
    "(-9223372036854775807)",
    "9223372036854775800",
    "4294967296",
];
const FLOATS: &[&str] = &[
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
const STRINGS: &[&str] = &[
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
const KEYS: &[&str] = &["\"a\"", "\"b\"", "\"key\"", "\"zz\"", "7"];

/// What a variable (or an expression) is known to hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Int,
    Float,
    Str,
    Bool,
    /// An array of ints.
    Ints,
    /// A dict from strings to ints.
    Dict,
    /// A closure taking one int and returning an int.
    IntFn,
    /// Unknown: only printed, converted to text or compared.
    Any,
}

const VALUE_KINDS: &[Kind] = &[
    Kind::Int,
    Kind::Float,
    Kind::Str,
    Kind::Bool,
    Kind::Ints,
    Kind::Dict,
];

/// How the generator may assign a variable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Plain or `mut` binding.
    Mutable,
    /// A `let` binding: assigning it raises an error, so only inside `try`.
    Immutable,
    /// Loop counters and `for` variables: never assigned (termination depends on it).
    Fixed,
}

struct Var {
    name: String,
    kind: Kind,
    access: Access,
    /// Enclosing loops where it was created; it may change kind only at that depth (a
    /// change inside a deeper loop would reach the loop's next iteration).
    loops: u32,
    /// A closure reads it: its kind must stay.
    pinned: bool,
}

/// A generated top-level function.
struct Func {
    name: String,
    params: Vec<Kind>,
    ret: Kind,
    /// Estimated statement executions per call.
    cost: u64,
}

/// The state of the function (or top level) being written; saved while writing another.
#[derive(Default)]
struct Unit {
    text: String,
    indent: usize,
    vars: Vec<Var>,
    /// Enclosing loops of the current function (`break` needs one; a function body is a
    /// boundary).
    loops: u32,
    /// Product of the trip counts of the enclosing loops.
    repeat: u64,
    /// Estimated work written so far.
    spent: u64,
    budget: u64,
    blocks: u32,
    tries: u32,
    /// The kind the current function returns (None at top level).
    returns: Option<Kind>,
    /// Expressions may read only number, bool and closure variables: set while writing a
    /// value for a variable that outlives a loop iteration, so strings and arrays grow
    /// linearly (`s := s + s` in a loop would grow exponentially).
    plain_values: bool,
}

struct Generator<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    /// Top-level functions and structs written so far (hoisted functions may go anywhere).
    prelude: String,
    unit: Unit,
    funcs: Vec<Func>,
    next_id: u32,
}

/// Generates one program from the fuzzer's bytes.
pub fn program(u: &mut Unstructured) -> Result<String> {
    let mut g = Generator {
        u,
        prelude: String::new(),
        unit: Unit {
            repeat: 1,
            budget: PROGRAM_WORK,
            ..Unit::default()
        },
        funcs: Vec::new(),
        next_id: 0,
    };
    let functions = g.u.int_in_range(0..=MAX_FUNCTIONS)?;
    for _ in 0..functions {
        g.function()?;
    }
    g.line("print(\"start\")");
    let mut written = 0;
    while written < MAX_TOP_STATEMENTS && !g.u.is_empty() {
        if g.chance(3, 4)? {
            g.section()?;
        } else {
            g.top_statement()?;
        }
        written += 1;
    }
    if g.chance(1, 16)? {
        // Not 3, the status of a parse error (which would be a generator bug).
        let code = g.u.choose(&[0, 1, 2, 5, 7])?;
        g.line(&format!("exit({code})"));
    }
    g.line("print(\"end\")");
    Ok(format!("{}{}", g.prelude, g.unit.text))
}

impl Generator<'_, '_> {
    // ---- output -------------------------------------------------------------------

    fn line(&mut self, text: &str) {
        for _ in 0..self.unit.indent {
            self.unit.text.push_str("    ");
        }
        self.unit.text.push_str(text);
        self.unit.text.push('\n');
    }

    fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.unit.indent += 1;
    }

    fn close(&mut self) {
        self.unit.indent -= 1;
        self.line("}");
    }

    /// `} else {`, `} except e {`: closes one block and opens the next.
    fn reopen(&mut self, header: &str) {
        self.unit.indent -= 1;
        self.line(&format!("}} {header} {{"));
        self.unit.indent += 1;
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    fn declare(&mut self, name: &str, kind: Kind, access: Access) {
        let loops = self.unit.loops;
        self.unit.vars.push(Var {
            name: name.to_owned(),
            kind,
            access,
            loops,
            pinned: false,
        });
    }

    // ---- choices ------------------------------------------------------------------

    /// True with probability `numerator / denominator`; false once the bytes run out
    /// (where `Unstructured::ratio` would say true), so a program's tail stays tame.
    fn chance(&mut self, numerator: u8, denominator: u8) -> Result<bool> {
        if self.u.is_empty() {
            return Ok(false);
        }
        self.u.ratio(numerator, denominator)
    }

    fn pick<'s, T>(&mut self, items: &'s [T]) -> Result<&'s T> {
        self.u.choose(items)
    }

    /// Whether to write an operation that may raise: often inside `try`, rarely outside
    /// (an uncaught error ends the program, which leaves the rest untested).
    fn risky(&mut self) -> Result<bool> {
        if self.unit.tries > 0 {
            self.chance(1, 3)
        } else {
            self.chance(1, 200)
        }
    }

    /// Whether something costing `cost` each time, run as often as the enclosing loops
    /// repeat, still fits the budget; if so it is counted.
    fn afford(&mut self, cost: u64) -> bool {
        let total = self.unit.spent + self.unit.repeat.saturating_mul(cost);
        if total > self.unit.budget {
            return false;
        }
        self.unit.spent = total;
        true
    }

    /// A random visible variable satisfying `keep`.
    fn var_where(&mut self, keep: impl Fn(&Var) -> bool) -> Result<Option<usize>> {
        let found: Vec<usize> = (0..self.unit.vars.len())
            .filter(|&i| keep(&self.unit.vars[i]))
            .collect();
        if found.is_empty() {
            return Ok(None);
        }
        Ok(Some(*self.pick(&found)?))
    }

    fn var_of(&mut self, kind: Kind) -> Result<Option<String>> {
        let plain = self.unit.plain_values;
        let index = self.var_where(|v| {
            (kind == Kind::Any || v.kind == kind)
                && (!plain || matches!(v.kind, Kind::Int | Kind::Float | Kind::Bool | Kind::IntFn))
        })?;
        Ok(index.map(|i| self.unit.vars[i].name.clone()))
    }

    // ---- expressions --------------------------------------------------------------

    fn expr(&mut self, kind: Kind, depth: u32) -> Result<String> {
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

    fn any_expr(&mut self, depth: u32) -> Result<String> {
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

    fn small_int(&mut self) -> Result<String> {
        let n = self.u.int_in_range(-3..=20)?;
        Ok(if n < 0 {
            format!("({n})")
        } else {
            n.to_string()
        })
    }

    fn int_leaf(&mut self) -> Result<String> {
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

    fn int_expr(&mut self, depth: u32) -> Result<String> {
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

    fn float_expr(&mut self, depth: u32) -> Result<String> {
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

    fn str_expr(&mut self, depth: u32) -> Result<String> {
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

    fn bool_expr(&mut self, depth: u32) -> Result<String> {
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

    fn ints_expr(&mut self, depth: u32) -> Result<String> {
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

    fn dict_expr(&mut self, depth: u32) -> Result<String> {
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
    fn call_returning(&mut self, kind: Kind, depth: u32) -> Result<String> {
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

    // ---- statements ---------------------------------------------------------------

    /// A block of statements. Variables it creates are forgotten at its end (they may not
    /// exist: the block may not have run, or not to its end), and variables it gave
    /// another kind become `Any`.
    fn block(&mut self, max_statements: u32) -> Result<()> {
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

    fn statement(&mut self) -> Result<()> {
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

    fn try_statement(&mut self) -> Result<()> {
        self.open("try");
        self.unit.tries += 1;
        let body = self.block(3);
        self.unit.tries -= 1;
        body?;
        let err = self.fresh("e");
        self.reopen(&format!("except {err}"));
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

    // ---- top level ----------------------------------------------------------------

    fn top_statement(&mut self) -> Result<()> {
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
                self.open("try");
                self.unit.tries += 1;
                let body = self.block(3);
                self.unit.tries -= 1;
                body?;
                let err = self.fresh("e");
                self.reopen(&format!("except {err}"));
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
    fn section(&mut self) -> Result<()> {
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
    fn function(&mut self) -> Result<()> {
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

    fn define(&mut self, text: &str) {
        self.prelude.push_str(text);
        self.prelude.push('\n');
    }

    /// A variable that is an int, then a float, then a string within one hot loop, with
    /// arithmetic that sees every kind (guards fail; tier 1 deoptimizes and recompiles).
    fn morph_loop(&mut self) -> Result<()> {
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
    fn poly_calls(&mut self) -> Result<()> {
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
    fn edge_loop(&mut self) -> Result<()> {
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
    fn closure_counter(&mut self) -> Result<()> {
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
    fn struct_methods(&mut self) -> Result<()> {
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
    fn recursion(&mut self) -> Result<()> {
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
    fn result_chain(&mut self) -> Result<()> {
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
    fn global_updates(&mut self) -> Result<()> {
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
    fn deep_recursion(&mut self) -> Result<()> {
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
    fn calls_in_loop(&mut self) -> Result<()> {
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

    fn destructure(&mut self) -> Result<()> {
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
