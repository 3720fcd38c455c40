//! Enrichment: a processing step that adds fields to a log, needing some Data Needed and
//! possibly other Enrichments first.

use std::path::PathBuf;

use super::fields::Fields;
use super::{is_none_placeholder, parse_with, read_title};
use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// The top-level fields of an Enrichment file.
const FIELDS: &[&str] = &[
    "title",
    "author",
    "description",
    "data_needed",
    "data_to_enrich",
    "requirements",
    "new_fields",
    "config",
    "references",
];

/// One Enrichment file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Enrichment {
    /// The file it was read from.
    pub path: PathBuf,
    /// `title`, such as `EN_0001_cache_sysmon_event_id_1_info` (the file stem when absent).
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `data_needed`: titles of the Data Needed the enrichment reads.
    pub data_needed: Vec<String>,
    /// `data_to_enrich`: titles of the Data Needed that receive the new fields.
    pub data_to_enrich: Vec<String>,
    /// `requirements`: titles of Enrichments that must run first.
    pub requirements: Vec<String>,
    /// `new_fields`: the fields it adds.
    pub new_fields: Vec<String>,
    /// `references` (`None` dropped).
    pub references: Vec<String>,
    /// `config`: how to set it up, in Markdown.
    pub config: Option<String>,
}

/// Reads one Enrichment file. `None` only when the file is not a YAML mapping.
pub fn parse_enrichment(file: &SourceFile) -> (Option<Enrichment>, Vec<Diagnostic>) {
    parse_with(file, "an Enrichment file", |key| FIELDS.contains(&key), read)
}

fn read(fields: &mut Fields<'_>) -> Enrichment {
    let mut titles = |key: &str| {
        let mut titles = fields.strings(key);
        titles.retain(|t| !is_none_placeholder(t));
        titles
    };
    let (data_needed, data_to_enrich) = (titles("data_needed"), titles("data_to_enrich"));
    let (requirements, references) = (titles("requirements"), titles("references"));
    Enrichment {
        path: fields.path().to_path_buf(),
        title: read_title(fields),
        description: fields.string("description"),
        author: fields.string("author"),
        data_needed,
        data_to_enrich,
        requirements,
        new_fields: fields.strings("new_fields"),
        references,
        config: fields.string("config"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tests::source;

    #[test]
    fn lists_are_read_and_a_plain_string_is_a_list_of_one() {
        let text =
            "title: EN_1\ndata_needed: DN_0003_1_x\nrequirements: [None]\nnew_fields:\n  - A\n";
        let (en, diagnostics) = parse_enrichment(&source("EN_1.yml", text));
        let en = en.expect("the fixture parses");
        assert_eq!(en.data_needed, vec!["DN_0003_1_x"]);
        assert!(en.requirements.is_empty());
        assert_eq!(en.new_fields, vec!["A"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn template_with_tabs_is_an_error() {
        let text = "title: EN_0000\ndata_needed:\t# note\n\t- DN_0002\n";
        let (en, diagnostics) = parse_enrichment(&source("enrichment.yml.template", text));
        assert!(en.is_none());
        assert_eq!(diagnostics[0].code, "yaml-syntax");
    }
}
