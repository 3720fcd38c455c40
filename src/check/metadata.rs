//! Metadata checks: the Sigma JSON schema, ids, titles, status, level and dates.
//!
//! The schema is the specification's own (`data/sigma/`, embedded), checked with the
//! `jsonschema` crate against each rule's YAML mapping as the parser merged it (kept on the
//! rule, so that nothing is parsed twice). Keys that have a
//! check of their own here (`id`, `status`, `level`, `date`, `modified`, `tags`) and missing
//! required keys (reported by the parser as `missing-field`) are left out of the schema
//! findings, so that one problem gives one finding.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::catalog::{shown_path, Catalog};
use crate::diag::Diagnostic;
use crate::load::{self, DocText};
use crate::sigma::{Meta, Rule};

/// The Sigma detection rule schema (Sigma specification, see `data/sigma/LICENSE`).
const SIGMA_SCHEMA: &str = include_str!("../../data/sigma/sigma-detection-rule-schema.json");

/// Allowed `status` values.
pub const STATUSES: [&str; 5] = ["stable", "test", "experimental", "deprecated", "unsupported"];
/// Allowed `level` values.
pub const LEVELS: [&str; 5] = ["informational", "low", "medium", "high", "critical"];

/// Keys whose schema findings another check here reports better.
const CHECKED_ELSEWHERE: [&str; 6] = ["id", "status", "level", "date", "modified", "tags"];

/// One rule's metadata with where its document starts.
struct Located<'a> {
    meta: &'a Meta,
    line: usize,
}

/// Every metadata finding of the catalog.
pub fn check(catalog: &Catalog) -> Vec<Diagnostic> {
    let validator = schema_validator();
    let mut findings: Vec<Diagnostic> = catalog
        .rules
        .par_iter()
        .flat_map_iter(|entry| {
            let file = &entry.item.file;
            let docs = load::split_documents(&file.source);
            let mut out = Vec::new();
            for located in metas(entry.item.set()) {
                out.extend(field_findings(&file.path, &docs, &located));
            }
            if let Some(validator) = validator {
                for rule in entry.item.set().rules() {
                    out.extend(schema_findings(validator, &file.path, &docs, rule));
                }
            }
            out
        })
        .collect();
    findings.extend(duplicates(catalog));
    findings
}

fn metas(set: &crate::sigma::RuleSet) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    if let crate::sigma::RuleSet::Correlation { correlation, .. } = set {
        out.push(Located { meta: &correlation.meta, line: correlation.line });
    }
    out.extend(set.rules().iter().map(|r| Located { meta: &r.meta, line: r.line }));
    // A collection's rules share the global part: one finding per distinct value is enough.
    out.dedup_by(|a, b| a.meta == b.meta);
    out
}

/// The line of `key` in the document starting at `line`, else in any document of the file.
fn key_line(docs: &[DocText], line: usize, key: &str) -> Option<usize> {
    let own = docs.iter().find(|d| d.first_line == line).and_then(|d| d.line_of_key(key));
    own.or_else(|| docs.iter().find_map(|d| d.line_of_key(key)))
}

fn field_findings(path: &Path, docs: &[DocText], rule: &Located) -> Vec<Diagnostic> {
    let meta = rule.meta;
    let at = |key: &str| key_line(docs, rule.line, key);
    let mut out = Vec::new();
    if let Some(id) = &meta.id {
        if !is_uuid(id) {
            let message = format!("id `{id}` is not a UUID");
            out.push(Diagnostic::warning(path, "id-not-uuid", message).at(at("id")));
        }
    }
    if let Some(status) = meta.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        let message = format!("status `{status}` is not one of {}", STATUSES.join(", "));
        out.push(Diagnostic::warning(path, "status-invalid", message).at(at("status")));
    }
    if let Some(level) = meta.level.as_deref().filter(|l| !LEVELS.contains(l)) {
        let message = format!("level `{level}` is not one of {}", LEVELS.join(", "));
        out.push(Diagnostic::warning(path, "level-invalid", message).at(at("level")));
    }
    out.extend(date_findings(path, meta, &at));
    out
}

