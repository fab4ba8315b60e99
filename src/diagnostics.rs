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
    /// `offset`. Each line ends with `\n`.
    pub fn render(&self, headline: &str, offset: u32) -> String {
        let offset = offset.min(self.text.len() as u32);
        let (line, col) = self.lines.line_col(&self.text, offset);
        let source_line = self.line_text(line);
        let digits = line.to_string().len();
        let pad: String = source_line
            .chars()
            .take(col as usize - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{headline}\n  --> {}:{line}:{col}\n{line} | {source_line}\n{} | {pad}^\n",
            self.path,
            " ".repeat(digits)
        )
    }
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
}
