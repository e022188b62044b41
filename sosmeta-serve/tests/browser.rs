//! The web page in a real browser: headless Chromium (Debian package `chromium`) loads
//! `/?sample=1`, whose script fetches an example, breaks it, submits it to
//! `/api/validate` and `/api/render`; the DOM it dumps must show the findings.
//!
//! Needs `/usr/bin/chromium` (or `$SOSMETA_CHROMIUM`); without one the test fails, unless
//! `SOSMETA_SKIP_BROWSER=1` says to skip it (CI installs the package).

mod common;

use common::Server;
use std::process::Command;

fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("SOSMETA_CHROMIUM") {
        return Some(p);
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

/// The DOM of `url` after its scripts ran (at most 20 s of virtual time).
fn dump_dom(browser: &str, url: &str) -> String {
    let profile = std::env::temp_dir().join(format!(
        "sosmeta-serve-chromium-{}-{}",
        std::process::id(),
        url.len()
    ));
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_findings_of_a_submitted_document() {
    let Some(browser) = chromium() else {
        if std::env::var_os("SOSMETA_SKIP_BROWSER").is_some() {
            eprintln!("skipped: no chromium and SOSMETA_SKIP_BROWSER is set");
            return;
        }
        panic!("no /usr/bin/chromium: `apt-get install chromium`, or set SOSMETA_SKIP_BROWSER=1");
    };
    let server = Server::default().await;
    for (lang, invalid) in [
        ("en", "Invalid"),
        ("sv", "Ogiltigt"),
        ("fi", "Virheellinen"),
    ] {
        let url = server.url(&format!("/?sample=1&lang={lang}"));
        let b = browser.clone();
        let dom = tokio::task::spawn_blocking(move || dump_dom(&b, &url))
            .await
            .unwrap();
        assert!(
            dom.contains("data-done=\"true\""),
            "{lang}: the script finished: {dom}"
        );
        assert!(
            dom.contains("class=\"status invalid\" data-valid=\"false\""),
            "{lang}: the verdict is shown: {dom}"
        );
        assert!(dom.contains(invalid), "{lang}: labels in {lang}");
        // The removed member is reported with its rule id and Finnish path.
        let finding = dom
            .split("<li ")
            .find(|li| li.contains("data-rule=\"schema.required\""))
            .unwrap_or_else(|| panic!("{lang}: a schema.required finding: {dom}"));
        assert!(finding.contains("class=\"path\""), "{lang}: {finding}");
        assert!(
            finding.contains("/asiakkuusasiakirja/"),
            "{lang}: its pointer: {finding}"
        );
        // The display form (the XHTML fragment) beside the findings.
        assert!(
            dom.contains("srcdoc=\"&lt;div") && dom.contains("class=&quot;soc-document&quot;"),
            "{lang}: the display form: {dom}"
        );
    }
    server.stop().await;
}
