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

    /// A finding for each rule id under `rules` that no rule of `catalog` has: its checks
    /// would stay on without a word.
    pub fn unknown_rules(&self, catalog: &Catalog) -> Vec<Diagnostic> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        let file = self.file.clone().unwrap_or_else(|| PathBuf::from(crate::config::FILE_NAME));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let known: HashSet<&str> = rule_ids(catalog).map(|(_, id)| id).collect();
        self.rules
            .keys()
            .filter(|id| !known.contains(id.trim()))
            .map(|id| {
                let message = format!("`checks.rules` names `{id}`, which is no rule's id");
                Diagnostic::warning(&file, "config-unknown-rule", message)
                    .at(super::line_holding(&text, id))
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
        for (path, id) in rule_ids(catalog) {
            for code in self.rules.get(id).into_iter().flatten() {
                out.entry(path).or_default().insert(code);
            }
        }
        out
    }
}

/// Every rule id of the catalog (a correlation's and its rules'), trimmed, with its file.
fn rule_ids(catalog: &Catalog) -> impl Iterator<Item = (&Path, &str)> {
    catalog.rules.iter().flat_map(|entry| {
        let set = entry.item.set();
        let metas = std::iter::once(set.meta()).chain(set.rules().iter().map(|r| &r.meta));
        let path = entry.item.file.path.as_path();
        metas.filter_map(move |meta| meta.id.as_deref().map(|id| (path, id.trim())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests_support::catalog_of;

    const RULE: &str = "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nlogsource:\n  \
        product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\n";

    fn finding(catalog: &Catalog, code: &'static str) -> Diagnostic {
        Diagnostic::warning(&catalog.rules[0].item.file.path, code, "x")
    }

    #[test]
    fn a_rule_id_that_no_rule_has_is_reported() {
        // `checks.rules` naming a mistyped id kept the checks on without a word.
        let catalog = catalog_of(&[("rules/a.yml", RULE)]);
        let mut rules = BTreeMap::new();
        rules.insert("929a690e-bef0-4204-a928-ef5e620d6fcc".to_string(), vec![]);
        rules.insert("no-such-id".to_string(), vec!["title-duplicate".into()]);
        let settings = CheckSettings { rules, ..Default::default() };
        let found = settings.unknown_rules(&catalog);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "config-unknown-rule");
        assert!(found[0].message.contains("no-such-id"));
    }

    #[test]
    fn codes_are_dropped_everywhere_or_for_one_rule_id() {
        let catalog = catalog_of(&[("rules/a.yml", RULE)]);
        let all = || vec![finding(&catalog, "tag-unknown"), finding(&catalog, "title-duplicate")];
        let global = CheckSettings { disable: vec!["tag-unknown".into()], ..Default::default() };
        let kept: Vec<&str> = global.apply(&catalog, all()).iter().map(|d| d.code).collect();
        assert_eq!(kept, ["title-duplicate"]);
        let mut rules = BTreeMap::new();
        rules.insert(
            "929a690e-bef0-4204-a928-ef5e620d6fcc".to_string(),
            vec!["title-duplicate".into()],
        );
        let per_rule = CheckSettings { rules, ..Default::default() };
        let kept: Vec<&str> = per_rule.apply(&catalog, all()).iter().map(|d| d.code).collect();
        assert_eq!(kept, ["tag-unknown"]);
        let mut other = BTreeMap::new();
        other.insert("another-id".to_string(), vec!["title-duplicate".into()]);
        let unrelated = CheckSettings { rules: other, ..Default::default() };
        assert_eq!(unrelated.apply(&catalog, all()).len(), 2);
    }

    #[test]
    fn an_unknown_code_is_a_warning_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("detcat.yml");
        std::fs::write(&file, "rules: [r]\nchecks:\n  disable: [tag-unknown, tag-unknwn]\n")
            .unwrap();
        let settings = CheckSettings {
            disable: vec!["tag-unknown".into(), "tag-unknwn".into()],
            file: Some(file),
            ..Default::default()
        };
        let found = settings.unknown_codes();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].code, found[0].line), ("config-unknown-code", Some(3)));
        assert!(found[0].message.contains("tag-unknwn"));
    }
}
