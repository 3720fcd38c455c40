//! Parses every Data Needed, Logging Policy, Enrichment and Atomic Red Team file of the shared
//! corpus (`../shared/corpus`, read in place) and checks that each one loads.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use detcat::diag::{Diagnostic, Severity};
use detcat::entities;
use detcat::load::{self, SourceFile};

/// The corpus folder, or `None` (with the reason printed) on a clone that lacks it.
fn corpus() -> Option<PathBuf> {
    // `DETCAT_CORPUS` names the corpus when the checkout is not beside it.
    let root = std::env::var_os("DETCAT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    if root.is_dir() {
        return Some(root);
    }
    // Written to the stderr handle, past libtest's capture, so the skip shows.
    let _ = writeln!(std::io::stderr(), "skipped: no corpus at {}", root.display());
    None
}

/// Every file directly in `folder`, sorted.
fn files_in(folder: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(folder).expect("the corpus folder is readable");
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("readable entry").path()).collect();
    paths.retain(|p| p.is_file());
    paths.sort();
    paths
}

/// `atomics/T*/T*.yaml`, sorted.
fn atomic_files(atomics: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for folder in files_and_folders(atomics).into_iter().filter(|p| p.is_dir()) {
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = folder.join(format!("{name}.yaml"));
        if name.starts_with('T') && file.is_file() {
            paths.push(file);
        }
    }
    paths
}

fn files_and_folders(folder: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(folder).expect("the atomics folder is readable");
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("readable entry").path()).collect();
    paths.sort();
    paths
}

fn read(paths: &[PathBuf]) -> Vec<SourceFile> {
    let (files, problems) = load::read_files(paths);
    assert!(problems.is_empty(), "unreadable corpus files: {problems:?}");
    files
}

/// Parses every file with `parse`; returns the entities and all diagnostics.
fn parse_all<T>(
    files: &[SourceFile],
    parse: fn(&SourceFile) -> (Option<T>, Vec<Diagnostic>),
) -> (Vec<T>, Vec<Diagnostic>) {
    let mut entities = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        let (entity, found) = parse(file);
        entities.extend(entity);
        diagnostics.extend(found);
    }
    (entities, diagnostics)
}

fn report(kind: &str, loaded: usize, diagnostics: &[Diagnostic]) {
    let mut by_code: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry((d.severity, d.code)).or_default() += 1;
    }
    eprintln!("{kind}: {loaded} loaded, {} diagnostics {by_code:?}", diagnostics.len());
    for d in diagnostics {
        eprintln!("  {d}");
    }
}

/// How many of `files` are templates (`*.yml.template`) rather than entities.
fn templates(files: &[SourceFile]) -> usize {
    files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "template")).count()
}

/// The codes of the diagnostics about the file named `name`.
fn codes_for<'a>(diagnostics: &'a [Diagnostic], name: &str) -> Vec<&'a str> {
    diagnostics.iter().filter(|d| d.file.ends_with(name)).map(|d| d.code).collect()
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.severity == Severity::Error).collect()
}

#[test]
fn every_data_needed_file_loads() {
    let Some(root) = corpus() else { return };
    let files = read(&files_in(&root.join("atc-data/data_needed")));
    let (loaded, diagnostics) = parse_all(&files, entities::parse_data_needed);
    report("Data Needed", loaded.len(), &diagnostics);
    assert_eq!((files.len(), loaded.len(), templates(&files)), (126, 126, 1));
    assert!(errors(&diagnostics).is_empty());
    let misnamed = codes_for(&diagnostics, "DN_0126_azure_MMA_DnsInventory.yml");
    assert_eq!(misnamed, vec!["title-mismatch"]);
    let process = loaded.iter().find(|d| d.title.starts_with("DN_0001_4688"));
    let process = process.expect("DN_0001 is in the corpus");
    assert_eq!(
        (process.event_ids.as_slice(), process.event_ids_from_title),
        (&["4688".into()][..], true)
    );
    assert_eq!(process.logging_policies, vec!["LP_0001_windows_audit_process_creation"]);
}

#[test]
fn every_logging_policy_file_loads() {
    let Some(root) = corpus() else { return };
    let files = read(&files_in(&root.join("atc-data/logging_policies")));
    let (loaded, diagnostics) = parse_all(&files, entities::parse_logging_policy);
    report("Logging Policy", loaded.len(), &diagnostics);
    assert_eq!((files.len(), loaded.len(), templates(&files)), (55, 55, 1));
    assert!(errors(&diagnostics).is_empty());
    assert_eq!(loaded.iter().filter(|lp| !lp.event_ids.is_empty()).count(), 39);
}

#[test]
fn every_enrichment_file_loads_and_the_template_is_reported() {
    let Some(root) = corpus() else { return };
    let files = read(&files_in(&root.join("atc-data/enrichments")));
    let (loaded, diagnostics) = parse_all(&files, entities::parse_enrichment);
    report("Enrichment", loaded.len(), &diagnostics);
    assert_eq!((files.len(), loaded.len(), templates(&files)), (6, 5, 1));
    let errors = errors(&diagnostics);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].file.ends_with("enrichment.yml.template"));
}

#[test]
fn every_atomic_red_team_file_loads() {
    let Some(root) = corpus() else { return };
    let files = read(&atomic_files(&root.join("atomic-red-team/atomics")));
    let (loaded, diagnostics) = parse_all(&files, entities::parse_trigger);
    report("Trigger", loaded.len(), &diagnostics);
    assert_eq!((files.len(), loaded.len()), (341, 341));
    assert!(errors(&diagnostics).is_empty());
    assert_eq!(loaded.iter().map(|t| t.tests.len()).sum::<usize>(), 1819);
    let with_executor = loaded.iter().flat_map(|t| &t.tests).filter(|t| t.executor.is_some());
    assert_eq!(with_executor.count(), 1819);
}
