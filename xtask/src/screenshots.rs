//! `cargo xtask screenshots`: look at the display form as a person would. Renders the fi
//! and sv display forms of a few real definitions (THL's example texts where the
//! definition has them, a filled-in header, and one page with invalid dates) into preview
//! pages, screenshots each with headless Chromium, checks every PNG is not blank, and
//! prints the paths (`target/screenshots/` by default).
//!
//! Chromium comes from the Debian package `chromium`; the task installs it with apt-get
//! when `/usr/bin/chromium` is missing. Each run uses a fresh profile directory and no
//! network services.

use anyhow::{bail, Context};
use sosmeta_model::samples::{self, Fill};
use sosmeta_model::{Definition, DefinitionRef, Release};
use sosmeta_xhtml::{FragmentHeader, Lang};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Arguments of `cargo xtask screenshots`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The release (default: the pinned corpus in ../shared).
    #[arg(long)]
    pub release: Option<PathBuf>,
    /// Definitions to render (`OID@YYYY-MM-DD`); default: asiakkuusasiakirja, a
    /// lausuntopyyntö and an elderly-care assessment (groups, codes, quantities).
    #[arg(long = "definition", short = 'd')]
    pub definitions: Vec<String>,
    /// Where to write the pages and screenshots.
    #[arg(long, default_value = "target/screenshots")]
    pub out: PathBuf,
    /// The Chromium binary.
    #[arg(long, default_value = "/usr/bin/chromium")]
    pub chromium: PathBuf,
    /// Seconds to wait for one screenshot.
    #[arg(long, default_value_t = 90)]
    pub timeout: u64,
}

const DEFAULT_DEFINITIONS: [&str; 3] = [
    "1.2.246.537.6.1505.1@2023-06-01",
    "1.2.246.537.6.1506.10013@2025-04-01",
    "1.2.246.537.6.1506.1000@2023-09-08",
];

/// Share of pixels that must not be white for a screenshot to count as non-blank.
const MIN_INK: f64 = 0.01;

