//! The home page (`README.md`, `index.html`): what the catalog holds, what changed last, how
//! much of ATT&CK it covers, and the way to every list and the matrix.
//!
//! The home page links to list pages instead of listing every page itself, so that it stays
//! small whatever the catalog's size: the list pages hold the long tables.

use serde::Serialize;

use super::lists::{self, Facet, Group, TableView};
use super::matrix::{self, SummaryRow};
use super::views::{Context, Folders, Link};
use crate::catalog::coverage::Coverage;
use crate::diag::Severity;

/// How many recently changed rules the home page shows.
pub const RECENT: usize = 15;

/// One count on the home page, with the list it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct CountView {
    /// `Rules`.
    pub text: &'static str,
    /// `3754`, or `120 of 697` for techniques.
    pub value: String,
    /// The list page (or the matrix).
    pub url: String,
}

/// A link with the number of rules behind it.
#[derive(Debug, Clone, Serialize)]
pub struct CountedLink {
    /// The link.
    pub link: Link,
    /// How many rules the page lists.
    pub rules: usize,
}

/// The home page.
#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    /// `19.1`.
    pub attack_version: String,
    /// Counts of each kind.
    pub counts: Vec<CountView>,
    /// The most recently changed rules (by `modified`, else `date`).
    pub recent: TableView,
    /// Coverage per tactic, in kill-chain order.
    pub coverage: Vec<SummaryRow>,
    /// The matrix page.
    pub matrix: String,
    /// The list page of every kind, and the log source index.
    pub lists: Vec<Link>,
    /// The rules of each level.
    pub levels: Vec<CountedLink>,
    /// The rules of each status.
    pub statuses: Vec<CountedLink>,
    /// The review page and its counts.
    pub review: ReviewLink,
    /// Customers, then Use Cases.
    pub scopes: Vec<Link>,
}

/// The review's link and counts on the home page.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewLink {
    /// The review page.
    pub url: String,
    /// Every finding.
    pub total: usize,
    /// Errors among them.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Information.
    pub notes: usize,
}

fn review_link(cx: &Context) -> ReviewLink {
    let findings = &cx.catalog.diagnostics;
    let n = |s| crate::check::count_severity(findings, s);
    ReviewLink {
        url: format!("{}review.{}", cx.root, cx.ext),
        total: findings.len(),
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
        notes: n(Severity::Info),
    }
}

/// Builds the home page's view.
pub fn home_view(cx: &Context, coverage: &Coverage, groups: &[Group]) -> HomeView {
    let counted = |facet: Facet| {
        let links = lists::group_links(cx, groups, facet);
        links.into_iter().map(|(link, rules)| CountedLink { link, rules }).collect()
    };
    let mut lists: Vec<Link> = lists::KIND_LISTS
        .iter()
        .map(|name| Link { text: lists::kind_title(name).into(), url: list(cx, name) })
        .collect();
    lists.push(Link { text: "Log sources".into(), url: list(cx, lists::LOGSOURCES) });
    HomeView {
        attack_version: cx.attack.version().to_string(),
        counts: counts(cx, coverage),
        recent: lists::rule_table(cx, &recent(cx)),
        coverage: matrix::summary(cx, coverage),
        matrix: matrix_url(cx),
        lists,
        levels: counted(Facet::Level),
        statuses: counted(Facet::Status),
        review: review_link(cx),
        scopes: scopes(cx),
    }
}

fn scopes(cx: &Context) -> Vec<Link> {
    let c = cx.catalog;
    let all = |n: usize| (0..n).collect::<Vec<usize>>();
    let mut links = cx.customers(&all(c.customers.len()));
    links.extend(cx.use_cases(&all(c.use_cases.len())));
    links
}

fn list(cx: &Context, name: &str) -> String {
    cx.page(Folders::LISTS, name)
}

/// The matrix page's URL from the page being built.
pub fn matrix_url(cx: &Context) -> String {
    format!("{}matrix.{}", cx.root, cx.ext)
}

fn counts(cx: &Context, coverage: &Coverage) -> Vec<CountView> {
    let c = cx.catalog;
    let count =
        |text, n: usize, name| CountView { text, value: n.to_string(), url: list(cx, name) };
    let (covered, shown) = (coverage.covered().len(), coverage.shown().len());
    vec![
        count("Rules", c.rules.len(), "rules"),
        count("Data Needed", c.data_needed.len(), "data_needed"),
        count("Logging Policies", c.logging_policies.len(), "logging_policies"),
        count("Enrichments", c.enrichments.len(), "enrichments"),
        count("Triggers", c.triggers.len(), "triggers"),
        CountView {
            text: "Techniques covered",
            value: format!("{covered} of {shown}"),
            url: matrix_url(cx),
        },
    ]
}

/// The [`RECENT`] rule files changed last, newest first; ties keep page order. Dates are
/// compared as text once `/` is read as `-` (older rules write `2019/01/15`).
fn recent(cx: &Context) -> Vec<usize> {
    let mut dated: Vec<(String, usize)> = cx
        .catalog
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, e)| lists::changed(e).map(|d| (d.trim().replace('/', "-"), i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    dated.into_iter().take(RECENT).map(|(_, i)| i).collect()
}
