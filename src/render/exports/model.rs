//! `catalog.json`: the whole linked model, for tools that want the catalog without parsing
//! pages.
//!
//! Entities refer to each other by page name (unique within a kind) and ATT&CK objects by
//! id; every link is given on both sides, as the catalog holds it. Entity fields are the
//! parsed source's, serialised as they are, except the source path, which is given as
//! `file`. The README's "catalog.json" section describes the schema; keep the two together.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::build::DocQueries;
use crate::catalog::{shown_path, AttackPage, Entry, Links, RulePage, TechniqueTag};
use crate::render::views::{Context, Folders};
use crate::sigma::{Logsource, RuleSet};

/// The top-level object.
#[derive(Debug, Serialize)]
pub struct CatalogExport<'a> {
    detcat_version: &'static str,
    attack_version: &'a str,
    rules: Vec<RuleExport<'a>>,
    data_needed: Vec<Value>,
    logging_policies: Vec<Value>,
    enrichments: Vec<Value>,
    triggers: Vec<Value>,
    tactics: Vec<AttackExport>,
    techniques: Vec<AttackExport>,
    customers: Vec<Value>,
    use_cases: Vec<Value>,
}

/// Links by page name (entities) and by id (ATT&CK).
#[derive(Debug, Serialize)]
struct LinkNames {
    rules: Vec<String>,
    data_needed: Vec<String>,
    logging_policies: Vec<String>,
    enrichments: Vec<String>,
    triggers: Vec<String>,
    tactics: Vec<String>,
    techniques: Vec<String>,
    customers: Vec<String>,
    use_cases: Vec<String>,
}

/// One rule page: a rule file, which may hold several rules (`documents`).
#[derive(Debug, Serialize)]
struct RuleExport<'a> {
    page: &'a str,
    url: String,
    file: String,
    kind: &'static str,
    id: Option<&'a str>,
    title: &'a str,
    level: Option<&'a str>,
    status: Option<&'a str>,
    logsource: Vec<&'a Logsource>,
    tags: Vec<&'a str>,
    tactics: &'a [String],
    techniques: &'a [TechniqueTag],
    links: LinkNames,
    documents: Vec<DocumentExport<'a>>,
}

/// One rule of a rule page, with its queries.
#[derive(Debug, Serialize)]
struct DocumentExport<'a> {
    id: Option<&'a str>,
    title: &'a str,
    logsource: &'a str,
    queries: Vec<QueryExport<'a>>,
}

/// A query for one target, or why the rule does not convert to it.
#[derive(Debug, Serialize)]
struct QueryExport<'a> {
    target: &'static str,
    query: Option<&'a str>,
    not_convertible: Option<String>,
}

/// A tactic or technique that something in the catalog names.
#[derive(Debug, Serialize)]
struct AttackExport {
    id: String,
    name: String,
    url: String,
    page: String,
    links: LinkNames,
}

/// The export of the catalog `cx` holds, with the queries of every rule page.
pub fn catalog<'a>(
    cx: &'a Context,
    queries: &'a [Vec<DocQueries>],
) -> anyhow::Result<CatalogExport<'a>> {
    let c = cx.catalog;
    let rules = c.rules.iter().zip(queries).map(|(e, q)| rule(cx, e, q)).collect();
    Ok(CatalogExport {
        detcat_version: env!("CARGO_PKG_VERSION"),
        attack_version: cx.attack.version(),
        rules,
        data_needed: entities(cx, Folders::DATA_NEEDED, &c.data_needed)?,
        logging_policies: entities(cx, Folders::LOGGING_POLICIES, &c.logging_policies)?,
        enrichments: entities(cx, Folders::ENRICHMENTS, &c.enrichments)?,
        triggers: entities(cx, Folders::TRIGGERS, &c.triggers)?,
        tactics: c.tactics.iter().map(|p| tactic(cx, p)).collect(),
        techniques: c.techniques.iter().map(|p| technique(cx, p)).collect(),
        customers: entities(cx, Folders::CUSTOMERS, &c.customers)?,
        use_cases: entities(cx, Folders::USE_CASES, &c.use_cases)?,
    })
}

fn rule<'a>(cx: &Context, entry: &'a Entry<RulePage>, queries: &'a [DocQueries]) -> RuleExport<'a> {
    let set = entry.item.set();
    let meta = set.meta();
    let mut logsource: Vec<&Logsource> = Vec::new();
    let mut tags: Vec<&str> = Vec::new();
    for rule in set.rules() {
        push_new(&mut logsource, &rule.logsource);
    }
    for tag in meta.tags.iter().chain(set.rules().iter().flat_map(|r| &r.meta.tags)) {
        push_new(&mut tags, tag.as_str());
    }
    RuleExport {
        page: &entry.slug,
        url: cx.page(Folders::RULES, &entry.slug),
        file: shown_path(&cx.catalog.source_roots, &entry.item.file.path),
        kind: kind_of(set),
        id: meta.id.as_deref(),
        title: &meta.title,
        level: meta.level.as_deref(),
        status: meta.status.as_deref(),
        logsource,
        tags,
        tactics: &entry.item.attack.tactics,
        techniques: &entry.item.attack.techniques,
        links: link_names(cx, &entry.links),
        documents: queries.iter().map(document).collect(),
    }
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn kind_of(set: &RuleSet) -> &'static str {
    match set {
        RuleSet::Single(_) => "rule",
        RuleSet::Collection(_) => "collection",
        RuleSet::Correlation { .. } => "correlation",
    }
}

