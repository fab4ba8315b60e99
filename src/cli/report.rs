//! Reading program files and printing error reports.

use crate::diagnostics::SourceFile;
use crate::syntax::ParseError;
use crate::vm::RuntimeError;

/// At most this many frames are listed under `Call stack:`.
const MAX_LISTED_FRAMES: usize = 20;

/// The largest program file Ruff reads: parsing and compiling take about 75 bytes of
/// memory per byte of source.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// Reads the program at `path` (`-` for stdin), or says why it cannot.
pub fn read_source(path: &str) -> Result<SourceFile, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .take(MAX_SOURCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("error: cannot read standard input: {e}"))
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("error: cannot read '{path}': {}", describe_io(&e)))
    };
    read?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(format!(
            "error: '{path}' is too large for a program (the limit is {} MiB)",
            MAX_SOURCE_BYTES >> 20
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "error: '{path}' is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(SourceFile::new(path, text))
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if e.raw_os_error() == Some(21) => "it is a directory".into(),
        _ => e.to_string(),
    }
}

/// The check-phase report (§1).
pub fn parse_error(source: &SourceFile, error: &ParseError) -> String {
    source.render(&format!("Parse Error: {}", error.message), error.span.start)
}

/// The runtime error report (§1), call stack included.
pub fn runtime_error(source: &SourceFile, error: &RuntimeError) -> String {
    let mut out = source.render(&format!("Runtime Error: {}", error.message), error.location);
    if !error.stack.is_empty() {
        out.push_str("Call stack:\n");
        for (i, name) in error.stack.iter().take(MAX_LISTED_FRAMES).enumerate() {
            out.push_str(&format!("  {i} at {name}\n"));
        }
        if error.stack.len() > MAX_LISTED_FRAMES {
            out.push_str(&format!(
                "  ... {} more frames\n",
                error.stack.len() - MAX_LISTED_FRAMES
            ));
        }
    }
    out
}
