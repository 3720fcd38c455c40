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
                    out.push(finding.at(Some(line)));
                }
            }
        }
    }
    out
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
        assert!(findings.iter().all(|d| d.code == "not-convertible" && d.line == Some(1)));
        assert!(findings[0].message.contains("unset"), "{}", findings[0].message);
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
