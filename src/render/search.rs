//! The search page of the HTML catalog and the index it searches, both made at build time.
//!
//! The index is written as `assets/search-index.js`, a script that assigns
//! `window.DETCAT_INDEX`: a page opened from `file://` may load a script beside it but may not
//! `fetch` a JSON file. It is compact because the full SigmaHQ corpus must stay under 3 MB:
//! values that repeat (levels, statuses, tactics, log sources, techniques) are listed once
//! and referred to by position, each rule is an array, and a rule's searchable words are one
//! string of distinct lower-case tokens. The search itself (scoring, filters, the URL) is
//! `templates/assets/search.js`; this module only decides what is searchable.
//!
//! The index, with its short keys:
//!
//! | key | what |
//! | --- | --- |
//! | `v` | the format version, [`VERSION`] |
//! | `lv`, `st` | levels and statuses |
//! | `ta` | tactics, as `[id, name]` |
//! | `ls` | log sources, as `product / category / service` |
//! | `te` | technique ids, as the rules count them (a revoked id under its successor) |
//! | `tg` | query targets, as `[id, name]`; target `i` is bit `i + 1` of a rule's flags |
//! | `r` | rules: `[page, title, level, status, [tactic], [log source], [technique], flags, words]` |
//!
//! `page` is the rule page's file stem under `rules/`; level and status are positions in
//! `lv` and `st` (-1 when the rule has none); the lists hold positions in `ta`, `ls`, `te`;
//! bit 0 of `flags` says the rule has Data Needed. `words` are the tokens of the description,
//! tags, id, page name, log source, detection field names and detection values that the
//! title does not already hold, sorted, without a token that merely begins another.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::views::Context;
use super::{Page, Templates};
use crate::attack::Attack;
use crate::build::DocQueries;
use crate::catalog::{slug, Catalog, Entry, RulePage};
use crate::convert::Target;
use crate::sigma::value::Value;
use crate::sigma::{Logsource, Rule, RuleSet};

/// Where the index is written, relative to the output root.
pub const INDEX_SCRIPT: &str = "assets/search-index.js";

/// The search page's file name, at the output root.
pub const PAGE: &str = "search.html";

/// The version of the index format, bumped when its shape changes.
pub const VERSION: u32 = 1;

/// Tokens are cut to this many characters: a query of up to this length still finds them by
/// prefix, and long encoded blobs (base64 in detection values) stop costing space.
pub const MAX_TOKEN: usize = 24;

/// Levels in the order a reader ranks them; others follow alphabetically.
const LEVEL_ORDER: [&str; 5] = ["informational", "low", "medium", "high", "critical"];

/// The whole index, as the script assigns it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchIndex {
    /// Format version.
    pub v: u32,
    /// Levels.
    pub lv: Vec<String>,
    /// Statuses.
    pub st: Vec<String>,
    /// Tactics, as `(id, name)`.
    pub ta: Vec<(String, String)>,
    /// Log sources.
    pub ls: Vec<String>,
    /// Technique ids.
    pub te: Vec<String>,
    /// Targets, as `(id, name)`.
    pub tg: Vec<(&'static str, &'static str)>,
    /// One entry per rule page, in page order.
    pub r: Vec<IndexEntry>,
}

/// One rule page in the index; serialized as an array to keep the file small.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry(
    /// Page file stem under `rules/`.
    pub String,
    /// Title.
    pub String,
    /// Level position, or -1.
    pub i32,
    /// Status position, or -1.
    pub i32,
    /// Tactic positions.
    pub Vec<u32>,
    /// Log source positions.
    pub Vec<u32>,
    /// Technique positions.
    pub Vec<u32>,
    /// Bit 0: has Data Needed; bit `i + 1`: converts to target `i`.
    pub u32,
    /// Searchable words beyond the title.
    pub String,
);

impl IndexEntry {
    /// The page file stem.
    pub fn page(&self) -> &str {
        &self.0
    }

    /// The searchable words beyond the title.
    pub fn words(&self) -> &str {
        &self.8
    }
}

/// An option of a filter on the search page.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOption {
    /// What the URL and the script call it: the level, the tactic id, the target id.
    pub value: String,
    /// What the reader sees.
    pub label: String,
}

/// The search page's view: the filter choices, drawn from the same lists as the index.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// Rule pages in the index.
    pub rules: usize,
    /// Levels, by rank.
    pub levels: Vec<FilterOption>,
    /// Statuses.
    pub statuses: Vec<FilterOption>,
    /// Tactics.
    pub tactics: Vec<FilterOption>,
    /// Log sources.
    pub logsources: Vec<FilterOption>,
    /// Query targets.
    pub targets: Vec<FilterOption>,
    /// The index script, relative to the page.
    pub index_script: String,
    /// The search script, relative to the page.
    pub search_script: String,
}

