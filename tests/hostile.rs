//! Bad input, case by case: each is reported with its file, its line where known and what is
//! wrong, by `build` and by `check` alike, and every other source of the catalog still gets
//! its page. The sources are the good catalog of `tests/fixtures/hostile/good/` plus the case:
//! small cases are files in `tests/fixtures/hostile/cases/`; big or special ones (10 MB, 10,000
//! levels of nesting, an alias bomb, bytes that are not UTF-8, link loops, a folder where a
//! file must be) are made at test time. Tests run as root, so nothing relies on permissions.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use detcat::build::{self, BuildOptions};
use detcat::diag::{Diagnostic, Severity};

const FIXTURE: &str = "tests/fixtures/hostile";

/// The pages of the good catalog, which every case must leave in place.
const GOOD_PAGES: [&str; 7] = [
    "rules/good_a",
    "rules/good_b",
    "data_needed/DN_0001_1_process_creation",
    "logging_policies/LP_0001_sysmon_process_creation",
    "triggers/T1059.001",
    "customers/CU_0001_GOOD",
    "use_cases/UC_0001_GOOD",
];

/// What a build and a check of the good catalog plus some cases found.
struct Outcome {
    _dir: tempfile::TempDir,
    src: PathBuf,
    site: PathBuf,
    /// What the build printed (loading and linking).
    printed: Vec<Diagnostic>,
    /// Every finding of the build's review (its review page).
    build: Vec<Diagnostic>,
    /// Every finding of `check`.
    check: Vec<Diagnostic>,
}

impl Outcome {
    /// Asserts that the build and the check both report `code` about the file whose path ends
    /// with `file`, at `line`, with a message holding `words`; that the build prints it when
    /// it is found while reading; and that every good page was written.
    fn assert_reported(&self, file: &str, line: Option<usize>, code: &str, words: &str) {
        let matches = |d: &&Diagnostic| {
            d.file.to_string_lossy().replace('\\', "/").ends_with(file)
                && d.line == line
                && d.code == code
                && d.message.contains(words)
        };
        for (name, findings) in [("build", &self.build), ("check", &self.check)] {
            assert!(
                findings.iter().any(|d| matches(&d)),
                "{name} lacks {file}:{line:?} [{code}] `{words}`; it found:\n{}",
                lines(findings)
            );
        }
        let group = detcat::check::lookup(code).expect("a registered code").group;
        if group == "source" {
            assert!(self.printed.iter().any(|d| matches(&d)), "build does not print {code}");
        }
        self.assert_good_pages();
    }

