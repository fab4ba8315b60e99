//! Tokens: what the lexer produces and the parser consumes.

use std::fmt;
use std::rc::Rc;

use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Int(i64),
    Float(f64),
    /// A string literal, unescaped and split at its `${ }` interpolations. A literal without
    /// interpolation has exactly one `Text` segment.
    Str(Vec<StrSegment>),
    Ident(Rc<str>),
    Keyword(Keyword),
    Punct(Punct),
    /// Ends the token list of one interpolation; its span is the closing `}`.
    InterpEnd,
    /// Ends the token list of the file; its span is empty, right after the last token.
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrSegment {
    Text(Rc<str>),
    /// One `${ }`: its tokens (spans point into the whole source) and the `InterpEnd`
    /// token that closes them, kept apart so a parser always has a token to stop at.
    Interp {
        tokens: Vec<Token>,
        end: Token,
    },
}

/// Declares a fieldless enum whose members each have one fixed source spelling.
macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The source spelling.
            pub fn text(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The member spelled `text`, if any.
            pub fn from_text(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

spelled_enum! {
    /// Reserved words (LANGUAGE.md §2). `throw`, `Ok`, `None`, ... are identifiers.
    Keyword {
        Let => "let",
        Mut => "mut",
        Const => "const",
        Func => "func",
        Return => "return",
        Enum => "enum",
        Match => "match",
        Case => "case",
        Default => "default",
        If => "if",
        Else => "else",
        Loop => "loop",
        While => "while",
        For => "for",
        In => "in",
        Break => "break",
        Continue => "continue",
        Try => "try",
        Except => "except",
        Int => "int",
        Float => "float",
        String => "string",
        Bool => "bool",
        Import => "import",
        Export => "export",
        From => "from",
        Struct => "struct",
        Impl => "impl",
        SelfValue => "self",
        Null => "null",
        Spawn => "spawn",
        Test => "test",
        TestSetup => "test_setup",
        TestTeardown => "test_teardown",
        TestGroup => "test_group",
        Yield => "yield",
        Async => "async",
        Await => "await",
        True => "true",
        False => "false",
    }
}

spelled_enum! {
    /// Operators and punctuation. Longer spellings come first: the lexer takes the first
    /// member whose spelling starts the remaining input (longest match).
    Punct {
        Ellipsis => "...",
        EqEq => "==",
        NotEq => "!=",
        Le => "<=",
        Ge => ">=",
        AndAnd => "&&",
        OrOr => "||",
        Coalesce => "??",
        PipeGt => "|>",
        QuestionDot => "?.",
        ColonColon => "::",
        Arrow => "->",
        ColonEq => ":=",
        PlusEq => "+=",
        MinusEq => "-=",
        StarEq => "*=",
        SlashEq => "/=",
        PercentEq => "%=",
        Plus => "+",
        Minus => "-",
        Star => "*",
        Slash => "/",
        Percent => "%",
        Lt => "<",
        Gt => ">",
        Bang => "!",
        Question => "?",
        Colon => ":",
        Eq => "=",
        LParen => "(",
        RParen => ")",
        LBrace => "{",
        RBrace => "}",
        LBracket => "[",
        RBracket => "]",
        Comma => ",",
        Semi => ";",
        Dot => ".",
        Amp => "&",
        Bar => "|",
    }
}

impl TokenKind {
    /// How parse errors name the token ("found ...").
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Int(n) => format!("number {n}"),
            TokenKind::Float(x) => format!("number {x:?}"),
            TokenKind::Str(_) => "string literal".to_string(),
            TokenKind::Ident(name) => format!("identifier '{name}'"),
            TokenKind::Keyword(k) => format!("'{}'", k.text()),
            TokenKind::Punct(p) => format!("'{}'", p.text()),
            TokenKind::InterpEnd => "'}'".to_string(),
            TokenKind::Eof => "end of input".to_string(),
        }
    }
}

/// The form `ruff dump --emit=tokens` prints, e.g. `Ident(x)`, `Punct(:=)`,
/// `Str("x=", ${ Ident(x) })`.
impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Int(n) => write!(f, "Int({n})"),
            TokenKind::Float(x) => write!(f, "Float({x:?})"),
            TokenKind::Str(segments) => {
                f.write_str("Str(")?;
                for (i, segment) in segments.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match segment {
                        StrSegment::Text(text) => write!(f, "{text:?}")?,
                        StrSegment::Interp { tokens, .. } => {
                            f.write_str("${")?;
                            for token in tokens {
                                write!(f, " {}", token.kind)?;
                            }
                            f.write_str(" }")?;
                        }
                    }
                }
                f.write_str(")")
            }
            TokenKind::Ident(name) => write!(f, "Ident({name})"),
            TokenKind::Keyword(k) => write!(f, "Keyword({})", k.text()),
            TokenKind::Punct(p) => write!(f, "Punct({})", p.text()),
            TokenKind::InterpEnd => f.write_str("InterpEnd"),
            TokenKind::Eof => f.write_str("Eof"),
        }
    }
}
