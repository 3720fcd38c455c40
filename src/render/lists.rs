//! List pages: one table per entity kind, and one table of rules per log source value
//! (product, category, service), per level and per status, all in `lists/`.
//!
//! This module decides which list pages exist, what they are called and which rows and
//! columns they show. Tables are handed to templates as plain cells (text, or links), so
//! one `list` template per format writes them all, and the tactic, technique and home pages
//! reuse the same rule table. A template per list kind was the alternative we dropped: ten
//! near-identical templates for the same table markup.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::views::{Context, Folders, Link};
use crate::catalog::{slug, Catalog, Entry, RulePage};
use crate::sigma::Logsource;

/// The levels Sigma defines, most severe first; other values sort after them.
const LEVELS: [&str; 5] = ["critical", "high", "medium", "low", "informational"];

/// The statuses Sigma defines, most mature first; other values sort after them.
const STATUSES: [&str; 5] = ["stable", "test", "experimental", "deprecated", "unsupported"];

/// The list pages of the site's navigation, as (text, page name in `lists/`).
pub const NAV: [(&str, &str); 6] = [
    ("Rules", "rules"),
    ("Techniques", "techniques"),
    ("Data Needed", "data_needed"),
    ("Logging Policies", "logging_policies"),
    ("Triggers", "triggers"),
    ("Log sources", "logsources"),
];

/// One column of a table.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Its heading.
    pub title: &'static str,
    /// Whether it holds numbers (right-aligned).
    pub numeric: bool,
}

/// One table cell: its links when it has any, else its text.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Plain text.
    pub text: String,
    /// Links, shown in place of the text.
    pub links: Vec<Link>,
    /// Whether it holds a number (right-aligned). Left out when false, which templates read
    /// as false; a per-cell flag spares the HTML template an indexed lookup of its column
    /// for every cell, which Tera makes by building a path string.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub numeric: bool,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), links: Vec::new(), numeric: false }
    }

    fn links(links: Vec<Link>) -> Cell {
        Cell { text: String::new(), links, numeric: false }
    }

    fn count(n: usize) -> Cell {
        Cell { numeric: true, ..Cell::text(n.to_string()) }
    }
}

/// A table: its columns and its rows of cells.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableView {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as wide as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

fn columns(titles: &[&'static str], numeric: &[&str]) -> Vec<Column> {
    titles.iter().map(|&title| Column { title, numeric: numeric.contains(&title) }).collect()
}

/// A list page.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// The heading.
    pub title: String,
    /// One sentence on what the list holds.
    pub intro: String,
    /// The list.
    pub table: TableView,
}

/// The rule table: title, level, status, log source, techniques, date of last change.
pub fn rule_table(cx: &Context, indices: &[usize]) -> TableView {
    let titles = ["Rule", "Level", "Status", "Log source", "Techniques", "Modified"];
    let rows = indices.iter().map(|&i| rule_row(cx, &cx.catalog.rules[i])).collect();
    TableView { columns: columns(&titles, &[]), rows }
}

fn rule_row(cx: &Context, entry: &Entry<RulePage>) -> Vec<Cell> {
    let meta = entry.item.set().meta();
    let techniques: Vec<Link> = entry
        .links
        .techniques
        .iter()
        .map(|id| Link { text: id.clone(), url: cx.page(Folders::ATTACK, id) })
        .collect();
    vec![
        Cell::links(vec![cx.rule_link(entry)]),
        Cell::text(meta.level.clone().unwrap_or_default()),
        Cell::text(meta.status.clone().unwrap_or_default()),
        Cell::text(logsources(entry).join("; ")),
        Cell::links(techniques),
        Cell::text(changed(entry).unwrap_or_default()),
    ]
}

/// The date a rule file last changed: `modified`, else `date`.
pub fn changed(entry: &Entry<RulePage>) -> Option<String> {
    let meta = entry.item.set().meta();
    meta.modified.clone().or_else(|| meta.date.clone())
}

/// The distinct log sources of a rule file's rules, as `product / category / service`.
fn logsources(entry: &Entry<RulePage>) -> Vec<String> {
    let mut shown: Vec<String> = Vec::new();
    for rule in entry.item.set().rules() {
        let text = logsource_text(&rule.logsource);
        if !text.is_empty() && !shown.contains(&text) {
            shown.push(text);
        }
    }
    shown
}

fn logsource_text(logsource: &Logsource) -> String {
    let parts = [&logsource.product, &logsource.category, &logsource.service];
    let named: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
    named.join(" / ")
}

/// Which rules a per-value list page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Facet {
    /// `logsource.product`.
    Product,
    /// `logsource.category`.
    Category,
    /// `logsource.service`.
    Service,
    /// `level` of the file's main rule.
    Level,
    /// `status` of the file's main rule.
    Status,
}

