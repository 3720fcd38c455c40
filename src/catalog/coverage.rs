//! Coverage: how many rules detect, and how many triggers test, each technique of the
//! Enterprise ATT&CK matrix.
//!
//! This module owns the matrix's shape (tactics in kill-chain order as columns, techniques
//! by name with their sub-techniques nested) and the counts in each cell. How a cell is
//! shaded and written is the render stage's. Counts are read from the catalog's technique
//! pages, which hold current ids, so a rule that tags a revoked id counts under its
//! successor. Revoked and deprecated techniques are not cells, as on attack.mitre.org; the
//! technique pages that no cell shows are listed in [`Coverage::outside`].

use std::collections::{BTreeSet, HashMap};

use super::{AttackPage, Catalog};
use crate::attack::{Attack, Domain, Technique};

/// The Enterprise matrix with the catalog's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The columns, in kill-chain order.
    pub tactics: Vec<TacticCoverage>,
    /// Technique pages of the catalog that no cell shows (other domains, deprecated or
    /// unknown ids), in id order.
    pub outside: Vec<String>,
}

/// One column: a tactic and its techniques.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TacticCoverage {
    /// `TA0003`.
    pub id: String,
    /// `Persistence`.
    pub name: String,
    /// Its techniques, by name.
    pub techniques: Vec<TechniqueCoverage>,
}

/// One cell: a technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueCoverage {
    /// `T1546` or `T1546.003`.
    pub id: String,
    /// `Event Triggered Execution`.
    pub name: String,
    /// Rule pages that detect it.
    pub rules: usize,
    /// Triggers that test it.
    pub triggers: usize,
    /// Whether the catalog has a page for it (something names it).
    pub has_page: bool,
    /// Its sub-techniques, by name (none for a sub-technique).
    pub subs: Vec<TechniqueCoverage>,
}

impl TechniqueCoverage {
    /// Whether a trigger tests it and no rule detects it.
    pub fn tested_undetected(&self) -> bool {
        self.rules == 0 && self.triggers > 0
    }

    /// This cell and its sub-techniques' cells.
    pub fn cells(&self) -> impl Iterator<Item = &TechniqueCoverage> {
        std::iter::once(self).chain(&self.subs)
    }
}

impl TacticCoverage {
    /// Every cell of the column, sub-techniques included.
    pub fn cells(&self) -> impl Iterator<Item = &TechniqueCoverage> {
        self.techniques.iter().flat_map(TechniqueCoverage::cells)
    }

    /// Cells that at least one rule detects.
    pub fn covered(&self) -> usize {
        self.cells().filter(|c| c.rules > 0).count()
    }

    /// Every cell.
    pub fn total(&self) -> usize {
        self.cells().count()
    }
}

impl Coverage {
    /// The Enterprise matrix of `attack`, counted over `catalog`.
    pub fn of(catalog: &Catalog, attack: &Attack) -> Coverage {
        Coverage::counting(catalog, attack, None)
    }

    /// The same matrix counting only the rule pages `rules` (a Customer's or Use Case's);
    /// triggers count as in the whole catalog.
    pub fn of_rules(catalog: &Catalog, attack: &Attack, rules: &[usize]) -> Coverage {
        Coverage::counting(catalog, attack, Some(rules))
    }

    fn counting(catalog: &Catalog, attack: &Attack, only: Option<&[usize]>) -> Coverage {
        let pages: HashMap<&str, &AttackPage> =
            catalog.techniques.iter().map(|p| (p.id.as_str(), p)).collect();
        let active: Vec<&Technique> = attack
            .techniques()
            .filter(|t| t.domain == Domain::Enterprise && !t.revoked && !t.deprecated)
            .collect();
        let mut subs_of: HashMap<&str, Vec<&Technique>> = HashMap::new();
        for sub in &active {
            if let Some(parent) = &sub.parent {
                subs_of.entry(parent.as_str()).or_default().push(sub);
            }
        }
        let mut tactics: Vec<_> = attack.enterprise_tactics().filter(|t| !t.deprecated).collect();
        tactics.sort_by_key(|t| t.order);
        let columns: Vec<TacticCoverage> = tactics
            .into_iter()
            .map(|tactic| {
                let mut top: Vec<&Technique> = active
                    .iter()
                    .filter(|t| t.parent.is_none() && t.tactics.contains(&tactic.shortname))
                    .copied()
                    .collect();
                top.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                let techniques = top.iter().map(|t| cell(t, &pages, &subs_of, only)).collect();
                TacticCoverage { id: tactic.id.clone(), name: tactic.name.clone(), techniques }
            })
            .collect();
        let shown: BTreeSet<&str> =
            columns.iter().flat_map(|c| c.cells()).map(|c| c.id.as_str()).collect();
        let outside = catalog
            .techniques
            .iter()
            .filter(|p| !shown.contains(p.id.as_str()))
            .map(|p| p.id.clone())
            .collect();
        Coverage { tactics: columns, outside }
    }

