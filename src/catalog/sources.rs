//! Sources: every file of every kind, read and parsed in parallel into its file mirror.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::entities::{self, DataNeeded, Enrichment, LoggingPolicy, Scope, Trigger};
use crate::load::{self, SourceFile};
use crate::sigma::{self, RuleFile};

/// The folders each kind of source is read from.
#[derive(Debug, Clone, Default)]
pub struct SourceDirs {
    /// Sigma rule folders.
    pub rules: Vec<PathBuf>,
    /// Data Needed folders.
    pub data_needed: Vec<PathBuf>,
    /// Logging Policy folders.
    pub logging_policies: Vec<PathBuf>,
    /// Enrichment folders.
    pub enrichments: Vec<PathBuf>,
    /// Atomic Red Team folders (`atomics/`).
    pub triggers: Vec<PathBuf>,
    /// Customer folders.
    pub customers: Vec<PathBuf>,
    /// Use Case folders.
    pub use_cases: Vec<PathBuf>,
}

impl SourceDirs {
    /// The folder lists of every kind, in a fixed order, for code that treats them alike.
    pub fn lists_mut(&mut self) -> [&mut Vec<PathBuf>; 7] {
        [
            &mut self.rules,
            &mut self.data_needed,
            &mut self.logging_policies,
            &mut self.enrichments,
            &mut self.triggers,
            &mut self.customers,
            &mut self.use_cases,
        ]
    }
}

impl SourceDirs {
    /// The folders under `root` that exist, by their default names (`rules`, `data_needed`,
    /// `logging_policies`, `enrichments`, `triggers`, `customers`, `use_cases`).
    pub fn existing_under(root: &Path) -> SourceDirs {
        let existing = |name: &str| -> Vec<PathBuf> {
            let dir = root.join(name);
            if dir.is_dir() {
                vec![dir]
            } else {
                Vec::new()
            }
        };
        SourceDirs {
            rules: existing("rules"),
            data_needed: existing("data_needed"),
            logging_policies: existing("logging_policies"),
            enrichments: existing("enrichments"),
            triggers: existing("triggers"),
            customers: existing("customers"),
            use_cases: existing("use_cases"),
        }
    }
}

/// Every source, parsed, before linking.
#[derive(Debug, Default)]
pub struct Sources {
    /// The source folders (or files) of every kind that were read.
    pub source_roots: SourceRoots,
    /// Rule files, in path order.
    pub rules: Vec<RuleFile>,
    /// Data Needed entries.
    pub data_needed: Vec<DataNeeded>,
    /// Logging Policies.
    pub logging_policies: Vec<LoggingPolicy>,
    /// Enrichments.
    pub enrichments: Vec<Enrichment>,
    /// Triggers.
    pub triggers: Vec<Trigger>,
    /// Customers.
    pub customers: Vec<Scope>,
    /// Use Cases.
    pub use_cases: Vec<Scope>,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
}

impl Sources {
    /// How many files were read, of every kind.
    pub fn file_count(&self) -> usize {
        self.rules.len()
            + self.data_needed.len()
            + self.logging_policies.len()
            + self.enrichments.len()
            + self.triggers.len()
            + self.customers.len()
            + self.use_cases.len()
    }
}

