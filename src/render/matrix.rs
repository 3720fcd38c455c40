//! The ATT&CK matrix page and the coverage summary of the home page, as views of the
//! catalog's [`Coverage`].
//!
//! This module owns how a cell reads: its shade (a bucket of rule counts, one table that
//! drives both the cells and the legend), the tested-but-undetected mark, and its link. A
//! cell links to its technique page when the catalog has one, which is when a rule or a
//! trigger names the technique; other cells are plain text. Writing a page for each of the
//! ~700 Enterprise techniques was the alternative we dropped: hundreds of near-empty pages
//! in every site, when "no rule, no trigger" already reads from the cell.

use serde::Serialize;

use super::views::{Context, Folders, Link};
use crate::catalog::coverage::{Coverage, TacticCoverage, TechniqueCoverage};

/// One shade: the lowest rule count it starts at, its name (a CSS class) and its label.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bucket {
    /// The lowest rule count of the bucket.
    pub from: usize,
    /// `shade-0` to `shade-4`.
    pub class: &'static str,
    /// `1–2 rules`.
    pub label: &'static str,
}

/// The shades, lightest first. The edges follow the corpus: half the detected techniques
/// have three rules or fewer, a quarter ten or more.
pub const BUCKETS: [Bucket; 5] = [
    Bucket { from: 0, class: "shade-0", label: "no rule" },
    Bucket { from: 1, class: "shade-1", label: "1–2 rules" },
    Bucket { from: 3, class: "shade-2", label: "3–9 rules" },
    Bucket { from: 10, class: "shade-3", label: "10–29 rules" },
    Bucket { from: 30, class: "shade-4", label: "30 rules or more" },
];

/// The bucket of a rule count.
pub fn bucket(rules: usize) -> &'static Bucket {
    BUCKETS.iter().rev().find(|b| rules >= b.from).unwrap_or(&BUCKETS[0])
}

/// The label of tested-but-undetected cells.
pub const TESTED_UNDETECTED: &str = "tested, not detected";

/// One cell of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    /// `T1546.003`.
    pub id: String,
    /// `Windows Management Instrumentation Event Subscription`.
    pub name: String,
    /// The technique page, when the catalog has one.
    pub url: Option<String>,
    /// Rules that detect it.
    pub rules: usize,
    /// Triggers that test it.
    pub triggers: usize,
    /// The shade's CSS class.
    pub shade: &'static str,
    /// The shade's label, or [`TESTED_UNDETECTED`].
    pub label: &'static str,
    /// Whether a trigger tests it and no rule detects it.
    pub tested_undetected: bool,
    /// Its sub-techniques.
    pub subs: Vec<CellView>,
    /// Sub-techniques that at least one rule detects.
    pub subs_covered: usize,
    /// Whether a sub-technique has a rule or a trigger (its list starts open).
    pub subs_active: bool,
}

/// One column: a tactic.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    /// The tactic: its page when the catalog has one, else attack.mitre.org.
    pub tactic: Link,
    /// `TA0003`.
    pub id: String,
    /// `Persistence`.
    pub name: String,
    /// Cells, sub-techniques included, that a rule detects.
    pub covered: usize,
    /// Cells, sub-techniques included.
    pub total: usize,
    /// The techniques.
    pub cells: Vec<CellView>,
}

/// The matrix page.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixView {
    /// `19.1`.
    pub attack_version: String,
    /// The shades, lightest first.
    pub legend: Vec<Bucket>,
    /// The label of tested-but-undetected cells.
    pub tested_undetected: &'static str,
    /// The columns, in kill-chain order.
    pub columns: Vec<ColumnView>,
    /// Techniques and sub-techniques the matrix shows (each once).
    pub total: usize,
    /// Of those, the ones a rule detects.
    pub covered: usize,
    /// Technique pages of the catalog that the matrix does not show.
    pub outside: Vec<Link>,
    /// The Customer or Use Case whose rules alone are counted; `None` for the whole catalog.
    pub scope: Option<Link>,
}

/// Builds the matrix page's view.
pub fn matrix_view(cx: &Context, coverage: &Coverage) -> MatrixView {
    MatrixView {
        attack_version: cx.attack.version().to_string(),
        legend: BUCKETS.to_vec(),
        tested_undetected: TESTED_UNDETECTED,
        columns: coverage.tactics.iter().map(|t| column_view(cx, t)).collect(),
        total: coverage.shown().len(),
        covered: coverage.covered().len(),
        outside: cx.technique_pages(&coverage.outside),
        scope: None,
    }
}

fn column_view(cx: &Context, tactic: &TacticCoverage) -> ColumnView {
    ColumnView {
        tactic: cx.tactic_pages(std::slice::from_ref(&tactic.id)).remove(0),
        id: tactic.id.clone(),
        name: tactic.name.clone(),
        covered: tactic.covered(),
        total: tactic.total(),
        cells: tactic.techniques.iter().map(|t| cell_view(cx, t)).collect(),
    }
}

fn cell_view(cx: &Context, cell: &TechniqueCoverage) -> CellView {
    let shade = bucket(cell.rules);
    let tested_undetected = cell.tested_undetected();
    let subs: Vec<CellView> = cell.subs.iter().map(|s| cell_view(cx, s)).collect();
    CellView {
        id: cell.id.clone(),
        name: cell.name.clone(),
        url: cell.has_page.then(|| cx.page(Folders::ATTACK, &cell.id)),
        rules: cell.rules,
        triggers: cell.triggers,
        shade: shade.class,
        label: if tested_undetected { TESTED_UNDETECTED } else { shade.label },
        tested_undetected,
        subs_covered: subs.iter().filter(|s| s.rules > 0).count(),
        subs_active: subs.iter().any(|s| s.rules > 0 || s.triggers > 0),
        subs,
    }
}

/// One row of the home page's coverage summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// The tactic.
    pub tactic: Link,
    /// Techniques and sub-techniques under it that a rule detects.
    pub covered: usize,
    /// Techniques and sub-techniques under it.
    pub total: usize,
    /// `covered` in percent of `total`, rounded down.
    pub percent: usize,
}

/// The coverage summary: one row per tactic, in kill-chain order.
pub fn summary(cx: &Context, coverage: &Coverage) -> Vec<SummaryRow> {
    coverage
        .tactics
        .iter()
        .map(|t| {
            let (covered, total) = (t.covered(), t.total());
            SummaryRow {
                tactic: cx.tactic_pages(std::slice::from_ref(&t.id)).remove(0),
                covered,
                total,
                percent: (covered * 100).checked_div(total).unwrap_or(0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_count_falls_in_the_bucket_whose_range_holds_it() {
        let classes: Vec<&str> =
            [0, 1, 2, 3, 9, 10, 29, 30, 500].into_iter().map(|n| bucket(n).class).collect();
        assert_eq!(
            classes,
            [
                "shade-0", "shade-1", "shade-1", "shade-2", "shade-2", "shade-3", "shade-3",
                "shade-4", "shade-4"
            ]
        );
    }
}
