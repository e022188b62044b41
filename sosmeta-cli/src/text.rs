//! Text output for people: one block per document and a summary line.

use sosmeta_validate::report::{DocumentResult, InputKind, Summary};
use sosmeta_validate::Severity;
use std::io::{self, Write};

/// Whether text output is coloured (`--color`), decided once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Write ANSI colour codes.
    pub color: bool,
}

impl Style {
    /// Decide from `--color` and whether stdout is a terminal (and `NO_COLOR`).
    pub fn for_stdout(choice: clap::ColorChoice) -> Style {
        use std::io::IsTerminal;
        let color = match choice {
            clap::ColorChoice::Always => true,
            clap::ColorChoice::Never => false,
            clap::ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Style { color }
    }

    fn paint(self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, s: Severity) -> String {
        // Pad before painting so the columns stay aligned.
        let padded = format!("{:<7}", s.as_str());
        match s {
            Severity::Error => self.paint(&padded, "1;31"),
            Severity::Warning => self.paint(&padded, "33"),
            Severity::Info => self.paint(&padded, "36"),
        }
    }

    fn verdict(self, valid: bool) -> String {
        if valid {
            self.paint("OK", "32")
        } else {
            self.paint("INVALID", "1;31")
        }
    }
}

/// Text that came from input, made safe for a terminal: control characters (newlines,
/// escape sequences, C1 controls) and bidirectional overrides are shown as `\u{..}`, so a
/// document or a file name cannot forge output lines or colours.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Write one result for people: `file: OK` or `file: INVALID`, then the findings.
pub fn write_text_result(
    w: &mut impl Write,
    r: &DocumentResult,
    quiet: bool,
    style: Style,
) -> io::Result<()> {
    if quiet && r.valid {
        return Ok(());
    }
    let def = match (&r.definition, &r.version) {
        (Some(d), Some(v)) => format!("  [{d}@{v}]"),
        _ => String::new(),
    };
    let verdict = style.verdict(r.valid);
    let mut counts = Vec::new();
    if r.counts.errors > 0 {
        counts.push(plural(r.counts.errors, "error", "errors"));
    }
    if r.counts.warnings > 0 {
        counts.push(plural(r.counts.warnings, "warning", "warnings"));
    }
    let counts = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    let kind = match r.input {
        InputKind::Archive => "  (archive document)",
        InputKind::ArchiveView => "  (archive JSON view)",
        InputKind::Document => "",
    };
    writeln!(w, "{}: {verdict}{counts}{def}{kind}", escape(&r.file))?;
    for f in &r.findings {
        if quiet && f.severity != Severity::Error {
            continue;
        }
        let pointer = if f.pointer.is_empty() {
            "/".into()
        } else {
            escape(&f.pointer)
        };
        // XML findings (archive documents) carry an XPath, and a line and column.
        let at = match (&f.xpath, f.line, f.column) {
            (Some(x), Some(l), Some(c)) => format!("{} (line {l}, column {c})", escape(x)),
            (Some(x), _, _) if f.pointer.is_empty() => escape(x).into_owned(),
            (Some(x), _, _) => format!("{} {pointer}", escape(x)),
            _ => pointer.into_owned(),
        };
        let path = if f.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", escape(&f.path))
        };
        writeln!(
            w,
            "  {} {:<28} {at}\n          {path}{}",
            style.severity(f.severity),
            f.rule,
            escape(&f.message)
        )?;
    }
    if r.omitted > 0 {
        writeln!(w, "  … {} more (see --max-findings)", r.omitted)?;
    }
    Ok(())
}

/// Write the summary line.
pub fn write_text_summary(w: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "{}: {} valid, {} invalid; {}, {}; {:.2} s",
        plural(s.files, "file", "files"),
        s.valid,
        s.invalid,
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        s.seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_shows_controls_and_bidi_overrides() {
        assert_eq!(escape("plain Äö"), "plain Äö");
        assert_eq!(escape("a\nx.json: OK"), "a\\u{a}x.json: OK");
        assert_eq!(escape("\x1b[32mOK"), "\\u{1b}[32mOK");
        assert_eq!(escape("\u{202E}txt"), "\\u{202e}txt");
    }
}
