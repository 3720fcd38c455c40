//! Corpus check: every rule of the shared Sigma corpus parses and converts without panicking,
//! and at least a measured number converts per target. Skipped when the corpus is absent.
//!
//! Set `DETCAT_CORPUS_JSONL=<file>` to also write one JSON line per rule file in the shape
//! the oracle's `lucene_check.py` and `regression_eval.py --external` read.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use detcat::convert::{convert_rule, ConvertOptions, Target};
use detcat::load::{normalize_text, SourceFile};
use detcat::sigma::{parse_file, RuleFile};

/// The rule folders checked, relative to the corpus root, with the minimum number of rule
/// files whose every rule converts, per target (Kibana, Watcher, Graylog), as measured.
const FOLDERS: [(&str, [usize; 3]); 4] = [
    ("sigma/rules", [3133, 3133, 3133]),
    ("sigma/rules-emerging-threats", [470, 470, 470]),
    ("sigma/rules-threat-hunting", [138, 138, 138]),
    ("sigma-2020/rules", [544, 563, 544]),
];

/// The corpus: `DETCAT_CORPUS` when set, else `../shared/corpus` beside the checkout.
fn corpus_root() -> PathBuf {
    std::env::var_os("DETCAT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    )
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml") {
            out.push(path);
        }
    }
}

fn parse(path: &Path) -> Option<RuleFile> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(parse_file(&SourceFile { path: path.to_path_buf(), text: normalize_text(text) }))
}

/// Per-folder tallies.
#[derive(Default)]
struct Tally {
    files: usize,
    parsed: usize,
    converted: [usize; 3],
    reasons: BTreeMap<String, usize>,
    parse_errors: BTreeMap<String, usize>,
}

/// Converts every rule of one file; returns the Kibana queries (or the first error).
fn convert_file(file: &RuleFile, tally: &mut Tally) -> Result<Vec<String>, String> {
    let Some(set) = &file.set else {
        for d in &file.diagnostics {
            *tally.parse_errors.entry(d.code.to_string()).or_default() += 1;
        }
        return Err("not parsed".into());
    };
    if set.rules().is_empty() {
        return Err("no rules".into());
    }
    tally.parsed += 1;
    let options = ConvertOptions::default();
    let mut kibana = Ok(Vec::new());
    for (t, target) in Target::ALL.into_iter().enumerate() {
        let results: Vec<_> =
            set.rules().iter().map(|r| convert_rule(r, target, &options)).collect();
        match results.iter().find_map(|r| r.as_ref().err()) {
            None => tally.converted[t] += 1,
            Some(e) => {
                *tally.reasons.entry(format!("{}: {}", target.id(), e.reason)).or_default() += 1
            }
        }
        if target == Target::Lucene {
            kibana = results.into_iter().collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string());
        }
    }
    kibana
}

fn jsonl_line(root: &Path, file: &RuleFile, queries: &Result<Vec<String>, String>) -> String {
    let meta = file.set.as_ref().map(|s| s.meta().clone()).unwrap_or_default();
    let path = file.path.strip_prefix(root).unwrap_or(&file.path);
    let (ok, queries, error) = match queries {
        Ok(q) => (true, q.clone(), None),
        Err(e) => (false, Vec::new(), Some(e.clone())),
    };
    serde_json::json!({
        "path": path.to_string_lossy(),
        "id": meta.id,
        "title": meta.title,
        "ok": ok,
        "queries": queries,
        "error": error,
    })
    .to_string()
}

#[test]
fn corpus_rules_parse_and_convert() {
    let root = corpus_root();
    if !root.is_dir() {
        // Written to the stderr handle, past libtest's capture, so the skip shows.
        let _ = writeln!(std::io::stderr(), "skipped: no corpus at {}", root.display());
        return;
    }
    let mut jsonl = std::env::var_os("DETCAT_CORPUS_JSONL")
        .and_then(|p| std::fs::File::create(p).ok())
        .map(std::io::BufWriter::new);
    for (folder, floors) in FOLDERS {
        let dir = root.join(folder);
        let mut files = Vec::new();
        yaml_files(&dir, &mut files);
        let mut tally = Tally { files: files.len(), ..Tally::default() };
        for path in &files {
            let Some(file) = parse(path) else { continue };
            let queries = convert_file(&file, &mut tally);
            if let Some(out) = jsonl.as_mut() {
                writeln!(out, "{}", jsonl_line(&dir, &file, &queries)).ok();
            }
        }
        report(folder, &tally);
        for (t, target) in Target::ALL.into_iter().enumerate() {
            assert!(
                tally.converted[t] >= floors[t],
                "{folder}: {} converted {} files, floor {}",
                target.id(),
                tally.converted[t],
                floors[t]
            );
        }
    }
}

fn report(folder: &str, tally: &Tally) {
    println!(
        "{folder}: {} files, {} parsed; converted lucene {} watcher {} graylog {}",
        tally.files, tally.parsed, tally.converted[0], tally.converted[1], tally.converted[2]
    );
    for (code, n) in &tally.parse_errors {
        println!("  parse error {code}: {n}");
    }
    for (reason, n) in &tally.reasons {
        println!("  unsupported {reason}: {n}");
    }
}