fn document(doc: &DocQueries) -> DocumentExport<'_> {
    let queries = doc
        .results
        .iter()
        .map(|(target, result)| QueryExport {
            target: target.id(),
            query: result.as_ref().ok().map(String::as_str),
            not_convertible: result.as_ref().err().map(ToString::to_string),
        })
        .collect();
    DocumentExport { id: doc.id.as_deref(), title: &doc.title, logsource: &doc.logsource, queries }
}

/// Data Needed, Logging Policies, Enrichments and Triggers: the parsed source's fields
/// between the page and the links, with the source path as `file`.
fn entities<T: Serialize>(
    cx: &Context,
    folder: &str,
    list: &[Entry<T>],
) -> anyhow::Result<Vec<Value>> {
    list.iter()
        .map(|entry| {
            let Value::Object(mut fields) = serde_json::to_value(&entry.item)? else {
                anyhow::bail!("an entity of {folder} does not serialise as an object");
            };
            let mut object = Map::new();
            object.insert("page".into(), entry.slug.clone().into());
            object.insert("url".into(), cx.page(folder, &entry.slug).into());
            let path = fields.shift_remove("path");
            let path = path.as_ref().and_then(Value::as_str).map(std::path::Path::new);
            let file = path.map(|p| shown_path(&cx.catalog.source_roots, p)).unwrap_or_default();
            object.insert("file".into(), file.into());
            object.extend(fields);
            object.insert("links".into(), serde_json::to_value(link_names(cx, &entry.links))?);
            Ok(Value::Object(object))
        })
        .collect()
}

fn tactic(cx: &Context, page: &AttackPage) -> AttackExport {
    let tactic = cx.attack.tactic(&page.id);
    let (name, url) = tactic.map(|t| (t.name.clone(), t.url())).unwrap_or_default();
    attack_export(cx, page, name, url)
}

fn technique(cx: &Context, page: &AttackPage) -> AttackExport {
    let technique = cx.attack.technique(&page.id);
    let (name, url) = technique.map(|t| (t.name.clone(), t.url())).unwrap_or_default();
    attack_export(cx, page, name, url)
}

fn attack_export(cx: &Context, page: &AttackPage, name: String, url: String) -> AttackExport {
    let (id, links) = (page.id.clone(), link_names(cx, &page.links));
    AttackExport { id, name, url, page: cx.page(Folders::ATTACK, &page.id), links }
}

fn link_names(cx: &Context, links: &Links) -> LinkNames {
    let c = cx.catalog;
    LinkNames {
        rules: slugs(&c.rules, &links.rules),
        data_needed: slugs(&c.data_needed, &links.data_needed),
        logging_policies: slugs(&c.logging_policies, &links.logging_policies),
        enrichments: slugs(&c.enrichments, &links.enrichments),
        triggers: slugs(&c.triggers, &links.triggers),
        tactics: links.tactics.clone(),
        techniques: links.techniques.clone(),
        customers: slugs(&c.customers, &links.customers),
        use_cases: slugs(&c.use_cases, &links.use_cases),
    }
}

fn slugs<T>(list: &[Entry<T>], indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| list[i].slug.clone()).collect()
}

#[cfg(test)]
mod tests {
    use crate::render::exports::context;
    use crate::render::exports::tests::{fixture, json_of};

    #[test]
    fn the_catalog_export_holds_every_entity_with_links_both_ways() {
        let (catalog, queries, attack) = fixture();
        let cx = context(&catalog, &attack);
        let value = json_of(&super::catalog(&cx, &queries).unwrap());
        let count = |key: &str| value[key].as_array().unwrap().len();
        assert_eq!(count("rules"), catalog.rules.len());
        assert_eq!(count("data_needed"), catalog.data_needed.len());
        assert_eq!(count("logging_policies"), catalog.logging_policies.len());
        assert_eq!(count("triggers"), catalog.triggers.len());
        assert_eq!(count("techniques"), catalog.techniques.len());
        assert_eq!(value["attack_version"], attack.version());
        let rule = value["rules"].as_array().unwrap().iter().find(|r| r["page"] == "ps_encoded");
        let rule = rule.unwrap();
        assert_eq!(rule["techniques"][0]["current"], "T1059.001");
        assert_eq!(rule["links"]["triggers"][0], "T1059.001");
        assert_eq!(rule["documents"][0]["queries"].as_array().unwrap().len(), 3);
        let trigger = &value["triggers"][0];
        assert_eq!(trigger["links"]["rules"][0], "ps_encoded", "the link back");
        assert!(trigger.get("path").is_none() && trigger["file"].is_string());
    }
}