/// Reads and parses everything under `dirs`. `progress` is called once per file parsed.
pub fn load_sources(dirs: &SourceDirs, progress: &(dyn Fn() + Sync)) -> Sources {
    let mut roots = dirs.clone();
    let given = roots.lists_mut().into_iter().flat_map(std::mem::take).collect();
    let source_roots = SourceRoots::new(given);
    let mut sources = Sources { source_roots, ..Sources::default() };
    let rule_files = read_kind(&dirs.rules, &mut sources.diagnostics);
    sources.rules = rule_files
        .par_iter()
        .map(|file| {
            progress();
            sigma::parse_file(file)
        })
        .collect();
    for rule in &mut sources.rules {
        sources.diagnostics.append(&mut rule.diagnostics);
    }
    sources.data_needed = parse_kind(&dirs.data_needed, entities::parse_data_needed, &mut sources);
    sources.logging_policies =
        parse_kind(&dirs.logging_policies, entities::parse_logging_policy, &mut sources);
    sources.enrichments = parse_kind(&dirs.enrichments, entities::parse_enrichment, &mut sources);
    sources.triggers = parse_kind(&dirs.triggers, entities::parse_trigger, &mut sources);
    sources.customers = parse_kind(&dirs.customers, entities::parse_customer, &mut sources);
    sources.use_cases = parse_kind(&dirs.use_cases, entities::parse_use_case, &mut sources);
    sources
}

fn read_kind(dirs: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let paths = load::find_yaml_files(dirs, diagnostics);
    let (files, mut problems) = load::read_files(&paths);
    diagnostics.append(&mut problems);
    files
}

type Parser<T> = fn(&SourceFile) -> (Option<T>, Vec<Diagnostic>);

fn parse_kind<T: Send>(dirs: &[PathBuf], parse: Parser<T>, sources: &mut Sources) -> Vec<T> {
    let files = read_kind(dirs, &mut sources.diagnostics);
    let parsed: Vec<(Option<T>, Vec<Diagnostic>)> = files.par_iter().map(parse).collect();
    let mut items = Vec::with_capacity(parsed.len());
    for (item, mut diagnostics) in parsed {
        sources.diagnostics.append(&mut diagnostics);
        items.extend(item);
    }
    items
}

/// The source folders (or files) that were read, as given, each with the name pages show
/// for it: its own folder name, even when it was given as `.` or through a link.
#[derive(Debug, Clone, Default)]
pub struct SourceRoots {
    roots: Vec<(PathBuf, PathBuf)>,
}

impl SourceRoots {
    /// Names every root once (a root's real name takes a `canonicalize`, a system call that
    /// cost more than the pages themselves when made for every link to a rule).
    pub fn new(given: Vec<PathBuf>) -> SourceRoots {
        let named = given.into_iter().map(|root| {
            let real = root.canonicalize().ok();
            let name = real.and_then(|r| r.file_name().map(PathBuf::from)).unwrap_or_default();
            (root, name)
        });
        SourceRoots { roots: named.collect() }
    }
}

/// `path` as a page shows it: relative to the source folder it was found in, under that
/// folder's own name (`rules/windows/x.yml`), so that a catalog reads the same wherever it
/// was built and never shows the build machine's folders.
pub fn shown_path(roots: &SourceRoots, path: &Path) -> String {
    let inside = roots.roots.iter().filter(|(root, _)| path.starts_with(root));
    let root = inside.max_by_key(|(root, _)| root.components().count());
    let shown = match root {
        Some((root, _)) if root.as_path() == path => path.file_name().map(PathBuf::from),
        Some((root, name)) => path.strip_prefix(root).ok().map(|rel| name.join(rel)),
        None => None,
    };
    let shown = shown.unwrap_or_else(|| path.to_path_buf());
    shown.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_start_at_the_rule_folder_whatever_the_working_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus/rules");
        std::fs::create_dir_all(root.join("windows")).unwrap();
        let file = root.join("windows/a.yml");
        let roots =
            |given: &[&PathBuf]| SourceRoots::new(given.iter().map(|&p| p.clone()).collect());
        assert_eq!(shown_path(&roots(&[&root]), &file), "rules/windows/a.yml");
        assert_eq!(
            shown_path(&roots(&[&root.join(".")]), &root.join("./windows/a.yml")),
            "rules/windows/a.yml"
        );
        assert_eq!(shown_path(&roots(&[&file]), &file), "a.yml");
        assert_eq!(shown_path(&roots(&[]), Path::new("x/y.yml")), "x/y.yml");
    }
}
