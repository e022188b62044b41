//! Text output for people: one block per document and a summary line.

use sosmeta_validate::report::{DocumentResult, InputKind, Summary};
use sosmeta_validate::Severity;
use std::io::{self, Write};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Write one result for people: `file: OK` or `file: INVALID`, then the findings.
pub fn write_text_result(w: &mut impl Write, r: &DocumentResult, quiet: bool) -> io::Result<()> {
    if quiet && r.valid {
        return Ok(());
    }
    let def = match (&r.definition, &r.version) {
        (Some(d), Some(v)) => format!("  [{d}@{v}]"),
        _ => String::new(),
    };
    let verdict = if r.valid { "OK" } else { "INVALID" };
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
        InputKind::Envelope => "  (envelope: metadata checked)",
        InputKind::Document => "",
    };
    writeln!(w, "{}: {verdict}{counts}{def}{kind}", r.file)?;
    for f in &r.findings {
        if quiet && f.severity != Severity::Error {
            continue;
        }
        let at = if f.pointer.is_empty() {
            "/"
        } else {
            &f.pointer
        };
        let path = if f.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.path)
        };
        writeln!(
            w,
            "  {:<7} {:<28} {at}\n          {path}{}",
            f.severity.as_str(),
            f.rule,
            f.message
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
