//! Template views: plain, serialisable structs built from the catalog for one page each.
//!
//! Templates never see the model or raw YAML; they get ready text and ready relative URLs.
//! Every entity page sits one folder below the output root, so links between pages are
//! `../<kind>/<name>.<ext>`; the index links `<kind>/<name>.<ext>`, where `ext` is the
//! extension of the page format being rendered (`md` or `html`).

use serde::Serialize;

use super::lists::{rule_table, TableView};
use crate::attack::{Attack, Tag};
use crate::build::DocQueries;
use crate::catalog::{shown_path, slug, AttackPage, Catalog, Entry, Links, RulePage, TechniqueTag};
use crate::diag::Diagnostic;
use crate::sigma::RuleSet;

/// A link: its text and its target.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// What the reader sees.
    pub text: String,
    /// Where it goes: a relative page path or an ATT&CK URL.
    pub url: String,
}

/// Where pages of each kind live, relative to the output root.
pub struct Folders;

impl Folders {
    /// Rule pages.
    pub const RULES: &'static str = "rules";
    /// Data Needed pages.
    pub const DATA_NEEDED: &'static str = "data_needed";
    /// Logging Policy pages.
    pub const LOGGING_POLICIES: &'static str = "logging_policies";
    /// Enrichment pages.
    pub const ENRICHMENTS: &'static str = "enrichments";
    /// Trigger pages.
    pub const TRIGGERS: &'static str = "triggers";
    /// Tactic and technique pages.
    pub const ATTACK: &'static str = "attack";
    /// Customer pages.
    pub const CUSTOMERS: &'static str = "customers";
    /// Use Case pages.
    pub const USE_CASES: &'static str = "use_cases";
    /// List pages.
    pub const LISTS: &'static str = "lists";
    /// The ATT&CK matrices of Customers and Use Cases.
    pub const COVERAGE: &'static str = "coverage";
}

/// What every view builder needs.
pub struct Context<'a> {
    /// The linked model.
    pub catalog: &'a Catalog,
    /// ATT&CK, for names.
    pub attack: &'a Attack,
    /// File extension of pages (`md` or `html`), so that pages link within their format.
    pub ext: &'a str,
    /// How to reach the output root from the page being built (`../` or ``).
    pub root: &'a str,
}

