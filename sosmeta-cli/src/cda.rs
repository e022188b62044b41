//! `sosmeta cda wrap|unwrap`: Kanta archive documents to and from their JSON view.
//!
//! - `wrap VIEW.json -o DOC.xml [--frame-out FRAME.xml] [--frame-from FRAME]`: the CDA R2
//!   document (and its transfer frame) of a JSON view; the display form is the view's
//!   `body.xhtml`, or rendered from the content when the view has none. The result is
//!   validated; its findings are printed and make the exit code 1.
//! - `unwrap DOC.xml [--frame FRAME.xml] -o DIR`: `DIR/envelope.json` (the JSON view:
//!   metadata, body and content), `DIR/content.json` (the Sosmeta JSON),
//!   `DIR/display.xhtml` (the display form) and, with `--frame`, `DIR/frame.json`.
//!
//! Every file is written atomically (a temporary file in the same directory, renamed),
//! and no output may be one of the inputs. A rebuilt document keeps its signatures as
//! written, but they no longer verify (the signed bytes are re-serialised).

use crate::{UsageError, EXIT_INVALID, EXIT_OK};
use sosmeta_kanta::model::Frame;
use sosmeta_kanta::view::ArchiveView;
use sosmeta_kanta::writer::{document_from_view, frame_for, view_from_json, FrameOptions};
use sosmeta_kanta::{read_frame, ArchiveOptions, ArchiveValidator};
use sosmeta_validate::input::{read_file, DEFAULT_MAX_SIZE};
use sosmeta_validate::Severity;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `sosmeta cda`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: CdaCommand,
}

/// The subcommands of `sosmeta cda`.
#[derive(Debug, clap::Subcommand)]
pub enum CdaCommand {
    /// Build the CDA (and its transfer frame) from a JSON view.
    Wrap(WrapArgs),
    /// Write a CDA's JSON view, content and display form into a directory.
    Unwrap(UnwrapArgs),
}

/// Arguments of `sosmeta cda wrap`.
#[derive(Debug, clap::Args)]
pub struct WrapArgs {
    /// The JSON view (`{"metadata", "body"?, "content"}`, e.g. an unwrapped envelope.json).
    pub view: PathBuf,
    /// Write the CDA here.
    #[arg(long, short = 'o', value_name = "DOC.xml")]
    pub output: PathBuf,
    /// Also write the transfer frame (RCMR_IN200002FI01) here.
    #[arg(long, value_name = "FRAME.xml")]
    pub frame_out: Option<PathBuf>,
    /// Take the frame's message values (id, sender, receiver, reason codes, sending
    /// person) from this frame (XML, or frame.json from `cda unwrap --frame`); the
    /// document values always come from the view.
    #[arg(long, value_name = "FRAME", requires = "frame_out")]
    pub frame_from: Option<PathBuf>,
}

/// Arguments of `sosmeta cda unwrap`.
#[derive(Debug, clap::Args)]
pub struct UnwrapArgs {
    /// The CDA document.
    pub cda: PathBuf,
    /// Its transfer frame: checked to name the same document, written as frame.json.
    #[arg(long, value_name = "FRAME.xml")]
    pub frame: Option<PathBuf>,
    /// The directory to write into (created when missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,
}