impl Facet {
    /// The field's name, which also starts the page name.
    pub fn field(&self) -> &'static str {
        match self {
            Facet::Product => "product",
            Facet::Category => "category",
            Facet::Service => "service",
            Facet::Level => "level",
            Facet::Status => "status",
        }
    }

    /// The values of this field on a rule file (several for a collection's log sources).
    fn values(&self, entry: &Entry<RulePage>) -> Vec<Option<String>> {
        let meta = entry.item.set().meta();
        let of = |ls: &Logsource| match self {
            Facet::Product => ls.product.clone(),
            Facet::Category => ls.category.clone(),
            _ => ls.service.clone(),
        };
        let mut values: Vec<Option<String>> = match self {
            Facet::Level => vec![meta.level.clone()],
            Facet::Status => vec![meta.status.clone()],
            // A rule without a product is on no product page: there is no "not set" page
            // for log source fields, where most rules leave one field out.
            _ => {
                entry.item.set().rules().iter().filter_map(|r| of(&r.logsource)).map(Some).collect()
            }
        };
        values.sort();
        values.dedup();
        values
    }

    /// Where a value sorts: Sigma's own levels and statuses in their order, then the rest.
    fn rank(&self, value: &Option<String>) -> Rank {
        let known: &[&str] = match self {
            Facet::Level => &LEVELS,
            Facet::Status => &STATUSES,
            _ => &[],
        };
        let position = value.as_deref().and_then(|v| known.iter().position(|k| *k == v));
        let missing = usize::from(value.is_none());
        (position.unwrap_or(known.len() + missing), value.clone())
    }
}

/// Where a value sorts among its facet's values, and the value.
type Rank = (usize, Option<String>);

/// One page of rules sharing a value of a facet.
#[derive(Debug, Clone)]
pub struct Group {
    /// The facet.
    pub facet: Facet,
    /// The value; `None` for the rules that do not set a level or status.
    pub value: Option<String>,
    /// The page name in `lists/`.
    pub slug: String,
    /// The rule files, in page order.
    pub rules: Vec<usize>,
}

/// Every per-value page: products, categories, services, levels, statuses, each in value
/// order (levels and statuses in Sigma's order), with unique page names.
pub fn groups(catalog: &Catalog) -> Vec<Group> {
    let facets = [Facet::Product, Facet::Category, Facet::Service, Facet::Level, Facet::Status];
    let mut found: BTreeMap<(Facet, Rank), Vec<usize>> = BTreeMap::new();
    for facet in facets {
        for (i, entry) in catalog.rules.iter().enumerate() {
            for value in facet.values(entry) {
                found.entry((facet, facet.rank(&value))).or_default().push(i);
            }
        }
    }
    let wanted: Vec<(PathBuf, String)> = found
        .keys()
        .map(|(facet, (_, value))| {
            let name = format!("{}-{}", facet.field(), value.as_deref().unwrap_or("not-set"));
            (PathBuf::new(), slug::sanitize(&name))
        })
        .collect();
    // The fixed list names hold no `-`, so only two values that sanitize alike can meet;
    // the second gets `-2`. The renaming is not the user's to fix, so it is not reported.
    let slugs = slug::assign("list", &wanted, &mut Vec::new());
    found
        .into_iter()
        .zip(slugs)
        .map(|(((facet, (_, value)), rules), slug)| Group { facet, value, slug, rules })
        .collect()
}

/// The list page of one group's rules.
pub fn group_view(cx: &Context, group: &Group) -> ListView {
    let intro = match &group.value {
        Some(value) => format!("Rule files whose {} is {value}.", group.facet.field()),
        None => format!("Rule files that set no {}.", group.facet.field()),
    };
    let title = match &group.value {
        Some(value) => format!("Rules: {} {value}", group.facet.field()),
        None => format!("Rules: no {}", group.facet.field()),
    };
    ListView { title, intro, table: rule_table(cx, &group.rules) }
}

/// Links to the group pages of `facet`, each with its number of rules.
pub fn group_links(cx: &Context, groups: &[Group], facet: Facet) -> Vec<(Link, usize)> {
    groups
        .iter()
        .filter(|g| g.facet == facet)
        .map(|g| {
            let text = g.value.clone().unwrap_or_else(|| "not set".into());
            (Link { text, url: cx.page(Folders::LISTS, &g.slug) }, g.rules.len())
        })
        .collect()
}

/// The log source index: every product, category and service, with its page and count.
pub fn logsources_view(cx: &Context, groups: &[Group]) -> ListView {
    let mut rows = Vec::new();
    for facet in [Facet::Product, Facet::Category, Facet::Service] {
        for (link, count) in group_links(cx, groups, facet) {
            rows.push(vec![Cell::text(facet.field()), Cell::links(vec![link]), Cell::count(count)]);
        }
    }
    ListView {
        title: "Log sources".into(),
        intro: "Every log source product, category and service that a rule names.".into(),
        table: TableView { columns: columns(&["Field", "Value", "Rules"], &["Rules"]), rows },
    }
}