    fn assert_good_pages(&self) {
        for page in GOOD_PAGES {
            for ext in ["md", "html"] {
                let path = self.site.join(format!("{page}.{ext}"));
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }

    /// The findings of the build about the file whose path ends with `file`.
    fn about(&self, file: &str) -> Vec<&Diagnostic> {
        self.build.iter().filter(|d| d.file.to_string_lossy().ends_with(file)).collect()
    }
}

fn lines(findings: &[Diagnostic]) -> String {
    findings.iter().map(|d| format!("  {d}\n")).collect()
}

/// Builds and checks the good catalog with `cases` (source-relative path, bytes) added.
fn run(cases: &[(&str, Vec<u8>)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    for (rel, bytes) in cases {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    outcome(dir, src, site)
}

fn outcome(dir: tempfile::TempDir, src: PathBuf, site: PathBuf) -> Outcome {
    let options =
        BuildOptions { sources: common::dirs_under(&src), out: site.clone(), ..Default::default() };
    let report = build::build(&options, &|| {}).expect("the build completes");
    let check = build::check(&options, &|| {}).findings;
    Outcome { _dir: dir, src, site, printed: report.diagnostics, build: report.findings, check }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The fixture case `cases/<rel>`, to be placed at `<rel>` in the sources.
fn case(rel: &str) -> (&str, Vec<u8>) {
    let bytes = std::fs::read(Path::new(FIXTURE).join("cases").join(rel)).unwrap();
    (rel, bytes)
}

fn good_rule(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURE).join("good/rules").join(name)).unwrap()
}

#[test]
fn the_good_catalog_alone_builds_without_a_problem() {
    let outcome = run(&[]);
    outcome.assert_good_pages();
    let errors = outcome.build.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(errors, 0, "{}", lines(&outcome.build));
}

#[test]
fn unparseable_yaml_of_every_kind() {
    let outcome = run(&[
        case("rules/unparseable.yml"),
        case("data_needed/unparseable.yml"),
        case("logging_policies/unparseable.yml"),
        case("enrichments/unparseable.yml"),
        case("triggers/T1000/T1000.yaml"),
        case("customers/unparseable.yml"),
        case("use_cases/unparseable.yml"),
    ]);
    let expected = "did not find expected";
    outcome.assert_reported("rules/unparseable.yml", Some(3), "yaml-syntax", expected);
    for kind in ["data_needed", "logging_policies", "enrichments", "customers", "use_cases"] {
        let file = format!("{kind}/unparseable.yml");
        outcome.assert_reported(&file, Some(2), "yaml-syntax", expected);
    }
    outcome.assert_reported("T1000/T1000.yaml", Some(3), "yaml-syntax", expected);
}

#[test]
fn empty_files_of_every_kind() {
    let outcome = run(&[
        case("rules/empty.yml"),
        case("rules/comment_only.yml"),
        case("data_needed/empty.yml"),
        case("logging_policies/empty.yml"),
        case("enrichments/empty.yml"),
        case("triggers/T1001/T1001.yaml"),
        case("customers/empty.yml"),
        case("use_cases/empty.yml"),
    ]);
    let files = [
        "rules/empty.yml",
        "rules/comment_only.yml",
        "data_needed/empty.yml",
        "logging_policies/empty.yml",
        "enrichments/empty.yml",
        "T1001/T1001.yaml",
        "customers/empty.yml",
        "use_cases/empty.yml",
    ];
    for file in files {
        outcome.assert_reported(file, None, "empty-file", "no YAML document");
    }
}

#[test]
fn files_that_are_not_utf8_of_every_kind() {
    let bytes = b"title: x\ndescription: caf\xe9 \xff\n".to_vec();
    let files = [
        "rules/latin1.yml",
        "data_needed/DN_0009_latin1.yml",
        "logging_policies/LP_0009_latin1.yml",
        "enrichments/EN_0009_latin1.yml",
        "triggers/T1002/T1002.yaml",
        "customers/CU_0009_LATIN1.yml",
        "use_cases/UC_0009_LATIN1.yml",
    ];
    let cases: Vec<(&str, Vec<u8>)> = files.iter().map(|f| (*f, bytes.clone())).collect();
    let outcome = run(&cases);
    for file in files {
        outcome.assert_reported(file, Some(2), "not-utf8", "invalid byte at offset 25");
    }
}

#[test]
fn a_wrong_type_for_a_known_field() {
    let outcome = run(&[case("rules/wrong_type.yml"), case("data_needed/DN_0002_hostile.yml")]);
    let level = "`level` must be a string, found a list";
    outcome.assert_reported("rules/wrong_type.yml", Some(12), "wrong-type", level);
    // The tag `5` was placed on line 2, whose id holds a 5.
    let tag = "tag `5` is not of the form namespace.value";
    outcome.assert_reported("rules/wrong_type.yml", Some(4), "tag-not-normalised", tag);
    let channel = "`channel` must be a string, found a list";
    outcome.assert_reported("DN_0002_hostile.yml", Some(6), "wrong-type", channel);
    assert!(outcome.site.join("rules/wrong_type.md").is_file(), "the rest of the rule is kept");
}

#[test]
fn wrong_types_and_a_repeated_rule_in_a_customer() {
    let outcome = run(&[case("customers/CU_0002_HOSTILE.yml")]);
    let file = "CU_0002_HOSTILE.yml";
    outcome.assert_reported(file, Some(3), "unknown-reference", "Use Case `5`");
    let mapping = "`dataneeded` must be a list of strings, found a mapping";
    outcome.assert_reported(file, Some(4), "wrong-type", mapping);
    // The repeated rule id used to be merged without a word.
    let repeat = "names `5f1c6d2e-0000-4000-8000-00000000000a` more than once";
    outcome.assert_reported(file, Some(8), "duplicate-entry", repeat);
    assert!(outcome.site.join("customers/CU_0002_HOSTILE.md").is_file());
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_read_as_the_plain_file() {
    let plain = good_rule("good_a.yml");
    let renamed = |title: &str, id: char| {
        plain
            .replace("Encoded PowerShell", title)
            .replace("00000000000a", &format!("00000000000{id}"))
    };
    let bom = format!("\u{feff}{}", renamed("Bom Rule", 'd'));
    let crlf = renamed("Crlf Rule", 'e').replace('\n', "\r\n");
    let outcome =
        run(&[("rules/bom.yml", bom.into_bytes()), ("rules/crlf.yml", crlf.into_bytes())]);
    let codes = |file: &str| -> Vec<(&str, Option<usize>)> {
        outcome.about(file).iter().map(|d| (d.code, d.line)).collect()
    };
    for file in ["rules/bom.yml", "rules/crlf.yml"] {
        assert_eq!(codes(file), codes("rules/good_a.yml"), "{file} reads like good_a.yml");
    }
    let query = |page: &str| {
        let text = std::fs::read_to_string(outcome.site.join(page)).unwrap();
        let start = text.find("Image").expect("a query");
        text[start..start + 60].to_string()
    };
    assert_eq!(query("rules/bom.md"), query("rules/good_a.md"));
    assert_eq!(query("rules/crlf.md"), query("rules/good_a.md"));
    outcome.assert_good_pages();
}

#[test]
fn a_duplicate_key_is_reported_at_its_second_definition() {
    let policy = "title: LP_0002_twice\nvolume: High\ndescription: x\nvolume: Low\n";
    let outcome = run(&[
        case("rules/duplicate_key.yml"),
        ("logging_policies/LP_0002_twice.yml", policy.as_bytes().to_vec()),
    ]);
    let words = "duplicate entry with key \"level\"";
    outcome.assert_reported("rules/duplicate_key.yml", Some(11), "yaml-syntax", words);
    let words = "duplicate entry with key \"volume\"";
    outcome.assert_reported("LP_0002_twice.yml", Some(4), "yaml-syntax", words);
}

#[test]
fn an_alias_bomb_is_refused_without_expanding_it() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let outcome = run(&[("rules/bomb.yml", text.into_bytes())]);
    outcome.assert_reported("rules/bomb.yml", Some(2), "yaml-syntax", "repetition limit exceeded");
    // Nine levels of nine make 387 million strings; expanded, they would take gigabytes.
    if let Some(peak) = peak_memory_kib() {
        assert!(peak < 1024 * 1024, "the test process peaked at {peak} KiB");
    }
}

/// The peak resident memory of this process, on Linux.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn nesting_thousands_of_levels_deep_is_refused_before_parsing() {
    let flow = format!("title: Flow\nx: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mapping = format!("title: Map\nx: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    let compact = format!("title: Compact\nx:\n  {}1\n", "- ".repeat(10_000));
    // Block mappings 10,000 levels deep need 50 MB of indentation, which is refused as too
    // large: 1,000 levels take half a megabyte.
    let block: String = (0..1_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let outcome = run(&[
        ("data_needed/DN_0003_deep.yml", flow.clone().into_bytes()),
        ("rules/flow.yml", flow.into_bytes()),
        ("rules/mapping.yml", mapping.into_bytes()),
        ("rules/compact.yml", compact.into_bytes()),
        ("rules/block.yml", block.into_bytes()),
    ]);
    let words = "nest more than 200 levels deep";
    outcome.assert_reported("rules/flow.yml", Some(2), "too-deep", words);
    outcome.assert_reported("data_needed/DN_0003_deep.yml", Some(2), "too-deep", words);
    outcome.assert_reported("rules/mapping.yml", Some(2), "too-deep", words);
    outcome.assert_reported("rules/compact.yml", Some(3), "too-deep", words);
    outcome.assert_reported("rules/block.yml", Some(201), "too-deep", words);
}

#[test]
fn a_10_mb_string_is_refused_before_reading() {
    let text = format!("title: Huge\ndescription: {}\n", "a".repeat(10_000_000));
    let outcome = run(&[
        ("rules/huge.yml", text.clone().into_bytes()),
        ("triggers/T1003/T1003.yaml", text.into_bytes()),
    ]);
    let words = "larger than 4 MiB";
    outcome.assert_reported("rules/huge.yml", None, "too-large", words);
    outcome.assert_reported("T1003/T1003.yaml", None, "too-large", words);
}

#[test]
fn unknown_fields_are_reported_at_their_line() {
    let outcome = run(&[case("rules/unknown_field.yml"), case("data_needed/DN_0002_hostile.yml")]);
    let rule = "`levle` is not a field of a Sigma rule";
    outcome.assert_reported("rules/unknown_field.yml", Some(10), "unknown-field", rule);
    let data_needed = "`feilds` is not a field of a Data Needed file";
    outcome.assert_reported("DN_0002_hostile.yml", Some(10), "unknown-field", data_needed);
    assert!(outcome.site.join("rules/unknown_field.md").is_file());
}

#[test]
fn no_detection_or_no_condition() {
    let outcome = run(&[case("rules/no_detection.yml"), case("rules/no_condition.yml")]);
    outcome.assert_reported("rules/no_detection.yml", Some(1), "missing-field", "no `detection`");
    outcome.assert_reported("rules/no_condition.yml", Some(6), "missing-field", "no `condition`");
}

#[test]
fn detection_errors_name_their_line() {
    let outcome = run(&[
        case("rules/undefined_selection.yml"),
        case("rules/unknown_modifier.yml"),
        case("rules/invalid_regex.yml"),
        case("rules/invalid_cidr.yml"),
    ]);
    let undefined = "condition names `filter`, which is not defined";
    outcome.assert_reported("undefined_selection.yml", Some(9), "undefined-selection", undefined);
    let modifier = "unknown modifier `endswithh`";
    outcome.assert_reported("unknown_modifier.yml", Some(8), "unknown-modifier", modifier);
    outcome.assert_reported("invalid_regex.yml", Some(8), "invalid-regex", "unclosed group");
    outcome.assert_reported("invalid_cidr.yml", Some(8), "invalid-cidr", "`10.0.0.0/33`");
}

#[test]
fn a_blank_log_source_value_names_no_list_page() {
    // `service: ''` wrote `lists/service-.md`, a page without a name.
    let outcome = run(&[case("rules/odd_logsource.yml")]);
    let blank = "`logsource.service` must be a name, found an empty string";
    outcome.assert_reported("rules/odd_logsource.yml", Some(6), "wrong-type", blank);
    let number = "`logsource.category`: 5 is not of type \"string\"";
    outcome.assert_reported("rules/odd_logsource.yml", Some(5), "sigma-schema", number);
    assert!(!outcome.site.join("lists/service-.md").exists());
    assert!(outcome.site.join("rules/odd_logsource.md").is_file());
}

#[test]
fn a_symbolic_link_loop_and_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    std::os::unix::fs::symlink(src.join("rules"), src.join("rules/loop")).unwrap();
    std::os::unix::fs::symlink(src.join("no-such-file.yml"), src.join("rules/gone.yml")).unwrap();
    let outcome = outcome(dir, src, site);
    outcome.assert_reported("rules/loop", None, "unreadable", "symbolic link loop back to");
    outcome.assert_reported("rules/gone.yml", None, "unreadable", "cannot read");
    assert!(outcome.src.join("rules/good_a.yml").is_file());
}

#[test]
fn a_folder_named_like_a_rule_file_is_walked_into() {
    let outcome = run(&[("rules/folder.yml/inner.yml", good_rule("good_b.yml").into_bytes())]);
    outcome.assert_good_pages();
    assert!(outcome.site.join("rules/inner.md").is_file());
}

#[test]
fn two_rules_with_the_same_id() {
    let outcome = run(&[case("rules/same_id.yml")]);
    let words = "is also the id of";
    outcome.assert_reported("rules/same_id.yml", Some(2), "id-duplicate", words);
    assert!(outcome.site.join("rules/same_id.md").is_file(), "both rules keep their page");
}

#[test]
fn two_sources_with_the_same_file_stem() {
    let other = good_rule("good_b.yml").replace("00000000000b", "00000000000f");
    let dn =
        std::fs::read(Path::new(FIXTURE).join("good/data_needed/DN_0001_1_process_creation.yml"))
            .unwrap();
    let outcome = run(&[
        ("rules/other/good_b.yml", other.into_bytes()),
        ("data_needed/more/DN_0001_1_process_creation.yml", dn),
    ]);
    let words = "page name `good_b` is already used by";
    outcome.assert_reported("rules/other/good_b.yml", None, "duplicate-page-name", words);
    let dn_file = "more/DN_0001_1_process_creation.yml";
    let dn_words = "page name `DN_0001_1_process_creation` is already used by";
    outcome.assert_reported(dn_file, None, "duplicate-page-name", dn_words);
    assert!(outcome.site.join("rules/good_b-2.md").is_file());
    assert!(outcome.site.join("data_needed/DN_0001_1_process_creation-2.md").is_file());
}

#[test]
fn bidi_and_control_characters_are_visible_in_html() {
    let title = "\"Invoice \u{202E}fdp.exe\\a\"";
    let rule = good_rule("good_b.yml").replace("Whoami Run", title);
    let outcome = run(&[("rules/bidi.yml", rule.into_bytes())]);
    let page = std::fs::read_to_string(outcome.site.join("rules/bidi.html")).unwrap();
    assert!(page.contains("Invoice [U+202E]fdp.exe[U+0007]"), "the text is kept, marked");
    // In code blocks (the rule's source) the character stays, for copying, isolated and named.
    let isolated = "<span class=\"cc\" data-mark=\"[U+202E]\">\u{202E}</span>";
    assert!(page.contains(isolated), "the source keeps the character in an isolating span");
    let outside = page.replace(isolated, "");
    assert!(
        !outside.contains('\u{202E}') && !outside.contains('\u{7}'),
        "raw controls in the page"
    );
}

/// Runs the binary in `cwd`.
fn detcat(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_detcat")).args(args).current_dir(cwd).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_command_line_prints_every_text_case_in_build_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    copy_tree(&Path::new(FIXTURE).join("cases"), &src);
    let (code, _, built) = detcat(&src, &["build", "--out", "../site"]);
    assert_eq!(code, 0, "problems in the sources do not fail a build: {built}");
    let (code, checked, _) = detcat(&src, &["check"]);
    assert_eq!(code, 1, "the errors fail the check");
    for expected in [
        "rules/duplicate_key.yml:11: error [yaml-syntax]",
        "rules/unknown_modifier.yml:8: error [unknown-modifier]",
        "data_needed/empty.yml: error [empty-file]",
        "customers/CU_0002_HOSTILE.yml:8: warning [duplicate-entry]",
        "triggers/T1000/T1000.yaml:3: error [yaml-syntax]",
    ] {
        assert!(built.contains(expected), "build does not print {expected}:\n{built}");
        assert!(checked.contains(expected), "check does not print {expected}:\n{checked}");
    }
    assert!(checked.contains("rules/same_id.yml:2: error [id-duplicate]"), "{checked}");
    for page in GOOD_PAGES {
        assert!(dir.path().join(format!("site/{page}.html")).is_file(), "{page}");
    }
}

#[test]
fn an_output_that_cannot_be_written_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    std::fs::write(dir.path().join("a-file"), "not a folder\n").unwrap();
    for (out, words) in [("../a-file", "exists and is not a folder"), ("../a-file/site", "a-file")]
    {
        let (code, _, err) = detcat(&src, &["build", "--out", out]);
        assert_eq!(code, 1, "{out}: {err}");
        assert!(err.contains(words), "{out}: {err}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("a-file")).unwrap(), "not a folder\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "only src/ and a-file: {leftovers:?}");
}

#[test]
fn a_folder_where_the_configuration_must_be_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    std::fs::create_dir(src.join("detcat.yml")).unwrap();
    let (code, _, err) = detcat(&src, &["build", "--config", "detcat.yml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("detcat.yml"), "{err}");
    assert!(!src.join("site").exists());
}

#[test]
fn checks_naming_an_unknown_rule_id_are_reported_at_their_line() {
    // `checks.rules` with a mistyped id kept the checks on without a word.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(&Path::new(FIXTURE).join("good"), &src);
    let config = "rules: [rules]\nchecks:\n  rules:\n    5f1c6d2e-0000-4000-8000-00000000000a: \
                  [title-duplicate]\n    no-such-rule-id: [title-duplicate]\n";
    std::fs::write(src.join("detcat.yml"), config).unwrap();
    let (_, out, _) = detcat(&src, &["check"]);
    let expected = "detcat.yml:5: warning [config-unknown-rule]: `checks.rules` names \
                    `no-such-rule-id`, which is no rule's id";
    assert!(out.contains(expected), "{out}");
    assert_eq!(out.matches("config-unknown-rule]").count(), 1, "{out}");
}
