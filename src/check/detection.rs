//! Detection checks beyond what the parser rejects: selections the condition never uses.
//!
//! A condition that does not parse, an undefined selection, an unknown or invalid modifier
//! chain, a bad regular expression or CIDR make the parser drop the rule, with their own
//! codes (`condition-syntax`, `undefined-selection`, `unknown-modifier`, `invalid-modifier`,
//! `invalid-regex`, `invalid-cidr`); they reach the review with the other parse findings.

use std::path::Path;

use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::load::{self, DocText};
use crate::sigma::condition::{Aggregation, Condition};
use crate::sigma::Rule;

/// Every detection finding of the catalog.
pub fn check(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &catalog.rules {
        let file = &entry.item.file;
        let docs = load::split_documents(&file.source);
        for rule in entry.item.set().rules() {
            out.extend(unused_selections(&file.path, &docs, rule));
        }
    }
    out.dedup();
    out
}

fn unused_selections(path: &Path, docs: &[DocText], rule: &Rule) -> Vec<Diagnostic> {
    let selections = rule.detection.selections();
    let mut used = vec![false; selections.len()];
    mark_used(rule.detection.condition(), &mut used);
    let doc = docs.iter().find(|d| d.first_line == rule.line).or(docs.first());
    let after = doc.and_then(|d| d.line_of_key("detection")).unwrap_or(0);
    selections
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(selection, _)| {
            let name = &selection.name;
            let line = doc.and_then(|d| d.line_of_key_after(name, after));
            let message = format!("selection `{name}` is never used by the condition");
            Diagnostic::warning(path, "selection-unused", message).at(line)
        })
        .collect()
}

fn mark_used(condition: &Condition, used: &mut [bool]) {
    match condition {
        Condition::Selection(i) => {
            if let Some(slot) = used.get_mut(*i) {
                *slot = true;
            }
        }
        Condition::Not(inner) => mark_used(inner, used),
        Condition::And(parts) | Condition::Or(parts) => {
            parts.iter().for_each(|p| mark_used(p, used))
        }
        Condition::Aggregation(inner, aggregation) => {
            mark_used(inner, used);
            if let Aggregation::Near(near) = aggregation {
                mark_used(near, used);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests_support::catalog_of;

    #[test]
    fn a_selection_the_condition_never_names_is_found() {
        let rule = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  \
            filter:\n    c: d\n  condition: sel\n";
        let catalog = catalog_of(&[("rules/a.yml", rule)]);
        let findings = check(&catalog);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!((findings[0].code, findings[0].line), ("selection-unused", Some(7)));
    }

    #[test]
    fn selections_named_through_a_pattern_or_near_count_as_used() {
        let rule = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel1:\n    a: b\n  \
            sel2:\n    c: d\n  other:\n    e: f\n  condition: 1 of sel* | near other\n";
        let catalog = catalog_of(&[("rules/a.yml", rule)]);
        assert!(check(&catalog).is_empty(), "{:?}", check(&catalog));
    }

    #[test]
    fn parser_findings_keep_their_codes() {
        let rule =
            "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a|re: '('\n  \
            condition: sel and missing\n";
        let catalog = catalog_of(&[("rules/a.yml", rule)]);
        let codes: Vec<&str> = catalog.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&"invalid-regex") || codes.contains(&"undefined-selection"),
            "{codes:?}"
        );
        assert!(codes.iter().all(|c| crate::check::lookup(c).is_some()), "{codes:?}");
    }
}
