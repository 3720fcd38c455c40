//! Conversion checks: rules that a query target cannot express.
//!
//! Every target in [`crate::convert::Target::ALL`] is converted by every build, so each is a
//! configured target. The queries come from the build's conversion step, never converted
//! again here.

use crate::build::DocQueries;
use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::sigma::RuleSet;

/// One finding per document and target that could not be converted.
pub fn check(catalog: &Catalog, queries: &[Vec<DocQueries>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (entry, docs) in catalog.rules.iter().zip(queries) {
        let set = entry.item.set();
        let lines = document_lines(set);
        for (doc, line) in docs.iter().zip(lines) {
            for (_, result) in &doc.results {
                if let Err(unsupported) = result {
                    let message = format!("`{}`: {unsupported}", doc.title);
                    let finding =
                        Diagnostic::warning(&entry.item.file.path, "not-convertible", message);
                    let at = line_of_cause(&entry.item.file.source, line, &unsupported.reason);
                    out.push(finding.at(Some(at)));
                }
            }
        }
    }
    out
}

/// The line that most likely holds what `reason` names, from the document's first line
/// `doc_line` on: the placeholder or modifier it quotes, the condition for an aggregation, the
/// `detection` key otherwise, and `doc_line` when none is found.
fn line_of_cause(source: &str, doc_line: usize, reason: &str) -> usize {
    let find = |needle: &str| {
        let mut lines = source.lines().enumerate().skip(doc_line.saturating_sub(1));
        lines.find(|(_, line)| line.contains(needle)).map(|(i, _)| i + 1)
    };
    cause_needle(reason).and_then(find).or_else(|| find("detection:")).unwrap_or(doc_line)
}

/// The text to look for on the line that caused `reason` (see [`crate::convert`]'s reasons:
/// `placeholder %name% ...`, `... (|modifier)`, `regex ...`, `... aggregation ...`).
fn cause_needle(reason: &str) -> Option<&str> {
    if reason == "timeframe" {
        return Some("timeframe:");
    }
    if reason.contains("aggregation") {
        return Some("condition:");
    }
    if let Some(start) = reason.find('%') {
        let len = reason[start + 1..].find('%')? + 2;
        return Some(&reason[start..start + len]);
    }
    if let Some(start) = reason.find("(|") {
        let end = start + reason[start..].find(')')?;
        return Some(&reason[start + 1..end]);
    }
    reason.starts_with("regex").then_some("|re")
}

/// The first line of each converted document, in the order the build converts them: the
/// correlation first, then its rules.
fn document_lines(set: &RuleSet) -> Vec<usize> {
    let mut lines = Vec::new();
    if let RuleSet::Correlation { correlation, .. } = set {
        lines.push(correlation.line);
    }
    lines.extend(set.rules().iter().map(|r| r.line));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::convert_all;
    use crate::check::tests_support::catalog_of;
    use crate::convert::ConvertOptions;

    #[test]
    fn a_rule_no_target_can_express_is_found_per_target() {
        let rule = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    \
            a|expand: '%unset%'\n  condition: sel\n";
        let catalog = catalog_of(&[("rules/a.yml", rule)]);
        let queries = convert_all(&catalog, &ConvertOptions::default());
        let findings = check(&catalog, &queries);
        assert_eq!(findings.len(), crate::convert::Target::ALL.len(), "{findings:?}");
        // The line of the placeholder, not the first line of the file.
        assert!(findings.iter().all(|d| d.code == "not-convertible" && d.line == Some(6)));
        assert!(findings[0].message.contains("unset"), "{}", findings[0].message);
    }

    #[test]
    fn the_finding_points_at_what_cannot_be_converted() {
        let text = "title: T\ndetection:\n  a:\n    x|fieldref: y\n  b:\n    x|re|m: '^a'\n  \
            c:\n    x|expand: '%dc%'\n  condition: a | count() > 3\ntimeframe: 1h\n";
        let at = |reason| line_of_cause(text, 1, reason);
        assert_eq!(at("field reference (|fieldref)"), 4);
        assert_eq!(at("multi-line regex anchors (|m)"), 6);
        assert_eq!(at("regex possessive quantifier"), 6);
        assert_eq!(at("placeholder %dc% (|expand) has no value in `placeholders`"), 8);
        assert_eq!(at("aggregation (| count)"), 9);
        assert_eq!(at("timeframe"), 10);
        assert_eq!(at("empty keyword"), 2, "the detection, for want of a better place");
        assert_eq!(at("placeholder %unset% (|expand) has no value"), 2);
    }

    #[test]
    fn a_convertible_rule_has_no_finding() {
        let rule = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  \
            condition: sel\n";
        let catalog = catalog_of(&[("rules/a.yml", rule)]);
        let queries = convert_all(&catalog, &ConvertOptions::default());
        assert!(check(&catalog, &queries).is_empty());
    }
}