/// The search page and its index, for a build that writes HTML pages.
pub fn pages(
    catalog: &Catalog,
    queries: &[Vec<DocQueries>],
    attack: &Attack,
    templates: &Templates,
) -> anyhow::Result<Vec<Page>> {
    let cx = Context { catalog, attack, ext: "html", root: "" };
    let index = index(&cx, queries);
    let html = templates.render_page(&cx, "search", &view(&index))?;
    Ok(vec![
        Page { kind: "search", path: PathBuf::from(PAGE), content: html },
        Page { kind: "asset", path: PathBuf::from(INDEX_SCRIPT), content: script(&index)? },
    ])
}

/// The index as a script that assigns `window.DETCAT_INDEX`.
pub fn script(index: &SearchIndex) -> anyhow::Result<String> {
    Ok(format!("window.DETCAT_INDEX={};\n", serde_json::to_string(index)?))
}

/// The search page's view of `index`.
pub fn view(index: &SearchIndex) -> SearchView {
    let option =
        |value: &str, label: &str| FilterOption { value: value.into(), label: label.into() };
    let same = |values: &[String]| values.iter().map(|v| option(v, v)).collect();
    SearchView {
        rules: index.r.len(),
        levels: same(&index.lv),
        statuses: same(&index.st),
        tactics: index.ta.iter().map(|(id, name)| option(id, &format!("{id}: {name}"))).collect(),
        logsources: same(&index.ls),
        targets: index.tg.iter().map(|(id, name)| option(id, name)).collect(),
        index_script: INDEX_SCRIPT.to_string(),
        search_script: super::html::SEARCH_SCRIPT.to_string(),
    }
}

/// Builds the index of every rule page of the catalog.
pub fn index(cx: &Context, queries: &[Vec<DocQueries>]) -> SearchIndex {
    let rules = &cx.catalog.rules;
    let dicts = Dicts::collect(cx);
    // Tokenizing every rule's text is most of the work; rules are independent.
    let r = rules.par_iter().zip(queries).map(|(entry, q)| dicts.entry(cx, entry, q)).collect();
    let ta = dicts.tactics.values.iter().map(|id| (id.clone(), tactic_name(cx, id))).collect();
    SearchIndex {
        v: VERSION,
        lv: dicts.levels.values.clone(),
        st: dicts.statuses.values.clone(),
        ta,
        ls: dicts.logsources.values.clone(),
        te: dicts.techniques.values.clone(),
        tg: Target::ALL.iter().map(|t| (t.id(), t.display_name())).collect(),
        r,
    }
}

fn tactic_name(cx: &Context, id: &str) -> String {
    cx.attack.tactic(id).map(|t| t.name.clone()).unwrap_or_default()
}

/// Distinct values in a fixed order, each found by its position.
#[derive(Default)]
struct Dict {
    values: Vec<String>,
    positions: HashMap<String, u32>,
}

impl Dict {
    fn new(values: impl IntoIterator<Item = String>) -> Dict {
        let values: Vec<String> = values.into_iter().collect();
        let positions = (0..).zip(&values).map(|(i, v)| (v.clone(), i)).collect();
        Dict { values, positions }
    }

    fn position(&self, value: &str) -> Option<u32> {
        self.positions.get(value).copied()
    }

    fn positions<'a>(&self, values: impl IntoIterator<Item = &'a String>) -> Vec<u32> {
        values.into_iter().filter_map(|v| self.position(v)).collect()
    }
}

/// The lists of the index, gathered from every rule first so that each is sorted.
struct Dicts {
    levels: Dict,
    statuses: Dict,
    tactics: Dict,
    logsources: Dict,
    techniques: Dict,
}

impl Dicts {
    fn collect(cx: &Context) -> Dicts {
        let mut sets: [BTreeSet<String>; 5] = Default::default();
        for entry in &cx.catalog.rules {
            let meta = entry.item.set().meta();
            sets[0].extend(meta.level.as_deref().map(normalize));
            sets[1].extend(meta.status.as_deref().map(normalize));
            sets[2].extend(entry.item.attack.tactics.iter().cloned());
            sets[3].extend(logsources(entry.item.set()));
            sets[4].extend(entry.item.attack.current_techniques().map(String::from));
        }
        let [levels, statuses, tactics, logsources, techniques] = sets;
        let mut levels: Vec<String> = levels.into_iter().collect();
        levels.sort_by_key(|l| (LEVEL_ORDER.iter().position(|o| o == l).unwrap_or(99), l.clone()));
        Dicts {
            levels: Dict::new(levels),
            statuses: Dict::new(statuses),
            tactics: Dict::new(tactics),
            logsources: Dict::new(logsources),
            techniques: Dict::new(techniques),
        }
    }

