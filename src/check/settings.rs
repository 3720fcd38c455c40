//! Which checks are switched off: `checks:` in `detcat.yml`.
//!
//! ```yaml
//! checks:
//!   disable: [rule-no-data-needed]          # off everywhere
//!   rules:                                  # off for the rule files holding these ids
//!     5f1c6d2e-0000-4000-8000-000000000000: [title-duplicate]
//! ```
//!
//! A finding is dropped when its code is disabled, or when its file holds a rule whose id
//! switches that code off. Codes are checked against [`super::CHECKS`]; an unknown one is
//! itself a finding, so that a typo does not silently keep a check on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::diag::Diagnostic;

/// The `checks:` section of `detcat.yml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Codes switched off everywhere.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule id → codes switched off for the file holding that rule.
    #[serde(default)]
    pub rules: BTreeMap<String, Vec<String>>,
    /// The configuration file these came from, for findings about them.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl CheckSettings {
    /// A finding for each code that no check has.
    pub fn unknown_codes(&self) -> Vec<Diagnostic> {
        let file = self.file.clone().unwrap_or_else(|| PathBuf::from(crate::config::FILE_NAME));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let named = self.disable.iter().chain(self.rules.values().flatten());
        named
            .filter(|code| super::lookup(code).is_none())
            .map(|code| {
                let message = format!("`checks` names `{code}`, which is no check's code");
                Diagnostic::warning(&file, "config-unknown-code", message)
                    .at(super::line_holding(&text, code))
            })
            .collect()
    }

    /// `findings` less those switched off.
    pub fn apply(&self, catalog: &Catalog, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let disabled: HashSet<&str> = self.disable.iter().map(String::as_str).collect();
        let per_file = self.per_file(catalog);
        findings
            .into_iter()
            .filter(|f| !disabled.contains(f.code))
            .filter(|f| !per_file.get(f.file.as_path()).is_some_and(|codes| codes.contains(f.code)))
            .collect()
    }

    /// Rule file → the codes its rules' ids switch off.
    fn per_file<'a>(&'a self, catalog: &'a Catalog) -> HashMap<&'a Path, HashSet<&'a str>> {
        let mut out: HashMap<&Path, HashSet<&str>> = HashMap::new();
        if self.rules.is_empty() {
            return out;
        }
        for entry in &catalog.rules {
            let set = entry.item.set();
            let ids = std::iter::once(set.meta()).chain(set.rules().iter().map(|r| &r.meta));
            for id in ids.filter_map(|m| m.id.as_deref()) {
                for code in self.rules.get(id.trim()).into_iter().flatten() {
                    out.entry(entry.item.file.path.as_path()).or_default().insert(code);
                }
            }
        }
        out
    }
}
