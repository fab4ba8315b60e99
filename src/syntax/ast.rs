//! The syntax tree the parser produces and the bytecode compiler consumes.
//!
//! Every node carries a [`Span`]. Nodes whose evaluation can raise a runtime error also keep
//! the span of the token LANGUAGE.md §1 names as the error location (the operator, the `[`,
//! the field name, the `?`, the `throw` keyword), so no later stage has to guess it.

use std::rc::Rc;

use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: Rc<str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Let,
    Mut,
    Const,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `let`/`mut`/`const` declarations and destructuring statements (`[a, b] := v` is
    /// `Decl` with `DeclKind::Let`).
    Decl {
        kind: DeclKind,
        binding: Binding,
        value: Expr,
    },
    /// `func name(...) { }` as a statement.
    Func(Rc<Function>),
    Struct {
        name: Ident,
        fields: Vec<Ident>,
        methods: Vec<Rc<Function>>,
    },
    Enum {
        name: Ident,
        variants: Vec<Ident>,
    },
    If {
        cond: Expr,
        then_block: Block,
        else_branch: Option<ElseBranch>,
    },
    /// `while c { }` and `loop while c { }`.
    While {
        cond: Expr,
        body: Block,
    },
    /// `loop { }`.
    Loop {
        body: Block,
    },
    For {
        var: Ident,
        iterable: Expr,
        body: Block,
    },
    Match {
        subject: Expr,
        cases: Vec<MatchCase>,
        /// At most one `default:`; where it was written does not matter.
        default: Option<Block>,
    },
    Try {
        body: Block,
        err_name: Ident,
        handler: Block,
    },
    Return(Option<Expr>),
    Break,
    Continue,
    Assign {
        target: Target,
        op: AssignOp,
        value: Expr,
        /// The assignment operator token.
        op_span: Span,
    },
    Expr(Expr),
    /// `export stmt`: runs the statement; exporting only matters once imports exist.
    Export(Box<Stmt>),
    /// `test`, `test_group`, `test_setup`, `test_teardown` blocks: skipped by `ruff run`.
    TestBlock,
    /// A parsed form whose behaviour is not in the core (imports, `spawn`): raises
    /// `Not supported yet: <feature>` when executed.
    Unsupported {
        feature: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ElseBranch {
    Block(Block),
    If(Box<Stmt>),
}

/// What a declaration binds.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    Name(Ident),
    /// `[a, _, ...rest]` (`_` is a `Name` that binds nothing).
    Array(Vec<PatItem>),
    /// `{a, b, ...rest}`.
    Dict(Vec<PatItem>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PatItem {
    Name(Ident),
    Rest(Ident),
}

/// Left side of an assignment: a name (or `self`) and a chain of `.field` / `[index]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The root name; `self` is an `Ident` named `self`.
    pub root: Ident,
    pub path: Vec<TargetStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TargetStep {
    Field(Ident),
    /// `[expr]`; `bracket` is the span of `[`.
    Index {
        index: Expr,
        bracket: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `:=` or `=`.
    Set,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchCase {
    pub pattern: Pattern,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// `_`
    Wildcard,
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bool(bool),
    Null,
    /// `IDENT [ "(" IDENT ")" ]` or `IDENT "::" IDENT [ "(" IDENT ")" ]`. Whether a bare
    /// identifier is a tag (`Ok`, `Some`, ...) or a string is decided by the compiler.
    Tag {
        enum_name: Option<Ident>,
        variant: Ident,
        binder: Option<Ident>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncKind {
    Normal,
    /// `async func`: raises `Not supported yet: async functions` when called.
    Async,
    /// `func*`: raises `Not supported yet: generators` when called.
    Generator,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// `None` for anonymous `func(...) { }` expressions.
    pub name: Option<Ident>,
    /// Parameters in order; an explicit receiver is an `Ident` named `self`.
    pub params: Vec<Ident>,
    pub body: Block,
    pub kind: FuncKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapKind {
    Ok,
    Err,
    Some,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(Rc<str>),
    /// `${ expr }`
    Interp(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArrayItem {
    Item(Expr),
    /// `...expr`
    Spread(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DictEntry {
    Pair(Expr, Expr),
    /// `...expr`
    Spread(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    /// A string literal: one `Lit` part when it has no interpolation.
    Str(Vec<StrPart>),
    Bool(bool),
    Null,
    Name(Ident),
    /// `self`
    SelfRef,
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        op_span: Span,
        operand: Box<Expr>,
    },
    /// `&&`
    And(Box<Expr>, Box<Expr>),
    /// `||`
    Or(Box<Expr>, Box<Expr>),
    /// `??`
    Coalesce(Box<Expr>, Box<Expr>),
    /// `lhs |> rhs`: `rhs(lhs)`, or with a call on the right, `lhs` as its first argument.
    Pipe(Box<Expr>, Box<Expr>),
    /// `callee(args)`; the error location is the callee's first token (`span.start`).
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `receiver.name(args)`
    MethodCall {
        receiver: Box<Expr>,
        name: Ident,
        args: Vec<Expr>,
    },
    /// `object.name`
    Field {
        object: Box<Expr>,
        name: Ident,
    },
    /// `object?.name`
    OptField {
        object: Box<Expr>,
        name: Ident,
    },
    /// `operand?`; `q_span` is the `?`.
    Try {
        operand: Box<Expr>,
        q_span: Span,
    },
    /// `object[index]`; `bracket` is the span of `[`.
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
        bracket: Span,
    },
    Array(Vec<ArrayItem>),
    Dict(Vec<DictEntry>),
    /// `Name { field: value, ... }`
    StructLit {
        name: Ident,
        fields: Vec<(Ident, Expr)>,
    },
    /// `func (params) { }` as an expression.
    Func(Rc<Function>),
    /// `Ok(e)`, `Err(e)`, `Some(e)`
    Wrap {
        kind: WrapKind,
        value: Box<Expr>,
    },
    /// `None`
    NoneLit,
    /// `Enum::Variant` or `Enum::Variant(payload)` (also `Result::Ok(x)`, `Option::None`).
    EnumVariant {
        enum_name: Ident,
        variant: Ident,
        payload: Option<Box<Expr>>,
    },
    /// `throw(value)`; `span.start` is the `throw` keyword.
    Throw(Box<Expr>),
    /// A parsed form outside the core (`await e`, `yield e`): raises
    /// `Not supported yet: <feature>` when evaluated.
    Unsupported {
        feature: &'static str,
    },
}
