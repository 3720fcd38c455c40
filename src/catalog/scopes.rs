//! Customers and Use Cases linked to the rules, Data Needed and Logging Policies they name.
//!
//! A rule is named by its id. A title is accepted when exactly one rule file carries it,
//! with a warning, because titles are not unique (the 2020 corpus has three rules titled
//! "Invoke-Obfuscation Obfuscated IEX Invocation"); a title that several rules carry links
//! none of them, so that a customer's coverage never counts a rule nobody chose.

use std::collections::HashMap;
use std::path::Path;

use super::{line_naming, resolve, titles, Catalog, Entry, Links};
use crate::diag::Diagnostic;
use crate::entities::Scope;

/// Which list of the catalog a scope is in.
#[derive(Clone, Copy)]
enum Side {
    Customers,
    UseCases,
}

/// Links every Customer and Use Case, in both directions.
pub(super) fn link_scopes(catalog: &mut Catalog) {
    let rules = RuleNames::of(catalog);
    let dn_by_title = titles(catalog.data_needed.iter().map(|e| (&e.item.title, &e.slug)));
    let lp_by_title = titles(catalog.logging_policies.iter().map(|e| (&e.item.title, &e.slug)));
    let uc_by_title = titles(catalog.use_cases.iter().map(|e| (&e.item.title, &e.slug)));
    let mut diagnostics = Vec::new();
    for side in [Side::Customers, Side::UseCases] {
        for s in 0..scopes(catalog, side).len() {
            let scope = scopes(catalog, side)[s].item.clone();
            let path = scope.path.as_path();
            let mut links = Links {
                rules: rules.resolve(&scope.rules, path, &mut diagnostics),
                ..Links::default()
            };
            let named = |names: &[String], index, kind, d: &mut Vec<Diagnostic>| {
                resolve(names, index, path, kind, d).into_iter().map(|(i, _)| i).collect()
            };
            links.data_needed =
                named(&scope.data_needed, &dn_by_title, "Data Needed", &mut diagnostics);
            links.logging_policies =
                named(&scope.logging_policies, &lp_by_title, "Logging Policy", &mut diagnostics);
            links.use_cases = named(&scope.use_cases, &uc_by_title, "Use Case", &mut diagnostics);
            back_link(catalog, side, s, &links);
            let entry = &mut scopes_mut(catalog, side)[s];
            entry.links.rules.extend(links.rules);
            entry.links.data_needed.extend(links.data_needed);
            entry.links.logging_policies.extend(links.logging_policies);
            entry.links.use_cases.extend(links.use_cases);
        }
    }
    catalog.diagnostics.append(&mut diagnostics);
}

fn scopes(catalog: &Catalog, side: Side) -> &[Entry<Scope>] {
    match side {
        Side::Customers => &catalog.customers,
        Side::UseCases => &catalog.use_cases,
    }
}

fn scopes_mut(catalog: &mut Catalog, side: Side) -> &mut Vec<Entry<Scope>> {
    match side {
        Side::Customers => &mut catalog.customers,
        Side::UseCases => &mut catalog.use_cases,
    }
}

/// Records scope `s` on everything it names, and the techniques and tactics of its rules on it.
fn back_link(catalog: &mut Catalog, side: Side, s: usize, links: &Links) {
    let mark = |l: &mut Links| match side {
        Side::Customers => l.customers.push(s),
        Side::UseCases => l.use_cases.push(s),
    };
    for &r in &links.rules {
        mark(&mut catalog.rules[r].links);
    }
    for &d in &links.data_needed {
        mark(&mut catalog.data_needed[d].links);
    }
    for &l in &links.logging_policies {
        mark(&mut catalog.logging_policies[l].links);
    }
    if let Side::Customers = side {
        for &u in &links.use_cases {
            catalog.use_cases[u].links.customers.push(s);
        }
    }
    let (mut tactics, mut techniques) = (Vec::new(), Vec::new());
    for &r in &links.rules {
        tactics.extend(catalog.rules[r].links.tactics.iter().cloned());
        techniques.extend(catalog.rules[r].links.techniques.iter().cloned());
    }
    let entry = &mut scopes_mut(catalog, side)[s];
    entry.links.tactics.extend(tactics);
    entry.links.techniques.extend(techniques);
}

/// The rule files by the ids and titles of their rules.
struct RuleNames {
    by_id: HashMap<String, usize>,
    by_title: HashMap<String, Vec<usize>>,
}

