//! The [`Validator`]: a release, its compiled schemas (built lazily, once per definition
//! version) and the layers run in order on each document.

use crate::calendar::{Calendar, Environment};
use crate::error::ValidateError;
use crate::finding::{rules, Finding, Severity};
use crate::input::{self, Source, SourceData};
use crate::json_tree::{JsonRef, JsonTree, JsonView};
use crate::registry::RuleLevels;
use crate::report::{Counts, DocumentResult, InputKind};
use crate::rules::Prepared;
use crate::schema_layer::CompiledSchema;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::Value;
use sosmeta_model::koodisto::CodeSets;
use sosmeta_model::{Definition, DefinitionId, DefinitionRef, Release, SelectError, Status};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Options of one validation run.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Check every document against this definition version instead of choosing one
    /// from its root key.
    pub definition: Option<DefinitionId>,
    /// Inputs larger than this many bytes are refused (`input.size`).
    pub max_size: u64,
    /// Keep at most this many findings per document (the rest are counted as omitted).
    pub max_findings: usize,
    /// A document is invalid when it has a finding at this level or above.
    pub fail_on: Severity,
    /// Run the JSON Schema layer.
    pub schema: bool,
    /// Run the Sosmeta rules.
    pub rules: bool,
    /// The day plain documents are stored (`--on`): with [`Self::environment`], the
    /// release-calendar rules run on plain documents too; it is also the document's date
    /// for code validity.
    pub on: Option<NaiveDate>,
    /// The Kanta environment plain documents are stored in (`--env`).
    pub environment: Option<Environment>,
    /// Rules switched off or given another severity than their default.
    pub rule_levels: RuleLevels,
    /// Show document values whole in messages (local debugging). By default a message
    /// shows at most a short prefix of a value and masks personal identity codes
    /// ([`crate::echo`]).
    pub show_values: bool,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            definition: None,
            max_size: input::DEFAULT_MAX_SIZE,
            max_findings: usize::MAX,
            fail_on: Severity::Error,
            schema: true,
            rules: true,
            on: None,
            environment: None,
            rule_levels: RuleLevels::default(),
            show_values: false,
        }
    }
}

/// What is compiled for one definition version.
struct Compiled {
    schema: Result<CompiledSchema, String>,
    prepared: Prepared,
}

/// Validates documents against a release. Cheap to share: `Send + Sync`, so one
/// validator serves a whole parallel batch.
pub struct Validator {
    release: Cow<'static, Release>,
    index: HashMap<DefinitionId, usize>,
    compiled: Vec<OnceLock<Compiled>>,
    max_depth: usize,
    /// Per definition (release index): the `definition.chosen` message when
    /// [`Release::select`] picks it by root key among several versions.
    chosen_notes: Vec<Option<String>>,
    /// Per definition (release index): the version as a result states it (`YYYY-MM-DD`),
    /// formatted once instead of once per document.
    versions: Vec<String>,
    calendar: Calendar,
    code_sets: Option<CodeSets>,
    today: NaiveDate,
    /// Compiled `pattern` regexes shared by every definition's schema: the release
    /// repeats a few dozen patterns thousands of times (the date pattern alone 993 times).
    patterns: crate::dialect::Patterns,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("release", &self.release.label())
            .field("definitions", &self.release.len())
            .finish()
    }
}

impl Validator {
    /// A validator for a release that lives for the whole program.
    pub fn from_static(release: &'static Release) -> Validator {
        Validator::build(Cow::Borrowed(release))
    }

    /// A validator that owns its release.
    pub fn new(release: Release) -> Validator {
        Validator::build(Cow::Owned(release))
    }

