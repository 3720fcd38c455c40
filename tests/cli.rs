//! The command line, run as a user runs it.

use std::path::Path;
use std::process::Command;

fn detcat(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_detcat")).args(args).current_dir(cwd).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic")
}

#[test]
fn a_missing_source_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = detcat(dir.path(), &["build", "--rules", "no-such-folder"]);
    assert_eq!(code, 1);
    assert!(err.contains("no-such-folder") && err.contains("does not exist"), "{err}");
}

#[test]
fn detcat_yml_is_read_when_no_source_flag_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let rules = fixture().join("rules");
    let config = format!("rules: [{}]\nout: built\n", rules.display());
    std::fs::write(dir.path().join("detcat.yml"), config).unwrap();
    let (code, _, err) = detcat(dir.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("built/rules/ps_encoded.md").is_file());
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("detcat: wrote ") && last.contains("2 rule") && last.ends_with('s'),
        "{last}"
    );
}

// `--config F --rules X` used to drop every source folder of F, not only its rules.
#[test]
fn a_source_flag_replaces_only_its_own_kind_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let config = format!(
        "rules: [no-such-rules]\ndata_needed: [{}]\nout: built\n",
        f.join("data_needed").display()
    );
    std::fs::write(dir.path().join("mix.yml"), config).unwrap();
    let rules = f.join("rules");
    let args = ["build", "--config", "mix.yml", "--rules", rules.to_str().unwrap()];
    let (code, _, err) = detcat(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("built/rules/ps_encoded.md").is_file());
    assert!(dir.path().join("built/data_needed").is_dir(), "the config's Data Needed stay");
}

#[test]
fn a_file_named_as_a_source_folder_is_an_error_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yml"), "title: x\n").unwrap();
    let (code, _, err) = detcat(dir.path(), &["build", "--rules", "rules.yml"]);
    assert_eq!(code, 1);
    assert!(err.contains("is a file, not a folder"), "{err}");
}

#[test]
fn a_configuration_without_rule_folders_is_an_error_and_the_site_stays() {
    // An empty detcat.yml built an empty catalog over the published site, with exit 0.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("detcat.yml"), "\n").unwrap();
    let (code, _, err) = detcat(dir.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no rule folder given"), "{err}");
    assert!(!dir.path().join("site").exists());
}

#[test]
fn default_folders_are_used_when_nothing_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = detcat(dir.path(), &["build"]);
    assert_eq!(code, 1, "an empty folder has no rules/ to build");
    assert!(err.contains("no rules/ folder"), "{err}");
}

#[test]
fn convert_json_prints_one_line_per_rule_file() {
    let rules = fixture().join("rules");
    let (code, out, err) =
        detcat(Path::new("."), &["convert", rules.to_str().unwrap(), "-t", "lucene", "--json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        for key in ["path", "id", "title", "ok", "queries", "error"] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
    }
}

#[test]
fn convert_json_gives_an_unreadable_file_its_line_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yml"), b"title: x\n\xff\xfe bad\n").unwrap();
    let good = fixture().join("rules");
    let args = ["convert", dir.path().to_str().unwrap(), good.to_str().unwrap(), "-t", "lucene"];
    let (code, out, _) = detcat(Path::new("."), &[&args[..], &["--json"]].concat());
    assert_eq!(code, 1, "a file that cannot be read fails the run");
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "the unreadable file and the two rules");
    let bad = lines.iter().find(|l| l["path"].as_str().unwrap().ends_with("a.yml")).unwrap();
    assert_eq!(bad["ok"], false);
    assert!(bad["error"].as_str().unwrap().contains("not-utf8"), "{bad}");
}

#[test]
fn an_unknown_target_is_a_usage_error() {
    let (code, _, err) = detcat(Path::new("."), &["convert", ".", "-t", "nosuch"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown target `nosuch`"), "{err}");
}

fn repo_rule(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).to_str().unwrap().to_string()
}

#[test]
fn convert_reports_a_correlation_as_not_convertible() {
    // The correlation's id and title came with ok:true and only the base rule's query.
    let file = repo_rule("rules/windows/win_correlation_bruteforce.yml");
    let (code, out, _) = detcat(Path::new("."), &["convert", &file, "-t", "lucene", "--json"]);
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["ok"], false);
    assert_eq!(line["queries"].as_array().unwrap().len(), 1);
    let error = line["error"].as_str().unwrap();
    assert!(error.contains("`Many Failed Logons For One Account From One Address`"), "{error}");
    assert!(error.contains("not convertible to Kibana: correlation rules"), "{error}");
    assert_eq!(code, 1);
    for target in ["lucene", "watcher", "graylog"] {
        let (_, out, _) = detcat(Path::new("."), &["convert", &file, "-t", target]);
        assert!(out.contains(": correlation rules\n"), "{target}: {out}");
    }
}

#[test]
fn convert_exits_1_when_a_rule_fails_and_0_when_all_convert() {
    // Parse errors and refusals were printed, but the exit status was always 0.
    let dir = std::env::temp_dir().join(format!("detcat-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let head = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n";
    std::fs::write(dir.join("bad.yml"), format!("{head}    A|nosuch: 1\n  condition: sel\n"))
        .unwrap();
    std::fs::write(dir.join("refused.yml"), format!("{head}    A|cased: x\n  condition: sel\n"))
        .unwrap();
    let good = fixture().join("rules");
    let run =
        |path: &Path| detcat(Path::new("."), &["convert", path.to_str().unwrap(), "-t", "lucene"]);
    for name in ["bad.yml", "refused.yml"] {
        let (code, out, _) = run(&dir.join(name));
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.starts_with("# "), "{name}: {out}");
    }
    assert_eq!(run(&good).0, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_help_lists_the_targets() {
    let (_, out, _) = detcat(Path::new("."), &["convert", "--help"]);
    for target in ["lucene (Kibana)", "watcher (X-Pack Watcher)", "graylog (Graylog)"] {
        assert!(out.contains(target), "{out}");
    }
}

#[test]
fn format_chooses_the_pages_and_an_unknown_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = fixture().join("rules");
    let rules = rules.to_str().unwrap();
    let (code, _, err) = detcat(dir.path(), &["build", "--rules", rules, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("site/rules/ps_encoded.html").is_file());
    assert!(dir.path().join("site/assets/style.css").is_file());
    assert!(!dir.path().join("site/rules/ps_encoded.md").exists());
    let (code, _, err) = detcat(dir.path(), &["build", "--rules", rules, "--format", "pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains("markdown") && err.contains("html") && err.contains("all"), "{err}");
}
