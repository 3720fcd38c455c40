//! Rule collections (Sigma v1): several documents in one file, joined by `action`.
//!
//! `action: global` is merged into every rule document after it, `action: reset` forgets the
//! global part, and `action: repeat` takes the previous rule and merges itself over it. The
//! merge direction follows the reference implementations (sigmac and pySigma): for a key in
//! both, the global value wins and mappings merge recursively; for `repeat`, the repeating
//! document wins over the rule it repeats.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use super::{correlation, detection::Detection, meta, Logsource, Rule, RuleSet, SigmaError};
use crate::diag::Diagnostic;
use crate::load::DocText;

/// Builds the rule set of one file from its parsed documents.
pub fn assemble(
    path: &Path,
    docs: Vec<(DocText, Mapping)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    let is_collection = docs.len() > 1 || docs.iter().any(|(_, m)| m.contains_key("action"));
    let mut rules = Vec::new();
    let mut correlations = Vec::new();
    let mut global: Option<Mapping> = None;
    let mut global_doc: Option<DocText> = None;
    let mut previous: Option<Mapping> = None;
    for (doc, map) in docs {
        let mut errors = Vec::new();
        match action(&map) {
            Some("global") => {
                global = Some(merge_over(global.unwrap_or_default(), without_action(map)));
                global_doc = Some(doc);
                continue;
            }
            Some("reset") => {
                global = None;
                continue;
            }
            Some("repeat") => match previous.clone() {
                Some(prev) => {
                    let merged = merge_over(prev, without_action(map));
                    push_rule(&merged, &doc, &mut rules, &mut errors);
                    previous = Some(merged);
                }
                None => errors.push(SigmaError::new(
                    Some(doc.first_line),
                    "collection-action",
                    "`action: repeat` with no rule before it to repeat",
                )),
            },
            Some(other) => errors.push(SigmaError::new(
                doc.line_of_key("action"),
                "collection-action",
                format!("unknown collection action `{other}` (expected global, reset or repeat)"),
            )),
            None if map.contains_key("correlation") => {
                correlations.extend(correlation::parse(&map, &doc, &mut errors));
            }
            None if map.contains_key("filter") => errors.push(SigmaError::new(
                Some(doc.first_line),
                "filter-document",
                "Sigma filter documents are not applied by detcat yet; the document is skipped",
            )),
            None => {
                let merged = match &global {
                    Some(g) => merge_over(map, g.clone()),
                    None => map,
                };
                push_rule(&merged, &doc, &mut rules, &mut errors);
                previous = Some(merged);
            }
        }
        report(path, errors, diagnostics);
    }
    let lone_global = match (global, global_doc) {
        (Some(g), Some(doc)) if rules.is_empty() && correlations.is_empty() => Some((g, doc)),
        _ => None,
    };
    if let Some((global, doc)) = lone_global {
        return read_lone_global(path, &global, &doc, diagnostics);
    }
    finish(path, rules, correlations, is_collection, diagnostics)
}

fn report(path: &Path, errors: Vec<SigmaError>, diagnostics: &mut Vec<Diagnostic>) {
    for error in errors {
        let severity = error.severity();
        diagnostics.push(error.into_diagnostic(path, severity));
    }
}

/// An `action: global` document with no rule after it. When it is a whole rule on its own
/// (2020 SigmaHQ has two such files), it is read as one, with a warning; else it is an error.
fn read_lone_global(
    path: &Path,
    global: &Mapping,
    doc: &DocText,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    let line = doc.line_of_key("action");
    if !global.contains_key("detection") {
        let message = "`action: global` document with no rule document after it";
        diagnostics.push(Diagnostic::error(path, "collection-action", message).at(line));
        return None;
    }
    let message =
        "`action: global` document with no rule document after it; read as a rule of its own";
    diagnostics.push(Diagnostic::warning(path, "collection-action", message).at(line));
    let mut errors = Vec::new();
    let rule = read_rule(global, doc, &mut errors);
    report(path, errors, diagnostics);
    rule.map(RuleSet::Single)
}

fn finish(
    path: &Path,
    mut rules: Vec<Rule>,
    mut correlations: Vec<correlation::Correlation>,
    is_collection: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    if correlations.len() > 1 {
        diagnostics.push(Diagnostic::warning(
            path,
            "several-correlations",
            "only the first correlation rule of a file gets a page; split the file",
        ));
    }
    if !correlations.is_empty() {
        let correlation = correlations.swap_remove(0);
        return Some(RuleSet::Correlation { correlation, rules });
    }
    match rules.len() {
        0 => None,
        1 if !is_collection => rules.pop().map(RuleSet::Single),
        _ => Some(RuleSet::Collection(rules)),
    }
}

