//! Lexer: every literal form, operators, comments, and every lexer error message.

use std::rc::Rc;

use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Punct, StrSegment, Token, TokenKind};
use crate::syntax::{dump_tokens, tokenize, ParseError};

fn kinds(src: &str) -> Vec<TokenKind> {
    let tokens = tokenize(src).unwrap_or_else(|e| panic!("{src:?}: {}", e.message));
    tokens.into_iter().map(|t| t.kind).collect()
}

fn lex_err(src: &str) -> ParseError {
    match tokenize(src) {
        Ok(tokens) => panic!("{src:?} lexed: {tokens:?}"),
        Err(e) => e,
    }
}

fn ident(name: &str) -> TokenKind {
    TokenKind::Ident(Rc::from(name))
}

fn text(s: &str) -> StrSegment {
    StrSegment::Text(Rc::from(s))
}

use TokenKind::{Eof, Float, Int};

fn p(punct: Punct) -> TokenKind {
    TokenKind::Punct(punct)
}

fn kw(keyword: Keyword) -> TokenKind {
    TokenKind::Keyword(keyword)
}

#[test]
fn integers_and_floats() {
    assert_eq!(
        kinds("0 42 007 9223372036854775807 2.5 0.125 10.0"),
        vec![
            Int(0),
            Int(42),
            Int(7),
            Int(i64::MAX),
            Float(2.5),
            Float(0.125),
            Float(10.0),
            Eof
        ]
    );
}

#[test]
fn floats_need_digits_on_both_sides() {
    assert_eq!(kinds("1."), vec![Int(1), p(Punct::Dot), Eof]);
    assert_eq!(kinds(".5"), vec![p(Punct::Dot), Int(5), Eof]);
    assert_eq!(kinds("1.x"), vec![Int(1), p(Punct::Dot), ident("x"), Eof]);
    assert_eq!(kinds("1.5.2"), vec![Float(1.5), p(Punct::Dot), Int(2), Eof]);
}

#[test]
fn malformed_numbers() {
    for (src, text) in [
        ("1e3", "1e3"),
        ("2x", "2x"),
        ("1_000", "1_000"),
        ("1.5e3", "1.5e3"),
        ("x := 0x1F", "0x1F"),
        ("3é", "3é"),
    ] {
        let e = lex_err(src);
        assert_eq!(e.message, format!("Malformed numeric literal: {text}"));
        assert_eq!(e.span.start as usize, src.find(text).unwrap(), "{src}");
    }
}

#[test]
fn numeric_overflow() {
    let e = lex_err("x := 9223372036854775808");
    assert_eq!(e.message, "Numeric literal overflow: 9223372036854775808");
    assert_eq!(e.span, Span::new(5, 24));
    let huge = format!("{}.0", "9".repeat(400));
    assert_eq!(
        lex_err(&huge).message,
        format!("Numeric literal overflow: {huge}")
    );
}

#[test]
fn identifiers_and_keywords() {
    assert_eq!(
        kinds("_x a1 café throw Ok None Result test self impl"),
        vec![
            ident("_x"),
            ident("a1"),
            ident("café"),
            ident("throw"),
            ident("Ok"),
            ident("None"),
            ident("Result"),
            kw(Keyword::Test),
            kw(Keyword::SelfValue),
            kw(Keyword::Impl),
            Eof
        ]
    );
}

#[test]
fn every_keyword_is_reserved() {
    for &keyword in Keyword::ALL {
        assert_eq!(kinds(keyword.text()), vec![kw(keyword), Eof]);
    }
    assert_eq!(Keyword::ALL.len(), 40);
}

#[test]
fn identifier_length_limit() {
    let max = "a".repeat(256);
    assert_eq!(kinds(&max), vec![ident(&max), Eof]);
    let e = lex_err(&format!("x := {}", "a".repeat(257)));
    assert_eq!(e.message, "Identifier too long (more than 256 characters)");
    assert_eq!(e.span.start, 5);
}

#[test]
fn identifiers_start_with_an_ascii_letter_or_underscore() {
    let e = lex_err("x := éa");
    assert_eq!(e.message, "Invalid character: é");
    assert_eq!(e.span.start, 5);
}