impl Context<'_> {
    /// The relative URL of a page. The slug passes through [`slug::sanitize`] here, as it
    /// does where the page file is written, so that an id that never went through the
    /// catalog's naming (an ATT&CK page id) can neither leave the folder nor break a link.
    pub fn page(&self, folder: &str, slug: &str) -> String {
        format!("{}{folder}/{}.{}", self.root, slug::sanitize(slug), self.ext)
    }

    /// Links to the rules at `indices`.
    pub fn rules(&self, indices: &[usize]) -> Vec<Link> {
        let rules = &self.catalog.rules;
        indices.iter().map(|&i| self.rule_link(&rules[i])).collect()
    }

    /// A link to a rule page, under the rule's title.
    pub fn rule_link(&self, entry: &Entry<RulePage>) -> Link {
        let title = &entry.item.set().meta().title;
        let text = if title.is_empty() { entry.slug.clone() } else { title.clone() };
        Link { text, url: self.page(Folders::RULES, &entry.slug) }
    }

    /// Links to the Data Needed entries at `indices`.
    pub fn data_needed(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.data_needed;
        indices
            .iter()
            .map(|&i| self.titled(Folders::DATA_NEEDED, &list[i].slug, &list[i].item.title))
            .collect()
    }

    /// Links to the Logging Policies at `indices`.
    pub fn logging_policies(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.logging_policies;
        indices
            .iter()
            .map(|&i| self.titled(Folders::LOGGING_POLICIES, &list[i].slug, &list[i].item.title))
            .collect()
    }

    /// Links to the Enrichments at `indices`.
    pub fn enrichments(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.enrichments;
        indices
            .iter()
            .map(|&i| self.titled(Folders::ENRICHMENTS, &list[i].slug, &list[i].item.title))
            .collect()
    }

    /// Links to the triggers at `indices`.
    pub fn triggers(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.triggers;
        indices
            .iter()
            .map(|&i| {
                let trigger = &list[i].item;
                let name = self.technique_name(&trigger.technique).unwrap_or(&trigger.display_name);
                let text = format!("{}: {name}", trigger.technique);
                Link { text, url: self.page(Folders::TRIGGERS, &list[i].slug) }
            })
            .collect()
    }

    /// Links to the Customers at `indices`, by customer name.
    pub fn customers(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.customers;
        indices
            .iter()
            .map(|&i| self.titled(Folders::CUSTOMERS, &list[i].slug, &list[i].item.name))
            .collect()
    }

    /// Links to the Use Cases at `indices`, by use case name.
    pub fn use_cases(&self, indices: &[usize]) -> Vec<Link> {
        let list = &self.catalog.use_cases;
        indices
            .iter()
            .map(|&i| self.titled(Folders::USE_CASES, &list[i].slug, &list[i].item.name))
            .collect()
    }

    fn titled(&self, folder: &str, slug: &str, title: &str) -> Link {
        let text =
            if title.trim().is_empty() { slug.to_string() } else { title.trim().to_string() };
        Link { text, url: self.page(folder, slug) }
    }

    /// A technique's ATT&CK name.
    pub fn technique_name(&self, id: &str) -> Option<&str> {
        self.attack.technique(id).map(|t| t.name.as_str())
    }

    /// Links to the tactics `ids`: this catalog's page when it has one, else attack.mitre.org.
    pub fn tactic_pages(&self, ids: &[String]) -> Vec<Link> {
        let local = |id: &String| self.catalog.tactics.iter().any(|p| &p.id == id);
        let url = |id: &String| match local(id) {
            true => self.page(Folders::ATTACK, id),
            false => self.attack.tactic(id).map(|t| t.url()).unwrap_or_default(),
        };
        ids.iter().map(|id| Link { text: self.tactic_text(id), url: url(id) }).collect()
    }

    /// Links to the techniques `ids`: this catalog's page when it has one, else
    /// attack.mitre.org.
    pub fn technique_pages(&self, ids: &[String]) -> Vec<Link> {
        let local = |id: &String| self.catalog.techniques.iter().any(|p| &p.id == id);
        let url = |id: &String| match local(id) {
            true => self.page(Folders::ATTACK, id),
            false => self.attack.technique(id).map(|t| t.url()).unwrap_or_default(),
        };
        ids.iter().map(|id| Link { text: self.technique_text(id), url: url(id) }).collect()
    }

    /// `TA0003: Persistence`.
    pub fn tactic_text(&self, id: &str) -> String {
        match self.attack.tactic(id) {
            Some(t) => format!("{id}: {}", t.name),
            None => id.to_string(),
        }
    }

    /// `T1546.003: Windows Management Instrumentation Event Subscription`.
    pub fn technique_text(&self, id: &str) -> String {
        match self.technique_name(id) {
            Some(name) => format!("{id}: {name}"),
            None => id.to_string(),
        }
    }
}

/// One ATT&CK reference on a rule page: the external link and the local page.
#[derive(Debug, Clone, Serialize)]
pub struct AttackRef {
    /// `TA0003: Persistence`, or for a revoked technique its old id, name and successor.
    pub text: String,
    /// attack.mitre.org (the successor's page for a revoked technique).
    pub url: String,
    /// This catalog's page for it, when there is one.
    pub page: Option<String>,
}

/// One query block.
#[derive(Debug, Clone, Serialize)]
pub struct QueryView {
    /// The target's short id.
    pub target: &'static str,
    /// The target's name, such as Kibana.
    pub name: &'static str,
    /// The code fence language.
    pub language: &'static str,
    /// The query, when the rule converts.
    pub query: Option<String>,
    /// `not convertible to <target>: <reason>`, when it does not.
    pub not_convertible: Option<String>,
}

