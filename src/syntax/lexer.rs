//! Source text -> tokens (LANGUAGE.md §1 and §2).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use super::span::{LineIndex, Span};
use super::token::{Keyword, Punct, StrSegment, Token, TokenKind};
use super::{too_deep, ParseError, MAX_EXPR_DEPTH};

/// Longest identifier, in characters.
const MAX_IDENT_CHARS: usize = 256;
/// Longest string literal, in characters between the quotes.
const MAX_STRING_CHARS: usize = 8192;

/// Splits `src` into tokens; the last one is `Eof`.
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let (mut tokens, eof) = lex(src)?;
    tokens.push(eof);
    Ok(tokens)
}

/// The tokens of `src` and, apart, the `Eof` token that ends them.
pub(super) fn lex(src: &str) -> Result<(Vec<Token>, Token), ParseError> {
    let mut brace_pairs = HashMap::new();
    let tokens = Lexer {
        src,
        pos: 0,
        end: src.len(),
        depth: 0,
        brace_pairs: &mut brace_pairs,
    }
    .run()?;
    let end = tokens.last().map_or(0, |t| t.span.end as usize);
    let eof = Token {
        kind: TokenKind::Eof,
        span: Span::new(end, end),
    };
    Ok((tokens, eof))
}

/// One token per line as `<line>:<column> <token>`, for `ruff dump --emit=tokens`.
pub fn dump_tokens(src: &str) -> Result<String, ParseError> {
    let lines = LineIndex::new(src);
    let mut out = String::new();
    for token in tokenize(src)? {
        let (line, col) = lines.line_col(src, token.span.start);
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{line}:{col} {}", token.kind);
    }
    Ok(out)
}

/// Lexes `src[pos..end]`; spans stay absolute so interpolations lexed by a nested lexer
/// point into the original text.
struct Lexer<'s, 'p> {
    src: &'s str,
    pos: usize,
    end: usize,
    /// How many interpolations enclose this range.
    depth: usize,
    /// Offsets of `{` -> offset of the matching `}`, filled while finding where an
    /// interpolation ends, so nested interpolations need not scan their text again.
    brace_pairs: &'p mut HashMap<usize, usize>,
}

impl<'s, 'p> Lexer<'s, 'p> {
    fn run(mut self) -> Result<Vec<Token>, ParseError> {
        let mut tokens = Vec::new();
        while let Some(c) = self.skip_trivia()? {
            let start = self.pos;
            let kind = self.token(c)?;
            tokens.push(Token {
                kind,
                span: Span::new(start, self.pos),
            });
        }
        Ok(tokens)
    }