    fn entry(&self, cx: &Context, entry: &Entry<RulePage>, queries: &[DocQueries]) -> IndexEntry {
        let set = entry.item.set();
        let meta = set.meta();
        let title =
            if meta.title.trim().is_empty() { entry.slug.clone() } else { meta.title.clone() };
        let position = |dict: &Dict, v: &Option<String>| {
            v.as_deref().and_then(|v| dict.position(&normalize(v))).map_or(-1, |p| p as i32)
        };
        let attack = &entry.item.attack;
        let techniques: Vec<String> = attack.current_techniques().map(String::from).collect();
        let has_dn = u32::from(!entry.links.data_needed.is_empty());
        IndexEntry(
            slug::sanitize(&entry.slug),
            title.clone(),
            position(&self.levels, &meta.level),
            position(&self.statuses, &meta.status),
            self.tactics.positions(&attack.tactics),
            self.logsources.positions(&logsources(set)),
            self.techniques.positions(&techniques),
            has_dn | convertible_flags(queries),
            words(&title, &searchable_text(cx, entry)),
        )
    }
}

/// Levels and statuses are compared without case or surrounding space.
fn normalize(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Bit `i + 1` for each target `i` that every rule of the file converts to.
fn convertible_flags(queries: &[DocQueries]) -> u32 {
    let converts = |t: Target| {
        queries
            .iter()
            .flat_map(|d| &d.results)
            .filter(|(target, _)| *target == t)
            .all(|(_, r)| r.is_ok())
    };
    (1..).zip(Target::ALL).filter(|(_, t)| converts(*t)).fold(0, |flags, (bit, _)| flags | 1 << bit)
}

/// The distinct log sources of the file's rules, as `product / category / service`.
fn logsources(set: &RuleSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in set.rules().iter().map(|r| logsource_label(&r.logsource)) {
        if !text.is_empty() && !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

fn logsource_label(logsource: &Logsource) -> String {
    let parts = [&logsource.product, &logsource.category, &logsource.service];
    let named: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).map(str::trim).collect();
    named.join(" / ")
}

/// Everything searchable of a rule page but its title, as one text to tokenize.
fn searchable_text(cx: &Context, entry: &Entry<RulePage>) -> String {
    let set = entry.item.set();
    let meta = set.meta();
    let mut text = vec![entry.slug.clone()];
    text.extend(meta.description.clone());
    text.extend(meta.tags.iter().cloned());
    text.extend(entry.item.attack.current_techniques().map(String::from));
    text.extend(entry.item.attack.tactics.iter().map(|id| tactic_name(cx, id)));
    for rule in set.rules() {
        text.extend(rule.meta.id.clone());
        text.extend(logsource_words(&rule.logsource));
        text.extend(rule.detection.field_names());
        text.extend(detection_values(rule));
    }
    if let RuleSet::Correlation { correlation, .. } = set {
        text.extend(correlation.meta.id.clone());
        text.extend(correlation.group_by.iter().cloned());
    }
    text.join(" ")
}

fn logsource_words(logsource: &Logsource) -> Vec<String> {
    let parts =
        [&logsource.product, &logsource.category, &logsource.service, &logsource.definition];
    parts.into_iter().flatten().cloned().collect()
}

/// The text of every value a rule's detection matches: literal text, patterns, numbers.
fn detection_values(rule: &Rule) -> Vec<String> {
    let items = rule.detection.selections().iter().flat_map(|s| s.branches.iter().flatten());
    let values = items.flat_map(|item| item.values.iter().flatten());
    values.filter_map(value_text).collect()
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.to_sigma()),
        Value::Regex(r) => Some(r.pattern.clone()),
        Value::Number(n) => Some(n.text.clone()),
        Value::FieldRef { field, .. } => Some(field.clone()),
        _ => None,
    }
}

/// The tokens of `text` as the search page splits a query: lower case, split at every
/// character that is not a letter or a digit, cut to [`MAX_TOKEN`] characters.
pub fn tokenize(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().take(MAX_TOKEN).collect())
}