/// One rule of a page (a collection has several) with its queries.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    /// The rule's title.
    pub title: String,
    /// Its id.
    pub id: Option<String>,
    /// Its log source, as `product / category / service`.
    pub logsource: String,
    /// Its queries, one per target.
    pub queries: Vec<QueryView>,
}

/// The correlation part of a correlation rule's page.
#[derive(Debug, Clone, Serialize)]
pub struct CorrelationView {
    /// `event_count` and the like.
    pub kind: String,
    /// The correlated rules: linked when found, plain text when not.
    pub rules: Vec<Link>,
    /// Names that match no rule.
    pub unresolved: Vec<String>,
    /// `group-by` fields.
    pub group_by: Vec<String>,
    /// The time span.
    pub timespan: Option<String>,
    /// The condition, as `gte 10`.
    pub condition: String,
    /// Whether the base rules also fire on their own.
    pub generate: bool,
}

/// A rule page.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// `rule`, `collection` or `correlation`.
    pub kind: &'static str,
    /// The title.
    pub title: String,
    /// The source file, relative to its rule folder and starting with that folder's name.
    pub file: String,
    /// Descriptive fields.
    pub id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Level.
    pub level: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Date.
    pub date: Option<String>,
    /// Last modification date.
    pub modified: Option<String>,
    /// License.
    pub license: Option<String>,
    /// References that are URLs.
    pub references: Vec<Link>,
    /// References that are not URLs.
    pub reference_notes: Vec<String>,
    /// False positives.
    pub falsepositives: Vec<String>,
    /// ATT&CK tactics.
    pub tactics: Vec<AttackRef>,
    /// ATT&CK techniques and sub-techniques.
    pub techniques: Vec<AttackRef>,
    /// ATT&CK groups.
    pub groups: Vec<AttackRef>,
    /// ATT&CK software.
    pub software: Vec<AttackRef>,
    /// Tags of other namespaces, and `attack.*` tags ATT&CK does not know.
    pub other_tags: Vec<String>,
    /// Every tag as written, linked to its tactic or technique page here when there is one,
    /// else (in HTML) to the search for it.
    pub tags: Vec<TagView>,
    /// Data Needed.
    pub data_needed: Vec<Link>,
    /// Enrichments.
    pub enrichments: Vec<Link>,
    /// Triggers.
    pub triggers: Vec<Link>,
    /// Other rule files this one correlates, or that correlate it.
    pub related: Vec<Link>,
    /// Customers that deploy it.
    pub customers: Vec<Link>,
    /// Use Cases it serves.
    pub use_cases: Vec<Link>,
    /// The rules (one, or several for a collection) with their queries.
    pub documents: Vec<DocView>,
    /// For a correlation rule.
    pub correlation: Option<CorrelationView>,
    /// The rule file's text.
    pub source: String,
    /// The review's findings about the file, as `line N: severity [code]: message`.
    pub findings: Vec<String>,
}

