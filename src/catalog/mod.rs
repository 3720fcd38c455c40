//! The catalog: every entity with a page name and every link, in both directions.
//!
//! Linking happens here and only here: templates receive the links ready-made and never
//! re-derive a file name. Entities are referred to by their index in their kind's list;
//! every list of links is sorted and free of duplicates, so that output is deterministic.

pub mod coverage;
pub mod data_needed;
pub mod logsource;
mod scopes;
pub mod slug;
pub mod sources;
pub mod tags;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::attack::Attack;
use crate::diag::Diagnostic;
use crate::entities::{DataNeeded, Enrichment, LoggingPolicy, Scope, Trigger};
use crate::sigma::{RuleFile, RuleSet};

pub use sources::{load_sources, shown_path, SourceDirs, SourceRoots, Sources};
pub use tags::{RuleAttack, TechniqueTag};

/// Links from one entity to others, by index (or ATT&CK id).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Links {
    /// Rules (indices into [`Catalog::rules`]).
    pub rules: Vec<usize>,
    /// Data Needed entries.
    pub data_needed: Vec<usize>,
    /// Logging Policies.
    pub logging_policies: Vec<usize>,
    /// Enrichments.
    pub enrichments: Vec<usize>,
    /// Triggers.
    pub triggers: Vec<usize>,
    /// ATT&CK tactic ids that have a page.
    pub tactics: Vec<String>,
    /// ATT&CK technique ids that have a page.
    pub techniques: Vec<String>,
    /// Customers.
    pub customers: Vec<usize>,
    /// Use Cases.
    pub use_cases: Vec<usize>,
}

impl Links {
    fn tidy(&mut self) {
        for list in [
            &mut self.rules,
            &mut self.data_needed,
            &mut self.logging_policies,
            &mut self.enrichments,
            &mut self.triggers,
            &mut self.customers,
            &mut self.use_cases,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        self.tactics.sort();
        self.tactics.dedup();
        self.techniques.sort();
        self.techniques.dedup();
    }
}

/// One entity of the catalog: its page name, what it is, and its links.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// The page name, unique within the kind.
    pub slug: String,
    /// The parsed source.
    pub item: T,
    /// Links to and from other entities.
    pub links: Links,
}

/// A rule file with its resolved tags.
#[derive(Debug, Clone)]
pub struct RulePage {
    /// The parsed file.
    pub file: RuleFile,
    /// The tags of the whole file (all its rules), resolved.
    pub attack: RuleAttack,
}

impl RulePage {
    /// The rule set (every rule page has one).
    pub fn set(&self) -> &RuleSet {
        self.file.set.as_ref().expect("rule pages are made only from files with rules")
    }
}

/// An ATT&CK tactic or technique that something in the catalog names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttackPage {
    /// `TA0003` or `T1546.003`.
    pub id: String,
    /// What names it.
    pub links: Links,
}

/// The linked model.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The source folders (or files) of every kind that were read.
    pub source_roots: SourceRoots,
    /// Rule files with at least one rule, in path order.
    pub rules: Vec<Entry<RulePage>>,
    /// Data Needed entries.
    pub data_needed: Vec<Entry<DataNeeded>>,
    /// Logging Policies.
    pub logging_policies: Vec<Entry<LoggingPolicy>>,
    /// Enrichments.
    pub enrichments: Vec<Entry<Enrichment>>,
    /// Triggers.
    pub triggers: Vec<Entry<Trigger>>,
    /// Tactic pages, in id order.
    pub tactics: Vec<AttackPage>,
    /// Technique pages, in id order.
    pub techniques: Vec<AttackPage>,
    /// Customers.
    pub customers: Vec<Entry<Scope>>,
    /// Use Cases.
    pub use_cases: Vec<Entry<Scope>>,
    /// Problems found while loading and linking.
    pub diagnostics: Vec<Diagnostic>,
}

