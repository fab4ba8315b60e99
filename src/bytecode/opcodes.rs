//! The instruction set of tier 0, each opcode defined once with its exact semantics.
//!
//! Notation: `R[x]` is register `x` of the current frame, `K[k]` constant `k` of the
//! function, `G[g]` global slot `g`, `U[u]` the cell of captured variable `u`, `pc` the
//! index of the next instruction. Jump targets are absolute instruction indices.
//! "Undef" is the internal marker of a binding that does not exist yet.

/// A register index within a frame.
pub type Reg = u16;
/// An index into the function's constants.
pub type ConstIdx = u32;
/// An index into the program's global slots.
pub type GlobalIdx = u32;
/// An absolute instruction index.
pub type Target = u32;

/// Marks "no register" where an operand is optional.
pub const NO_REG: Reg = Reg::MAX;

/// How a declared name may be changed later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Let,
    Mut,
    Const,
}

/// The constructor `Wrap` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    Ok,
    Err,
    Some,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    // ---- loads and moves
    /// R[dst] = R[src]
    Move { dst: Reg, src: Reg },
    /// R[dst] = null
    LoadNull { dst: Reg },
    /// R[dst] = value
    LoadBool { dst: Reg, value: bool },
    /// R[dst] = value (small int)
    LoadInt { dst: Reg, value: i32 },
    /// R[dst] = K[k]
    LoadConst { dst: Reg, k: ConstIdx },
    /// R[dst] = None
    LoadNone { dst: Reg },
    /// R[dst] = Undef (a function-wide name not created yet)
    LoadUndef { dst: Reg },
    /// if R[reg] (through its cell, if boxed) is Undef: error `Undefined variable: K[name]`
    CheckDefined { reg: Reg, name: ConstIdx },
    /// if R[reg] (through its cell, if boxed) is not Undef: raise the error message K[msg]
    RaiseIfDefined { reg: Reg, msg: ConstIdx },

    // ---- globals
    /// R[dst] = G[g]; Undef: error `Undefined variable: <name of g>`
    GetGlobal { dst: Reg, g: GlobalIdx },
    /// plain assignment G[g] = R[src]; an immutable G[g] is an error; creates a mutable global
    SetGlobal { src: Reg, g: GlobalIdx },
    /// declaration of G[g] by declaration `site`: error `Duplicate declaration…` when G[g]
    /// exists and was not made by this same site; else G[g] = R[src] with mutability `kind`
    DefGlobal {
        src: Reg,
        g: GlobalIdx,
        kind: Binding,
        site: u32,
    },

    // ---- captured variables
    /// R[dst] = a new cell holding Undef
    NewCell { dst: Reg },
    /// R[dst] = contents of the cell in R[cell]
    GetCell { dst: Reg, cell: Reg },
    /// contents of the cell in R[cell] = R[src]
    SetCell { cell: Reg, src: Reg },
    /// R[dst] = contents of U[idx]
    GetUpval { dst: Reg, idx: u16 },
    /// contents of U[idx] = R[src]
    SetUpval { idx: u16, src: Reg },
    /// R[dst] = closure of function `proto`, capturing cells as its `captures` list says
    Closure { dst: Reg, proto: u32 },
    /// R[dst] = value of dynamic name `name` (receiver field, local, then global; see `DynName`)
    GetName { dst: Reg, name: u32 },
    /// assigns R[src] to dynamic name `name` (receiver field, local, global, else new local)
    SetName { src: Reg, name: u32 },

    // ---- arithmetic (int fast path; struct left operands call `op_*` methods)
    /// R[dst] = R[a] + R[b]
    Add { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] - R[b]
    Sub { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] * R[b]
    Mul { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] / R[b]
    Div { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] % R[b]
    Mod { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] + K[k]
    AddK { dst: Reg, a: Reg, k: ConstIdx },
    /// R[dst] = R[a] - K[k]
    SubK { dst: Reg, a: Reg, k: ConstIdx },
    /// R[dst] = R[a] * K[k]
    MulK { dst: Reg, a: Reg, k: ConstIdx },
    /// R[dst] = R[a] / K[k]
    DivK { dst: Reg, a: Reg, k: ConstIdx },
    /// R[dst] = R[a] % K[k]
    ModK { dst: Reg, a: Reg, k: ConstIdx },
    /// R[dst] = -R[src]
    Neg { dst: Reg, src: Reg },
    /// R[dst] = !R[src]
    Not { dst: Reg, src: Reg },

    // ---- comparisons (never overloaded)
    /// R[dst] = R[a] == R[b]
    Eq { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] != R[b]
    Ne { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] < R[b]
    Lt { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] <= R[b]
    Le { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] > R[b]
    Gt { dst: Reg, a: Reg, b: Reg },
    /// R[dst] = R[a] >= R[b]
    Ge { dst: Reg, a: Reg, b: Reg },
    /// if !(R[a] < R[b]) pc = target
    JumpIfNotLt { a: Reg, b: Reg, target: Target },
    /// if !(R[a] <= R[b]) pc = target
    JumpIfNotLe { a: Reg, b: Reg, target: Target },
    /// if !(R[a] > R[b]) pc = target
    JumpIfNotGt { a: Reg, b: Reg, target: Target },
    /// if !(R[a] >= R[b]) pc = target
    JumpIfNotGe { a: Reg, b: Reg, target: Target },
    /// if !(R[a] == R[b]) pc = target
    JumpIfNotEq { a: Reg, b: Reg, target: Target },
    /// if !(R[a] != R[b]) pc = target
    JumpIfNotNe { a: Reg, b: Reg, target: Target },
    /// if !(R[a] < K[k]) pc = target
    JumpIfNotLtK { a: Reg, k: ConstIdx, target: Target },
    /// if !(R[a] <= K[k]) pc = target
    JumpIfNotLeK { a: Reg, k: ConstIdx, target: Target },
    /// if !(R[a] > K[k]) pc = target
    JumpIfNotGtK { a: Reg, k: ConstIdx, target: Target },
    /// if !(R[a] >= K[k]) pc = target
    JumpIfNotGeK { a: Reg, k: ConstIdx, target: Target },
    /// if !(R[a] == K[k]) pc = target
    JumpIfNotEqK { a: Reg, k: ConstIdx, target: Target },
    /// if !(R[a] != K[k]) pc = target
    JumpIfNotNeK { a: Reg, k: ConstIdx, target: Target },

    // ---- control flow
    /// R[dst] = truthiness of R[src] as a bool
    Truthy { dst: Reg, src: Reg },
    /// pc = target
    Jump { target: Target },
    /// pc = target (a loop back-edge: also counts towards the function's hotness)
    Loop { target: Target },
    /// if R[src] is falsy: pc = target
    JumpIfFalsy { src: Reg, target: Target },
    /// if R[src] is truthy: pc = target
    JumpIfTruthy { src: Reg, target: Target },
    /// if R[a] and R[b] are the very same value (same object, or equal scalars): pc = target
    JumpIfSame { a: Reg, b: Reg, target: Target },
    /// if R[src] is null: pc = target
    JumpIfNull { src: Reg, target: Target },
    /// if R[src] is not null: pc = target
    JumpIfNotNull { src: Reg, target: Target },

    // ---- calls
    /// R[base] = R[base](R[base+1] .. R[base+argc])
    Call { base: Reg, argc: u16 },
    /// receiver R[base+1], args R[base+2 ..]: R[base] = receiver.K[name](args);
    /// R[base+1] = the receiver as the method left it (for write-back)
    CallMethod {
        base: Reg,
        argc: u16,
        name: ConstIdx,
    },
    /// return R[src] to the caller (ends the program at top level)
    Return { src: Reg },
    /// return null
    ReturnNull,
    /// `R[src]?`: Ok(v)/Some(v): R[dst] = v; Err/None: return R[src]; else an error
    TryUnwrap { dst: Reg, src: Reg },
    /// raise R[src] as a thrown value
    Throw { src: Reg },
    /// raise the error message K[msg]
    Raise { msg: ConstIdx },
    /// re-raise, unchanged, the error the innermost handler just caught
    Rethrow,

    // ---- constructors
    /// R[dst] = [R[base] .. R[base+n-1]]
    NewArray { dst: Reg, base: Reg, n: u16 },
    /// append R[src] to the array in R[arr]
    ArrayPush { arr: Reg, src: Reg },
    /// append the elements of array R[src] to the array in R[arr]
    ArraySpread { arr: Reg, src: Reg },
    /// `R[var] := push(R[var], R[val])`: if G[g] is still builtin `builtin` (`push` or
    /// `append`) and R[var] an array, appends in place (copy-on-write); otherwise
    /// R[var] = G[g](R[var], R[val])
    PushInPlace {
        var: Reg,
        val: Reg,
        g: GlobalIdx,
        builtin: u32,
    },
    /// R[dst] = {}
    NewDict { dst: Reg },
    /// R[dict][key text of R[key]] = R[val]
    DictInsert { dict: Reg, key: Reg, val: Reg },
    /// insert the entries of dict R[src] into the dict in R[dict]
    DictSpread { dict: Reg, src: Reg },
    /// R[dst] = struct of shape `shape`, field i = R[base+i]
    NewStruct { dst: Reg, shape: u32, base: Reg },
    /// R[dst] = Ok/Err/Some(R[src])
    Wrap { dst: Reg, src: Reg, kind: Wrapper },
    /// R[dst] = enum value `variant` (payload R[payload], none when `payload == NO_REG`)
    NewEnum {
        dst: Reg,
        variant: u32,
        payload: Reg,
    },
    /// R[dst] = display texts of R[base] .. R[base+n-1] concatenated
    Concat { dst: Reg, base: Reg, n: u16 },
    /// registers the closure R[src] as method K[name] of struct type K[type_name]
    DefMethod {
        type_name: ConstIdx,
        name: ConstIdx,
        src: Reg,
    },

    // ---- element and field access
    /// R[dst] = R[obj][R[index]]
    GetIndex { dst: Reg, obj: Reg, index: Reg },
    /// R[dst] = R[obj].K[name]
    GetField { dst: Reg, obj: Reg, name: ConstIdx },
    /// assigns R[src] at place path `path` under R[reg] (its cell if boxed); keys of the
    /// path's index steps are R[keys ..]
    SetPathReg {
        reg: Reg,
        path: u32,
        keys: Reg,
        src: Reg,
    },
    /// like `SetPathReg` with the root in G[g] (which must exist and be mutable)
    SetPathGlobal {
        g: GlobalIdx,
        path: u32,
        keys: Reg,
        src: Reg,
    },
    /// like `SetPathReg` with the root in U[idx]
    SetPathUpval {
        idx: u16,
        path: u32,
        keys: Reg,
        src: Reg,
    },
    /// like `SetPathReg` with the root the dynamic name `name`
    SetPathName {
        name: u32,
        path: u32,
        keys: Reg,
        src: Reg,
    },

    // ---- iteration, patterns, destructuring
    /// R[iter] = items of R[src] to iterate (array, or an int count); R[iter+1] = 0;
    /// R[iter+2] = null
    ForPrep { iter: Reg, src: Reg },
    /// `for … in range(args)`: if G[g] is the builtin `range`, count without building the
    /// array: R[iter] = end, R[iter+1] = start, R[iter+2] = step; otherwise as `ForPrep` on
    /// G[g](R[args] .. R[args+argc-1])
    ForPrepRange {
        iter: Reg,
        args: Reg,
        argc: u16,
        g: GlobalIdx,
    },
    /// counting (R[iter+2] is the step): if R[iter+1] has not reached R[iter]: R[dst] =
    /// R[iter+1], R[iter+1] += step; otherwise if R[iter+1] < length of R[iter]: R[dst] =
    /// next item, R[iter+1] += 1; when done: pc = target
    ForNext { iter: Reg, dst: Reg, target: Target },
    /// if R[src] does not match pattern `pattern`: pc = target
    TestPattern {
        src: Reg,
        pattern: u32,
        target: Target,
    },
    /// R[dst] = payload of the result/option/enum value in R[src] (null if none)
    Payload { dst: Reg, src: Reg },
    /// unless R[src] is an array of length `len` (at least `len` when `rest`): pc = target
    ArrayPattern {
        src: Reg,
        len: u16,
        rest: bool,
        target: Target,
    },
    /// R[dst] = R[src][index] (after `ArrayPattern` succeeded)
    GetElem { dst: Reg, src: Reg, index: u16 },
    /// R[dst] = elements of array R[src] from `from` on
    ArrayRest { dst: Reg, src: Reg, from: u16 },
    /// if R[src] is a dict holding key K[key]: R[dst] = its value; else pc = target
    DictPatternGet {
        dst: Reg,
        src: Reg,
        key: ConstIdx,
        target: Target,
    },
    /// R[dst] = dict R[src] without the keys of key list `keys`
    DictRest { dst: Reg, src: Reg, keys: u32 },
}

