//! `sosmeta render FILE [--page] [--force] --lang fi|sv`: what a person reads, from the
//! model and the JSON (the same renderer as `sosmeta_generated::Document::to_xhtml`).
//!
//! By default the display form (the XHTML fragment a Kanta archive document carries);
//! `--page` the preview page around it. Inputs: a document, an archive JSON view or a CDA
//! (by content); the header data of the last two (document id,
//! organisation, recorder, date) reach the fragment. Invalid values are marked in the
//! output and make the exit code 1 unless `--force`.

use crate::{UsageError, EXIT_INVALID, EXIT_OK};
use sosmeta_kanta::{RenderInput, RenderInputError};
use sosmeta_validate::input::{read_file, DEFAULT_MAX_SIZE};
use sosmeta_xhtml::Lang;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `sosmeta render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The document, archive JSON view or CDA XML to render; `-` for stdin.
    pub file: PathBuf,
    /// The language of the output: fi or sv.
    #[arg(long, short = 'l', default_value = "fi")]
    pub lang: Lang,
    /// The definition: `OID`, `OID@YYYY-MM-DD` or dotted (default: from the root key, or
    /// from an archive document's header).
    #[arg(long, short = 'd', value_name = "OID[@VERSION]")]
    pub definition: Option<String>,
    /// Write the output here instead of to stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the full XHTML 1.0 preview page (with style) instead of the display-form
    /// fragment that goes inside a Kanta archive document.
    #[arg(long)]
    pub page: bool,
    /// Exit 0 even when some values are invalid (they are still marked in the output).
    #[arg(long)]
    pub force: bool,
}

fn read_input(path: &Path) -> Result<Vec<u8>, UsageError> {
    if path.as_os_str() != "-" {
        return read_file(path, DEFAULT_MAX_SIZE).map_err(|f| UsageError(f.message));
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(DEFAULT_MAX_SIZE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
    Ok(buf)
}

/// Write `bytes` to `out` whole or not at all: a temporary file beside it, then a rename.
fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    let err = |e: std::io::Error| UsageError(format!("cannot write {}: {e}", out.display()));
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "render".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, out));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}

/// Run `sosmeta render`.
pub fn run(release: Option<&Path>, args: RenderArgs) -> Result<u8, UsageError> {
    if let Some(out) = &args.output {
        let same = match (args.file.canonicalize(), out.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(UsageError(format!(
                "-o {} is the input itself: write the output elsewhere",
                out.display()
            )));
        }
    }
    let validator = crate::validator(release)?;
    let bytes = read_input(&args.file)?;
    let in_file = |e: RenderInputError| UsageError(format!("{}: {e}", args.file.display()));
    let input = RenderInput::read(&bytes, DEFAULT_MAX_SIZE).map_err(in_file)?;
    // The same choice as the validator's: an explicit definition must match the root
    // key; otherwise the root key's version in force.
    let def = input
        .definition(validator.release(), args.definition.as_deref())
        .map_err(in_file)?;
    // With a bundle's koodistot (`--release DIR`), classification codes get their names.
    let code_sets = validator.code_sets();
    let (content, header, lang) = (&input.content, &input.header, args.lang);
    let rendered = if args.page {
        sosmeta_xhtml::render_page_with(def, content, header, lang, code_sets)
    } else {
        sosmeta_xhtml::render_fragment_with(def, content, header, lang, code_sets)
    }
    .map_err(|e| UsageError(format!("{}: {e}", args.file.display())))?;
    let mut text = rendered.xhtml;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match &args.output {
        Some(out) => write_atomically(out, text.as_bytes())?,
        None => {
            let stdout = std::io::stdout();
            let mut w = stdout.lock();
            match w.write_all(text.as_bytes()).and_then(|_| w.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(UsageError(format!("cannot write output: {e}"))),
            }
        }
    }
    let invalid = &rendered.invalid_values;
    if invalid.is_empty() {
        return Ok(EXIT_OK);
    }
    // Where and why, never the value itself (it may be a personal identity code).
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}: {} invalid value(s), marked in the output{}:",
        args.file.display(),
        invalid.len(),
        if args.force { " (--force: exit 0)" } else { "" }
    );
    for v in invalid.iter().take(20) {
        let why = if v.value.is_empty() {
            v.reason.clone()
        } else {
            v.reason.replace(&v.value, "the value")
        };
        let _ = writeln!(
            err,
            "  {} ({}): {why}",
            v.pointer,
            def.name_path(&v.pointer)
        );
    }
    if invalid.len() > 20 {
        let _ = writeln!(err, "  ... and {} more", invalid.len() - 20);
    }
    if !args.force {
        let _ = writeln!(
            err,
            "run `sosmeta validate` for details; --force renders invalid content with exit 0"
        );
    }
    Ok(if args.force { EXIT_OK } else { EXIT_INVALID })
}