/// Links `sources` into a catalog.
pub fn link(sources: Sources, attack: &Attack) -> Catalog {
    let mut catalog = Catalog {
        source_roots: sources.source_roots,
        diagnostics: sources.diagnostics,
        ..Catalog::default()
    };
    let rule_files: Vec<RuleFile> = sources.rules.into_iter().filter(|f| f.set.is_some()).collect();
    catalog.rules = entries(
        "rule",
        rule_files,
        |f| (f.path.clone(), slug::stem_of(&f.path)),
        &mut catalog.diagnostics,
    )
    .into_iter()
    .map(|e| {
        let attack = RuleAttack::resolve(&all_tags(e.item.set.as_ref()), attack);
        Entry { slug: e.slug, item: RulePage { file: e.item, attack }, links: e.links }
    })
    .collect();
    catalog.data_needed =
        entries("Data Needed", sources.data_needed, |d| by_stem(&d.path), &mut catalog.diagnostics);
    catalog.logging_policies = entries(
        "Logging Policy",
        sources.logging_policies,
        |l| by_stem(&l.path),
        &mut catalog.diagnostics,
    );
    catalog.enrichments =
        entries("Enrichment", sources.enrichments, |e| by_stem(&e.path), &mut catalog.diagnostics);
    catalog.triggers = entries(
        "trigger",
        sources.triggers,
        |t| (t.path.clone(), slug::sanitize(&t.technique)),
        &mut catalog.diagnostics,
    );
    catalog.customers =
        entries("Customer", sources.customers, |c| by_stem(&c.path), &mut catalog.diagnostics);
    catalog.use_cases =
        entries("Use Case", sources.use_cases, |u| by_stem(&u.path), &mut catalog.diagnostics);
    link_all(&mut catalog, attack);
    catalog
}

fn by_stem(path: &Path) -> (PathBuf, String) {
    (path.to_path_buf(), slug::stem_of(path))
}

fn all_tags(set: Option<&RuleSet>) -> Vec<String> {
    let Some(set) = set else { return Vec::new() };
    let mut tags: Vec<String> = set.meta().tags.clone();
    for rule in set.rules() {
        tags.extend(rule.meta.tags.iter().cloned());
    }
    tags
}

