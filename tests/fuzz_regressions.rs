//! Inputs that the fuzz targets (`fuzz/`, run by `scripts/fuzz`) found crashing detcat,
//! replayed through the same entry points: each must load, link, convert and review without
//! a panic, with every finding on a line inside its file.

use std::path::Path;

use detcat::attack::Attack;
use detcat::build;
use detcat::catalog::{self, Sources};
use detcat::check::{self, CheckSettings};
use detcat::convert::ConvertOptions;
use detcat::diag::Diagnostic;
use detcat::load;
use detcat::sigma;

/// The fixture `name` of `tests/fixtures/fuzz/`, through the build's steps; its findings.
fn replay(name: &str) -> (String, Vec<Diagnostic>) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name);
    let bytes = std::fs::read(&fixture).expect("the fixture is readable");
    let source = load::decode(Path::new("rules/fuzz.yml"), bytes).expect("UTF-8 text");
    let mut file = sigma::parse_file(&source);
    // As `catalog::load_sources` does: the file's findings move to the sources'.
    let diagnostics = std::mem::take(&mut file.diagnostics);
    let sources = Sources { rules: vec![file], diagnostics, ..Sources::default() };
    let attack = Attack::embedded();
    let catalog = catalog::link(sources, &attack);
    let queries = build::convert_all(&catalog, &ConvertOptions::default());
    let findings = check::review(&catalog, &queries, &attack, &CheckSettings::default());
    (source.text, findings)
}

fn assert_inside(text: &str, findings: &[Diagnostic]) {
    let lines = text.lines().count();
    for finding in findings {
        let line = finding.line.unwrap_or(1);
        assert!((1..=lines + 1).contains(&line), "past line {lines}: {finding:?}");
    }
}

#[test]
fn lone_carriage_returns_are_line_breaks_for_every_line_number() {
    let (text, findings) = replay("lone_cr.yml");
    assert_inside(&text, &findings);
    assert!(!text.contains('\r'), "a carriage return is left");
    assert!(!findings.is_empty(), "the broken documents go unreported");
}

#[test]
fn a_huge_counted_repetition_is_a_valid_pattern_no_target_takes() {
    let (text, findings) = replay("huge_repetition.yml");
    assert_inside(&text, &findings);
    assert!(!findings.iter().any(|d| d.code == "invalid-regex"), "{findings:?}");
    let refused = findings.iter().filter(|d| d.message.contains("repetition count over 10,000"));
    assert_eq!(refused.count(), 3, "one per target: {findings:?}");
}

#[test]
fn a_long_pattern_with_a_literal_brace_converts() {
    let (text, findings) = replay("long_pattern_with_literal_brace.yml");
    assert_inside(&text, &findings);
    let refused = findings.iter().filter(|d| d.code == "not-convertible").count();
    assert_eq!(refused, 0, "{findings:?}");
}
