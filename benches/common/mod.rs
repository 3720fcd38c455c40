//! What the benches share: the example catalog of the repository and, when the corpus is
//! present, a fixed subset of it, each loaded, linked and converted as a build does.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use detcat::attack::Attack;
use detcat::build::{self, DocQueries};
use detcat::catalog::{self, Catalog, SourceDirs};
use detcat::convert::ConvertOptions;

/// The rule folder of the corpus the benches read: 100 image-load rules, a fixed subset.
pub const CORPUS_RULES: &str = "sigma/rules/windows/image_load";

/// One catalog to measure on.
pub struct Fixture {
    /// Its name in the bench ids: `example` or `corpus`.
    pub name: &'static str,
    /// The linked catalog.
    pub catalog: Catalog,
    /// The queries of each rule file, as the build makes them.
    pub queries: Vec<Vec<DocQueries>>,
    /// ATT&CK, as the build embeds it.
    pub attack: Attack,
}

/// The example catalog, and the corpus subset when `DETCAT_CORPUS` or `../shared/corpus`
/// names the corpus (a note on stderr otherwise).
pub fn fixtures() -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures = vec![fixture("example", SourceDirs::existing_under(root))];
    let corpus = std::env::var_os("DETCAT_CORPUS")
        .map_or_else(|| root.join("../shared/corpus"), PathBuf::from);
    if corpus.is_dir() {
        let dirs = SourceDirs { rules: vec![corpus.join(CORPUS_RULES)], ..SourceDirs::default() };
        fixtures.push(fixture("corpus", dirs));
    } else {
        eprintln!("benches: {} is absent; measuring the example catalog only", corpus.display());
    }
    fixtures
}

fn fixture(name: &'static str, dirs: SourceDirs) -> Fixture {
    let attack = Attack::embedded();
    let catalog = catalog::link(catalog::load_sources(&dirs, &|| {}), &attack);
    let queries = build::convert_all(&catalog, &ConvertOptions::default());
    Fixture { name, catalog, queries, attack }
}

/// The index of the catalog's rule file with the most text: the one that costs most.
pub fn largest_rule(catalog: &Catalog) -> usize {
    let sizes = catalog.rules.iter().map(|e| e.item.file.source.len());
    sizes.enumerate().max_by_key(|&(i, len)| (len, std::cmp::Reverse(i))).map_or(0, |(i, _)| i)
}
