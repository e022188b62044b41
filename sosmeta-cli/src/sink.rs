//! Where `sosmeta validate` writes its results: each as soon as it is ready, in every
//! format. The JSON object streams its `results` array; SARIF streams its `results`;
//! JUnit, whose header states the totals, keeps its testcases until the end.

use crate::formats;
use crate::text::{write_text_result, write_text_summary, Style};
use crate::validate::Format;
use serde::Serialize;
use sosmeta_validate::registry::RuleOverride;
use sosmeta_validate::report::{validator_name, DocumentResult, Summary};
use std::io::{self, Write};

/// What a run says besides its results.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The release label.
    pub release: Option<String>,
    /// Rules whose level was changed.
    pub rule_levels: Vec<RuleOverride>,
}

/// A writer of results in one format.
pub struct Sink<W: Write> {
    w: W,
    format: Format,
    quiet: bool,
    style: Style,
    info: RunInfo,
    started: bool,
    first: bool,
    junit: Vec<u8>,
}

impl<W: Write> Sink<W> {
    /// A sink writing `format` to `w`.
    pub fn new(w: W, format: Format, quiet: bool, style: Style, info: RunInfo) -> Sink<W> {
        Sink {
            w,
            format,
            quiet,
            style,
            info,
            started: false,
            first: true,
            junit: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match self.format {
            Format::Json => {
                #[derive(Serialize)]
                struct Head<'a> {
                    validator: String,
                    release: Option<&'a str>,
                    #[serde(skip_serializing_if = "<[_]>::is_empty")]
                    rule_levels: &'a [RuleOverride],
                }
                let head = serde_json::to_string(&Head {
                    validator: validator_name(),
                    release: self.info.release.as_deref(),
                    rule_levels: &self.info.rule_levels,
                })?;
                // The head object without its closing brace, then the results array.
                writeln!(self.w, "{},\"results\":[", &head[..head.len() - 1])
            }
            Format::Sarif => self.w.write_all(formats::sarif_head().as_bytes()),
            _ => Ok(()),
        }
    }

    /// Write one result.
    pub fn result(&mut self, r: &DocumentResult) -> io::Result<()> {
        self.start()?;
        match self.format {
            Format::Text => write_text_result(&mut self.w, r, self.quiet, self.style),
            Format::Ndjson => {
                serde_json::to_writer(&mut self.w, r)?;
                writeln!(self.w)
            }
            Format::Json => {
                if !self.first {
                    self.w.write_all(b",\n")?;
                }
                self.first = false;
                serde_json::to_writer(&mut self.w, r).map_err(io::Error::from)
            }
            Format::Sarif => {
                for result in formats::sarif_results(r) {
                    if !self.first {
                        self.w.write_all(b",\n")?;
                    }
                    self.first = false;
                    serde_json::to_writer(&mut self.w, &result)?;
                }
                Ok(())
            }
            Format::Junit => formats::junit_case(&mut self.junit, r),
        }
    }

    /// Write what follows the results: notes and the summary.
    pub fn finish(&mut self, summary: &Summary, notes: &[String]) -> io::Result<()> {
        self.start()?;
        match self.format {
            Format::Text => {
                if !self.quiet {
                    for note in notes {
                        writeln!(self.w, "note: {}", crate::text::escape(note))?;
                    }
                    if !self.info.rule_levels.is_empty() {
                        let list: Vec<String> = self
                            .info
                            .rule_levels
                            .iter()
                            .map(|o| format!("{} {:?}", o.rule, o.level).to_lowercase())
                            .collect();
                        writeln!(self.w, "rules changed: {}", list.join(", "))?;
                    }
                    write_text_summary(&mut self.w, summary)?;
                }
            }
            Format::Ndjson => {
                if !self.quiet {
                    for note in notes {
                        eprintln!("sosmeta: note: {}", crate::text::escape(note));
                    }
                }
            }
            Format::Json => {
                write!(self.w, "\n]")?;
                if !notes.is_empty() {
                    write!(self.w, ",\"notes\":{}", serde_json::to_string(notes)?)?;
                }
                writeln!(self.w, ",\"summary\":{}}}", serde_json::to_string(summary)?)?;
            }
            Format::Sarif => {
                let tail = formats::sarif_tail(self.info.release.as_deref(), summary, notes);
                self.w.write_all(tail.as_bytes())?;
            }
            Format::Junit => {
                let cases = std::mem::take(&mut self.junit);
                formats::write_junit(&mut self.w, self.info.release.as_deref(), summary, &cases)?;
            }
        }
        self.w.flush()
    }

    /// True once something was written (or buffered) for this run.
    pub fn started(&self) -> bool {
        self.started
    }
}
