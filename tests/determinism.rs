//! Two builds of the same sources are byte-identical, with one thread or many: the example
//! catalog through the command line's `--jobs`, a corpus subset through a rayon pool.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use detcat::build::{self, BuildOptions};
use detcat::catalog::SourceDirs;
use detcat::render::Format;

/// Every file under `root`, by relative path, with its bytes.
fn tree_bytes(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Asserts that `b` holds the same file names and bytes as `a`, naming the first difference.
fn assert_same_tree(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let names = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: the file names differ");
    let differing = a.iter().find(|(path, bytes)| b[*path] != **bytes);
    assert!(differing.is_none(), "{what}: {:?} differs", differing.map(|d| d.0));
}

#[test]
fn the_example_catalog_is_the_same_with_one_thread_or_four() {
    let dir = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for (run, jobs) in ["1", "4", "1", "4"].into_iter().enumerate() {
        let out = dir.path().join(format!("site-{run}"));
        let status = Command::new(env!("CARGO_BIN_EXE_detcat"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--jobs", jobs, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        trees.push((jobs, tree_bytes(&out)));
    }
    assert!(trees[0].1.len() > 50, "the example catalog has its pages");
    for (run, (jobs, tree)) in trees.iter().enumerate().skip(1) {
        assert_same_tree(&trees[0].1, tree, &format!("run {run} with --jobs {jobs}"));
    }
}

#[test]
fn jobs_zero_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_detcat"))
        .args(["build", "--jobs", "0", "--out", "unused"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Builds `sources` into `out` on a pool of `threads` threads.
fn build_with_threads(sources: &SourceDirs, out: &Path, threads: usize) {
    let options = BuildOptions {
        sources: sources.clone(),
        out: out.to_path_buf(),
        format: Format::All,
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| build::build(&options, &|| {})).expect("the build completes");
}

#[test]
fn a_corpus_subset_is_the_same_with_one_thread_or_four() {
    let Some(corpus) = common::corpus() else { return };
    let rules = ["sigma/rules/windows/image_load", "sigma/rules/windows/pipe_created"];
    let sources = common::corpus_dirs(&corpus, &rules);
    let dir = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for (run, threads) in [1, 4, 4].into_iter().enumerate() {
        let out = dir.path().join(format!("site-{run}"));
        build_with_threads(&sources, &out, threads);
        trees.push((threads, tree_bytes(&out)));
    }
    assert!(trees[0].1.len() > 200, "the subset has its pages");
    for (run, (threads, tree)) in trees.iter().enumerate().skip(1) {
        assert_same_tree(&trees[0].1, tree, &format!("run {run} with {threads} threads"));
    }
}