    fn rest(&self) -> &'s str {
        self.src.get(self.pos..self.end).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
    }

    fn text_from(&self, start: usize) -> &'s str {
        self.src.get(start..self.pos).unwrap_or("")
    }

    fn error_at(&self, start: usize, message: String) -> ParseError {
        ParseError::new(message, Span::new(start, self.pos.max(start)))
    }

    /// Skips whitespace and comments; returns the next character, if any.
    fn skip_trivia(&mut self) -> Result<Option<char>, ParseError> {
        loop {
            let Some(c) = self.peek() else {
                return Ok(None);
            };
            match (c, self.peek_second()) {
                (' ' | '\t' | '\r' | '\n', _) => {
                    self.bump();
                }
                ('#', _) | ('/', Some('/')) => self.eat_while(|c| c != '\n'),
                ('/', Some('*')) => self.block_comment()?,
                _ => return Ok(Some(c)),
            }
        }
    }

    fn block_comment(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        match self.rest().get(2..).and_then(|body| body.find("*/")) {
            Some(offset) => {
                self.pos += 2 + offset + 2;
                Ok(())
            }
            None => Err(ParseError::new(
                "Unterminated block comment",
                Span::new(start, start + 2),
            )),
        }
    }

    fn token(&mut self, c: char) -> Result<TokenKind, ParseError> {
        if c.is_ascii_digit() {
            return self.number();
        }
        if c.is_ascii_alphabetic() || c == '_' {
            return self.word();
        }
        if c == '"' {
            return self.string();
        }
        let rest = self.rest();
        if let Some(&punct) = Punct::ALL.iter().find(|p| rest.starts_with(p.text())) {
            self.pos += punct.text().len();
            return Ok(TokenKind::Punct(punct));
        }
        let start = self.pos;
        self.bump();
        Err(self.error_at(start, format!("Invalid character: {}", shown_char(c))))
    }

    /// `digits` or `digits.digits`; a letter, digit or `_` right after is malformed.
    fn number(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        let is_float =
            self.peek() == Some('.') && self.peek_second().is_some_and(|c| c.is_ascii_digit());
        if is_float {
            self.bump();
            self.eat_while(|c| c.is_ascii_digit());
        }
        if self.peek().is_some_and(is_word_char) {
            self.eat_while(is_word_char);
            let text = self.text_from(start);
            return Err(self.error_at(start, format!("Malformed numeric literal: {text}")));
        }
        let text = self.text_from(start);
        let overflow = || self.error_at(start, format!("Numeric literal overflow: {text}"));
        if is_float {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(TokenKind::Float(x)),
                _ => Err(overflow()),
            }
        } else {
            text.parse::<i64>()
                .map(TokenKind::Int)
                .map_err(|_| overflow())
        }
    }

    /// An identifier or a reserved word.
    fn word(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        self.eat_while(is_word_char);
        let text = self.text_from(start);
        if text.chars().count() > MAX_IDENT_CHARS {
            return Err(self.error_at(
                start,
                format!("Identifier too long (more than {MAX_IDENT_CHARS} characters)"),
            ));
        }
        Ok(match Keyword::from_text(text) {
            Some(keyword) => TokenKind::Keyword(keyword),
            None => TokenKind::Ident(Rc::from(text)),
        })
    }

    fn string(&mut self) -> Result<TokenKind, ParseError> {
        let open = self.pos;
        self.bump();
        let mut segments = Vec::new();
        let mut text = String::new();
        loop {
            match self.peek() {
                None | Some('\n' | '\r') => return Err(unterminated_string(open)),
                Some('"') => break,
                Some('\\') => {
                    let escape_at = self.pos;
                    self.bump();
                    let unescaped = match self.peek() {
                        None | Some('\n' | '\r') => return Err(unterminated_string(open)),
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some(c @ ('\\' | '"' | '$')) => c,
                        Some(c) => {
                            self.bump();
                            return Err(
                                self.error_at(escape_at, format!("Invalid escape sequence: \\{c}"))
                            );
                        }
                    };
                    self.bump();
                    text.push(unescaped);
                }
                Some('$') if self.peek_second() == Some('{') => {
                    if !text.is_empty() {
                        segments.push(StrSegment::Text(Rc::from(std::mem::take(&mut text))));
                    }
                    segments.push(self.interpolation(open)?);
                }
                Some(c) => {
                    self.bump();
                    text.push(c);
                }
            }
        }
        let body = self.text_from(open + 1);
        self.bump();
        if body.chars().count() > MAX_STRING_CHARS {
            return Err(ParseError::new(
                format!("String literal too long (more than {MAX_STRING_CHARS} characters)"),
                Span::new(open, open + 1),
            ));
        }
        if segments.is_empty() || !text.is_empty() {
            segments.push(StrSegment::Text(Rc::from(text)));
        }
        Ok(TokenKind::Str(segments))
    }

    /// `${ ... }` at the current position, in the string opened at `open`: the text up to
    /// the matching `}` (braces counted, quotes not interpreted), lexed on its own.
    fn interpolation(&mut self, open: usize) -> Result<StrSegment, ParseError> {
        let dollar = self.pos;
        let inner_start = dollar + 2;
        if self.depth >= MAX_EXPR_DEPTH {
            return Err(too_deep(MAX_EXPR_DEPTH, Span::new(dollar, inner_start)));
        }
        let Some(close) = self.closing_brace(dollar + 1) else {
            return Err(unterminated_string(open));
        };
        let tokens = Lexer {
            src: self.src,
            pos: inner_start,
            end: close,
            depth: self.depth + 1,
            brace_pairs: &mut *self.brace_pairs,
        }
        .run()?;
        self.pos = close + 1;
        let end = Token {
            kind: TokenKind::InterpEnd,
            span: Span::new(close, close + 1),
        };
        Ok(StrSegment::Interp { tokens, end })
    }
}

impl Lexer<'_, '_> {
    /// The offset of the `}` matching the `{` at `open`, counting braces (quotes are not
    /// interpreted) up to the end of the line. Records every pair met on the way.
    fn closing_brace(&mut self, open: usize) -> Option<usize> {
        if let Some(&close) = self.brace_pairs.get(&open) {
            return Some(close);
        }
        let mut opens = vec![open];
        let text = self.src.get(open + 1..self.end)?;
        for (offset, c) in text.char_indices() {
            let at = open + 1 + offset;
            match c {
                '{' => opens.push(at),
                '}' => {
                    self.brace_pairs.insert(opens.pop()?, at);
                    if opens.is_empty() {
                        return Some(at);
                    }
                }
                '\n' | '\r' => return None,
                _ => {}
            }
        }
        None
    }
}

fn unterminated_string(open: usize) -> ParseError {
    ParseError::new("Unterminated string literal", Span::new(open, open + 1))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
/// A character as an error message shows it: itself, or `U+XXXX` when it would not be
/// visible (control characters, spaces other than the ones Ruff allows).
fn shown_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}