    /// The distinct technique and sub-technique ids the matrix shows.
    pub fn shown(&self) -> BTreeSet<&str> {
        self.tactics.iter().flat_map(|c| c.cells()).map(|c| c.id.as_str()).collect()
    }

    /// The distinct ids the matrix shows that at least one rule detects.
    pub fn covered(&self) -> BTreeSet<&str> {
        let cells = self.tactics.iter().flat_map(|c| c.cells());
        cells.filter(|c| c.rules > 0).map(|c| c.id.as_str()).collect()
    }
}

fn cell(
    technique: &Technique,
    pages: &HashMap<&str, &AttackPage>,
    subs_of: &HashMap<&str, Vec<&Technique>>,
    only: Option<&[usize]>,
) -> TechniqueCoverage {
    let mut subs: Vec<&Technique> = subs_of.get(technique.id.as_str()).cloned().unwrap_or_default();
    subs.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let page = pages.get(technique.id.as_str());
    TechniqueCoverage {
        id: technique.id.clone(),
        name: technique.name.clone(),
        rules: page.map_or(0, |p| match only {
            Some(only) => p.links.rules.iter().filter(|r| only.contains(r)).count(),
            None => p.links.rules.len(),
        }),
        triggers: page.map_or(0, |p| p.links.triggers.len()),
        has_page: page.is_some(),
        subs: subs.iter().map(|s| cell(s, pages, subs_of, only)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Links;

    fn page(id: &str, rules: usize, triggers: usize) -> AttackPage {
        let links = Links {
            rules: (0..rules).collect(),
            triggers: (0..triggers).collect(),
            ..Links::default()
        };
        AttackPage { id: id.into(), links }
    }

    fn find<'a>(coverage: &'a Coverage, tactic: &str, id: &str) -> &'a TechniqueCoverage {
        let column = coverage.tactics.iter().find(|t| t.id == tactic).unwrap();
        column.cells().find(|c| c.id == id).unwrap()
    }

    #[test]
    fn columns_follow_the_kill_chain_and_cells_count_rules_and_triggers() {
        let attack = Attack::embedded();
        let catalog = Catalog {
            techniques: vec![page("T1546.003", 3, 1), page("T1547.001", 0, 2), page("T9999", 1, 0)],
            ..Catalog::default()
        };
        let coverage = Coverage::of(&catalog, &attack);
        let ids: Vec<&str> = coverage.tactics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&"TA0043"), "Reconnaissance comes first");
        assert_eq!(ids.last(), Some(&"TA0040"), "Impact comes last");
        assert_eq!(ids.len(), 15);
        let wmi = find(&coverage, "TA0003", "T1546.003");
        assert_eq!((wmi.rules, wmi.triggers, wmi.has_page), (3, 1, true));
        assert!(!wmi.tested_undetected());
        assert!(find(&coverage, "TA0004", "T1547.001").tested_undetected());
        let parent = find(&coverage, "TA0003", "T1546");
        assert!(parent.subs.iter().any(|s| s.id == "T1546.003"), "sub-techniques nest");
        assert!(!parent.has_page && parent.rules == 0);
        assert_eq!(coverage.outside, ["T9999"]);
        assert_eq!(coverage.covered(), BTreeSet::from(["T1546.003"]));
    }

    #[test]
    fn a_scope_counts_only_its_own_rules() {
        let attack = Attack::embedded();
        let catalog = Catalog { techniques: vec![page("T1546.003", 3, 1)], ..Catalog::default() };
        let coverage = Coverage::of_rules(&catalog, &attack, &[1, 7]);
        let wmi = find(&coverage, "TA0003", "T1546.003");
        assert_eq!((wmi.rules, wmi.triggers), (1, 1), "rule 1 of 0..3 is the scope's");
        let none = Coverage::of_rules(&catalog, &attack, &[]);
        assert!(find(&none, "TA0003", "T1546.003").tested_undetected());
    }

    #[test]
    fn revoked_and_deprecated_techniques_are_not_cells() {
        let attack = Attack::embedded();
        let coverage = Coverage::of(&Catalog::default(), &attack);
        let shown = coverage.shown();
        assert!(!shown.contains("T1084"), "T1084 was revoked");
        let active = attack
            .techniques()
            .filter(|t| t.domain == Domain::Enterprise && !t.revoked && !t.deprecated)
            .count();
        assert_eq!(shown.len(), active, "every active Enterprise technique has a cell");
    }
}
