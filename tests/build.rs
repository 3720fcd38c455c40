//! End-to-end builds of fixture catalogs, compared with reviewed snapshots, and the checked-in
//! example site kept current.

mod common;

use std::path::Path;

use detcat::diag::Severity;

fn fixture(case: &str) -> std::path::PathBuf {
    Path::new("tests/fixtures").join(case)
}

fn snapshot_case(case: &str) -> detcat::build::BuildReport {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let report = common::build_into(&fixture(case), &site);
    let diagnostics: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    std::fs::write(site.join("diagnostics.txt"), diagnostics.join("\n") + "\n").unwrap();
    common::assert_tree_matches(&site, &Path::new("tests/snapshots").join(case));
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
    report
}

#[test]
fn basic_catalog_matches_its_snapshot() {
    let report = snapshot_case("basic");
    let unknown = report.diagnostics.iter().filter(|d| d.code == "unknown-reference").count();
    assert_eq!(unknown, 1, "the missing Logging Policy is reported once");
}

#[test]
fn colliding_stems_and_bad_files_still_build() {
    let report = snapshot_case("collisions");
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"duplicate-page-name"), "{codes:?}");
    assert!(codes.contains(&"yaml-syntax"), "{codes:?}");
    assert!(codes.contains(&"empty-file"), "{codes:?}");
    let rules = report.pages.iter().find(|(k, _)| *k == "rule").unwrap().1;
    assert_eq!(rules, 2, "both rules with the same stem get a page");
}

const RULE: &str =
    "title: R\nlogsource: {product: windows}\ndetection:\n  s: {a: b}\n  condition: s\n";

fn trigger(technique: &str) -> String {
    format!("attack_technique: '{technique}'\ndisplay_name: x\natomic_tests: []\n")
}

#[test]
fn trigger_with_a_path_as_technique_is_left_out_and_the_rest_builds() {
    // `../../../etc/passwd` used to stop the whole build; `T1059/evil` wrote a page one
    // folder too deep, with broken links.
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    let (traversal, slash, space) =
        (trigger("../../../etc/passwd"), trigger("T1059/evil"), trigger("T1059 x"));
    common::write_sources(
        &src,
        &[
            ("rules/r.yml", RULE),
            ("triggers/T4/T4.yaml", &traversal),
            ("triggers/T5/T5.yaml", &slash),
            ("triggers/T6/T6.yaml", &space),
            ("triggers/T1059/T1059.yaml", &trigger("t1059")),
        ],
    );
    let report = common::build_into(&src, &site);
    let invalid: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "invalid-technique" && d.severity == Severity::Error)
        .map(|d| format!("{}:{}", d.file.file_name().unwrap().to_string_lossy(), d.line.unwrap()))
        .collect();
    assert_eq!(invalid, ["T4.yaml:1", "T5.yaml:1", "T6.yaml:1"]);
    let files = common::read_tree(&site);
    let attack: Vec<&String> =
        files.keys().filter(|k| k.starts_with("attack/") && k.ends_with(".md")).collect();
    assert_eq!(attack, ["attack/T1059.md", "attack/TA0002.md"]);
    assert!(files.contains_key("triggers/T1059.md") && files.contains_key("README.md"));
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
}

#[test]
fn trigger_for_a_technique_attack_does_not_know_warns_and_links_nothing_empty() {
    // `attack_technique: T9999` gave `[ATT&CK]()` links and no word about it.
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    common::write_sources(
        &src,
        &[("rules/r.yml", RULE), ("triggers/T9999/T9999.yaml", &trigger("T9999"))],
    );
    let report = common::build_into(&src, &site);
    let unknown: Vec<_> =
        report.diagnostics.iter().filter(|d| d.code == "unknown-technique").collect();
    assert_eq!(unknown.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(unknown[0].line, Some(1));
    let files = common::read_tree(&site);
    for (path, text) in &files {
        assert!(!text.contains("]()") && !text.contains("href=\"\""), "{path} has an empty link");
    }
    assert!(files["attack/T9999.md"].contains("T9999 is not in ATT&amp;CK v19.1."));
}

#[test]
fn rule_files_with_the_same_very_long_stem_both_get_a_page() {
    // Two 251-character stems gave a 256-byte name after `-2`: "File name too long".
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    let (a, b) =
        (format!("rules/a/{}.yml", "L".repeat(251)), format!("rules/b/{}.yml", "L".repeat(251)));
    common::write_sources(&src, &[(&a, RULE), (&b, RULE)]);
    let report = common::build_into(&src, &site);
    let long = report.diagnostics.iter().filter(|d| d.code == "long-page-name").count();
    assert_eq!(long, 2);
    let rules = common::read_tree(&site)
        .keys()
        .filter(|k| k.starts_with("rules/") && k.ends_with(".md"))
        .count();
    assert_eq!(rules, 2);
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
}

/// The checked-in `site/` is what `cargo run --release -- build` writes from the example
/// sources; rebuild it with `DETCAT_UPDATE_SNAPSHOTS=1 cargo test` after a change.
#[test]
fn example_site_is_current() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let report = common::build_into(Path::new(""), &site);
    let warnings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| d.to_string())
        .collect();
    assert!(warnings.is_empty(), "the example catalog builds without warnings: {warnings:#?}");
    common::assert_tree_matches(&site, Path::new("site"));
}

#[test]
fn every_link_of_the_example_build_resolves() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    common::build_into(Path::new(""), &site);
    let broken = common::broken_links(&site);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

#[test]
fn two_builds_write_byte_identical_exports() {
    let out = tempfile::tempdir().unwrap();
    let (first, second) = (out.path().join("a"), out.path().join("b"));
    common::build_into(Path::new(""), &first);
    common::build_into(Path::new(""), &second);
    let exports = |site: &Path| common::read_tree(&site.join("exports"));
    assert_eq!(
        exports(&first).len(),
        6,
        "four exports and the layers of a customer and a use case"
    );
    assert_eq!(exports(&first), exports(&second));
}

#[test]
fn every_link_of_the_navigator_layer_leads_to_a_rule_page() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    common::build_into(Path::new(""), &site);
    let text = std::fs::read_to_string(site.join("exports/navigator-layer.json")).unwrap();
    let layer: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = layer["techniques"].as_array().unwrap();
    assert!(!entries.is_empty());
    for link in entries.iter().flat_map(|e| e["links"].as_array().unwrap()) {
        let url = link["url"].as_str().unwrap();
        assert!(url.starts_with("../rules/") && site.join("exports").join(url).is_file(), "{url}");
    }
}