#[test]
fn operators_take_the_longest_match() {
    assert_eq!(
        kinds("... :: ?. ?? ? |> -> := += -= *= /= %= == != <= >= && || & | ! = < > . :"),
        vec![
            p(Punct::Ellipsis),
            p(Punct::ColonColon),
            p(Punct::QuestionDot),
            p(Punct::Coalesce),
            p(Punct::Question),
            p(Punct::PipeGt),
            p(Punct::Arrow),
            p(Punct::ColonEq),
            p(Punct::PlusEq),
            p(Punct::MinusEq),
            p(Punct::StarEq),
            p(Punct::SlashEq),
            p(Punct::PercentEq),
            p(Punct::EqEq),
            p(Punct::NotEq),
            p(Punct::Le),
            p(Punct::Ge),
            p(Punct::AndAnd),
            p(Punct::OrOr),
            p(Punct::Amp),
            p(Punct::Bar),
            p(Punct::Bang),
            p(Punct::Eq),
            p(Punct::Lt),
            p(Punct::Gt),
            p(Punct::Dot),
            p(Punct::Colon),
            Eof
        ]
    );
    assert_eq!(
        kinds("a?.b x=-1 .."),
        vec![
            ident("a"),
            p(Punct::QuestionDot),
            ident("b"),
            ident("x"),
            p(Punct::Eq),
            p(Punct::Minus),
            Int(1),
            p(Punct::Dot),
            p(Punct::Dot),
            Eof
        ]
    );
}

#[test]
fn every_punct_lexes_alone() {
    for &punct in Punct::ALL {
        assert_eq!(kinds(punct.text()), vec![p(punct), Eof], "{}", punct.text());
        assert_eq!(Punct::from_text(punct.text()), Some(punct));
    }
}

#[test]
fn comments_are_skipped() {
    let src = "a # one\nb // two\nc /* three\n four */ d /**/ e";
    assert_eq!(
        kinds(src),
        vec![
            ident("a"),
            ident("b"),
            ident("c"),
            ident("d"),
            ident("e"),
            Eof
        ]
    );
    // Block comments do not nest.
    assert_eq!(kinds("/* /* */ x"), vec![ident("x"), Eof]);
    assert_eq!(
        kinds("a / b"),
        vec![ident("a"), p(Punct::Slash), ident("b"), Eof]
    );
}

#[test]
fn unterminated_block_comment() {
    let e = lex_err("x /* never closed");
    assert_eq!(e.message, "Unterminated block comment");
    assert_eq!(e.span.start, 2);
}

#[test]
fn token_spans_are_byte_ranges() {
    let tokens = tokenize("ab := \"é\" 1.5").unwrap();
    let spans: Vec<Span> = tokens.iter().map(|t| t.span).collect();
    assert_eq!(
        spans,
        vec![
            Span::new(0, 2),
            Span::new(3, 5),
            Span::new(6, 10),
            Span::new(11, 14),
            Span::new(14, 14)
        ]
    );
}

#[test]
fn eof_sits_after_the_last_token() {
    let tokens = tokenize("x\n\n  # trailing\n").unwrap();
    assert_eq!(tokens.last().unwrap().span, Span::new(1, 1));
    assert_eq!(
        tokenize("").unwrap(),
        vec![Token {
            kind: Eof,
            span: Span::new(0, 0)
        }]
    );
}

