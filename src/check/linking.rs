//! Linking checks: rules without Data Needed, Data Needed without a Logging Policy, and
//! techniques that have triggers but no rule.
//!
//! Names that match no file (`unknown-reference`) and Data Needed titles that differ from
//! their file names (`title-mismatch`) are found while loading and linking, and reach the
//! review from there.

use crate::build::logsource_text;
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Severity};
use crate::sigma::RuleSet;

/// Every linking finding of the catalog.
pub fn check(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = rules_without_data_needed(catalog);
    out.extend(data_needed_without_policy(catalog));
    out.extend(techniques_without_rules(catalog));
    out
}

/// Only when some Data Needed was read: without any, every rule would be reported.
fn rules_without_data_needed(catalog: &Catalog) -> Vec<Diagnostic> {
    if catalog.data_needed.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in catalog.rules.iter().filter(|e| e.links.data_needed.is_empty()) {
        let set = entry.item.set();
        if matches!(set, RuleSet::Correlation { rules, .. } if rules.is_empty()) {
            continue;
        }
        let sources: Vec<String> =
            set.rules().iter().map(|r| logsource_text(&r.logsource)).collect();
        let mut sources: Vec<String> = sources.into_iter().filter(|s| !s.is_empty()).collect();
        sources.dedup();
        let message = match sources.is_empty() {
            true => "no Data Needed matches the rule, which names no log source".to_string(),
            false => format!("no Data Needed matches the log source `{}`", sources.join("`, `")),
        };
        let line = super::line_holding(&entry.item.file.source, "logsource:");
        out.push(
            Diagnostic::warning(&entry.item.file.path, "rule-no-data-needed", message).at(line),
        );
    }
    out
}

/// A Data Needed that names no Logging Policy at all. One that names an unknown policy is
/// already an `unknown-reference`.
fn data_needed_without_policy(catalog: &Catalog) -> Vec<Diagnostic> {
    let lacking = catalog.data_needed.iter().filter(|e| e.item.logging_policies.is_empty());
    lacking
        .map(|entry| {
            let message = format!("Data Needed `{}` names no Logging Policy", entry.item.title);
            let text = std::fs::read_to_string(&entry.item.path).unwrap_or_default();
            let line = super::line_holding(&text, "loggingpolicy");
            Diagnostic::warning(&entry.item.path, "data-needed-no-policy", message).at(line)
        })
        .collect()
}

/// Information: techniques that Atomic Red Team can trigger and no rule detects.
fn techniques_without_rules(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in catalog.techniques.iter().filter(|p| p.links.rules.is_empty()) {
        for &t in &page.links.triggers {
            let trigger = &catalog.triggers[t].item;
            let message = format!("technique {} has triggers but no rule detects it", page.id);
            let finding = Diagnostic::new(
                &trigger.path,
                "technique-trigger-no-rule",
                Severity::Info,
                message,
            );
            out.push(finding.at(Some(1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests_support::catalog_of;

    const RULE: &str = "title: T\ntags:\n  - attack.t1003\nlogsource:\n  product: windows\n  \
        service: security\ndetection:\n  sel:\n    EventID: 4688\n  condition: sel\n";
    const TRIGGER: &str = "attack_technique: T1059\ndisplay_name: Command\natomic_tests: []\n";

    #[test]
    fn missing_links_are_found() {
        let catalog = catalog_of(&[
            ("rules/a.yml", RULE),
            (
                "data_needed/DN_0001_4624_logon.yml",
                "title: DN_0001_4624_logon\nplatform: Windows\n",
            ),
            ("triggers/T1059/T1059.yaml", TRIGGER),
        ]);
        let findings = check(&catalog);
        let got: Vec<(&str, Severity)> = findings.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            got,
            [
                ("rule-no-data-needed", Severity::Warning),
                ("data-needed-no-policy", Severity::Warning),
                ("technique-trigger-no-rule", Severity::Info),
            ]
        );
        assert_eq!(findings[0].line, Some(4));
        assert!(findings[0].message.contains("service: security"), "{}", findings[0].message);
    }

    #[test]
    fn without_data_needed_folders_rules_are_not_reported() {
        let catalog = catalog_of(&[("rules/a.yml", RULE)]);
        assert!(check(&catalog).is_empty());
    }
}