/// The distinct tokens of `text` of two characters or more that are not in `title`, sorted,
/// without a token that begins another (a prefix search finds the longer one anyway).
fn words(title: &str, text: &str) -> String {
    let in_title: BTreeSet<String> = tokenize(title).collect();
    let tokens: BTreeSet<String> =
        tokenize(text).filter(|t| t.chars().count() > 1 && !in_title.contains(t)).collect();
    let tokens: Vec<&String> = tokens.iter().collect();
    let kept = tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| tokens.get(i + 1).is_none_or(|next| !next.starts_with(t.as_str())));
    kept.map(|(_, t)| t.as_str()).collect::<Vec<&str>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::exports::tests::fixture;

    fn fixture_index() -> SearchIndex {
        let (catalog, queries, attack) = fixture();
        let cx = Context { catalog: &catalog, attack: &attack, ext: "html", root: "" };
        index(&cx, &queries)
    }

    #[test]
    fn words_are_distinct_sorted_and_leave_out_the_title_and_prefixes() {
        let text = "Detects WMI wbemcons.dll wbem C:\\Windows\\System32\\wbem x WmiPrvSE.exe";
        assert_eq!(
            words("WMI Persistence", text),
            "detects dll exe system32 wbemcons windows wmiprvse"
        );
        let long = "A".repeat(40);
        assert_eq!(words("", &long), "a".repeat(MAX_TOKEN));
    }

    #[test]
    fn the_index_encodes_repeated_values_once() {
        let index = fixture_index();
        assert!(!index.r.is_empty());
        for list in [&index.lv, &index.st, &index.ls, &index.te] {
            let distinct: BTreeSet<&String> = list.iter().collect();
            assert_eq!(distinct.len(), list.len(), "{list:?} repeats a value");
        }
        for e in &index.r {
            assert!(e.2 < index.lv.len() as i32 && e.3 < index.st.len() as i32);
            assert!(e.4.iter().all(|&t| (t as usize) < index.ta.len()));
            assert!(e.5.iter().all(|&l| (l as usize) < index.ls.len()));
            assert!(e.6.iter().all(|&t| (t as usize) < index.te.len()));
        }
        let levels: Vec<&str> = index.lv.iter().map(String::as_str).collect();
        let mut ranked = levels.clone();
        ranked.sort_by_key(|l| LEVEL_ORDER.iter().position(|o| o == l));
        assert_eq!(levels, ranked, "levels are listed by rank");
    }

    #[test]
    fn an_entry_holds_what_its_rule_says() {
        let (catalog, queries, attack) = fixture();
        let cx = Context { catalog: &catalog, attack: &attack, ext: "html", root: "" };
        let index = index(&cx, &queries);
        for (entry, rule) in index.r.iter().zip(&catalog.rules) {
            assert_eq!(entry.page(), rule.slug);
            let set = rule.item.set();
            let fields = set.rules().iter().flat_map(|r| r.detection.field_names());
            for field in fields {
                let token = tokenize(&field).next().unwrap();
                let found = entry
                    .words()
                    .split(' ')
                    .chain(tokenize(&entry.1).collect::<Vec<_>>().iter().map(String::as_str))
                    .any(|w| w.starts_with(&token));
                assert!(found, "{}: field {field} is not searchable", rule.slug);
            }
            let has_dn = !rule.links.data_needed.is_empty();
            assert_eq!(entry.7 & 1 == 1, has_dn, "{}", rule.slug);
            let level = set.meta().level.as_deref().map(normalize);
            assert_eq!(level.as_ref(), usize::try_from(entry.2).ok().map(|i| &index.lv[i]));
        }
    }

    #[test]
    fn the_script_assigns_the_index_and_stays_small_on_the_example_catalog() {
        let index = fixture_index();
        let script = script(&index).unwrap();
        let json =
            script.strip_prefix("window.DETCAT_INDEX=").unwrap().strip_suffix(";\n").unwrap();
        let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(parsed["r"].as_array().unwrap().len(), index.r.len());
        assert_eq!(parsed["v"], VERSION);
        let per_rule = script.len() / index.r.len();
        assert!(per_rule < 800, "{per_rule} bytes per rule: the corpus would pass 3 MB");
    }

    #[test]
    fn the_search_script_cuts_query_words_where_the_index_cuts_tokens() {
        // A query word longer than an index token must be cut the same way, or it never
        // matches as a prefix.
        let script = crate::render::html::ASSETS
            .iter()
            .find(|(p, _)| *p == crate::render::html::SEARCH_SCRIPT);
        let text = script.expect("the search script is an asset").1;
        assert!(text.contains(&format!("var MAX_TOKEN = {MAX_TOKEN};")), "MAX_TOKEN differs");
    }

    #[test]
    fn the_view_offers_every_listed_value() {
        let index = fixture_index();
        let view = view(&index);
        assert_eq!(view.levels.len(), index.lv.len());
        assert_eq!(view.logsources.len(), index.ls.len());
        let targets: Vec<&str> = view.targets.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(targets, ["lucene", "watcher", "graylog"]);
        assert_eq!(view.index_script, INDEX_SCRIPT);
    }
}