fn date_findings(path: &Path, meta: &Meta, at: &dyn Fn(&str) -> Option<usize>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, value) in [("date", &meta.date), ("modified", &meta.modified)] {
        if let Some(value) = value.as_deref().filter(|v| parse_date(v, '-').is_none()) {
            let message = format!("`{key}` is `{value}`, not a YYYY-MM-DD date");
            out.push(Diagnostic::warning(path, "date-invalid", message).at(at(key)));
        }
    }
    let lenient = |v: &Option<String>| v.as_deref().and_then(parse_date_lenient);
    if let (Some(date), Some(modified)) = (lenient(&meta.date), lenient(&meta.modified)) {
        if modified < date {
            let message = format!(
                "modified {} is before date {}",
                meta.modified.as_deref().unwrap_or_default(),
                meta.date.as_deref().unwrap_or_default()
            );
            out.push(Diagnostic::warning(path, "modified-before-date", message).at(at("modified")));
        }
    }
    out
}

/// Whether `text` is a UUID: 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `(year, month, day)` of a date written `YYYY<sep>MM<sep>DD`, when it is a real date.
pub fn parse_date(text: &str, sep: char) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    (d >= 1 && d <= days_in_month(y, m)?).then_some((y, m, d))
}

/// A date with `-` or `/` (the older SigmaHQ spelling), for comparing dates.
fn parse_date_lenient(text: &str) -> Option<(u32, u32, u32)> {
    parse_date(text, '-').or_else(|| parse_date(text, '/'))
}

fn days_in_month(year: u32, month: u32) -> Option<u32> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 => Some(if leap { 29 } else { 28 }),
        _ => None,
    }
}

/// An id used by rules of two files is an error; a title, a warning. Within one file
/// (a collection) the rules share them by design.
fn duplicates(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut titles: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, entry) in catalog.rules.iter().enumerate() {
        let set = entry.item.set();
        let mut located = metas(set);
        located.dedup_by(|a, b| a.meta.id == b.meta.id && a.meta.title == b.meta.title);
        let path = &entry.item.file.path;
        let source = &entry.item.file.source;
        for rule in located {
            if let Some(id) = rule.meta.id.as_deref() {
                if let Some(first) = first_elsewhere(&mut ids, id.trim(), i) {
                    let other =
                        shown_path(&catalog.source_roots, &catalog.rules[first].item.file.path);
                    let message = format!("id `{id}` is also the id of {other}");
                    let line = super::line_holding(source, id);
                    out.push(Diagnostic::error(path, "id-duplicate", message).at(line));
                }
            }
            let title = rule.meta.title.trim();
            if let Some(first) =
                first_elsewhere(&mut titles, title, i).filter(|_| !title.is_empty())
            {
                let other = shown_path(&catalog.source_roots, &catalog.rules[first].item.file.path);
                let message = format!("title `{title}` is also the title of {other}");
                let line = super::line_holding(source, title);
                out.push(Diagnostic::warning(path, "title-duplicate", message).at(line));
            }
        }
    }
    out
}

/// Records `key` for file `i`; returns the first other file that had it.
fn first_elsewhere<'a>(
    seen: &mut HashMap<&'a str, usize>,
    key: &'a str,
    i: usize,
) -> Option<usize> {
    match seen.get(key) {
        Some(&first) if first != i => Some(first),
        Some(_) => None,
        None => {
            seen.insert(key, i);
            None
        }
    }
}

/// The compiled schema, built once per process (compiling it costs more than checking a
/// small catalog); `None` only if the embedded schema were broken (a test guards it).
fn schema_validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let compile = || {
        let schema: serde_json::Value = serde_json::from_str(SIGMA_SCHEMA).ok()?;
        jsonschema::draft202012::new(&schema).ok()
    };
    VALIDATOR.get_or_init(compile).as_ref()
}

/// Schema findings for one detection rule, checked as the parser read it (a collection's
/// document merged with its global part).
fn schema_findings(
    validator: &jsonschema::Validator,
    path: &Path,
    docs: &[DocText],
    rule: &Rule,
) -> Vec<Diagnostic> {
    let Ok(instance) = serde_json::to_value(rule.document.as_ref()) else { return Vec::new() };
    let doc = docs.iter().find(|d| d.first_line == rule.line);
    let mut out = Vec::new();
    for error in validator.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_string();
        let top = pointer.split('/').nth(1).unwrap_or_default();
        if top.is_empty() || CHECKED_ELSEWHERE.contains(&top) {
            continue;
        }
        let message = format!("`{}`: {}", pointer_text(&pointer), one_line(&error.to_string()));
        let line = doc.and_then(|d| pointer_line(d, &pointer));
        let line = line.or_else(|| docs.iter().find_map(|d| pointer_line(d, &pointer)));
        out.push(Diagnostic::warning(path, "sigma-schema", message).at(line));
    }
    out
}