/// Builds a rule page's view.
pub fn rule_view(
    cx: &Context,
    entry: &Entry<RulePage>,
    queries: &[DocQueries],
    findings: &[&Diagnostic],
) -> RuleView {
    let set = entry.item.set();
    let meta = set.meta();
    let attack = &entry.item.attack;
    let (references, reference_notes) = split_references(&meta.references);
    let mut other_tags = attack.other.clone();
    other_tags.extend(attack.unknown.iter().cloned());
    RuleView {
        kind: match set {
            RuleSet::Single(_) => "rule",
            RuleSet::Collection(_) => "collection",
            RuleSet::Correlation { .. } => "correlation",
        },
        title: meta.title.clone(),
        file: shown_path(&cx.catalog.source_roots, &entry.item.file.path),
        id: meta.id.clone(),
        description: meta.description.clone(),
        status: meta.status.clone(),
        level: meta.level.clone(),
        author: meta.author.clone(),
        date: meta.date.clone(),
        modified: meta.modified.clone(),
        license: meta.license.clone(),
        references,
        reference_notes,
        falsepositives: meta.falsepositives.clone(),
        tactics: attack.tactics.iter().map(|id| tactic_ref(cx, id)).collect(),
        techniques: attack.techniques.iter().map(|t| technique_ref(cx, t)).collect(),
        groups: actor_refs(cx, &attack.groups),
        software: actor_refs(cx, &attack.software),
        other_tags,
        tags: meta.tags.iter().map(|t| tag_view(cx, t)).collect(),
        data_needed: cx.data_needed(&entry.links.data_needed),
        enrichments: cx.enrichments(&entry.links.enrichments),
        triggers: cx.triggers(&entry.links.triggers),
        related: cx.rules(&entry.links.rules),
        customers: cx.customers(&entry.links.customers),
        use_cases: cx.use_cases(&entry.links.use_cases),
        documents: doc_views(queries),
        correlation: correlation_view(cx, set),
        source: entry.item.file.source.clone(),
        findings: findings.iter().map(|d| super::review::finding_text(d)).collect(),
    }
}

/// One tag of a rule.
#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    /// The tag as written.
    pub text: String,
    /// This catalog's page for the tactic or technique it names, or the search page's
    /// results for it (HTML only); `None` when neither applies.
    pub url: Option<String>,
}

fn tag_view(cx: &Context, tag: &str) -> TagView {
    let catalog = cx.catalog;
    let page = match cx.attack.resolve(tag) {
        Tag::Tactic(t) => catalog.tactics.iter().find(|p| p.id == t.id).map(|p| &p.id),
        Tag::Technique(t) => {
            let current = cx.attack.successor(&t.id).map_or(&t.id, |s| &s.id);
            catalog.techniques.iter().find(|p| &p.id == current).map(|p| &p.id)
        }
        _ => None,
    };
    let url = match page {
        Some(id) => Some(cx.page(Folders::ATTACK, id)),
        None if cx.ext == "html" => Some(search_url(cx, tag)),
        None => None,
    };
    TagView { text: tag.to_string(), url }
}

/// The search page with `query` filled in.
fn search_url(cx: &Context, query: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.trim().as_bytes()).collect();
    format!("{}{}?q={encoded}", cx.root, super::search::PAGE)
}

fn split_references(references: &[String]) -> (Vec<Link>, Vec<String>) {
    let (urls, notes): (Vec<&String>, Vec<&String>) =
        references.iter().partition(|r| r.starts_with("https://") || r.starts_with("http://"));
    let links = urls
        .into_iter()
        .map(|u| Link { text: u.trim().to_string(), url: u.trim().to_string() })
        .collect();
    (links, notes.into_iter().cloned().collect())
}

fn tactic_ref(cx: &Context, id: &str) -> AttackRef {
    let url = cx.attack.tactic(id).map(|t| t.url()).unwrap_or_default();
    AttackRef { text: cx.tactic_text(id), url, page: Some(cx.page(Folders::ATTACK, id)) }
}

fn technique_ref(cx: &Context, tag: &TechniqueTag) -> AttackRef {
    let current = cx.attack.technique(&tag.current);
    let url = current.map(|t| t.url()).unwrap_or_default();
    let mut text = cx.technique_text(&tag.id);
    if tag.revoked && tag.current != tag.id {
        text = format!("{text} (revoked; now {})", cx.technique_text(&tag.current));
    } else if tag.deprecated {
        text.push_str(" (deprecated)");
    }
    AttackRef { text, url, page: Some(cx.page(Folders::ATTACK, &tag.current)) }
}

