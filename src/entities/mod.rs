//! The non-rule entities of a catalog: Data Needed, Logging Policy, Enrichment, Trigger (an
//! Atomic Red Team test file), and the Customers and Use Cases that select parts of it.
//!
//! Each submodule owns one entity: the model that later stages use and the lenient reading of
//! its YAML file into that model. A file that is not YAML, or not a mapping, yields an error
//! and no entity; a field of the wrong type yields a warning and the entity without that
//! field. Links between entities (Data Needed → Logging Policy, Enrichment → Data Needed,
//! rule → Trigger) are only recorded here as the titles or ids the file names; resolving them
//! is the catalog's job, and so is telling two entities with the same title apart.

mod data_needed;
mod enrichment;
mod fields;
mod logging_policy;
mod scope;
mod trigger;

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::diag::Diagnostic;
use crate::load::{self, DocText, SourceFile};
use crate::sigma::kind_of;

pub use data_needed::{parse_data_needed, DataNeeded};
pub use enrichment::{parse_enrichment, Enrichment};
pub use logging_policy::{parse_logging_policy, LoggingPolicy};
pub use scope::{parse_customer, parse_use_case, Scope, ScopeKind};
pub use trigger::{parse_trigger, AtomicTest, Dependency, Executor, Input, Trigger};

use fields::Fields;

/// Reads the entity in `file` with `read`, or reports why there is none. Diagnostics come back
/// sorted by line.
/// `known` tells the top-level fields of the kind; any other is reported (`unknown-field`).
fn parse_with<T>(
    file: &SourceFile,
    kind: &str,
    known: fn(&str) -> bool,
    read: fn(&mut Fields<'_>) -> T,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let entity = open_document(file, kind, &mut diagnostics).map(|(doc, map)| {
        diagnostics.extend(load::unknown_fields(&file.path, &doc, &map, known, kind));
        read(&mut Fields::new(&map, &doc, &file.path, &mut diagnostics))
    });
    crate::diag::sort(&mut diagnostics);
    (entity, diagnostics)
}

/// The first YAML document of `file` as a mapping, or an error saying why there is none.
/// `kind` names the entity in messages (`a Data Needed file`).
fn open_document(
    file: &SourceFile,
    kind: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(DocText, Mapping)> {
    let path = &file.path;
    let mut docs = load::split_documents(&file.text).into_iter();
    let Some(doc) = docs.next() else {
        diagnostics.push(Diagnostic::error(path, "empty-file", "no YAML document found"));
        return None;
    };
    if let Some(extra) = docs.next() {
        let message =
            format!("{kind} holds one YAML document; the ones after the first are not read");
        diagnostics
            .push(Diagnostic::warning(path, "extra-document", message).at(Some(extra.first_line)));
    }
    match load::parse_yaml(&doc) {
        Ok(Value::Mapping(map)) => Some((doc, map)),
        Ok(other) => {
            let message = format!("{kind} must be a mapping, found {}", kind_of(&other));
            diagnostics
                .push(Diagnostic::error(path, "not-a-mapping", message).at(Some(doc.first_line)));
            None
        }
        Err(error) => {
            diagnostics.push(error.into_diagnostic(path));
            None
        }
    }
}

/// The entity's `title`, which other entities use to refer to it. Without one, the file stem
/// stands in; a title that differs from the file stem is reported, because pages are named
/// after the file while links name the title.
fn read_title(fields: &mut Fields<'_>) -> String {
    let stem = file_stem(fields.path());
    match fields.string("title") {
        Some(title) => {
            if title != stem {
                let message = format!("`title` {title} differs from the file name {stem}");
                fields.warn("title", "title-mismatch", message);
            }
            title
        }
        None => {
            fields.missing("title", &format!("the file name {stem} is used as the title"));
            stem
        }
    }
}

/// The file name without its extension.
fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Whether a reference to another entity is a placeholder meaning "there is none".
fn is_none_placeholder(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("none")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A source file made from inline text, for the submodules' tests.
    pub(crate) fn source(name: &str, text: &str) -> SourceFile {
        SourceFile { path: PathBuf::from(name), text: text.to_string() }
    }

    #[test]
    fn unparsable_file_is_an_error_without_entity() {
        let mut diagnostics = Vec::new();
        let file = source("x.yml", "title: a\n\tbad: [\n");
        assert!(open_document(&file, "a Data Needed file", &mut diagnostics).is_none());
        assert_eq!(diagnostics[0].code, "yaml-syntax");
        assert_eq!(diagnostics[0].severity, crate::diag::Severity::Error);
    }

    #[test]
    fn a_list_document_is_not_a_mapping() {
        let mut diagnostics = Vec::new();
        let file = source("x.yml", "- a\n- b\n");
        assert!(open_document(&file, "a Logging Policy file", &mut diagnostics).is_none());
        assert_eq!(diagnostics[0].code, "not-a-mapping");
    }

    #[test]
    fn empty_file_and_extra_documents_are_reported() {
        let (entity, diagnostics) = parse_logging_policy(&source("LP_1.yml", "# nothing\n"));
        assert!(entity.is_none());
        assert_eq!(diagnostics[0].code, "empty-file");
        let text = "title: LP_1\n---\ntitle: LP_2\n";
        let (entity, diagnostics) = parse_logging_policy(&source("LP_1.yml", text));
        assert_eq!(entity.map(|lp| lp.title).as_deref(), Some("LP_1"));
        assert_eq!((diagnostics[0].code, diagnostics[0].line), ("extra-document", Some(3)));
    }
}