/// Run `sosmeta cda`.
pub fn run(release: Option<&Path>, args: Args) -> Result<u8, UsageError> {
    match args.command {
        CdaCommand::Wrap(a) => wrap(release, a),
        CdaCommand::Unwrap(a) => unwrap(a),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    read_file(path, DEFAULT_MAX_SIZE).map_err(|f| UsageError(f.message))
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Refuse an output that is an input or another output.
fn check_outputs(inputs: &[&Path], outputs: &[&Path]) -> Result<(), UsageError> {
    for (i, o) in outputs.iter().enumerate() {
        if let Some(input) = inputs.iter().find(|p| same_file(p, o)) {
            return Err(UsageError(format!(
                "{} is the input {}: write elsewhere",
                o.display(),
                input.display()
            )));
        }
        if outputs[..i].iter().any(|p| p == o || same_file(p, o)) {
            return Err(UsageError(format!(
                "{} is named for two outputs",
                o.display()
            )));
        }
    }
    Ok(())
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    let err = |e: std::io::Error| UsageError(format!("cannot write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sosmeta-")
        .tempfile_in(dir)
        .map_err(err)?;
    // A temporary file is private (0600); the output gets the permissions of the file it
    // replaces, or those of a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file().set_permissions(perms).map_err(err)?;
    }
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

fn wrap(release: Option<&Path>, a: WrapArgs) -> Result<u8, UsageError> {
    let mut inputs: Vec<&Path> = vec![&a.view];
    if let Some(f) = &a.frame_from {
        inputs.push(f);
    }
    let mut outputs: Vec<&Path> = vec![&a.output];
    if let Some(f) = &a.frame_out {
        outputs.push(f);
    }
    check_outputs(&inputs, &outputs)?;
    let bytes = read(&a.view)?;
    let view = view_from_json(&bytes).map_err(|e| {
        UsageError(format!(
            "{}: not a JSON view of an archive document: {e}",
            a.view.display()
        ))
    })?;
    let validator = crate::validator(release)?;
    let spec = view
        .metadata
        .local_social_header
        .as_ref()
        .and_then(|l| l.content_specification_id.as_ref())
        .map(|c| c.value.clone())
        .ok_or_else(|| {
            UsageError(format!(
                "{}: /metadata/localSocialHeader/contentSpecificationId is missing: it names the definition version",
                a.view.display()
            ))
        })?;
    let r: sosmeta_model::DefinitionRef = spec.parse().map_err(|e| {
        UsageError(format!(
            "{}: /metadata/localSocialHeader/contentSpecificationId: {e}",
            a.view.display()
        ))
    })?;
    let def = validator.release().resolve(&r).map_err(|e| {
        UsageError(format!(
            "{}: /metadata/localSocialHeader/contentSpecificationId: {e}",
            a.view.display()
        ))
    })?;
    let doc = document_from_view(&view, def)
        .map_err(|e| UsageError(format!("{}: {e}", a.view.display())))?;
    let cda = doc
        .to_xml()
        .map_err(|e| UsageError(format!("{}: {e}", a.view.display())))?;
    let frame = match &a.frame_out {
        None => None,
        Some(_) => {
            let options = match &a.frame_from {
                None => FrameOptions::default(),
                Some(p) => FrameOptions::from_frame(&load_frame(p)?),
            };
            Some(
                frame_for(&doc.header, &options)
                    .to_xml()
                    .map_err(|e| UsageError(format!("{}: {e}", a.view.display())))?,
            )
        }
    };
    write_atomic(&a.output, cda.as_bytes())?;
    if let (Some(p), Some(f)) = (&a.frame_out, &frame) {
        write_atomic(p, f.as_bytes())?;
    }
    // Check what was written, as Kanta will.
    let av = ArchiveValidator::new(&validator, ArchiveOptions::default());
    let result = av.validate_cda(
        &a.output.display().to_string(),
        cda.as_bytes(),
        frame.as_deref().map(str::as_bytes),
    );
    let errors = result
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    for f in &result.findings {
        eprintln!(
            "{}: {} {}{}: {}",
            a.output.display(),
            f.severity,
            f.rule,
            f.xpath
                .as_deref()
                .map_or(String::new(), |x| format!(" at {x}")),
            crate::text::escape(&f.message)
        );
    }
    eprintln!(
        "wrote {}{}: {}",
        a.output.display(),
        a.frame_out
            .as_ref()
            .map_or(String::new(), |f| format!(" and {}", f.display())),
        if errors == 0 {
            "valid".to_string()
        } else {
            format!("{errors} error(s)")
        }
    );
    Ok(if errors == 0 { EXIT_OK } else { EXIT_INVALID })
}

/// A frame from XML, or from the frame.json `cda unwrap --frame` writes.
fn load_frame(p: &Path) -> Result<Frame, UsageError> {
    let bytes = read(p)?;
    if bytes.trim_ascii_start().starts_with(b"{") {
        serde_json::from_slice(&bytes)
            .map_err(|e| UsageError(format!("{}: not a frame's JSON: {e}", p.display())))
    } else {
        read_frame(&bytes)
            .map(|f| f.frame)
            .map_err(|e| UsageError(format!("{}: {e}", p.display())))
    }
}

fn pretty(v: &impl serde::Serialize) -> Result<Vec<u8>, UsageError> {
    let mut out =
        serde_json::to_vec_pretty(v).map_err(|e| UsageError(format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

fn unwrap(a: UnwrapArgs) -> Result<u8, UsageError> {
    let dir = &a.output;
    let names: Vec<PathBuf> = [
        "envelope.json",
        "content.json",
        "display.xhtml",
        "frame.json",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    let mut inputs: Vec<&Path> = vec![&a.cda];
    if let Some(f) = &a.frame {
        inputs.push(f);
    }
    let outputs: Vec<&Path> = names.iter().map(PathBuf::as_path).collect();
    check_outputs(&inputs, &outputs)?;
    let bytes = read(&a.cda)?;
    let view = ArchiveView::from_cda_bytes(&bytes)
        .map_err(|e| UsageError(format!("{}: {e}", a.cda.display())))?;
    let content = view.content.as_ref().ok_or_else(|| {
        UsageError(format!(
            "{}: the CDA has no structured form (component/nonXMLBody/hl7fi:json)",
            a.cda.display()
        ))
    })?;
    let xhtml = view
        .body
        .as_ref()
        .and_then(|b| b.xhtml.as_deref())
        .ok_or_else(|| {
            UsageError(format!(
                "{}: the CDA has no display form (component/nonXMLBody/text)",
                a.cda.display()
            ))
        })?;
    let frame = match &a.frame {
        None => None,
        Some(p) => {
            let f = load_frame(p)?;
            let named = f
                .clinical_document
                .as_ref()
                .and_then(|d| d.id.as_ref())
                .and_then(|i| i.root.as_deref());
            if named != view.metadata.document_id() {
                return Err(UsageError(format!(
                    "{}: the frame names document `{}`, the CDA is `{}`",
                    p.display(),
                    named.unwrap_or("(none)"),
                    view.metadata.document_id().unwrap_or("(none)")
                )));
            }
            Some(f)
        }
    };
    let envelope = pretty(&view)?;
    let content = pretty(content)?;
    let frame = frame.as_ref().map(pretty).transpose()?;
    std::fs::create_dir_all(dir)
        .map_err(|e| UsageError(format!("cannot create {}: {e}", dir.display())))?;
    write_atomic(&names[0], &envelope)?;
    write_atomic(&names[1], &content)?;
    write_atomic(&names[2], xhtml.as_bytes())?;
    if let Some(f) = &frame {
        write_atomic(&names[3], f)?;
    }
    eprintln!(
        "wrote {}, {}, {}{}",
        names[0].display(),
        names[1].display(),
        names[2].display(),
        if frame.is_some() {
            format!(", {}", names[3].display())
        } else {
            String::new()
        }
    );
    Ok(EXIT_OK)
}
