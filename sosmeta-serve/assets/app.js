// The page of `sosmeta serve`: sends a document (and its frame) to /api/validate and
// /api/render on this same server, shows the findings grouped by part with their Finnish
// paths, and the display form beside them. No external assets; nothing is stored.
"use strict";

const LABELS = {
  fi: {
    title: "Sosmeta-asiakirjan validointi",
    intro: "Liitä tai lataa asiakirja: CDA-arkistoasiakirja (ja sen siirtokehys), JSON-asiakirja tai JSON-näkymä. Mitään ei tallenneta.",
    document: "Asiakirja", frame: "Siirtokehys (valinnainen, CDA:lle)", validate: "Validoi",
    sample: "Esimerkki (virheellinen)", display: "Näyttömuoto", rules: "Säännöt",
    footer: "Paikallinen validointipalvelu (sosmeta serve). Ei virallinen Kanta-palvelu.",
    valid: "Kelvollinen", invalid: "Virheellinen", working: "Validoidaan…", empty: "Liitä ensin asiakirja.",
    errors: "virhettä", warnings: "varoitusta", none: "Ei havaintoja.",
    partFrame: "Siirtokehys", partHeader: "CDA-otsikko ja runko", partRoot: "Asiakirja (juuri)",
    partContent: "Sisältö", definition: "Määrittely", failed: "Pyyntö epäonnistui", noDisplay: "Näyttömuotoa ei voitu muodostaa",
  },
  sv: {
    title: "Validering av Sosmeta-dokument",
    intro: "Klistra in eller ladda upp ett dokument: ett CDA-arkivdokument (och dess överföringsram), ett JSON-dokument eller en JSON-vy. Inget sparas.",
    document: "Dokument", frame: "Överföringsram (valfri, för CDA)", validate: "Validera",
    sample: "Exempel (ogiltigt)", display: "Visningsform", rules: "Regler",
    footer: "Lokal valideringstjänst (sosmeta serve). Inte en officiell Kanta-tjänst.",
    valid: "Giltigt", invalid: "Ogiltigt", working: "Validerar…", empty: "Klistra först in ett dokument.",
    errors: "fel", warnings: "varningar", none: "Inga fynd.",
    partFrame: "Överföringsram", partHeader: "CDA-huvud och kropp", partRoot: "Dokument (rot)",
    partContent: "Innehåll", definition: "Definition", failed: "Begäran misslyckades", noDisplay: "Visningsformen kunde inte skapas",
  },
  en: {
    title: "Sosmeta document validation",
    intro: "Paste or upload a document: a CDA archive document (and its transfer frame), a JSON document or a JSON view. Nothing is stored.",
    document: "Document", frame: "Transfer frame (optional, for a CDA)", validate: "Validate",
    sample: "Sample (invalid)", display: "Display form", rules: "Rules",
    footer: "Local validation service (sosmeta serve). Not an official Kanta service.",
    valid: "Valid", invalid: "Invalid", working: "Validating…", empty: "Paste a document first.",
    errors: "errors", warnings: "warnings", none: "No findings.",
    partFrame: "Transfer frame", partHeader: "CDA header and body", partRoot: "Document (root)",
    partContent: "Content", definition: "Definition", failed: "The request failed", noDisplay: "The display form could not be made",
  },
};

let lang = "fi";
const $ = (id) => document.getElementById(id);
const t = (key) => (LABELS[lang] && LABELS[lang][key]) || LABELS.fi[key] || key;

function setLang(l) {
  if (!LABELS[l]) return;
  lang = l;
  document.documentElement.lang = l;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === l)));
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// The part a finding belongs to: the frame, the CDA header, or a section of the content
// (the first name of its Finnish path).
function part(f) {
  const x = f.xpath || "";
  if (x.startsWith("/RCMR_IN200002FI01")) return t("partFrame");
  if (x && !f.pointer && !f.path) return t("partHeader");
  if (f.path) return t("partContent") + ": " + f.path.split(" > ")[0];
  return t("partRoot");
}

