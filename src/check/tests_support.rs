//! Small catalogs for the checks' unit tests, linked from files written to a temporary
//! folder.

use crate::attack::Attack;
use crate::catalog::{self, Catalog, SourceDirs};

/// Writes `files` (relative path, text) under a new temporary folder and links them.
/// The folder names the kind: `rules/`, `data_needed/`, `logging_policies/`, `triggers/`.
pub fn catalog_of(files: &[(&str, &str)]) -> Catalog {
    let root = tempfile::tempdir().expect("a temporary folder").keep();
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("writable");
        std::fs::write(path, text).expect("writable");
    }
    let dirs = SourceDirs::existing_under(&root);
    catalog::link(catalog::load_sources(&dirs, &|| {}), &Attack::embedded())
}