fn action(map: &Mapping) -> Option<&str> {
    map.get("action").map(|v| v.as_str().unwrap_or("(not a string)"))
}

fn without_action(mut map: Mapping) -> Mapping {
    map.remove("action");
    map
}

/// Merges `top` over `base`: scalars and lists of `top` win, mappings merge recursively.
pub fn merge_over(mut base: Mapping, top: Mapping) -> Mapping {
    for (key, value) in top {
        let merged = match (base.remove(&key), value) {
            (Some(Value::Mapping(b)), Value::Mapping(t)) => Value::Mapping(merge_over(b, t)),
            (_, value) => value,
        };
        base.insert(key, merged);
    }
    base
}

/// Reads one (merged) rule document and keeps it when its detection parses.
fn push_rule(map: &Mapping, doc: &DocText, rules: &mut Vec<Rule>, errors: &mut Vec<SigmaError>) {
    if let Some(rule) = read_rule(map, doc, errors) {
        rules.push(rule);
    }
}

/// Reads one rule document. Returns `None` (with errors) when it has no usable detection.
pub fn read_rule(map: &Mapping, doc: &DocText, errors: &mut Vec<SigmaError>) -> Option<Rule> {
    let meta = meta::read_meta(map, doc, errors);
    if meta.title.is_empty() {
        errors.push(SigmaError::new(Some(doc.first_line), "missing-field", "rule has no `title`"));
    }
    let logsource = read_logsource(map, doc, errors);
    let Some(value) = map.get("detection") else {
        errors.push(SigmaError::new(
            Some(doc.first_line),
            "missing-field",
            "rule has no `detection`",
        ));
        return None;
    };
    match Detection::parse(value, doc) {
        Ok(detection) => {
            errors.extend(detection.warnings().iter().cloned());
            let document = std::sync::Arc::new(map.clone());
            Some(Rule { meta, logsource, detection, line: doc.first_line, document })
        }
        Err(mut detection_errors) => {
            errors.append(&mut detection_errors);
            None
        }
    }
}

fn read_logsource(map: &Mapping, doc: &DocText, errors: &mut Vec<SigmaError>) -> Logsource {
    let Some(value) = map.get("logsource") else {
        let message = "rule has no `logsource`";
        errors.push(SigmaError::new(Some(doc.first_line), "missing-field", message));
        return Logsource::default();
    };
    let Some(source) = value.as_mapping() else {
        meta::Reader { map, doc, errors }.wrong_type("logsource", "a mapping", value);
        return Logsource::default();
    };
    let mut r = meta::Reader { map: source, doc, errors };
    Logsource {
        category: non_blank(&mut r, "category"),
        product: non_blank(&mut r, "product"),
        service: non_blank(&mut r, "service"),
        definition: r.string("definition"),
    }
}