fn entries<T>(
    kind: &str,
    items: Vec<T>,
    name: impl Fn(&T) -> (PathBuf, String),
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Entry<T>> {
    let wanted: Vec<(PathBuf, String)> = items.iter().map(name).collect();
    let slugs = slug::assign(kind, &wanted, diagnostics);
    items
        .into_iter()
        .zip(slugs)
        .map(|(item, slug)| Entry { slug, item, links: Links::default() })
        .collect()
}

fn link_all(catalog: &mut Catalog, attack: &Attack) {
    link_rules_to_data_needed(catalog);
    link_references(catalog);
    link_correlations(catalog);
    link_attack(catalog, attack);
    scopes::link_scopes(catalog);
    for links in catalog.links_mut() {
        links.tidy();
    }
}

impl Catalog {
    fn links_mut(&mut self) -> impl Iterator<Item = &mut Links> {
        self.rules
            .iter_mut()
            .map(|e| &mut e.links)
            .chain(self.data_needed.iter_mut().map(|e| &mut e.links))
            .chain(self.logging_policies.iter_mut().map(|e| &mut e.links))
            .chain(self.enrichments.iter_mut().map(|e| &mut e.links))
            .chain(self.triggers.iter_mut().map(|e| &mut e.links))
            .chain(self.tactics.iter_mut().map(|p| &mut p.links))
            .chain(self.techniques.iter_mut().map(|p| &mut p.links))
            .chain(self.customers.iter_mut().map(|e| &mut e.links))
            .chain(self.use_cases.iter_mut().map(|e| &mut e.links))
    }
}

fn link_rules_to_data_needed(catalog: &mut Catalog) {
    let table = logsource::LogsourceTable::embedded();
    let keys: Vec<data_needed::DnKey> =
        catalog.data_needed.iter().map(|e| data_needed::DnKey::of(&e.item)).collect();
    for r in 0..catalog.rules.len() {
        let matched: Vec<usize> = catalog.rules[r]
            .item
            .set()
            .rules()
            .iter()
            .flat_map(|rule| data_needed::match_rule(rule, table, &keys))
            .collect();
        for d in matched {
            catalog.rules[r].links.data_needed.push(d);
            catalog.data_needed[d].links.rules.push(r);
        }
    }
}

/// Links made by name: Data Needed → Logging Policy, rule → Enrichment, Enrichment → Data
/// Needed and → Enrichment. A name that matches nothing is a warning, never a dead link.
fn link_references(catalog: &mut Catalog) {
    let lp_by_title = titles(catalog.logging_policies.iter().map(|e| (&e.item.title, &e.slug)));
    let dn_by_title = titles(catalog.data_needed.iter().map(|e| (&e.item.title, &e.slug)));
    let en_by_title = titles(catalog.enrichments.iter().map(|e| (&e.item.title, &e.slug)));
    let mut unknown = Vec::new();
    for d in 0..catalog.data_needed.len() {
        let dn = &catalog.data_needed[d].item;
        for (lp, _) in
            resolve(&dn.logging_policies, &lp_by_title, &dn.path, "Logging Policy", &mut unknown)
        {
            catalog.data_needed[d].links.logging_policies.push(lp);
            catalog.logging_policies[lp].links.data_needed.push(d);
        }
    }
    for r in 0..catalog.rules.len() {
        let file = &catalog.rules[r].item.file;
        let names: Vec<String> = file
            .set
            .iter()
            .flat_map(|s| s.rules())
            .flat_map(|rule| rule.meta.enrichment.clone())
            .collect();
        for (en, _) in resolve(&names, &en_by_title, &file.path, "Enrichment", &mut unknown) {
            catalog.rules[r].links.enrichments.push(en);
            catalog.enrichments[en].links.rules.push(r);
        }
    }
    for e in 0..catalog.enrichments.len() {
        let en = &catalog.enrichments[e].item;
        let dn_names: Vec<String> =
            en.data_needed.iter().chain(&en.data_to_enrich).cloned().collect();
        let (requirements, path) = (en.requirements.clone(), en.path.clone());
        for (dn, _) in resolve(&dn_names, &dn_by_title, &path, "Data Needed", &mut unknown) {
            catalog.enrichments[e].links.data_needed.push(dn);
            catalog.data_needed[dn].links.enrichments.push(e);
        }
        for (other, _) in resolve(&requirements, &en_by_title, &path, "Enrichment", &mut unknown) {
            catalog.enrichments[e].links.enrichments.push(other);
        }
    }
    catalog.diagnostics.append(&mut unknown);
}

/// Correlation rule ↔ the rule files that define its base rules (by id or name). A name
/// that no rule has is a warning.
fn link_correlations(catalog: &mut Catalog) {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, entry) in catalog.rules.iter().enumerate() {
        for rule in entry.item.set().rules() {
            for key in rule.meta.id.iter().chain(rule.meta.name.iter()) {
                by_name.entry(key.clone()).or_insert(i);
            }
        }
    }
    for r in 0..catalog.rules.len() {
        let RuleSet::Correlation { correlation, .. } = catalog.rules[r].item.set() else {
            continue;
        };
        let path = catalog.rules[r].item.file.path.clone();
        let names = correlation.rules.clone();
        let mut unknown = Vec::new();
        for (base, _) in resolve(&names, &by_name, &path, "rule", &mut unknown) {
            if base != r {
                catalog.rules[r].links.rules.push(base);
                catalog.rules[base].links.rules.push(r);
            }
        }
        catalog.diagnostics.append(&mut unknown);
    }
}

/// Title → index; a file stem is accepted as well as the title (they are meant to agree).
pub(crate) fn titles<'a>(
    items: impl Iterator<Item = (&'a String, &'a String)>,
) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, (title, slug)) in items.enumerate() {
        map.entry(slug.clone()).or_insert(i);
        map.insert(title.trim().to_string(), i);
    }
    map
}

pub(crate) fn resolve(
    names: &[String],
    index: &HashMap<String, usize>,
    from: &Path,
    kind: &str,
    unknown: &mut Vec<Diagnostic>,
) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for name in names {
        match index.get(name.trim()) {
            Some(&i) => found.push((i, name.clone())),
            None => unknown.push(
                Diagnostic::warning(
                    from,
                    "unknown-reference",
                    format!("names {kind} `{name}`, which no file defines"),
                )
                .at(line_naming(from, name)),
            ),
        }
    }
    found
}