impl RuleNames {
    fn of(catalog: &Catalog) -> RuleNames {
        let mut names = RuleNames { by_id: HashMap::new(), by_title: HashMap::new() };
        for (i, entry) in catalog.rules.iter().enumerate() {
            for rule in entry.item.set().rules() {
                if let Some(id) = &rule.meta.id {
                    names.by_id.entry(id.trim().to_ascii_lowercase()).or_insert(i);
                }
                let files = names.by_title.entry(rule.meta.title.trim().to_string()).or_default();
                if !files.contains(&i) {
                    files.push(i);
                }
            }
        }
        names
    }

    /// The rule files `names` name, with a diagnostic for each name that is a title, is
    /// ambiguous or names nothing.
    fn resolve(&self, names: &[String], from: &Path, out: &mut Vec<Diagnostic>) -> Vec<usize> {
        let mut found = Vec::new();
        for name in names {
            let name = name.trim();
            if let Some(&i) = self.by_id.get(&name.to_ascii_lowercase()) {
                found.push(i);
                continue;
            }
            let titled = self.by_title.get(name).map(Vec::as_slice).unwrap_or_default();
            if let [only] = titled {
                found.push(*only);
            }
            let (code, message) = title_finding(name, titled.len());
            let at = line_naming(from, name);
            out.push(Diagnostic::warning(from, code, message).at(at));
        }
        found
    }
}

/// The finding for a rule named by something other than its id, when `files` rule files carry
/// it as their title.
fn title_finding(name: &str, files: usize) -> (&'static str, String) {
    match files {
        0 => {
            let message = format!("names rule `{name}`, which no rule has as id or title");
            ("unknown-reference", message)
        }
        1 => (
            "rule-named-by-title",
            format!("names rule `{name}` by its title; titles are not unique, name it by its id"),
        ),
        n => (
            "ambiguous-reference",
            format!("`{name}` is the title of {n} rule files; name the one meant by its id"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::attack::Attack;
    use crate::catalog::{link, load_sources, SourceDirs};

    const RULE: &str = "title: TITLE\nid: ID\nlogsource: {product: windows}\n\
                        detection: {sel: {a: b}, condition: sel}\n";

    fn rule(dir: &std::path::Path, name: &str, title: &str, id: &str) {
        let text = RULE.replace("TITLE", title).replace("ID", id);
        fs::write(dir.join(format!("{name}.yml")), text).unwrap();
    }

    #[test]
    fn rules_are_named_by_id_and_titles_are_accepted_only_when_unique() {
        let dir = tempfile::tempdir().unwrap();
        let (rules, customers) = (dir.path().join("rules"), dir.path().join("customers"));
        fs::create_dir_all(&rules).unwrap();
        fs::create_dir_all(&customers).unwrap();
        rule(&rules, "a", "Alpha", "00000000-0000-4000-8000-00000000000a");
        rule(&rules, "b", "Twin", "00000000-0000-4000-8000-00000000000b");
        rule(&rules, "c", "Twin", "00000000-0000-4000-8000-00000000000c");
        rule(&rules, "d", "Delta", "00000000-0000-4000-8000-00000000000d");
        let customer = "title: CU_1\ncustomer_name: Acme\ndescription: Nobody, Delta, Twin\n\
                        detectionrule:\n\
                        - 00000000-0000-4000-8000-00000000000A\n- Delta\n- Twin\n- Nobody\n";
        fs::write(customers.join("CU_1.yml"), customer).unwrap();
        let dirs =
            SourceDirs { rules: vec![rules], customers: vec![customers], ..Default::default() };
        let catalog = link(load_sources(&dirs, &|| {}), &Attack::embedded());
        let slugs: Vec<&str> = catalog.customers[0]
            .links
            .rules
            .iter()
            .map(|&r| catalog.rules[r].slug.as_str())
            .collect();
        assert_eq!(slugs, ["a", "d"], "by id (any case) and by a unique title");
        assert_eq!(catalog.rules[0].links.customers, [0], "the link back");
        assert!(catalog.rules[1].links.customers.is_empty(), "an ambiguous title links nothing");
        let codes: Vec<(&str, Option<usize>)> =
            catalog.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert!(codes.contains(&("rule-named-by-title", Some(6))), "{codes:?}");
        assert!(codes.contains(&("ambiguous-reference", Some(7))), "{codes:?}");
        assert!(codes.contains(&("unknown-reference", Some(8))), "the entry, not the description");
    }
}
