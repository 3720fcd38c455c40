//! `detcat check`'s review over the real corpus: counts per check printed for the closing
//! note, and the invariants every review must keep. Skipped, with a printed reason, when
//! `../shared/corpus` (or the folder `DETCAT_CORPUS` names) is absent.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use detcat::attack::Attack;
use detcat::build;
use detcat::catalog::{self, Catalog, SourceDirs};
use detcat::check::{self, CheckSettings};
use detcat::convert::ConvertOptions;
use detcat::diag::{Diagnostic, Severity};
use detcat::sigma::RuleSet;

/// Loads, links, converts and reviews as `detcat check` does; prints the figures.
fn review(name: &str, sources: &SourceDirs) -> (Catalog, Vec<Diagnostic>) {
    let start = Instant::now();
    let attack = Attack::embedded();
    let catalog = catalog::link(catalog::load_sources(sources, &|| {}), &attack);
    let queries = build::convert_all(&catalog, &ConvertOptions::default());
    let prepared = Instant::now();
    let findings = check::review(&catalog, &queries, &attack, &CheckSettings::default());
    say!(
        "== {name}: prepared in {:.2}s, checks in {:.3}s (debug build unless --release)",
        (prepared - start).as_secs_f64(),
        prepared.elapsed().as_secs_f64()
    );
    for (code, count) in check::counts(&findings) {
        say!("  {code:<28} {count}");
    }
    say!(
        "  total {}, errors {}",
        findings.len(),
        check::count_severity(&findings, Severity::Error)
    );
    (catalog, findings)
}

/// What every review must keep: known codes, no rule file lost, valid SARIF, and one
/// `rule-no-data-needed` per rule page that links no Data Needed.
fn invariants(sources: &SourceDirs, catalog: &Catalog, findings: &[Diagnostic]) {
    let unknown: Vec<&str> =
        findings.iter().map(|d| d.code).filter(|c| check::lookup(c).is_none()).collect();
    assert!(unknown.is_empty(), "codes missing from CHECKS: {unknown:?}");

    let mut walk = Vec::new();
    let files = detcat::load::find_yaml_files(&sources.rules, &mut walk);
    let with_page: BTreeSet<&Path> =
        catalog.rules.iter().map(|e| e.item.file.path.as_path()).collect();
    let with_error: BTreeSet<&Path> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.file.as_path())
        .collect();
    let lost: Vec<&PathBuf> = files
        .iter()
        .filter(|f| !with_page.contains(f.as_path()) && !with_error.contains(f.as_path()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} rule files with neither a page nor an error: {lost:?}",
        lost.len()
    );

    let sarif_errors = common::sarif_errors(&check::sarif::report(findings));
    assert!(sarif_errors.is_empty(), "{:?}", &sarif_errors[..sarif_errors.len().min(5)]);

    let unlinked = catalog
        .rules
        .iter()
        .filter(|e| e.links.data_needed.is_empty())
        .filter(|e| !matches!(e.item.set(), RuleSet::Correlation { rules, .. } if rules.is_empty()))
        .count();
    let reported = findings.iter().filter(|d| d.code == "rule-no-data-needed").count();
    assert_eq!(unlinked, reported, "rule pages without Data Needed vs findings");
}

#[test]
fn corpus_today_review() {
    let Some(corpus) = common::corpus() else { return };
    let rules = ["sigma/rules", "sigma/rules-emerging-threats", "sigma/rules-threat-hunting"];
    let sources = common::corpus_dirs(&corpus, &rules);
    let (catalog, findings) = review("sigma today", &sources);
    invariants(&sources, &catalog, &findings);
}

#[test]
fn corpus_2020_review_names_the_successor_of_a_revoked_technique() {
    let Some(corpus) = common::corpus() else { return };
    let sources = common::corpus_dirs(&corpus, &["sigma-2020/rules"]);
    let (catalog, findings) = review("sigma-2020", &sources);
    invariants(&sources, &catalog, &findings);
    let card = "sysmon_wmi_persistence_commandline_event_consumer.yml";
    let revoked: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.code == "technique-revoked" && d.file.ends_with(card))
        .collect();
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    assert!(revoked[0].message.contains("T1084") && revoked[0].message.contains("T1546.003"));
    let per_code: BTreeMap<&str, usize> = check::counts(&findings);
    assert!(
        per_code.get("tag-not-normalised").is_some_and(|&n| n > 0),
        "2020 rules write attack.defense_evasion"
    );
}