/// The first line of `path` that holds `name`. The file is read again only on this rare
/// warning path, which keeps the linked model free of source positions for every name.
pub(crate) fn line_naming(path: &Path, name: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let name = name.trim();
    // The line whose value is the name (`- name`, `key: 'name'`, a trailing comment allowed)
    // comes first; a line that merely mentions it (a description) only when none is.
    let is_value = |line: &str| {
        let line = line.split(" #").next().unwrap_or(line).trim();
        let value = line.strip_prefix("- ").or_else(|| line.split_once(": ").map(|(_, v)| v));
        value.is_some_and(|v| v.trim().trim_matches(|c| c == '\'' || c == '"') == name)
    };
    let found = text.lines().position(is_value);
    found.or_else(|| text.lines().position(|line| line.contains(name))).map(|i| i + 1)
}

/// Rule → tactic and technique pages, rule → triggers (by the current technique id), and
/// trigger → technique pages.
fn link_attack(catalog: &mut Catalog, attack: &Attack) {
    let mut tactics: BTreeMap<String, Links> = BTreeMap::new();
    let mut techniques: BTreeMap<String, Links> = BTreeMap::new();
    let mut trigger_by_technique: HashMap<String, Vec<usize>> = HashMap::new();
    for (t, entry) in catalog.triggers.iter_mut().enumerate() {
        let id = current_id(&entry.item.technique, attack);
        if attack.technique(&id).is_none() {
            let message = format!("technique {id} is not in ATT&CK v19.1");
            let warning = Diagnostic::warning(&entry.item.path, "unknown-technique", message);
            catalog.diagnostics.push(warning.at(line_naming(&entry.item.path, &id)));
        }
        trigger_by_technique.entry(id.clone()).or_default().push(t);
        techniques.entry(id.clone()).or_default().triggers.push(t);
        entry.links.techniques.push(id.clone());
        for tactic in tactics_of(&id, attack) {
            tactics.entry(tactic).or_default().triggers.push(t);
        }
    }
    for (r, entry) in catalog.rules.iter_mut().enumerate() {
        for tactic in &entry.item.attack.tactics {
            tactics.entry(tactic.clone()).or_default().rules.push(r);
            entry.links.tactics.push(tactic.clone());
        }
        let current: BTreeSet<String> =
            entry.item.attack.current_techniques().map(String::from).collect();
        for id in current {
            techniques.entry(id.clone()).or_default().rules.push(r);
            entry.links.techniques.push(id.clone());
            for &t in trigger_by_technique.get(&id).into_iter().flatten() {
                entry.links.triggers.push(t);
                catalog.triggers[t].links.rules.push(r);
            }
        }
    }
    link_tactics_and_techniques(&mut tactics, &mut techniques, attack);
    catalog.tactics = tactics.into_iter().map(|(id, links)| AttackPage { id, links }).collect();
    catalog.techniques =
        techniques.into_iter().map(|(id, links)| AttackPage { id, links }).collect();
}

/// Tactic page ↔ technique page, for the techniques of this catalog under each tactic of it.
fn link_tactics_and_techniques(
    tactics: &mut BTreeMap<String, Links>,
    techniques: &mut BTreeMap<String, Links>,
    attack: &Attack,
) {
    for (id, technique_links) in techniques.iter_mut() {
        for tactic in tactics_of(id, attack) {
            if let Some(tactic_links) = tactics.get_mut(&tactic) {
                tactic_links.techniques.push(id.clone());
                technique_links.tactics.push(tactic);
            }
        }
    }
}

fn current_id(technique: &str, attack: &Attack) -> String {
    let id = technique.trim().to_ascii_uppercase();
    attack.successor(&id).map_or(id, |s| s.id.clone())
}

fn tactics_of(technique: &str, attack: &Attack) -> Vec<String> {
    let Some(t) = attack.technique(technique) else { return Vec::new() };
    t.tactics.iter().filter_map(|s| attack.tactic_by_shortname(s)).map(|t| t.id.clone()).collect()
}