/// `/logsource/category` as `logsource.category`.
fn pointer_text(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

/// The line of the deepest key of `pointer` that the document shows, searched below the
/// line of the key before it.
fn pointer_line(doc: &DocText, pointer: &str) -> Option<usize> {
    let mut line = None;
    for key in pointer.split('/').skip(1).filter(|k| k.parse::<usize>().is_err()) {
        match doc.line_of_key_after(key, line.unwrap_or(0)) {
            Some(found) => line = Some(found),
            None => break,
        }
    }
    line
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests_support::catalog_of;

    fn codes(findings: &[Diagnostic]) -> Vec<&'static str> {
        findings.iter().map(|d| d.code).collect()
    }

    const RULE: &str = "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus: test\n\
        level: high\ndate: 2020-01-02\nmodified: 2021-01-02\nlogsource:\n  product: windows\n\
        detection:\n  sel:\n    a: b\n  condition: sel\n";

    #[test]
    fn a_clean_rule_has_no_metadata_finding() {
        let catalog = catalog_of(&[("rules/a.yml", RULE)]);
        assert!(check(&catalog).is_empty(), "{:?}", check(&catalog));
    }

    #[test]
    fn malformed_fields_are_found_with_their_lines() {
        let bad = RULE
            .replace("929a690e-bef0-4204-a928-ef5e620d6fcc", "abc")
            .replace("status: test", "status: tested")
            .replace("level: high", "level: severe")
            .replace("date: 2020-01-02", "date: 2020/01/02")
            .replace("modified: 2021-01-02", "modified: 2019-13-40");
        let catalog = catalog_of(&[("rules/a.yml", &bad)]);
        let findings = check(&catalog);
        let got: Vec<(&str, Option<usize>)> = findings.iter().map(|d| (d.code, d.line)).collect();
        for want in [
            ("id-not-uuid", Some(2)),
            ("status-invalid", Some(3)),
            ("level-invalid", Some(4)),
            ("date-invalid", Some(5)),
            ("date-invalid", Some(6)),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
    }

    #[test]
    fn modified_before_date_is_found() {
        let bad = RULE.replace("modified: 2021-01-02", "modified: 2019-01-02");
        let catalog = catalog_of(&[("rules/a.yml", &bad)]);
        assert_eq!(codes(&check(&catalog)), ["modified-before-date"]);
    }

    #[test]
    fn ids_and_titles_used_by_two_files_are_found_once() {
        let catalog = catalog_of(&[("rules/a.yml", RULE), ("rules/b.yml", RULE)]);
        let findings = check(&catalog);
        assert_eq!(codes(&findings), ["id-duplicate", "title-duplicate"]);
        assert!(findings.iter().all(|d| d.file.ends_with("b.yml")));
        assert!(findings[0].message.contains("a.yml"), "{}", findings[0].message);
    }

    #[test]
    fn the_schema_finds_what_no_other_check_does() {
        let bad = RULE.replace("logsource:\n  product: windows", "logsource:\n  product: 5")
            + "falsepositives: {a: 1}\n";
        let catalog = catalog_of(&[("rules/a.yml", &bad)]);
        let findings = check(&catalog);
        let schema: Vec<&Diagnostic> =
            findings.iter().filter(|d| d.code == "sigma-schema").collect();
        assert!(
            schema
                .iter()
                .any(|d| d.message.starts_with("`logsource.product`") && d.line == Some(8)),
            "{schema:?}"
        );
        assert!(
            schema.iter().any(|d| d.message.starts_with("`falsepositives`") && d.line == Some(13)),
            "{schema:?}"
        );
    }

    #[test]
    fn the_embedded_schema_compiles() {
        assert!(schema_validator().is_some());
    }

    #[test]
    fn dates_are_checked_for_real_days() {
        assert_eq!(parse_date("2024-02-29", '-'), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29", '-'), None);
        assert_eq!(parse_date("2023-1-02", '-'), None);
        assert!(is_uuid("929A690E-bef0-4204-a928-ef5e620d6fcc"));
        assert!(!is_uuid("929a690e-bef0-4204-a928-ef5e620d6fc"));
    }
}