#[test]
fn strings_and_escapes() {
    assert_eq!(
        kinds(r#""" "plain" "a\nb\tc\rd\\e\"f\$g" "$x" "cost: $""#),
        vec![
            TokenKind::Str(vec![text("")]),
            TokenKind::Str(vec![text("plain")]),
            TokenKind::Str(vec![text("a\nb\tc\rd\\e\"f$g")]),
            TokenKind::Str(vec![text("$x")]),
            TokenKind::Str(vec![text("cost: $")]),
            Eof
        ]
    );
    // `\$` keeps `${` literal.
    assert_eq!(
        kinds(r#""\${x}""#),
        vec![TokenKind::Str(vec![text("${x}")]), Eof]
    );
}

#[test]
fn invalid_escape() {
    let src = r#"s := "ok\q""#;
    let e = lex_err(src);
    assert_eq!(e.message, r"Invalid escape sequence: \q");
    assert_eq!(e.span.start as usize, src.find('\\').unwrap());
    assert_eq!(lex_err(r#""\'""#).message, r"Invalid escape sequence: \'");
}

#[test]
fn unterminated_strings() {
    for src in [
        "x := \"abc",
        "x := \"abc\ny\"",
        "x := \"a\\",
        "x := \"${y\"",
        "x := \"${ {} \"",
    ] {
        let e = lex_err(src);
        assert_eq!(e.message, "Unterminated string literal", "{src:?}");
        assert_eq!(e.span.start, 5, "{src:?}");
    }
}

#[test]
fn string_length_limit() {
    let max = format!("\"{}\"", "é".repeat(8192));
    assert_eq!(kinds(&max).len(), 2);
    let e = lex_err(&format!("x := \"{}\"", "a".repeat(8193)));
    assert_eq!(
        e.message,
        "String literal too long (more than 8192 characters)"
    );
    assert_eq!(e.span.start, 5);
}

#[test]
fn invalid_characters() {
    for (src, c) in [
        ("x := 'a'", "'"),
        ("@x", "@"),
        ("a $ b", "$"),
        ("a ^ b", "^"),
        ("a ~ b", "~"),
    ] {
        let e = lex_err(src);
        assert_eq!(e.message, format!("Invalid character: {c}"));
        assert_eq!(e.span.start as usize, src.find(c).unwrap());
    }
}

#[test]
fn interpolation_tokens_keep_source_offsets() {
    let src = r#"s := "a${x + 1}b""#;
    let tokens = tokenize(src).unwrap();
    let TokenKind::Str(segments) = &tokens[2].kind else {
        panic!("{:?}", tokens[2]);
    };
    let [StrSegment::Text(a), StrSegment::Interp { tokens: inner, end }, StrSegment::Text(b)] =
        segments.as_slice()
    else {
        panic!("{segments:?}");
    };
    assert_eq!((&**a, &**b), ("a", "b"));
    let inner: Vec<(TokenKind, u32)> = inner
        .iter()
        .map(|t| (t.kind.clone(), t.span.start))
        .collect();
    assert_eq!(
        inner,
        vec![
            (ident("x"), offset(src, "x +")),
            (p(Punct::Plus), offset(src, "+")),
            (Int(1), offset(src, "1"))
        ]
    );
    assert_eq!(end.kind, TokenKind::InterpEnd);
    assert_eq!(end.span.start, offset(src, "}"));
}

fn offset(src: &str, needle: &str) -> u32 {
    src.find(needle).unwrap() as u32
}

#[test]
fn interpolation_counts_braces_and_ignores_quotes() {
    // The text runs to the matching `}`; inner strings may interpolate again.
    let tokens = tokenize(r#""${ {"k": 1}["k"] } and ${ "in${y}" }""#).unwrap();
    let TokenKind::Str(segments) = &tokens[0].kind else {
        panic!();
    };
    assert_eq!(segments.len(), 3);
    let StrSegment::Interp { tokens: nested, .. } = &segments[2] else {
        panic!("{segments:?}");
    };
    let TokenKind::Str(inner) = &nested[0].kind else {
        panic!("{nested:?}");
    };
    assert!(
        matches!(inner.as_slice(), [StrSegment::Text(t), StrSegment::Interp { .. }] if &**t == "in")
    );
}

#[test]
fn lexical_errors_inside_interpolations_point_into_the_source() {
    let src = r#"s := "a${x @ 1}""#;
    let e = lex_err(src);
    assert_eq!(e.message, "Invalid character: @");
    assert_eq!(e.span.start, offset(src, "@"));
}

#[test]
fn dump_prints_one_token_per_line() {
    let dump = dump_tokens("let x := \"n=${n}\"\nprint(x[0], 2.5)").unwrap();
    assert_eq!(
        dump,
        "1:1 Keyword(let)\n\
         1:5 Ident(x)\n\
         1:7 Punct(:=)\n\
         1:10 Str(\"n=\", ${ Ident(n) })\n\
         2:1 Ident(print)\n\
         2:6 Punct(()\n\
         2:7 Ident(x)\n\
         2:8 Punct([)\n\
         2:9 Int(0)\n\
         2:10 Punct(])\n\
         2:11 Punct(,)\n\
         2:13 Float(2.5)\n\
         2:16 Punct())\n\
         2:17 Eof\n"
    );
    assert_eq!(
        dump_tokens("1e3").unwrap_err().message,
        "Malformed numeric literal: 1e3"
    );
}
