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
use crate::diag::{Diagnostic, Severity};
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
    let mut previous: Option<Mapping> = None;
    for (doc, map) in docs {
        let mut errors = Vec::new();
        match action(&map) {
            Some("global") => {
                global = Some(merge_over(global.unwrap_or_default(), without_action(map)));
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
        let severity = |e: &SigmaError| {
            if e.code == "wrong-type" {
                Severity::Warning
            } else {
                Severity::Error
            }
        };
        diagnostics.extend(errors.into_iter().map(|e| {
            let s = severity(&e);
            e.into_diagnostic(path, s)
        }));
    }
    if global.is_some() && rules.is_empty() && correlations.is_empty() {
        diagnostics.push(Diagnostic::error(
            path,
            "collection-action",
            "`action: global` document with no rule document after it",
        ));
    }
    finish(path, rules, correlations, is_collection, diagnostics)
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
        Ok(detection) => Some(Rule { meta, logsource, detection, line: doc.first_line }),
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
        category: r.string("category"),
        product: r.string("product"),
        service: r.string("service"),
        definition: r.string("definition"),
    }
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