/// A log source value; a blank one is reported and left out, so that it never names a list
/// page of its own (`service-.md`).
fn non_blank(r: &mut meta::Reader<'_>, key: &str) -> Option<String> {
    let value = r.string(key)?;
    if value.trim().is_empty() {
        let message = format!("`logsource.{key}` must be a name, found an empty string");
        r.errors.push(SigmaError::new(r.doc.line_of_key(key), "wrong-type", message));
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn global_values_win_and_mappings_merge() {
        let global = yaml("title: G\ndetection:\n  condition: sel\n");
        let doc = yaml("title: R\ndetection:\n  sel:\n    A: 1\n");
        let merged = merge_over(doc, global);
        assert_eq!(merged["title"], Value::from("G"));
        assert_eq!(merged["detection"]["condition"], Value::from("sel"));
        assert!(merged["detection"].as_mapping().unwrap().contains_key("sel"));
    }
}

#[cfg(test)]
mod file_tests {
    use crate::diag::Severity;
    use crate::load::SourceFile;
    use crate::sigma::{parse_file, RuleSet};

    fn parse(text: &str) -> crate::sigma::RuleFile {
        parse_file(&SourceFile { path: "c.yml".into(), text: text.into() })
    }

    const DETECTION: &str = "detection:\n  sel:\n    A: 1\n  condition: sel\n";

    // A `detection` that was null or a list used to give only a warning, and the file
    // neither a page nor an error.
    #[test]
    fn a_detection_that_is_not_a_mapping_is_an_error() {
        for detection in ["detection:\n", "detection: [sel, condition]\n"] {
            let file = parse(&format!("title: t\nlogsource:\n  product: a\n{detection}"));
            assert!(file.set.is_none());
            let d = &file.diagnostics[0];
            assert_eq!(
                (d.code, d.severity, d.line),
                ("invalid-detection", Severity::Error, Some(4))
            );
        }
    }

    // An unquoted `: ` turned a false positive into a mapping, reported as "found a list".
    #[test]
    fn a_list_item_with_an_unquoted_colon_is_kept_as_its_text() {
        let text = format!(
            "title: t\nlogsource:\n  product: a\n{DETECTION}falsepositives:\n  - Tools: A, B\n"
        );
        let file = parse(&text);
        let rule = &file.set.as_ref().unwrap().rules()[0];
        assert_eq!(rule.meta.falsepositives, vec!["Tools: A, B".to_string()]);
        let d = &file.diagnostics[0];
        assert_eq!((d.code, d.line), ("wrong-type", Some(8)));
        assert!(d.message.contains("item 1 of `falsepositives` holds an unquoted `: `"), "{d:?}");
    }

    #[test]
    fn a_global_document_reaches_every_rule_after_it() {
        let text = format!(
            "action: global\nlogsource:\n  product: windows\n{DETECTION}---\ntitle: One\nlogsource:\n  service: security\n---\ntitle: Two\nlogsource:\n  service: system\n"
        );
        let file = parse(&text);
        let Some(RuleSet::Collection(rules)) = &file.set else { panic!("{:?}", file.diagnostics) };
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].logsource.product.as_deref(), Some("windows"));
        assert_eq!(rules[1].logsource.service.as_deref(), Some("system"));
        assert_eq!(rules[1].line, 13);
    }

    #[test]
    fn reset_forgets_the_global_part() {
        let text = format!(
            "action: global\nlevel: high\n---\ntitle: One\nlogsource:\n  product: a\n{DETECTION}---\naction: reset\n---\ntitle: Two\nlogsource:\n  product: b\n{DETECTION}"
        );
        let file = parse(&text);
        let rules = file.set.as_ref().unwrap().rules();
        assert_eq!(rules[0].meta.level.as_deref(), Some("high"));
        assert_eq!(rules[1].meta.level, None);
    }

    #[test]
    fn repeat_merges_over_the_previous_rule() {
        let text = format!("title: One\nlevel: low\nlogsource:\n  product: a\n{DETECTION}---\naction: repeat\ntitle: Two\n");
        let file = parse(&text);
        let rules = file.set.as_ref().unwrap().rules();
        assert_eq!(rules.len(), 2);
        assert_eq!(
            (rules[1].meta.title.as_str(), rules[1].meta.level.as_deref()),
            ("Two", Some("low"))
        );
    }

    #[test]
    fn a_lone_global_document_that_is_a_whole_rule_is_read_as_one() {
        let file =
            parse(&format!("action: global\ntitle: Alone\nlogsource:\n  product: a\n{DETECTION}"));
        assert!(matches!(file.set, Some(RuleSet::Single(_))), "{:?}", file.diagnostics);
        let d = &file.diagnostics[0];
        assert_eq!(
            (d.code, d.severity, d.line),
            ("collection-action", crate::diag::Severity::Warning, Some(1))
        );
    }

    #[test]
    fn a_repeat_with_nothing_before_it_is_reported() {
        let file = parse("action: repeat\ntitle: Lonely\n");
        assert!(file.set.is_none());
        assert!(
            file.diagnostics.iter().any(|d| d.code == "collection-action"),
            "{:?}",
            file.diagnostics
        );
    }

    #[test]
    fn a_rule_without_detection_is_an_error_with_its_line() {
        let file = parse("title: A\nlogsource:\n  product: x\n");
        let d = file.diagnostics.iter().find(|d| d.code == "missing-field").unwrap();
        assert!(d.message.contains("detection"));
        assert_eq!(d.line, Some(1));
    }

    #[test]
    fn a_correlation_keeps_its_base_rules() {
        let text = format!("title: Base\nname: base\nlogsource:\n  product: a\n{DETECTION}---\ntitle: Many\ncorrelation:\n  type: event_count\n  rules: [base]\n  group-by: [User]\n  timespan: 5m\n  condition:\n    gte: 10\n");
        let file = parse(&text);
        let Some(RuleSet::Correlation { correlation, rules }) = &file.set else {
            panic!("{:?}", file.diagnostics)
        };
        assert_eq!(rules.len(), 1);
        assert_eq!(correlation.rules, ["base"]);
        assert_eq!(correlation.condition, [("gte".to_string(), "10".to_string())]);
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
    }
}