pub(crate) fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let dir = args
        .release
        .clone()
        .unwrap_or_else(sosmeta_model::corpus::pinned_corpus_dir);
    let release = Release::load(&dir).with_context(|| format!("loading {}", dir.display()))?;
    ensure_chromium(&args.chromium)?;
    std::fs::create_dir_all(&args.out)?;
    let out = args.out.canonicalize()?;
    let refs: Vec<String> = if args.definitions.is_empty() {
        DEFAULT_DEFINITIONS.iter().map(|s| s.to_string()).collect()
    } else {
        args.definitions.clone()
    };
    let mut pages: Vec<(String, String)> = Vec::new();
    for r in &refs {
        let def = release.resolve(&r.parse::<DefinitionRef>()?)?;
        for lang in [Lang::Fi, Lang::Sv] {
            let doc = samples::example(def, Fill::Maximal, &model_lang(lang));
            let name = format!("{}-{lang}", def.document_key());
            pages.push((name, page(def, &doc, lang)?));
        }
    }
    // One page with invalid values, to see the mark.
    let first = release.resolve(&refs[0].parse::<DefinitionRef>()?)?;
    let mut bad = samples::example(first, Fill::Maximal, &sosmeta_model::Lang::Fi);
    let dates = date_pointers(first, &bad);
    for (p, text) in dates.iter().zip(["0.3.2025", "2023-02-29"]) {
        if let Some(v) = bad.pointer_mut(p) {
            *v = serde_json::Value::String(text.into());
        }
    }
    pages.push((
        format!("{}-invalid-fi", first.document_key()),
        page(first, &bad, Lang::Fi)?,
    ));

    let mut failed = 0;
    for (name, xhtml) in &pages {
        let page_path = out.join(format!("{name}.xhtml"));
        let png_path = out.join(format!("{name}.png"));
        write_atomically(&page_path, xhtml.as_bytes())?;
        let _ = std::fs::remove_file(&png_path);
        screenshot(&args, &page_path, &png_path)?;
        let (w, h, ink) = ink(&png_path)?;
        let verdict = if ink >= MIN_INK { "ok" } else { "BLANK" };
        if ink < MIN_INK {
            failed += 1;
        }
        println!(
            "{} ({w}x{h}, {:.1}% non-white: {verdict})",
            png_path.display(),
            ink * 100.0
        );
    }
    if failed > 0 {
        bail!("{failed} screenshot(s) are blank");
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn model_lang(lang: Lang) -> sosmeta_model::Lang {
    match lang {
        Lang::Fi => sosmeta_model::Lang::Fi,
        Lang::Sv => sosmeta_model::Lang::Sv,
    }
}

/// The preview page of `doc` with a filled-in header.
fn page(def: &Definition, doc: &serde_json::Value, lang: Lang) -> anyhow::Result<String> {
    let header = FragmentHeader {
        document_id: Some("1.2.246.10.12345678.2026.1001".into()),
        organisation: Some("Esimerkin hyvinvointialue".into()),
        author: Some("Maija Meikäläinen".into()),
        created: Some("2026-03-02T07:15:00Z".into()),
        title: None,
    };
    Ok(sosmeta_xhtml::render_page(def, doc, &header, lang)?.xhtml)
}

/// Pointers of the Pvm values of a document, in walk order.
fn date_pointers(def: &Definition, doc: &serde_json::Value) -> Vec<String> {
    def.document()
        .walk()
        .filter(|w| w.element.representation() == Some(sosmeta_model::Representation::Pvm))
        .flat_map(|w| {
            let path = format!("/{}{}", def.document_key(), w.data_path);
            sosmeta_model::element::values_at(doc, &path)
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Install the Debian package `chromium` when the binary is missing.
fn ensure_chromium(bin: &Path) -> anyhow::Result<()> {
    if bin.exists() {
        return Ok(());
    }
    eprintln!(
        "{} is missing: installing the Debian package chromium",
        bin.display()
    );
    let ok = |args: &[&str]| -> anyhow::Result<()> {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .context("running apt-get")?;
        if !status.success() {
            bail!("apt-get {} failed ({status})", args.join(" "));
        }
        Ok(())
    };
    ok(&["update"])?;
    ok(&["install", "-y", "--no-install-recommends", "chromium"])?;
    if !bin.exists() {
        bail!("{} still missing after installing chromium", bin.display());
    }
    Ok(())
}

/// Screenshot `page` into `png` with headless Chromium and a fresh profile.
fn screenshot(args: &Args, page: &Path, png: &Path) -> anyhow::Result<()> {
    let profile = std::env::temp_dir().join(format!(
        "sosmeta-screenshot-{}-{}",
        std::process::id(),
        png.file_stem().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile)?;
    let mut child = Command::new(&args.chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2000")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", args.chromium.display()))?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&profile);
            bail!(
                "chromium took over {} s on {}",
                args.timeout,
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    let _ = std::fs::remove_dir_all(&profile);
    if !png.exists() {
        bail!(
            "chromium wrote no screenshot for {} ({status}): {}",
            page.display(),
            stderr.lines().rev().take(5).collect::<Vec<_>>().join(" | ")
        );
    }
    Ok(())
}

/// Width, height and the share of pixels that are not (near) white.
fn ink(png: &Path) -> anyhow::Result<(u32, u32, f64)> {
    let file = std::fs::File::open(png)?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().context("PNG too large")?];
    let info = reader.next_frame(&mut buf)?;
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let (mut ink, mut total) = (0u64, 0u64);
    for px in bytes.chunks_exact(channels) {
        total += 1;
        let rgb = &px[..channels.min(3)];
        if rgb.iter().any(|&c| c < 235) {
            ink += 1;
        }
    }
    if total == 0 {
        bail!("{}: no pixels", png.display());
    }
    Ok((info.width, info.height, ink as f64 / total as f64))
}