/// The entity kinds with a list page: page name in `lists/`, title, and what it holds.
const KINDS: [(&str, &str, &str); 7] = [
    ("rules", "Rules", "Every rule file."),
    ("data_needed", "Data Needed", "Every Data Needed."),
    ("logging_policies", "Logging Policies", "Every Logging Policy."),
    ("enrichments", "Enrichments", "Every Enrichment."),
    ("triggers", "Triggers", "Every Atomic Red Team test file."),
    ("tactics", "Tactics", "Every ATT&CK tactic this catalog names."),
    ("techniques", "Techniques", "Every ATT&CK technique this catalog names."),
];

/// The page names of the entity kinds' list pages in `lists/`.
pub const KIND_LISTS: [&str; 7] =
    [KINDS[0].0, KINDS[1].0, KINDS[2].0, KINDS[3].0, KINDS[4].0, KINDS[5].0, KINDS[6].0];

/// The title of the list page `name` of [`KIND_LISTS`].
pub fn kind_title(name: &str) -> &'static str {
    KINDS.iter().find(|k| k.0 == name).map_or("", |k| k.1)
}

/// A list page of one entity kind, by its page name in `lists/` ([`KIND_LISTS`]).
pub fn kind_view(cx: &Context, name: &str) -> ListView {
    let c = cx.catalog;
    let table = match name {
        "rules" => rule_table(cx, &(0..c.rules.len()).collect::<Vec<usize>>()),
        "data_needed" => data_needed_table(cx),
        "logging_policies" => logging_policy_table(cx),
        "enrichments" => enrichment_table(cx),
        "triggers" => trigger_table(cx),
        "tactics" => tactic_table(cx),
        _ => technique_table(cx),
    };
    let (_, title, intro) = KINDS.iter().find(|k| k.0 == name).copied().unwrap_or(KINDS[6]);
    ListView { title: title.into(), intro: intro.into(), table }
}

/// The page name of the log source index in `lists/`.
pub const LOGSOURCES: &str = "logsources";

fn opt(value: &Option<String>) -> Cell {
    Cell::text(value.clone().unwrap_or_default())
}

fn data_needed_table(cx: &Context) -> TableView {
    let titles = ["Data Needed", "Platform", "Channel", "Provider", "Logging Policies", "Rules"];
    let rows = cx
        .catalog
        .data_needed
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::links(cx.data_needed(&[i])),
                opt(&e.item.platform),
                opt(&e.item.channel),
                opt(&e.item.provider),
                Cell::links(cx.logging_policies(&e.links.logging_policies)),
                Cell::count(e.links.rules.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Rules"]), rows }
}

fn logging_policy_table(cx: &Context) -> TableView {
    let titles = ["Logging Policy", "Default", "Volume", "Event ids", "Data Needed"];
    let rows = cx
        .catalog
        .logging_policies
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::links(cx.logging_policies(&[i])),
                opt(&e.item.default),
                opt(&e.item.volume),
                Cell::text(e.item.event_ids.join(", ")),
                Cell::count(e.links.data_needed.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Data Needed"]), rows }
}

fn enrichment_table(cx: &Context) -> TableView {
    let titles = ["Enrichment", "Data Needed", "Rules"];
    let rows = cx
        .catalog
        .enrichments
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::links(cx.enrichments(&[i])),
                Cell::links(cx.data_needed(&e.links.data_needed)),
                Cell::count(e.links.rules.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Rules"]), rows }
}

fn trigger_table(cx: &Context) -> TableView {
    let titles = ["Trigger", "Tests", "Platforms", "Rules"];
    let rows = cx
        .catalog
        .triggers
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut platforms: Vec<&str> =
                e.item.tests.iter().flat_map(|t| &t.platforms).map(String::as_str).collect();
            platforms.sort_unstable();
            platforms.dedup();
            vec![
                Cell::links(cx.triggers(&[i])),
                Cell::count(e.item.tests.len()),
                Cell::text(platforms.join(", ")),
                Cell::count(e.links.rules.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Tests", "Rules"]), rows }
}

fn tactic_table(cx: &Context) -> TableView {
    let titles = ["Tactic", "Techniques", "Rules", "Triggers"];
    let rows = cx
        .catalog
        .tactics
        .iter()
        .map(|p| {
            vec![
                Cell::links(cx.tactic_pages(std::slice::from_ref(&p.id))),
                Cell::count(p.links.techniques.len()),
                Cell::count(p.links.rules.len()),
                Cell::count(p.links.triggers.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Techniques", "Rules", "Triggers"]), rows }
}

fn technique_table(cx: &Context) -> TableView {
    let titles = ["Technique", "Tactics", "Rules", "Triggers"];
    let rows = cx
        .catalog
        .techniques
        .iter()
        .map(|p| {
            let tactics = p
                .links
                .tactics
                .iter()
                .map(|id| Link { text: id.clone(), url: cx.page(Folders::ATTACK, id) })
                .collect();
            vec![
                Cell::links(cx.technique_pages(std::slice::from_ref(&p.id))),
                Cell::links(tactics),
                Cell::count(p.links.rules.len()),
                Cell::count(p.links.triggers.len()),
            ]
        })
        .collect();
    TableView { columns: columns(&titles, &["Rules", "Triggers"]), rows }
}
