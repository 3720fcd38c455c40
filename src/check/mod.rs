//! The review: every check detcat runs over a linked catalog, with one stable code each.
//!
//! Parsing and linking already report what they meet (`yaml-syntax`, `undefined-selection`,
//! `unknown-reference`, ...); this stage adds the checks that need the whole model: metadata
//! against the Sigma specification, unused selections, ATT&CK tags, links that are missing,
//! and rules a target cannot express. [`CHECKS`] is the one list of codes, with their default
//! severity; the README's table and the SARIF rule list are made from it. Switching checks
//! off (`checks:` in `detcat.yml`) happens here too, after every check has run, so that a
//! disabled code is dropped whichever stage found it. Printing is left to [`human`],
//! [`json`] and [`sarif`].

pub mod attack;
pub mod conversion;
pub mod detection;
pub mod human;
pub mod json;
pub mod linking;
pub mod metadata;
pub mod sarif;
pub mod settings;
#[cfg(test)]
mod tests_support;

use std::collections::BTreeMap;

use crate::attack::Attack;
use crate::build::DocQueries;
use crate::catalog::Catalog;
use crate::diag::{self, Diagnostic, Severity};

pub use settings::CheckSettings;

/// One check: its code, how bad its findings are, and what it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The stable code findings carry.
    pub code: &'static str,
    /// The severity of its findings (a few parse codes are errors in rules and warnings in
    /// other sources; this is the rule one).
    pub severity: Severity,
    /// The group it belongs to: `source`, `metadata`, `detection`, `attack`, `linking`,
    /// `conversion` or `config`.
    pub group: &'static str,
    /// One line saying what it finds.
    pub summary: &'static str,
}

const fn check(
    code: &'static str,
    severity: Severity,
    group: &'static str,
    summary: &'static str,
) -> Check {
    Check { code, severity, group, summary }
}

use Severity::{Error as E, Info as I, Warning as W};

/// Every code detcat reports, grouped, in the order the README lists them.
pub const CHECKS: &[Check] = &[
    check("unreadable", E, "source", "a file or folder cannot be read"),
    check("not-utf8", E, "source", "a file is not UTF-8 text"),
    check("too-large", E, "source", "a file is larger than 4 MiB and is not read"),
    check("yaml-syntax", E, "source", "a file is not valid YAML"),
    check("too-deep", E, "source", "collections nest more than 200 levels deep"),
    check("empty-file", E, "source", "a file holds no YAML document"),
    check("not-a-mapping", E, "source", "a document is not a YAML mapping"),
    check("extra-document", W, "source", "a single-document source holds more documents"),
    check("wrong-type", W, "source", "a field holds the wrong kind of value; it is left out"),
    check("missing-field", E, "metadata", "a required field is missing"),
    check("invalid-value", E, "source", "a value cannot be used"),
    check("unknown-field", I, "source", "a field the format does not have (custom or misspelt)"),
    check("duplicate-entry", W, "source", "a list names the same entry twice"),
    check("duplicate-page-name", W, "source", "two sources would get the same page name"),
    check("long-page-name", W, "source", "a page name was shortened"),
    check("sigma-schema", W, "metadata", "the rule breaks the Sigma specification's JSON schema"),
    check("id-not-uuid", W, "metadata", "the rule id is not a UUID"),
    check("id-duplicate", E, "metadata", "another rule file uses the same id"),
    check("title-duplicate", W, "metadata", "another rule file uses the same title"),
    check("status-invalid", W, "metadata", "status is not one the specification allows"),
    check("level-invalid", W, "metadata", "level is not one the specification allows"),
    check("date-invalid", W, "metadata", "date or modified is not a YYYY-MM-DD date"),
    check("modified-before-date", W, "metadata", "modified is earlier than date"),
    check(
        "collection-action",
        E,
        "detection",
        "a collection's action is wrong (warning: a lone global)",
    ),
    check("several-correlations", W, "detection", "a file holds more than one correlation"),
    check("filter-document", W, "detection", "a Sigma filter document is skipped"),
    check("invalid-correlation", E, "detection", "a correlation rule cannot be read"),
    check("correlation-type", E, "detection", "a correlation names an unknown type"),
    check("invalid-detection", E, "detection", "`detection` is not a mapping"),
    check("empty-selection", E, "detection", "a selection is empty"),
    check("condition-syntax", E, "detection", "the condition does not parse"),
    check("undefined-selection", E, "detection", "the condition names an undefined selection"),
    check("selection-unused", W, "detection", "a selection is never used by the condition"),
    check("unknown-modifier", E, "detection", "a field names an unknown modifier"),
    check("invalid-modifier", E, "detection", "a modifier chain is invalid"),
    check("invalid-regex", E, "detection", "a regular expression does not compile"),
    check("invalid-cidr", E, "detection", "a CIDR network is invalid"),
    check("timeframe", W, "detection", "the timeframe is not a time span"),
    check("base64offset-without-contains", W, "detection", "base64offset without contains"),
    check("tag-unknown", W, "attack", "an attack.* tag names nothing in ATT&CK"),
    check("technique-revoked", W, "attack", "a tagged technique is revoked (successor named)"),
    check("technique-deprecated", W, "attack", "a tagged technique is deprecated"),
    check("technique-without-tactic", W, "attack", "none of a technique's tactics is tagged"),
    check("tag-not-normalised", W, "attack", "a tag is not in the normalised form"),
    check("invalid-technique", E, "attack", "a trigger names no valid technique id"),
    check("unknown-technique", W, "attack", "a trigger's technique is not in ATT&CK"),
    check("technique-mismatch", W, "attack", "a trigger's technique differs from its file"),
    check("rule-no-data-needed", W, "linking", "no Data Needed matches the rule"),
    check("data-needed-no-policy", W, "linking", "a Data Needed names no Logging Policy"),
    check("unknown-reference", W, "linking", "a reference names nothing"),
    check("title-mismatch", W, "linking", "a Data Needed's title differs from its file name"),
    check("rule-named-by-title", W, "linking", "a Customer or Use Case names a rule by title"),
    check("ambiguous-reference", W, "linking", "a title names several rules; none is linked"),
    check("technique-trigger-no-rule", I, "linking", "a technique has triggers but no rule"),
    check("not-convertible", W, "conversion", "a rule cannot be converted to a target"),
    check("config-unknown-code", W, "config", "the configuration names an unknown check"),
    check("config-unknown-rule", W, "config", "`checks.rules` names a rule id no rule has"),
];