    /// Load a release (folder, zip or compact file) and build a validator for it, with
    /// the bundle's code sets (`koodistot/`) when it has them.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Validator, ValidateError> {
        let path = path.as_ref();
        let code_sets = CodeSets::load_bundle(path)?;
        Ok(Validator::new(Release::load(path)?).with_code_sets(code_sets))
    }

    /// Use these code sets (koodistot) for `code.classification` and `code.active`.
    pub fn with_code_sets(mut self, code_sets: Option<CodeSets>) -> Validator {
        self.code_sets = code_sets;
        self
    }

    /// Use this release calendar instead of the embedded one.
    pub fn with_calendar(mut self, calendar: Calendar) -> Validator {
        self.calendar = calendar;
        self
    }

    /// Check code validity against this day when a document states no date (default:
    /// the day the validator was built).
    pub fn with_today(mut self, today: NaiveDate) -> Validator {
        self.today = today;
        self
    }

    /// The code sets in use, if the release bundle has them.
    pub fn code_sets(&self) -> Option<&CodeSets> {
        self.code_sets.as_ref()
    }

    /// The release calendar in use.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Notes about the whole run, said once (e.g. that the koodisto rules were skipped).
    pub fn notes(&self) -> Vec<String> {
        match &self.code_sets {
            None => vec![format!(
                "the release has no koodistot/: {} and {} were skipped (a release bundle with koodistot/ checks codes against Koodistopalvelu)",
                rules::CODE_CLASSIFICATION,
                rules::CODE_ACTIVE
            )],
            Some(_) => Vec::new(),
        }
    }

    fn build(release: Cow<'static, Release>) -> Validator {
        let defs = release.definitions();
        let index = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let compiled = defs.iter().map(|_| OnceLock::new()).collect();
        let index: HashMap<DefinitionId, usize> = index;
        // One level for the root object around the document element.
        let max_depth = defs.iter().map(|d| d.root.max_depth()).max().unwrap_or(0);
        let mut chosen_notes = vec![None; defs.len()];
        for key in release.root_keys() {
            if let Ok(sel) = release.select(None, &[key]) {
                if sel.chose_among_versions() {
                    let all = release.by_root_key(key);
                    chosen_notes[index[&sel.definition.id]] =
                        Some(chosen_message(key, sel.definition, &all));
                }
            }
        }
        let versions = defs
            .iter()
            .map(|d| d.version().format("%Y-%m-%d").to_string())
            .collect();
        Validator {
            release,
            index,
            compiled,
            max_depth,
            chosen_notes,
            versions,
            calendar: Calendar::embedded(),
            code_sets: None,
            today: chrono::Local::now().date_naive(),
            patterns: crate::dialect::Patterns::new(),
        }
    }

    /// The release.
    pub fn release(&self) -> &Release {
        &self.release
    }

    /// Resolve a user's definition reference (`OID`, `OID@YYYY-MM-DD`, dotted form).
    pub fn resolve(&self, reference: &str) -> Result<&Definition, ValidateError> {
        let r: DefinitionRef = reference.parse()?;
        Ok(self.release.resolve(&r)?)
    }

    /// The release index of a definition: from its address when it is one of the
    /// release's own (every document's is), else looked up by its id.
    fn position(&self, def: &Definition) -> Option<usize> {
        let defs = self.release.definitions();
        let offset = (def as *const Definition as usize).wrapping_sub(defs.as_ptr() as usize);
        let i = offset / std::mem::size_of::<Definition>().max(1);
        match defs.get(i) {
            Some(d) if std::ptr::eq(d, def) => Some(i),
            _ => self.index.get(&def.id).copied(),
        }
    }

    fn compiled(&self, def: &Definition) -> &Compiled {
        let i = self
            .position(def)
            .unwrap_or_else(|| panic!("{} is not a definition of the release", def.id));
        self.compiled[i].get_or_init(|| Compiled {
            schema: CompiledSchema::compile(def, &self.patterns),
            prepared: Prepared::new(def),
        })
    }

    /// Compile every definition's schema now instead of on first use (in parallel).
    pub fn precompile(&self) {
        self.release.definitions().par_iter().for_each(|d| {
            self.compiled(d);
        });
    }

    /// The raw draft-07 verdict of the schema layer (the dialect validator,
    /// [`crate::dialect`]) for a document against a definition, without Sosmeta rules
    /// (`None` if the schema did not compile).
    pub fn schema_is_valid(&self, def: &Definition, doc: &Value) -> Option<bool> {
        let tree = JsonTree::from_value(doc);
        self.compiled(def)
            .schema
            .as_ref()
            .ok()
            .map(|s| s.is_valid(tree.root()))
    }

    /// Choose the definition for a document: the one asked for, else from the root key.
    fn choose(
        &self,
        doc: JsonRef<'_>,
        opts: &ValidateOptions,
        findings: &mut Vec<Finding>,
    ) -> Option<&Definition> {
        let map = doc.as_object();
        let keys: Vec<&str> = map.iter().flat_map(|m| m.keys()).collect();
        let explicit = opts.definition.clone().map(DefinitionRef::Version);
        let selection = match self.release.select(explicit.as_ref(), &keys) {
            Ok(selection) => selection,
            // A definition named explicitly is used whatever the root key: the schema
            // layer then reports the keys against it.
            Err(SelectError::RootKeyMismatch { definition, .. }) => {
                return self.release.get(&definition)
            }
            Err(e) => {
                let message = match (&e, map) {
                    (_, Some(m)) if m.contains_key("metadata") && m.contains_key("content") => {
                        "this looks like an archive document's JSON view ({\"metadata\": <CDA header>, \"content\": {…}}), which sosmeta_kanta::ArchiveValidator reads; a content document is {\"<root key>\": {…}}".to_string()
                    }
                    (_, None) if explicit.is_none() => format!(
                        "a document is a JSON object with one key naming its definition (e.g. {{\"asiakkuusasiakirja\": {{…}}}}); found {}",
                        kind_name(doc)
                    ),
                    (SelectError::UnknownRootKey { .. } | SelectError::NoRootKey, _) => {
                        format!("{e} (the release lists its definitions and their root keys)")
                    }
                    _ => e.to_string(),
                };
                findings.push(Finding::root_error(rules::DOCUMENT_ROOT, message));
                return None;
            }
        };
        let def = selection.definition;
        // Said only when the validator chose among versions (not when one was named).
        let note = selection
            .chose_among_versions()
            .then(|| {
                self.position(def)
                    .and_then(|i| self.chosen_notes[i].as_ref())
            })
            .flatten();
        if let Some(note) = note {
            findings.push(Finding::new(
                rules::DEFINITION_CHOSEN,
                Severity::Info,
                "",
                "",
                note.clone(),
            ));
        }
        Some(def)
    }

    /// Validate a parsed document.
    pub fn validate_value(
        &self,
        file: &str,
        doc: &Value,
        opts: &ValidateOptions,
    ) -> DocumentResult {
        crate::echo::with_show_values(opts.show_values, || {
            let mut findings = Vec::new();
            let tree = JsonTree::from_value(doc);
            let (def, kind) = self.check_value(&tree, opts, &mut findings);
            self.finish(file, def, kind, findings, opts)
        })
    }

    /// Check a plain document (an archive document's JSON view is read by `sosmeta-kanta`).
    fn check_value(
        &self,
        tree: &JsonTree<'_>,
        opts: &ValidateOptions,
        findings: &mut Vec<Finding>,
    ) -> (Option<&Definition>, InputKind) {
        let doc = tree.root();
        let def = self.check_document(doc, tree.depth(), opts, opts.on, findings);
        if let (Some(def), Some(on), Some(env)) = (def, opts.on, opts.environment) {
            findings.extend(crate::calendar::check_calendar(
                &self.release,
                &self.calendar,
                def,
                env,
                on,
            ));
        }
        (def, InputKind::Document)
    }

    /// Check a plain document `{root_key: …}`; `on` is its date, if it states one.
    /// `depth` is the document's nesting depth.
    fn check_document(
        &self,
        doc: JsonRef<'_>,
        depth: usize,
        opts: &ValidateOptions,
        on: Option<NaiveDate>,
        findings: &mut Vec<Finding>,
    ) -> Option<&Definition> {
        if depth > self.max_depth {
            findings.push(Finding::root_error(
                rules::INPUT_DEPTH,
                format!(
                    "the document nests {depth} levels deep; no definition in this release allows more than {}",
                    self.max_depth
                ),
            ));
            return None;
        }
        let def = self.choose(doc, opts, findings)?;
        let compiled = self.compiled(def);
        let mut schema_findings = Vec::new();
        if opts.schema {
            match &compiled.schema {
                Ok(schema) => {
                    // One pass, as cheap as the bare verdict on a valid document, that
                    // collects every error of an invalid one: --max-findings limits what
                    // is reported, never the verdict or the counts.
                    schema_findings = schema.findings(def, doc, usize::MAX);
                }
                Err(e) => findings.push(Finding::root_error(
                    rules::SCHEMA_COMPILE,
                    format!("the schema of {} could not be compiled: {e}", def.id),
                )),
            }
        }
        let mut rule_findings = if opts.rules {
            let context = crate::rules::Context {
                code_sets: self.code_sets.as_ref(),
                on,
                today: Some(self.today),
            };
            crate::rules::check(def, &compiled.prepared, doc, context)
        } else {
            Vec::new()
        };
        if !schema_findings.is_empty() && !rule_findings.is_empty() {
            // A value the schema already refuses is not reported twice (a set of the
            // refused pointers keeps this linear in the number of findings).
            let refused: std::collections::HashSet<&str> = schema_findings
                .iter()
                .filter(|s| s.severity == Severity::Error)
                .map(|s| s.pointer.as_str())
                .collect();
            rule_findings.retain(|r| !refused.contains(r.pointer.as_str()));
        }
        findings.append(&mut schema_findings);
        findings.append(&mut rule_findings);
        Some(def)
    }

    /// The result of a document from its findings: the definition attached to each
    /// finding, rule levels applied, counts taken, then at most `max_findings` kept.
    /// Every layer built on the validator (archive documents too) ends here.
    pub fn result(
        &self,
        file: &str,
        def: Option<&Definition>,
        input: InputKind,
        findings: Vec<Finding>,
        opts: &ValidateOptions,
    ) -> DocumentResult {
        self.finish(file, def, input, findings, opts)
    }

    fn finish(
        &self,
        file: &str,
        def: Option<&Definition>,
        input: InputKind,
        mut findings: Vec<Finding>,
        opts: &ValidateOptions,
    ) -> DocumentResult {
        if let Some(d) = def {
            for f in &mut findings {
                f.definition = Some(d.id.clone());
            }
        }
        if !opts.rule_levels.is_empty() {
            opts.rule_levels.apply(&mut findings);
        }
        let counts = Counts::of(&findings);
        let omitted = findings.len().saturating_sub(opts.max_findings);
        findings.truncate(opts.max_findings);
        DocumentResult {
            file: file.to_string(),
            definition: def.map(|d| d.oid().to_string()),
            version: def.map(|d| match self.position(d) {
                Some(i) => self.versions[i].clone(),
                None => d.version().format("%Y-%m-%d").to_string(),
            }),
            valid: !counts.reaches(opts.fail_on),
            input,
            findings,
            omitted,
            counts,
        }
    }

    /// Validate the bytes of one document: every layer from encoding to Sosmeta rules.
    pub fn validate_bytes(
        &self,
        file: &str,
        bytes: &[u8],
        opts: &ValidateOptions,
    ) -> DocumentResult {
        crate::echo::with_show_values(opts.show_values, || {
            let mut findings = Vec::new();
            let tree = input::parse_tree(bytes, opts.max_size, &mut findings);
            self.validate_parsed(file, tree.as_ref(), findings, opts)
        })
    }

    /// Validate a document already read by [`input::parse_tree`]: `tree` is what it
    /// returned and `findings` what it reported. The same result as
    /// [`Validator::validate_bytes`] on those bytes, for a caller that reads the tree
    /// itself too (the archive layer), so that the document is parsed once. Call
    /// `parse_tree` inside [`crate::echo::with_show_values`] with `opts.show_values`, as
    /// its messages quote keys.
    pub fn validate_parsed(
        &self,
        file: &str,
        tree: Option<&JsonTree<'_>>,
        mut findings: Vec<Finding>,
        opts: &ValidateOptions,
    ) -> DocumentResult {
        crate::echo::with_show_values(opts.show_values, || {
            let (def, kind) = match tree {
                Some(tree) => self.check_value(tree, opts, &mut findings),
                None => (None, InputKind::Document),
            };
            self.finish(file, def, kind, findings, opts)
        })
    }

    /// Validate one source (a file is read here; read errors become `input.io`).
    pub fn validate_source(&self, source: &Source, opts: &ValidateOptions) -> DocumentResult {
        match &source.data {
            SourceData::Bytes(b) => self.validate_bytes(&source.name, b, opts),
            SourceData::File(path) => match input::read_file(path, opts.max_size) {
                Ok(b) => self.validate_bytes(&source.name, &b, opts),
                Err(f) => self.finish(&source.name, None, InputKind::Document, vec![*f], opts),
            },
            SourceData::TooLarge(len) => self.finish(
                &source.name,
                None,
                InputKind::Document,
                vec![Finding::root_error(
                    rules::INPUT_SIZE,
                    format!(
                        "{len} bytes is over the size limit of {} bytes",
                        opts.max_size
                    ),
                )],
                opts,
            ),
            SourceData::Failed(msg) => self.finish(
                &source.name,
                None,
                InputKind::Document,
                vec![Finding::root_error(rules::INPUT_IO, msg.clone())],
                opts,
            ),
        }
    }

    /// Validate many sources in parallel; results come back in input order.
    /// `on_done` is called once per finished document (e.g. to advance a progress bar).
    pub fn validate_all(
        &self,
        sources: &[Source],
        opts: &ValidateOptions,
        on_done: &(dyn Fn() + Sync),
    ) -> Vec<DocumentResult> {
        sources
            .par_iter()
            .map(|s| {
                let r = self.validate_source(s, opts);
                on_done();
                r
            })
            .collect()
    }
}

fn kind_name(v: JsonRef<'_>) -> &'static str {
    match v.view() {
        JsonView::Null => "null",
        JsonView::Bool(_) => "a boolean",
        JsonView::Number(_) => "a number",
        JsonView::String(_) => "a string",
        JsonView::Array(_) => "an array",
        JsonView::Object(_) => "an object",
    }
}

fn chosen_message(key: &str, def: &Definition, all: &[&Definition]) -> String {
    let why = if def.status() == &Status::Valmis {
        "in force"
    } else {
        "newest; none in force"
    };
    format!(
        "`{key}`: {} versions in this release ({}); used {} ({why}); another can be named explicitly",
        all.len(),
        all.iter()
            .map(|d| if d.oid() == def.oid() {
                format!("{} {}", d.version(), d.status())
            } else {
                format!("{} {}", d.id, d.status())
            })
            .collect::<Vec<_>>()
            .join(", "),
        def.version()
    )
}
