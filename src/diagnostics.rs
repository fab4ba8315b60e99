//! The report layout shared by check-phase and runtime errors (LANGUAGE.md §1).

use crate::syntax::span::LineIndex;

/// A source file as given on the command line, with its line index.
pub struct SourceFile {
    /// The path exactly as the user wrote it (`-` for stdin).
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        SourceFile {
            path: path.into(),
            lines: LineIndex::new(&text),
            text,
        }
    }

    /// Text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let start = self.lines.line_start(line) as usize;
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].strip_suffix('\r').unwrap_or(&rest[..end])
    }

    /// Renders `headline`, the location line, the source line and a caret under byte
    /// `offset`. Each line ends with `\n`. A long line is cut to a window around the
    /// caret and control characters are replaced, so a report stays readable whatever
    /// the file holds.
    pub fn render(&self, headline: &str, offset: u32) -> String {
        let offset = offset.min(self.text.len() as u32);
        let (line, col) = self.lines.line_col(&self.text, offset);
        let digits = line.to_string().len();
        let (shown, caret) = excerpt(self.line_text(line), col as usize - 1);
        let pad: String = shown
            .chars()
            .take(caret)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{headline}\n  --> {}:{line}:{col}\n{line} | {shown}\n{} | {pad}^\n",
            self.path,
            " ".repeat(digits)
        )
    }
}

/// Characters of a source line a report shows at most.
const MAX_SHOWN_CHARS: usize = 120;

/// What a report shows of `line` with the caret under character `caret` (0-based): the
/// line itself when short, else a window around the caret marked `...` where cut, with
/// control characters (tabs aside) shown as U+FFFD. Returns the text and where the caret
/// goes in it.
fn excerpt(line: &str, caret: usize) -> (String, usize) {
    let visible = |c: char| {
        if c.is_control() && c != '\t' {
            char::REPLACEMENT_CHARACTER
        } else {
            c
        }
    };
    let total = line.chars().count();
    if total <= MAX_SHOWN_CHARS {
        return (line.chars().map(visible).collect(), caret);
    }
    let start = caret
        .saturating_sub(MAX_SHOWN_CHARS / 2)
        .min(total - MAX_SHOWN_CHARS);
    let mut shown = String::new();
    if start > 0 {
        shown.push_str("...");
    }
    shown.extend(line.chars().skip(start).take(MAX_SHOWN_CHARS).map(visible));
    if start + MAX_SHOWN_CHARS < total {
        shown.push_str("...");
    }
    let marker = if start > 0 { 3 } else { 0 };
    (shown, caret - start + marker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_points_at_the_column_and_keeps_tabs() {
        let src = SourceFile::new("calc.ruff", "x := 1\n\treturn a / b\n");
        let report = src.render("Runtime Error: Division by zero", 17);
        assert_eq!(
            report,
            "Runtime Error: Division by zero\n  --> calc.ruff:2:11\n2 | \treturn a / b\n  | \t         ^\n"
        );
    }

    #[test]
    fn long_lines_show_a_window_around_the_caret() {
        let line = format!("x := {}+", "1".repeat(10_000));
        let src = SourceFile::new("long.ruff", line.clone());
        let end = src.render("Parse Error: x", line.len() as u32);
        let shown = end.lines().nth(2).unwrap();
        assert_eq!(shown, format!("1 | ...{}+", "1".repeat(119)));
        let caret = end.lines().nth(3).unwrap();
        assert_eq!(
            caret.len(),
            shown.len() + 1,
            "the caret one past the last character"
        );
        let start = src.render("Parse Error: x", 0);
        assert_eq!(
            start.lines().nth(2).unwrap(),
            format!("1 | x := {}...", "1".repeat(115))
        );
        assert_eq!(start.lines().nth(3).unwrap(), "  | ^");
    }

    #[test]
    fn control_characters_are_shown_replaced() {
        let src = SourceFile::new("nul.ruff", "print(1)\0print(2)\n");
        let report = src.render("Parse Error: Invalid character: U+0000", 8);
        assert!(
            report.contains("1 | print(1)\u{fffd}print(2)\n"),
            "{report}"
        );
        assert!(report.ends_with("  |         ^\n"), "{report}");
    }
}
