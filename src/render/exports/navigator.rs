//! The ATT&CK Navigator layer: one entry per technique that a rule detects, scored by the
//! number of rule pages that detect it.
//!
//! The layer follows Navigator's layer format 4.5. Technique ids are the catalog's current
//! ones (a revoked technique already counts under its successor), so the layer never names
//! a technique Navigator no longer shows.

use serde::Serialize;

use crate::catalog::AttackPage;
use crate::entities::Scope;
use crate::render::views::Context;

/// Navigator's colour scale runs from the first colour (score `minValue`) to the last.
const COLORS: [&str; 2] = ["#ffe766ff", "#8ec843ff"];

/// A whole layer file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    name: String,
    versions: Versions,
    domain: &'static str,
    description: String,
    sorting: u8,
    hide_disabled: bool,
    techniques: Vec<TechniqueEntry>,
    gradient: Gradient,
    legend_items: Vec<LegendItem>,
    show_tactic_row_background: bool,
    select_techniques_across_tactics: bool,
    select_subtechniques_with_parent: bool,
}

#[derive(Debug, Serialize)]
struct Versions {
    attack: String,
    navigator: &'static str,
    layer: &'static str,
}

/// One technique's cell.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TechniqueEntry {
    #[serde(rename = "techniqueID")]
    technique_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tactic: Option<String>,
    score: usize,
    comment: String,
    enabled: bool,
    links: Vec<LayerLink>,
}

#[derive(Debug, Serialize)]
struct LayerLink {
    label: String,
    url: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Gradient {
    colors: [&'static str; 2],
    min_value: usize,
    max_value: usize,
}

#[derive(Debug, Serialize)]
struct LegendItem {
    label: String,
    color: &'static str,
}

/// The layer of the catalog `cx` holds.
pub fn layer(cx: &Context) -> Layer {
    let description = "Techniques the catalog's rules detect; the score counts the rules.";
    layer_of(cx, "detcat coverage".into(), description.into(), None)
}

/// The layer of one Customer or Use Case: only its rules count.
pub fn scope_layer(cx: &Context, scope: &Scope, rules: &[usize]) -> Layer {
    let name = format!("detcat coverage: {}", scope.name);
    let description =
        format!("Techniques the rules of {} detect; the score counts them.", scope.title);
    layer_of(cx, name, description, Some(rules))
}

/// A layer counting the rules `only` (every rule when `None`).
fn layer_of(cx: &Context, name: String, description: String, only: Option<&[usize]>) -> Layer {
    let techniques: Vec<TechniqueEntry> = cx
        .catalog
        .techniques
        .iter()
        .filter_map(|page| {
            let rules: Vec<usize> = match only {
                Some(only) => {
                    page.links.rules.iter().copied().filter(|r| only.contains(r)).collect()
                }
                None => page.links.rules.clone(),
            };
            (!rules.is_empty()).then(|| entry(cx, page, &rules))
        })
        .collect();
    let max = techniques.iter().map(|t| t.score).max().unwrap_or(0);
    let attack = cx.attack.version().split('.').next().unwrap_or_default().to_string();
    Layer {
        name,
        versions: Versions { attack, navigator: "5.1.0", layer: "4.5" },
        domain: "enterprise-attack",
        description,
        sorting: 3,
        hide_disabled: false,
        techniques,
        gradient: Gradient { colors: COLORS, min_value: 0, max_value: max },
        legend_items: legend(max),
        show_tactic_row_background: false,
        select_techniques_across_tactics: true,
        select_subtechniques_with_parent: false,
    }
}

fn entry(cx: &Context, page: &AttackPage, rules: &[usize]) -> TechniqueEntry {
    let rules = cx.rules(rules);
    let titles: Vec<&str> = rules.iter().map(|l| l.text.as_str()).collect();
    let count = rules.len();
    let noun = if count == 1 { "rule" } else { "rules" };
    TechniqueEntry {
        technique_id: page.id.clone(),
        tactic: only_tactic(cx, &page.id),
        score: count,
        comment: format!("{count} {noun}: {}", titles.join("; ")),
        enabled: true,
        links: rules.into_iter().map(|l| LayerLink { label: l.text, url: l.url }).collect(),
    }
}

/// The tactic shortname when ATT&CK puts the technique under exactly one tactic. With more,
/// the entry goes without one, which Navigator applies to every tactic of the technique: a
/// rule tagged with a technique detects it wherever it appears, so one entry per tactic
/// would only repeat the same score.
fn only_tactic(cx: &Context, id: &str) -> Option<String> {
    match cx.attack.technique(id).map(|t| t.tactics.as_slice()) {
        Some([one]) => Some(one.clone()),
        _ => None,
    }
}

/// The two ends of the scale; one item when every technique has the same score.
fn legend(max: usize) -> Vec<LegendItem> {
    let label = |n: usize| format!("{n} {}", if n == 1 { "rule" } else { "rules" });
    let mut items = vec![LegendItem { label: label(max.min(1)), color: COLORS[0] }];
    if max > 1 {
        items.push(LegendItem { label: label(max), color: COLORS[1] });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::super::context;
    use super::super::tests::{fixture, json_of};

    #[test]
    fn the_layer_has_what_navigator_requires() {
        let (catalog, _, attack) = fixture();
        let value = json_of(&super::layer(&context(&catalog, &attack)));
        for key in ["name", "versions", "domain", "techniques", "gradient", "legendItems"] {
            assert!(value.get(key).is_some(), "the layer lacks {key}");
        }
        assert_eq!(value["versions"]["layer"], "4.5");
        assert_eq!(value["versions"]["attack"], "19");
        assert_eq!(value["domain"], "enterprise-attack");
        let entries = value["techniques"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "one rule of the fixture detects one technique");
        let entry = &entries[0];
        assert_eq!(entry["techniqueID"], "T1059.001");
        assert_eq!(entry["tactic"], "execution");
        assert_eq!(entry["score"], 1);
        assert_eq!(entry["enabled"], true);
        assert_eq!(entry["links"][0]["url"], "../rules/ps_encoded.md");
        assert_eq!(value["gradient"]["maxValue"], 1);
    }
}
