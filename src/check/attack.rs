//! ATT&CK checks on rule tags: unknown tags, revoked or deprecated techniques, techniques
//! without any of their tactics, and tags not written in the normalised form.
//!
//! The normalised form is the one the Sigma tag appendix uses: lower case,
//! `namespace.value`, and tactics by their dashed short name (`attack.defense-evasion`).
//! Other namespaces (`cve`, `car`, `detection`) are only held to lower case and that shape.

use std::collections::BTreeSet;
use std::path::Path;

use crate::attack::{Attack, Tag, Technique};
use crate::catalog::Catalog;
use crate::diag::Diagnostic;

/// Every ATT&CK finding of the catalog.
pub fn check(catalog: &Catalog, attack: &Attack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &catalog.rules {
        let file = &entry.item.file;
        let tactics: BTreeSet<&str> =
            entry.item.attack.tactics.iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        for tag in tags_of(entry.item.set()) {
            if seen.insert(tag) {
                let line = super::line_holding_from(&file.source, "tags:", tag);
                let findings = tag_findings(tag, &tactics, attack, &file.path);
                out.extend(findings.into_iter().map(|d| d.at(line)));
            }
        }
    }
    out
}

fn tags_of(set: &crate::sigma::RuleSet) -> Vec<&str> {
    let rules = set.rules().iter().flat_map(|r| r.meta.tags.iter());
    set.meta().tags.iter().chain(rules).map(String::as_str).collect()
}

fn tag_findings(
    tag: &str,
    tactics: &BTreeSet<&str>,
    attack: &Attack,
    path: &Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let resolved = attack.resolve(tag);
    if let Some(message) = normalisation(tag, &resolved) {
        out.push(Diagnostic::warning(path, "tag-not-normalised", message));
    }
    match resolved {
        Tag::UnknownAttack => {
            let message = format!("tag `{tag}` names nothing in ATT&CK v{}", attack.version());
            out.push(Diagnostic::warning(path, "tag-unknown", message));
        }
        Tag::Technique(technique) => {
            out.extend(technique_findings(technique, tactics, attack, path))
        }
        _ => {}
    }
    out
}

/// What is wrong with how `tag` is written, if anything.
fn normalisation(tag: &str, resolved: &Tag) -> Option<String> {
    let mut normal = tag.trim().to_ascii_lowercase();
    if matches!(resolved, Tag::Tactic(_)) {
        normal = normal.replace('_', "-");
    }
    if !has_tag_shape(&normal) {
        return Some(format!("tag `{tag}` is not of the form namespace.value in lower case"));
    }
    (normal != tag).then(|| format!("tag `{tag}` is not in the normalised form; write `{normal}`"))
}

/// `^[a-z0-9_-]+\.[a-z0-9._-]+$`, the shape the Sigma schema gives tags.
fn has_tag_shape(tag: &str) -> bool {
    let Some((namespace, value)) = tag.split_once('.') else { return false };
    let ok = |s: &str, dot: bool| {
        !s.is_empty()
            && s.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || c == '_'
                    || c == '-'
                    || (dot && c == '.')
            })
    };
    ok(namespace, false) && ok(value, true)
}

fn technique_findings(
    technique: &Technique,
    tactics: &BTreeSet<&str>,
    attack: &Attack,
    path: &Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let id = &technique.id;
    if technique.revoked {
        let message = match attack.successor(id) {
            Some(s) => {
                format!("technique {id} is revoked; ATT&CK replaced it with {} ({})", s.id, s.name)
            }
            None => format!("technique {id} is revoked, with no successor named"),
        };
        out.push(Diagnostic::warning(path, "technique-revoked", message));
    } else if technique.deprecated {
        let message = format!("technique {id} ({}) is deprecated in ATT&CK", technique.name);
        out.push(Diagnostic::warning(path, "technique-deprecated", message));
    }
    let current = attack.successor(id).unwrap_or(technique);
    let own: Vec<(&str, &str)> = current
        .tactics
        .iter()
        .filter_map(|s| attack.tactic_by_shortname(s))
        .map(|t| (t.id.as_str(), t.shortname.as_str()))
        .collect();
    if !own.is_empty() && !own.iter().any(|(tid, _)| tactics.contains(tid)) {
        let names: Vec<&str> = own.iter().map(|(_, s)| *s).collect();
        let message = format!(
            "technique {} is under {}, and no tag names any of them",
            current.id,
            names.join(", ")
        );
        out.push(Diagnostic::warning(path, "technique-without-tactic", message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests_support::catalog_of;

    fn findings(tags: &str) -> Vec<Diagnostic> {
        let rule = format!(
            "title: T\ntags:\n{tags}logsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  \
             condition: sel\n"
        );
        let catalog = catalog_of(&[("rules/a.yml", &rule)]);
        check(&catalog, &Attack::embedded())
    }

    fn codes(findings: &[Diagnostic]) -> Vec<&'static str> {
        findings.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_technique_with_its_tactic_is_clean() {
        assert!(findings("  - attack.execution\n  - attack.t1059.001\n").is_empty());
    }

    #[test]
    fn unknown_tags_are_found_with_their_line() {
        let found = findings("  - attack.execution\n  - attack.t9999\n");
        assert_eq!(codes(&found), ["tag-unknown"]);
        assert_eq!(found[0].line, Some(4));
    }

    #[test]
    fn a_revoked_technique_names_its_successor() {
        let found =
            findings("  - attack.persistence\n  - attack.privilege-escalation\n  - attack.t1084\n");
        let revoked: Vec<&Diagnostic> =
            found.iter().filter(|d| d.code == "technique-revoked").collect();
        assert_eq!(revoked.len(), 1, "{found:?}");
        assert!(revoked[0].message.contains("T1546.003"), "{}", revoked[0].message);
    }

    #[test]
    fn a_technique_without_its_tactics_is_found() {
        let found = findings("  - attack.t1059.001\n");
        assert_eq!(codes(&found), ["technique-without-tactic"]);
        assert!(found[0].message.contains("execution"), "{}", found[0].message);
    }

    #[test]
    fn tags_out_of_the_normalised_form_are_found() {
        let found = findings("  - attack.Execution\n  - attack.t1059.001\n  - cve 2021\n");
        let normal: Vec<&str> = found
            .iter()
            .filter(|d| d.code == "tag-not-normalised")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(normal.len(), 2, "{found:?}");
        assert!(normal[0].contains("write `attack.execution`"), "{normal:?}");
        assert!(normal[1].contains("`cve 2021`"), "{normal:?}");
        assert!(has_tag_shape("attack.defense_evasion"));
    }
}
