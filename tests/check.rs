//! `detcat check`, run as a user runs it: exit statuses, switching checks off, and the JSON
//! and SARIF reports (the SARIF one validated against the SARIF 2.1.0 schema).

mod common;

use std::path::Path;
use std::process::Command;

fn detcat(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_detcat")).args(args).current_dir(cwd).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

const ID: &str = "929a690e-bef0-4204-a928-ef5e620d6fcc";

fn clean_rule(id: &str, title: &str) -> String {
    format!(
        "title: {title}\nid: {id}\nstatus: test\nlevel: high\ndate: 2020-01-02\ntags:\n  \
         - attack.execution\n  - attack.t1059.001\nlogsource:\n  product: windows\n  \
         category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\powershell.exe'\n  \
         condition: sel\n"
    )
}

/// A folder with `rules/` holding `files`.
fn sources(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("rules").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn clean_rules_exit_0_with_an_empty_report() {
    let dir = sources(&[("a.yml", clean_rule(ID, "A"))]);
    let (code, out, err) = detcat(dir.path(), &["check", "--strict"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.trim(), "detcat check: 0 errors, 0 warnings, 0 notes");
    assert!(err.contains("checks "), "the timing line: {err}");
}

#[test]
fn errors_exit_1() {
    let other = clean_rule(ID, "B");
    let dir = sources(&[("a.yml", clean_rule(ID, "A")), ("b.yml", other)]);
    let (code, out, _) = detcat(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("rules/b.yml:2: error [id-duplicate]: "), "{out}");
    assert!(out.contains("  id-duplicate  1\n"), "counts per check: {out}");
}

#[test]
fn warnings_exit_1_only_with_strict() {
    let rule = clean_rule(ID, "A").replace("level: high", "level: severe");
    let dir = sources(&[("a.yml", rule)]);
    let (code, out, _) = detcat(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rules/a.yml:4: warning [level-invalid]"), "{out}");
    let (code, _, _) = detcat(dir.path(), &["check", "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn checks_are_switched_off_by_code_and_per_rule_id() {
    let second = "5f1c6d2e-1111-4000-8000-000000000000";
    let bad = |id: &str, title: &str| clean_rule(id, title).replace("status: test", "status: x");
    let dir = sources(&[("a.yml", bad(ID, "A")), ("b.yml", bad(second, "A"))]);
    let (_, out, _) = detcat(dir.path(), &["check"]);
    assert_eq!(out.matches("[status-invalid]").count(), 2, "{out}");
    assert_eq!(out.matches("[title-duplicate]").count(), 1, "{out}");

    let config = format!(
        "rules: [rules]\nchecks:\n  disable: [status-invalid, no-such-check]\n  rules:\n    \
         {second}: [title-duplicate]\n"
    );
    std::fs::write(dir.path().join("detcat.yml"), config).unwrap();
    let (_, out, _) = detcat(dir.path(), &["check"]);
    assert!(!out.contains("[status-invalid]") && !out.contains("[title-duplicate]"), "{out}");
    assert!(out.contains("detcat.yml:3: warning [config-unknown-code]"), "{out}");
}

#[test]
fn the_json_report_is_one_document_of_findings_and_counts() {
    let rule = clean_rule("not-a-uuid", "A").replace("date: 2020-01-02", "date: 2020/01/02");
    let dir = sources(&[("a.yml", rule)]);
    let (_, out, _) = detcat(dir.path(), &["check", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{out}");
    let first = &findings[0];
    assert_eq!((first["file"].as_str(), first["line"].as_u64()), (Some("rules/a.yml"), Some(2)));
    assert_eq!(
        (first["code"].as_str(), first["severity"].as_str()),
        (Some("id-not-uuid"), Some("warning"))
    );
    assert!(first["message"].as_str().unwrap().contains("not-a-uuid"));
    assert_eq!(value["counts"]["date-invalid"], 1);
    assert_eq!(value["warnings"], 2);
}

#[test]
fn the_sarif_report_is_valid_sarif_2_1_0() {
    let rule = clean_rule(ID, "A").replace("tags:\n  - attack.execution\n", "tags:\n");
    let dir = sources(&[("a.yml", rule), ("b.yml", "title: [\n".into())]);
    let (code, out, _) = detcat(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 1, "b.yml does not parse");
    let log: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let errors = common::sarif_errors(&log);
    assert!(errors.is_empty(), "{errors:?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert!(levels.contains(&("yaml-syntax", "error")), "{levels:?}");
    assert!(levels.contains(&("technique-without-tactic", "warning")), "{levels:?}");
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!common::sarif_errors(&broken).is_empty(), "the schema check can fail");
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert!(uri.as_str().unwrap().starts_with("rules/"), "{uri}");
}