/// Groups and software: resolved by id, linked to attack.mitre.org.
fn actor_refs(cx: &Context, ids: &[String]) -> Vec<AttackRef> {
    let named = |id: &String| -> Option<(String, String, String)> {
        match cx.attack.resolve(&format!("attack.{id}")) {
            Tag::Group(g) => Some((g.id.clone(), g.name.clone(), g.url())),
            Tag::Software(s) => Some((s.id.clone(), s.name.clone(), s.url())),
            _ => None,
        }
    };
    ids.iter()
        .filter_map(named)
        .map(|(id, name, url)| AttackRef { text: format!("{id}: {name}"), url, page: None })
        .collect()
}

fn doc_views(queries: &[DocQueries]) -> Vec<DocView> {
    queries
        .iter()
        .map(|q| DocView {
            title: q.title.clone(),
            id: q.id.clone(),
            logsource: q.logsource.clone(),
            queries: q
                .results
                .iter()
                .map(|(target, result)| QueryView {
                    target: target.id(),
                    name: target.display_name(),
                    language: target.fence_language(),
                    query: result.as_ref().ok().cloned(),
                    not_convertible: result.as_ref().err().map(|e| e.to_string()),
                })
                .collect(),
        })
        .collect()
}

fn correlation_view(cx: &Context, set: &RuleSet) -> Option<CorrelationView> {
    let RuleSet::Correlation { correlation, .. } = set else { return None };
    let mut rules = Vec::new();
    let mut unresolved = Vec::new();
    for name in &correlation.rules {
        match find_rule(cx.catalog, name) {
            Some(i) => rules.push(base_rule_link(cx, i, name)),
            None => unresolved.push(name.clone()),
        }
    }
    let condition: Vec<String> =
        correlation.condition.iter().map(|(op, v)| format!("{op} {v}")).collect();
    let mut condition = condition.join(" and ");
    if let Some(field) = &correlation.field {
        condition = format!("{condition} (field {field})");
    }
    Some(CorrelationView {
        kind: correlation.kind.clone(),
        rules,
        unresolved,
        group_by: correlation.group_by.clone(),
        timespan: correlation.timespan.clone(),
        condition,
        generate: correlation.generate,
    })
}

/// A link to the page of the rule file `i`, under the title of the rule `id_or_name` names.
fn base_rule_link(cx: &Context, i: usize, id_or_name: &str) -> Link {
    let entry = &cx.catalog.rules[i];
    let rule = entry.item.set().rules().iter().find(|r| r.answers_to(id_or_name));
    let title = rule.map_or(id_or_name, |r| r.meta.title.as_str());
    Link { text: format!("{title} ({id_or_name})"), url: cx.page(Folders::RULES, &entry.slug) }
}

/// The rule file that defines a rule with this id or name.
pub fn find_rule(catalog: &Catalog, id_or_name: &str) -> Option<usize> {
    catalog
        .rules
        .iter()
        .position(|entry| entry.item.set().rules().iter().any(|r| r.answers_to(id_or_name)))
}

/// The links section shared by the pages of Data Needed, Logging Policies, Enrichments and
/// triggers: whatever links to them.
#[derive(Debug, Clone, Serialize)]
pub struct LinksView {
    /// Rules.
    pub rules: Vec<Link>,
    /// Data Needed.
    pub data_needed: Vec<Link>,
    /// Logging Policies.
    pub logging_policies: Vec<Link>,
    /// Enrichments.
    pub enrichments: Vec<Link>,
    /// Triggers.
    pub triggers: Vec<Link>,
    /// Tactic pages.
    pub tactics: Vec<Link>,
    /// Technique pages.
    pub techniques: Vec<Link>,
    /// Customers.
    pub customers: Vec<Link>,
    /// Use Cases.
    pub use_cases: Vec<Link>,
}

