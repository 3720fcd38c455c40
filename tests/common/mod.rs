//! Shared helpers of the end-to-end tests: building a folder of sources, comparing output
//! trees with reviewed snapshots, and checking that every link resolves.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use detcat::build::{self, BuildOptions, BuildReport};
use detcat::catalog::SourceDirs;

/// Set this variable to rewrite snapshots from the current output instead of comparing.
pub const UPDATE: &str = "DETCAT_UPDATE_SNAPSHOTS";

/// The source folders under `root` that exist, by their default names.
pub fn dirs_under(root: &Path) -> SourceDirs {
    SourceDirs::existing_under(root)
}

/// Builds the sources under `root` into `out`.
pub fn build_into(root: &Path, out: &Path) -> BuildReport {
    let options =
        BuildOptions { sources: dirs_under(root), out: out.to_path_buf(), ..Default::default() };
    build::build(&options, &|| {}).expect("the build completes")
}

/// Writes each `(relative path, text)` under `root`, making folders as needed.
pub fn write_sources(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every file under `root`, by relative path, with its text.
pub fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walkable output");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(entry.path()).expect("UTF-8 output");
            files.insert(rel, text);
        }
    }
    files
}

/// Compares the tree `actual` with the snapshot tree `expected`, file by file; with
/// `DETCAT_UPDATE_SNAPSHOTS=1` it rewrites the snapshot instead.
pub fn assert_tree_matches(actual: &Path, expected: &Path) {
    if std::env::var_os(UPDATE).is_some() {
        let _ = std::fs::remove_dir_all(expected);
        copy_tree(actual, expected);
        return;
    }
    let got = read_tree(actual);
    let want = read_tree(expected);
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} differs from {}: missing {missing:?}, unexpected {extra:?} (run with {UPDATE}=1 to accept)",
        actual.display(),
        expected.display()
    );
    for (path, text) in &got {
        assert!(
            text == &want[path],
            "{path} differs from the snapshot in {} (run with {UPDATE}=1 to accept):\n{}",
            expected.display(),
            first_difference(&want[path], text)
        );
    }
}

fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n- {w}\n+ {g}", i + 1);
        }
    }
    format!(
        "lengths differ: {} lines expected, {} found",
        want.lines().count(),
        got.lines().count()
    )
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, text) in read_tree(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every broken relative link (or anchor) in the Markdown and HTML files under `root`.
pub fn broken_links(root: &Path) -> Vec<String> {
    let files = read_tree(root);
    let mut broken = Vec::new();
    for (rel, text) in &files {
        let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
        let targets = match Path::new(rel).extension().and_then(|e| e.to_str()) {
            Some("md") => links_of(text),
            Some("html") => hrefs_of(text),
            _ => continue,
        };
        for target in targets {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
            {
                continue;
            }
            if !link_resolves(root, dir, rel, &target, &files) {
                broken.push(format!("{rel}: {target}"));
            }
        }
    }
    broken
}

fn link_resolves(
    root: &Path,
    dir: &Path,
    rel: &str,
    target: &str,
    files: &BTreeMap<String, String>,
) -> bool {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    // A query (`search.html?q=cve`) is read by the page's script, not by the file system.
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let file = if path.is_empty() { rel.to_string() } else { normalize(&dir.join(path)) };
    let Some(text) = files.get(&file) else { return root.join(&file).is_dir() };
    let anchors = if file.ends_with(".html") { html_ids(text) } else { anchors_of(text) };
    anchor.is_none_or(|a| anchors.iter().any(|h| h == a))
}

/// The values of the `attribute="…"` attributes of an HTML text, entities decoded.
pub fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let opening = format!(" {attribute}=\"");
    let mut values = Vec::new();
    for (start, _) in html.match_indices(&opening) {
        let rest = &html[start + opening.len()..];
        let end = rest.find('"').expect("a closed attribute value");
        values.push(decode_entities(&rest[..end]));
    }
    values
}

/// Every link target (`href`) of an HTML text, as the browser reads it.
fn hrefs_of(html: &str) -> Vec<String> {
    attribute_values(html, "href")
}

/// Every element id of an HTML text: the anchors a link may point to.
fn html_ids(html: &str) -> Vec<String> {
    attribute_values(html, "id")
}

/// The entities our HTML escaping writes, decoded; `&amp;` last so it is decoded once.
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn links_of(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

/// GitHub's anchors for the headings of a Markdown text.
fn anchors_of(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut anchors = Vec::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = heading.take().unwrap_or_default().to_lowercase();
                let slug: String = text
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect();
                anchors.push(slug);
            }
            _ => {}
        }
    }
    anchors
}

/// Prints a line past the test harness's output capture, so that a skipped corpus check and
/// the corpus figures show in a plain `cargo test` run (libtest captures only the print
/// macros, not writes to the stderr handle).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The corpus, `../shared/corpus` or the folder `DETCAT_CORPUS` names (a checkout that is not
/// beside it, such as a git worktree); `None`, with the reason printed, when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("DETCAT_CORPUS")
        .map_or_else(|| PathBuf::from("../shared/corpus"), PathBuf::from);
    if path.is_dir() {
        Some(path)
    } else {
        say!("skipping: {} is absent", path.display());
        None
    }
}

/// The corpus's rule folders `rules` with all its Data Needed, policies, enrichments and
/// Atomic Red Team tests.
pub fn corpus_dirs(corpus: &Path, rules: &[&str]) -> SourceDirs {
    SourceDirs {
        rules: rules.iter().map(|r| corpus.join(r)).collect(),
        data_needed: vec![corpus.join("atc-data/data_needed")],
        logging_policies: vec![corpus.join("atc-data/logging_policies")],
        enrichments: vec![corpus.join("atc-data/enrichments")],
        triggers: vec![corpus.join("atomic-red-team/atomics")],
        ..SourceDirs::default()
    }
}

/// The SARIF 2.1.0 schema's complaints about `log`; empty when it is valid.
pub fn sarif_errors(log: &serde_json::Value) -> Vec<String> {
    let text = include_str!("../fixtures/sarif/sarif-schema-2.1.0.json");
    // The schema's `language` pattern holds a lone `]`, which ECMA-262 reads as a literal and
    // the jsonschema crate's regex check rejects; escaping it keeps the pattern's meaning.
    let lone = r#"[a-zA-Z]{2}]?$"#;
    assert!(text.contains(lone), "the SARIF schema changed: drop this escape");
    let text = text.replace(lone, r#"[a-zA-Z]{2}\\]?$"#);
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the SARIF schema compiles");
    validator.iter_errors(log).map(|e| format!("{}: {e}", e.instance_path().as_str())).collect()
}
