//! `sosmeta render FILE --lang fi|sv`: the XHTML a person reads, from the model and the
//! JSON (the same renderer as `sosmeta_generated::Document::to_xhtml`).

use crate::{UsageError, EXIT_OK};
use serde_json::Value;
use sosmeta_validate::input::{parse_bytes, read_file, DEFAULT_MAX_SIZE};
use sosmeta_xhtml::Lang;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `sosmeta render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The document (or archive JSON view) to render; `-` for stdin.
    pub file: PathBuf,
    /// The language of the page: fi or sv.
    #[arg(long, short = 'l', default_value = "fi")]
    pub lang: Lang,
    /// The definition: `OID`, `OID@YYYY-MM-DD` or dotted (default: from the root key, or
    /// from a JSON view's contentSpecificationId).
    #[arg(long, short = 'd', value_name = "OID[@VERSION]")]
    pub definition: Option<String>,
    /// Write the page here instead of to stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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

/// Run `sosmeta render`.
pub fn run(release: Option<&Path>, args: RenderArgs) -> Result<u8, UsageError> {
    if let Some(out) = &args.output {
        let same = match (args.file.canonicalize(), out.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(UsageError(format!(
                "-o {} is the input itself: write the page elsewhere",
                out.display()
            )));
        }
    }
    let validator = crate::validator(release)?;
    let bytes = read_input(&args.file)?;
    let parsed = parse_bytes(&bytes, DEFAULT_MAX_SIZE);
    let Some(value) = parsed.value else {
        let why: Vec<String> = parsed.findings.iter().map(|f| f.message.clone()).collect();
        return Err(UsageError(format!(
            "{}: {}",
            args.file.display(),
            why.join("; ")
        )));
    };
    // A JSON view renders its content, for the definition its header names.
    let (doc, meta_def): (&Value, Option<String>) = match value.get("content") {
        Some(content) if value.get("metadata").is_some_and(Value::is_object) => (
            content,
            value["metadata"]["localSocialHeader"]["contentSpecificationId"]
                .as_str()
                .map(str::to_string),
        ),
        _ => (&value, None),
    };
    // The same choice as the validator's: an explicit definition must match the root
    // key; otherwise the root key's version in force.
    let explicit = args
        .definition
        .or(meta_def)
        .map(|r| r.parse::<sosmeta_model::DefinitionRef>())
        .transpose()
        .map_err(|e| UsageError(e.to_string()))?;
    let keys: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let def = validator
        .release()
        .select(explicit.as_ref(), &keys)
        .map_err(|e| UsageError(format!("{}: {e}", args.file.display())))?
        .definition;
    let page = sosmeta_xhtml::render(def, doc, args.lang)
        .map_err(|e| UsageError(format!("{}: {e}", args.file.display())))?;
    match &args.output {
        Some(out) => std::fs::write(out, page)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", out.display())))?,
        None => {
            let stdout = std::io::stdout();
            let mut w = stdout.lock();
            match w.write_all(page.as_bytes()).and_then(|_| w.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(UsageError(format!("cannot write output: {e}"))),
            }
        }
    }
    Ok(EXIT_OK)
}