/// The links of an entity, as views.
pub fn links_view(cx: &Context, links: &Links) -> LinksView {
    LinksView {
        rules: cx.rules(&links.rules),
        data_needed: cx.data_needed(&links.data_needed),
        logging_policies: cx.logging_policies(&links.logging_policies),
        enrichments: cx.enrichments(&links.enrichments),
        triggers: cx.triggers(&links.triggers),
        tactics: cx.tactic_pages(&links.tactics),
        techniques: cx.technique_pages(&links.techniques),
        customers: cx.customers(&links.customers),
        use_cases: cx.use_cases(&links.use_cases),
    }
}

/// A Customer or Use Case page: what it names, and the coverage of its rules.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeView<'a> {
    /// The parsed file.
    pub item: &'a crate::entities::Scope,
    /// `Customer` or `Use Case`.
    pub kind_name: &'static str,
    /// What it names and what names it.
    pub links: LinksView,
    /// Its rules' techniques under each tactic, in ATT&CK's tactic order.
    pub coverage: Vec<TacticCoverage>,
    /// Its own ATT&CK Navigator layer: the URL and the file name.
    pub layer: Link,
    /// Its own ATT&CK matrix page.
    pub matrix: String,
}

/// The page name of a Customer's or Use Case's matrix under [`Folders::COVERAGE`].
pub fn scope_matrix_name(scope: &crate::entities::Scope, slug: &str) -> String {
    let kind = match scope.kind {
        crate::entities::ScopeKind::Customer => "customer",
        crate::entities::ScopeKind::UseCase => "use-case",
    };
    format!("{kind}-{slug}")
}

/// One tactic's row of a coverage table.
#[derive(Debug, Clone, Serialize)]
pub struct TacticCoverage {
    /// The tactic.
    pub tactic: Link,
    /// Its techniques that the rules detect, each with how many rules do.
    pub techniques: Vec<(Link, usize)>,
}

/// Builds a Customer's or Use Case's view; `layer` is its layer's path from the site root.
pub fn scope_view<'a>(
    cx: &Context,
    entry: &'a Entry<crate::entities::Scope>,
    layer: &str,
) -> ScopeView<'a> {
    let kind_name = match entry.item.kind {
        crate::entities::ScopeKind::Customer => "Customer",
        crate::entities::ScopeKind::UseCase => "Use Case",
    };
    ScopeView {
        item: &entry.item,
        kind_name,
        links: links_view(cx, &entry.links),
        coverage: coverage(cx, &entry.links),
        matrix: cx.page(Folders::COVERAGE, &scope_matrix_name(&entry.item, &entry.slug)),
        layer: Link {
            text: layer.rsplit('/').next().unwrap_or(layer).to_string(),
            url: format!("{}{layer}", cx.root),
        },
    }
}

/// The techniques of `links` grouped under their tactics of `links`, counting the rules of
/// `links` that detect each.
pub fn coverage(cx: &Context, links: &Links) -> Vec<TacticCoverage> {
    let mut tactics: Vec<&crate::attack::Tactic> =
        links.tactics.iter().filter_map(|id| cx.attack.tactic(id)).collect();
    tactics.sort_by_key(|t| (t.domain, t.order));
    let mut rows = Vec::new();
    for tactic in tactics {
        let mut techniques = Vec::new();
        for id in &links.techniques {
            let under =
                cx.attack.technique(id).is_some_and(|t| t.tactics.contains(&tactic.shortname));
            if under {
                let rules = links
                    .rules
                    .iter()
                    .filter(|&&r| cx.catalog.rules[r].links.techniques.contains(id))
                    .count();
                techniques.push((cx.technique_pages(std::slice::from_ref(id)).remove(0), rules));
            }
        }
        let tactic = cx.tactic_pages(std::slice::from_ref(&tactic.id)).remove(0);
        rows.push(TacticCoverage { tactic, techniques });
    }
    rows
}

