//! The Sigma language: rule files, rule collections, correlation rules, and detections.
//!
//! This module turns the YAML documents of one rule file into typed rules. It owns the
//! metadata mirror ([`Rule`]), the v1 collection actions (`global`, `reset`, `repeat`),
//! correlation rules, and (in [`detection`], [`value`], [`modifier`], [`condition`]) the
//! detection: typed values, modifier chains and the condition tree. It knows nothing of
//! ATT&CK, Data Needed or output.

pub mod collection;
pub mod condition;
pub mod correlation;
pub mod detection;
pub mod meta;
pub mod modifier;
pub mod value;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::load::{self, DocText, SourceFile};

pub use correlation::Correlation;
pub use detection::Detection;
pub use meta::Meta;

/// The top-level fields of a Sigma document: the specification's, the collection `action`,
/// correlation and filter rules' own, SigmaHQ's `regression_tests_path` and `simulation`, and
/// Atomic Threat Coverage's `enrichment`.
const FIELDS: &[&str] = &[
    "title",
    "id",
    "related",
    "name",
    "taxonomy",
    "status",
    "description",
    "license",
    "author",
    "references",
    "date",
    "modified",
    "logsource",
    "detection",
    "fields",
    "falsepositives",
    "level",
    "tags",
    "scope",
    "action",
    "correlation",
    "filter",
    "regression_tests_path",
    "simulation",
    "enrichment",
];

/// A problem inside one Sigma document, before it is tied to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigmaError {
    /// 1-based file line, when known.
    pub line: Option<usize>,
    /// A stable code, such as `unknown-modifier`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
}

impl SigmaError {
    /// A new error.
    pub fn new(line: Option<usize>, code: &'static str, message: impl Into<String>) -> Self {
        SigmaError { line, code, message: message.into() }
    }

    /// The error as a diagnostic about `file`.
    pub fn into_diagnostic(self, file: &Path, severity: Severity) -> Diagnostic {
        Diagnostic::new(file, self.code, severity, self.message).at(self.line)
    }

    /// Warning for the codes in [`WARNING_CODES`], error for the others.
    pub fn severity(&self) -> Severity {
        if WARNING_CODES.contains(&self.code) {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

/// Codes of problems that leave the rule usable, reported as warnings.
pub const WARNING_CODES: [&str; 3] = ["wrong-type", "timeframe", "base64offset-without-contains"];

/// A rule's log source.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Logsource {
    /// `category`, such as `process_creation`.
    pub category: Option<String>,
    /// `product`, such as `windows`.
    pub product: Option<String>,
    /// `service`, such as `sysmon`.
    pub service: Option<String>,
    /// `definition`: free text for people.
    pub definition: Option<String>,
}

/// One detection rule: metadata, log source and detection.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Title, id, tags and the other descriptive fields.
    pub meta: Meta,
    /// Where the events come from.
    pub logsource: Logsource,
    /// What to look for in them.
    pub detection: Detection,
    /// The 1-based line where this rule's document starts.
    pub line: usize,
    /// The YAML mapping the rule was read from (a collection's document merged with its
    /// global part), kept for checks against the Sigma schema; shared, so that copies of the
    /// rule made while converting stay cheap.
    pub document: std::sync::Arc<serde_yaml::Mapping>,
}

impl Rule {
    /// Whether a correlation's `rules` entry `id_or_name` names this rule.
    pub fn answers_to(&self, id_or_name: &str) -> bool {
        self.meta.id.as_deref() == Some(id_or_name) || self.meta.name.as_deref() == Some(id_or_name)
    }
}

/// What one rule file holds.
#[derive(Debug, Clone)]
pub enum RuleSet {
    /// One rule, in a file of one document.
    Single(Rule),
    /// A v1 collection: several rules made from one file's documents.
    Collection(Vec<Rule>),
    /// A correlation rule, with any base rules that share its file.
    Correlation {
        /// The correlation itself.
        correlation: Correlation,
        /// Detection rules defined in the same file.
        rules: Vec<Rule>,
    },
}

/// A rule file after parsing: what it defines, and what went wrong.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The file's text, as shown on its page.
    pub source: String,
    /// The rules it defines; `None` when nothing usable was found.
    pub set: Option<RuleSet>,
    /// Problems found while parsing.
    pub diagnostics: Vec<Diagnostic>,
}

impl RuleSet {
    /// Every detection rule in the set, in file order.
    pub fn rules(&self) -> &[Rule] {
        match self {
            RuleSet::Single(rule) => std::slice::from_ref(rule),
            RuleSet::Collection(rules) | RuleSet::Correlation { rules, .. } => rules,
        }
    }

    /// The metadata shown at the top of the file's page.
    pub fn meta(&self) -> &Meta {
        match self {
            RuleSet::Correlation { correlation, .. } => &correlation.meta,
            _ => &self.rules()[0].meta,
        }
    }
}

/// Parses one rule file. Never fails: problems become diagnostics, and every document
/// either becomes part of a rule or yields at least one diagnostic.
pub fn parse_file(file: &SourceFile) -> RuleFile {
    let mut diagnostics = Vec::new();
    let docs = parse_documents(file, &mut diagnostics);
    let set = collection::assemble(&file.path, docs, &mut diagnostics);
    if set.is_none() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::error(&file.path, "empty-file", "no YAML document found"));
    }
    RuleFile { path: file.path.clone(), source: file.text.clone(), set, diagnostics }
}

/// Every document of the file that parses as a YAML mapping, with its text.
fn parse_documents(
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(DocText, serde_yaml::Mapping)> {
    let mut docs = Vec::new();
    for doc in load::split_documents(&file.text) {
        match load::parse_yaml(&doc) {
            Ok(serde_yaml::Value::Mapping(map)) => {
                let kind = "a Sigma rule";
                let known = |key: &str| FIELDS.contains(&key);
                diagnostics.extend(load::unknown_fields(&file.path, &doc, &map, known, kind));
                docs.push((doc, map))
            }
            Ok(other) => diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    "not-a-mapping",
                    format!("a Sigma document must be a mapping, found {}", kind_of(&other)),
                )
                .at(Some(doc.first_line)),
            ),
            Err(error) => diagnostics.push(error.into_diagnostic(&file.path)),
        }
    }
    docs
}

/// A YAML value's kind, for messages.
pub fn kind_of(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing (null)",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a string",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}