impl Op {
    /// The jump target this instruction carries, if it can jump.
    pub fn jump_target(&self) -> Option<Target> {
        let mut op = *self;
        op.jump_target_mut().map(|t| *t)
    }

    /// The jump target, for patching forward jumps once their destination is known.
    pub fn jump_target_mut(&mut self) -> Option<&mut Target> {
        match self {
            Op::Jump { target }
            | Op::Loop { target }
            | Op::JumpIfFalsy { target, .. }
            | Op::JumpIfTruthy { target, .. }
            | Op::JumpIfSame { target, .. }
            | Op::JumpIfNull { target, .. }
            | Op::JumpIfNotNull { target, .. }
            | Op::JumpIfNotLt { target, .. }
            | Op::JumpIfNotLe { target, .. }
            | Op::JumpIfNotGt { target, .. }
            | Op::JumpIfNotGe { target, .. }
            | Op::JumpIfNotEq { target, .. }
            | Op::JumpIfNotNe { target, .. }
            | Op::JumpIfNotLtK { target, .. }
            | Op::JumpIfNotLeK { target, .. }
            | Op::JumpIfNotGtK { target, .. }
            | Op::JumpIfNotGeK { target, .. }
            | Op::JumpIfNotEqK { target, .. }
            | Op::JumpIfNotNeK { target, .. }
            | Op::ForNext { target, .. }
            | Op::TestPattern { target, .. }
            | Op::ArrayPattern { target, .. }
            | Op::DictPatternGet { target, .. } => Some(target),
            _ => None,
        }
    }
}
