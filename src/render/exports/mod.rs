//! Exports: files for other tools, written under `exports/` beside the pages.
//!
//! Each export is built from the linked catalog with serde (JSON) or the `csv` crate, never
//! by joining strings, and iterates the catalog in its own order, so that two builds of the
//! same sources give identical files. The files go to the site writer as pages of kind
//! [`KIND`], which keeps them inside the staged output folder; they are not counted as pages.

pub mod model;
pub mod navigator;
pub mod tables;

use std::path::PathBuf;

use crate::attack::Attack;
use crate::build::DocQueries;
use crate::catalog::Catalog;
use crate::entities::{Scope, ScopeKind};
use crate::render::views::Context;
use crate::render::Page;

/// The folder of the exports, relative to the output root.
pub const FOLDER: &str = "exports";

/// The page kind of an export.
pub const KIND: &str = "export";

/// Every export of the catalog.
pub fn render_exports(
    catalog: &Catalog,
    queries: &[Vec<DocQueries>],
    attack: &Attack,
) -> anyhow::Result<Vec<Page>> {
    let cx = context(catalog, attack);
    let mut exports = vec![
        export("navigator-layer.json", json(&navigator::layer(&cx))?),
        export("analytics.csv", tables::analytics(&cx)?),
        export("pivoting.csv", tables::pivoting(&cx)?),
        export("catalog.json", json(&model::catalog(&cx, queries)?)?),
    ];
    for entry in catalog.customers.iter().chain(&catalog.use_cases) {
        let layer = navigator::scope_layer(&cx, &entry.item, &entry.links.rules);
        let path = scope_layer_path(&entry.item, &entry.slug);
        exports.push(Page { kind: KIND, path: PathBuf::from(path), content: json(&layer)? });
    }
    Ok(exports)
}

/// Where the Navigator layer of a Customer or Use Case goes, relative to the output root.
pub fn scope_layer_path(scope: &Scope, slug: &str) -> String {
    let kind = match scope.kind {
        ScopeKind::Customer => "customer",
        ScopeKind::UseCase => "use-case",
    };
    format!("{FOLDER}/navigator-layer-{kind}-{}.json", crate::catalog::slug::sanitize(slug))
}

/// The context of a file one folder below the root, so that links read `../rules/<page>.md`.
fn context<'a>(catalog: &'a Catalog, attack: &'a Attack) -> Context<'a> {
    Context { catalog, attack, ext: "md", root: "../" }
}

fn export(name: &str, content: String) -> Page {
    Page { kind: KIND, path: PathBuf::from(FOLDER).join(name), content }
}

/// Pretty JSON with a final newline, as a text file should end.
fn json(value: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use super::*;
    use crate::catalog::{self, SourceDirs};

    /// The linked catalog of `tests/fixtures/basic`, its queries, and ATT&CK.
    pub fn fixture() -> (Catalog, Vec<Vec<DocQueries>>, Attack) {
        let root = Path::new("tests/fixtures/basic");
        let dirs = SourceDirs {
            rules: vec![root.join("rules")],
            data_needed: vec![root.join("data_needed")],
            logging_policies: vec![root.join("logging_policies")],
            triggers: vec![root.join("triggers")],
            ..SourceDirs::default()
        };
        let attack = Attack::embedded();
        let catalog = catalog::link(catalog::load_sources(&dirs, &|| {}), &attack);
        let queries = crate::build::convert_all(&catalog, &Default::default());
        (catalog, queries, attack)
    }

    /// `value` as JSON, the way the export writes it and a reader parses it.
    pub fn json_of(value: &impl serde::Serialize) -> serde_json::Value {
        serde_json::from_str(&json(value).unwrap()).unwrap()
    }

    #[test]
    fn exports_go_to_the_exports_folder() {
        let (catalog, queries, attack) = fixture();
        let pages = render_exports(&catalog, &queries, &attack).unwrap();
        assert!(pages.iter().all(|p| p.path.starts_with(FOLDER) && p.kind == KIND));
    }
}