/// A tactic or technique page.
#[derive(Debug, Clone, Serialize)]
pub struct AttackView {
    /// `tactic` or `technique`.
    pub kind: &'static str,
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The attack.mitre.org page.
    pub url: String,
    /// For a technique: its tactics; for a tactic: its techniques with pages here.
    pub related: Vec<Link>,
    /// For a sub-technique: its parent technique, when it has a page here.
    pub parent: Option<Link>,
    /// What links here.
    pub links: LinksView,
    /// The rules of `links.rules` as a table, on the tactic or technique's own page only
    /// (see [`with_rule_table`]); empty where a trigger page shows the technique.
    pub rule_table: TableView,
    /// Rules that tag a revoked id that this technique replaces, as `(rule, old id)`.
    pub via_revoked: Vec<String>,
}

/// Builds a tactic page's view.
pub fn tactic_view(cx: &Context, page: &AttackPage) -> AttackView {
    let tactic = cx.attack.tactic(&page.id);
    let shortname = tactic.map(|t| t.shortname.clone()).unwrap_or_default();
    let related: Vec<String> = cx
        .catalog
        .techniques
        .iter()
        .filter(|t| {
            cx.attack.technique(&t.id).is_some_and(|tech| tech.tactics.contains(&shortname))
        })
        .map(|t| t.id.clone())
        .collect();
    AttackView {
        kind: "tactic",
        id: page.id.clone(),
        name: tactic.map(|t| t.name.clone()).unwrap_or_default(),
        url: tactic.map(|t| t.url()).unwrap_or_default(),
        related: cx.technique_pages(&related),
        parent: None,
        links: links_view(cx, &page.links),
        rule_table: TableView::default(),
        via_revoked: Vec::new(),
    }
}

/// Builds a technique page's view.
pub fn technique_view(cx: &Context, page: &AttackPage) -> AttackView {
    let technique = cx.attack.technique(&page.id);
    let tactics: Vec<String> = technique
        .map(|t| {
            t.tactics
                .iter()
                .filter_map(|s| cx.attack.tactic_by_shortname(s))
                .map(|t| t.id.clone())
                .collect()
        })
        .unwrap_or_default();
    let parent = technique
        .and_then(|t| t.parent.clone())
        .filter(|p| cx.catalog.techniques.iter().any(|t| &t.id == p))
        .map(|p| Link { text: cx.technique_text(&p), url: cx.page(Folders::ATTACK, &p) });
    AttackView {
        kind: "technique",
        id: page.id.clone(),
        name: technique.map(|t| t.name.clone()).unwrap_or_default(),
        url: technique.map(|t| t.url()).unwrap_or_default(),
        related: cx.tactic_pages(&tactics),
        parent,
        links: links_view(cx, &page.links),
        rule_table: TableView::default(),
        via_revoked: via_revoked(cx, page),
    }
}

/// `view` with the rule table of `page` filled in.
pub fn with_rule_table(cx: &Context, page: &AttackPage, view: AttackView) -> AttackView {
    AttackView { rule_table: rule_table(cx, &page.links.rules), ..view }
}

fn via_revoked(cx: &Context, page: &AttackPage) -> Vec<String> {
    let mut notes = Vec::new();
    for &r in &page.links.rules {
        let entry = &cx.catalog.rules[r];
        for tag in &entry.item.attack.techniques {
            if tag.current == page.id && tag.id != page.id {
                notes.push(format!(
                    "{} tags {}, which ATT&CK revoked in favour of {}",
                    entry.slug, tag.id, page.id
                ));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_url_never_leaves_its_folder() {
        let (catalog, attack) = (Catalog::default(), Attack::embedded());
        let cx = Context { catalog: &catalog, attack: &attack, ext: "md", root: "../" };
        assert_eq!(cx.page(Folders::ATTACK, "../../ETC/PASSWD"), "../attack/_.._ETC_PASSWD.md");
        assert_eq!(cx.page(Folders::ATTACK, "T1546.003"), "../attack/T1546.003.md");
    }
}
