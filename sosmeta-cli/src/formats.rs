//! Report formats for CI systems: SARIF 2.1.0 (code-scanning dashboards) and JUnit XML
//! (test-report views). Both are written from the same results as `-f json`, so they agree
//! with it: one SARIF result per finding, one JUnit testcase per document.

use serde_json::{json, Value};
use sosmeta_validate::report::{DocumentResult, Summary};
use sosmeta_validate::{Severity, RULES};
use sosmeta_xhtml::escape_xml as xml_escape;
use std::io::{self, Write};

/// The SARIF level of a severity.
fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative or absolute URI reference (SARIF `artifactLocation.uri`).
fn file_uri(file: &str) -> String {
    // NDJSON lines are `path:LINE`; the artifact is the file.
    let path = match file.rsplit_once(':') {
        Some((p, line)) if !p.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => p,
        _ => file,
    };
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// The NDJSON line number of a result (`path:LINE`), if it is one.
fn ndjson_line(file: &str) -> Option<u64> {
    file.rsplit_once(':').and_then(|(_, l)| l.parse().ok())
}

/// The SARIF 2.1.0 log up to its results: the tool with the rule registry as
/// `tool.driver.rules`. Results follow ([`sarif_results`]), then [`sarif_tail`].
pub fn sarif_head() -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.description},
                "fullDescription": {"text": format!("{} (layer {}). Example: {}", r.description, r.layer, r.example)},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {"layer": r.layer.as_str()},
            })
        })
        .collect();
    let tool = json!({"driver": {
        "name": "sosmeta",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/sosmeta-rs/sosmeta-rs",
        "rules": rules,
    }});
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{tool},\"results\":[\n"
    )
}

/// The SARIF results of one document: one per finding, with its level, message, file
/// and, for an NDJSON line, the line; the JSON pointer and the Finnish path as a logical
/// location.
pub fn sarif_results(doc: &DocumentResult) -> Vec<Value> {
    let mut results = Vec::new();
    for f in &doc.findings {
        let rule_index = RULES.iter().position(|r| r.id == f.rule.as_str());
        let mut location = json!({
            "physicalLocation": {"artifactLocation": {"uri": file_uri(&doc.file)}},
            "logicalLocations": [{
                "fullyQualifiedName": if f.pointer.is_empty() { "/".to_string() } else { f.pointer.clone() },
                "kind": "element",
            }],
        });
        if let Some(line) = ndjson_line(&doc.file) {
            location["physicalLocation"]["region"] = json!({"startLine": line});
        }
        if !f.path.is_empty() {
            location["logicalLocations"][0]["name"] = json!(f.path);
        }
        let mut result = json!({
            "ruleId": f.rule.as_str(),
            "level": sarif_level(f.severity),
            "message": {"text": f.message},
            "locations": [location],
        });
        if let Some(i) = rule_index {
            result["ruleIndex"] = json!(i);
        }
        results.push(result);
    }
    results
}

/// The end of the SARIF log: the run's properties (release, summary, notes).
pub fn sarif_tail(release: Option<&str>, summary: &Summary, notes: &[String]) -> String {
    let props = json!({"release": release, "summary": summary, "notes": notes});
    format!("\n],\"properties\":{props}}}]}}\n")
}

/// One JUnit testcase: a failure listing the findings when the document is invalid.
pub fn junit_case(w: &mut impl Write, doc: &DocumentResult) -> io::Result<()> {
    let name = xml_escape(&doc.file);
    let class = match (&doc.definition, &doc.version) {
        (Some(d), Some(v)) => xml_escape(&format!("{d}@{v}")),
        _ => "sosmeta".to_string(),
    };
    if doc.valid {
        return writeln!(w, r#"    <testcase name="{name}" classname="{class}"/>"#);
    }
    writeln!(w, r#"    <testcase name="{name}" classname="{class}">"#)?;
    let errors: Vec<_> = doc
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let first = errors
        .first()
        .map(|f| format!("{}: {}", f.rule, f.message))
        .unwrap_or_else(|| "invalid".to_string());
    write!(
        w,
        r#"      <failure type="invalid" message="{}">"#,
        xml_escape(&first)
    )?;
    for f in &doc.findings {
        let at = if f.pointer.is_empty() {
            "/"
        } else {
            &f.pointer
        };
        writeln!(
            w,
            "{} {} {} {}",
            f.severity,
            f.rule,
            xml_escape(at),
            xml_escape(&f.message)
        )?;
    }
    if doc.omitted > 0 {
        writeln!(w, "… {} more", doc.omitted)?;
    }
    writeln!(w, "</failure>")?;
    writeln!(w, "    </testcase>")
}

/// Write a JUnit XML report around testcases already written by [`junit_case`].
pub fn write_junit(
    w: &mut impl Write,
    release: Option<&str>,
    s: &Summary,
    cases: &[u8],
) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="sosmeta validate" tests="{}" failures="{}" time="{:.3}">"#,
        s.files, s.invalid, s.seconds
    )?;
    writeln!(
        w,
        r#"  <testsuite name="sosmeta validate{}" tests="{}" failures="{}" errors="0" skipped="0" time="{:.3}">"#,
        release
            .map(|r| format!(" (release {})", xml_escape(r)))
            .unwrap_or_default(),
        s.files,
        s.invalid,
        s.seconds
    )?;
    w.write_all(cases)?;
    writeln!(w, "  </testsuite>")?;
    writeln!(w, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_escaped_and_ndjson_lines_split() {
        assert_eq!(file_uri("a b/ä.json"), "a%20b/%C3%A4.json");
        assert_eq!(file_uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(file_uri("batch.ndjson:12"), "batch.ndjson");
        assert_eq!(ndjson_line("batch.ndjson:12"), Some(12));
        assert_eq!(ndjson_line("x.json"), None);
    }

    #[test]
    fn xml_escape_removes_what_xml_cannot_hold() {
        assert_eq!(
            xml_escape("<a&\"'\u{1}>"),
            "&lt;a&amp;&quot;&apos;\u{FFFD}&gt;"
        );
    }
}