/// The check of `code`, if there is one.
pub fn lookup(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}

/// Runs every check over `catalog` and returns the findings: what loading and linking found,
/// then what the checks find, less what `settings` switch off, sorted.
pub fn review(
    catalog: &Catalog,
    queries: &[Vec<DocQueries>],
    attack: &Attack,
    settings: &CheckSettings,
) -> Vec<Diagnostic> {
    let mut findings = catalog.diagnostics.clone();
    findings.extend(metadata::check(catalog));
    findings.extend(detection::check(catalog));
    findings.extend(attack::check(catalog, attack));
    findings.extend(linking::check(catalog));
    findings.extend(conversion::check(catalog, queries));
    findings.extend(settings.unknown_codes());
    findings.extend(settings.unknown_rules(catalog));
    let mut findings = settings.apply(catalog, findings);
    diag::sort(&mut findings);
    findings
}

/// Findings per code, in code order.
pub fn counts(findings: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.code).or_default() += 1;
    }
    counts
}

/// How many findings have `severity`.
pub fn count_severity(findings: &[Diagnostic], severity: Severity) -> usize {
    findings.iter().filter(|d| d.severity == severity).count()
}

/// The first 1-based line of `text` holding `needle`, if any.
pub fn line_holding(text: &str, needle: &str) -> Option<usize> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    text.lines().position(|line| line.contains(needle)).map(|i| i + 1)
}

/// Like [`line_holding`], from the first line holding `start` on (from the top when none
/// does): a tag is looked for under `tags:`, not in an id that happens to hold its text.
pub fn line_holding_from(text: &str, start: &str, needle: &str) -> Option<usize> {
    let needle = needle.trim();
    let from = line_holding(text, start).unwrap_or(1);
    let mut lines = text.lines().enumerate().skip(from - 1);
    lines.find(|(_, line)| !needle.is_empty() && line.contains(needle)).map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for check in CHECKS {
            assert!(seen.insert(check.code), "{} twice", check.code);
            let ok = check
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit());
            assert!(ok, "{}", check.code);
        }
    }

    #[test]
    fn the_readme_lists_every_code_with_its_severity() {
        let readme = include_str!("../../README.md");
        for check in CHECKS {
            let row = format!("| `{}` | {} | {} |", check.code, check.severity, check.group);
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
        let rows = readme.lines().filter(|l| {
            l.starts_with("| `") && l.contains(" | error |")
                || l.starts_with("| `") && l.contains(" | warning |")
                || l.starts_with("| `") && l.contains(" | info |")
        });
        assert_eq!(rows.count(), CHECKS.len(), "the README lists a code CHECKS lacks");
    }
}