function showReport(report) {
  const r = (report.results || [])[0];
  const box = $("findings");
  box.replaceChildren();
  if (!r) return;
  const errors = r.findings.filter((f) => f.severity === "error").length;
  const warnings = r.findings.filter((f) => f.severity === "warning").length;
  const status = $("status");
  status.className = "status " + (r.valid ? "valid" : "invalid");
  status.dataset.valid = String(r.valid);
  status.textContent = (r.valid ? t("valid") : t("invalid")) + " – " + errors + " " + t("errors") + ", " + warnings + " " + t("warnings");
  if (r.definition) box.append(el("p", "definition", t("definition") + ": " + r.definition + (r.version ? "@" + r.version : "")));
  if (!r.findings.length) { box.append(el("p", "none", t("none"))); return; }
  const groups = new Map();
  for (const f of r.findings) {
    const p = part(f);
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p).push(f);
  }
  for (const [name, list] of groups) {
    const section = el("section", "part");
    section.append(el("h3", null, name + " (" + list.length + ")"));
    const ul = el("ul", "findings");
    for (const f of list) {
      const li = el("li", "finding " + f.severity);
      li.dataset.rule = f.rule;
      li.append(el("span", "rule", f.severity + " · " + f.rule), document.createElement("br"));
      if (f.path) li.append(el("span", "path", f.path + ": "));
      li.append(el("span", "message", f.message));
      const where = [f.xpath ? f.xpath + (f.line ? " (" + f.line + ":" + (f.column || 1) + ")" : "") : "", f.pointer].filter(Boolean).join(" · ");
      if (where) { li.append(document.createElement("br"), el("span", "where", where)); }
      ul.append(li);
    }
    section.append(ul);
    box.append(section);
  }
}

function form() {
  const fd = new FormData();
  fd.append("document", new Blob([$("document").value]), "document");
  const frame = $("frame").value;
  if (frame.trim()) fd.append("frame", new Blob([frame]), "frame");
  return fd;
}

async function submit(ev) {
  if (ev) ev.preventDefault();
  if (!$("document").value.trim()) { $("status").textContent = t("empty"); return; }
  $("status").className = "status";
  $("status").textContent = t("working");
  try {
    const resp = await fetch("/api/validate", { method: "POST", body: form() });
    const body = await resp.json();
    if (!resp.ok) throw new Error(body.error || resp.status);
    showReport(body);
  } catch (e) {
    $("status").className = "status invalid";
    $("status").textContent = t("failed") + ": " + e.message;
  }
  try {
    const rl = lang === "sv" ? "sv" : "fi";
    const resp = await fetch("/api/render?lang=" + rl, { method: "POST", body: form() });
    const text = await resp.text();
    $("display").srcdoc = resp.ok ? text : "<p>" + t("noDisplay") + "</p>";
  } catch (e) {
    $("display").srcdoc = "";
  }
  document.body.dataset.done = "true";
}

// A valid example from the server with its first required member taken out: a document
// with findings to look at.
async function sample() {
  const resp = await fetch("/api/example");
  const doc = await resp.json();
  const root = Object.keys(doc)[0];
  const first = root && Object.keys(doc[root])[0];
  if (first) delete doc[root][first];
  $("document").value = JSON.stringify(doc, null, 2);
  $("frame").value = "";
  await submit();
}

function readInto(input, area) {
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (file) area.value = await file.text();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const wanted = new URLSearchParams(location.search).get("lang") || (navigator.language || "fi").slice(0, 2);
  setLang(LABELS[wanted] ? wanted : "fi");
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => setLang(b.dataset.lang)));
  $("form").addEventListener("submit", submit);
  $("sample").addEventListener("click", sample);
  readInto($("document-file"), $("document"));
  readInto($("frame-file"), $("frame"));
  if (new URLSearchParams(location.search).has("sample")) sample();
});
