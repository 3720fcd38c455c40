//! Logging Policy: the configuration that makes a system produce a log (an audit policy, a
//! registry key), which Data Needed files name by title.

use std::path::PathBuf;

use super::fields::Fields;
use super::{is_none_placeholder, parse_with, read_title};
use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// The top-level fields of a Logging Policy file.
const FIELDS: &[&str] = &[
    "title",
    "author",
    "description",
    "default",
    "volume",
    "eventID",
    "configuration",
    "references",
    "sample",
];

/// One Logging Policy file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoggingPolicy {
    /// The file it was read from.
    pub path: PathBuf,
    /// `title`, such as `LP_0001_windows_audit_process_creation` (the file stem when absent).
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `default`: whether the policy is on out of the box, such as `Not configured`.
    pub default: Option<String>,
    /// `volume`: how much log it makes, such as `Medium`.
    pub volume: Option<String>,
    /// `eventID`: the event ids it turns on, as text.
    pub event_ids: Vec<String>,
    /// `references` (`None` dropped).
    pub references: Vec<String>,
    /// `configuration`: how to set it up, in Markdown.
    pub configuration: Option<String>,
}

/// Reads one Logging Policy file. `None` only when the file is not a YAML mapping.
pub fn parse_logging_policy(file: &SourceFile) -> (Option<LoggingPolicy>, Vec<Diagnostic>) {
    parse_with(file, "a Logging Policy file", |key| FIELDS.contains(&key), read)
}

fn read(fields: &mut Fields<'_>) -> LoggingPolicy {
    let mut references = fields.strings("references");
    references.retain(|r| !is_none_placeholder(r));
    LoggingPolicy {
        path: fields.path().to_path_buf(),
        title: read_title(fields),
        description: fields.string("description"),
        author: fields.string("author"),
        default: fields.string("default"),
        volume: fields.string("volume"),
        event_ids: fields.strings("eventID"),
        references,
        configuration: fields.string("configuration"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tests::source;

    #[test]
    fn event_ids_keep_their_text_whatever_their_type() {
        let text =
            "title: LP_1\ndefault: Not configured\neventID:\n  - 4688 # comment\n  - '4696'\n";
        let (lp, diagnostics) = parse_logging_policy(&source("LP_1.yml", text));
        let lp = lp.expect("the fixture parses");
        assert_eq!(lp.event_ids, vec!["4688", "4696"]);
        assert_eq!(lp.default.as_deref(), Some("Not configured"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn wrong_type_is_reported_with_its_line() {
        let text = "title: LP_1\nvolume:\n  high: true\nconfiguration: text\n";
        let (lp, diagnostics) = parse_logging_policy(&source("LP_1.yml", text));
        let lp = lp.expect("the fixture parses");
        assert_eq!((lp.volume, lp.configuration.as_deref()), (None, Some("text")));
        assert_eq!((diagnostics[0].code, diagnostics[0].line), ("wrong-type", Some(2)));
    }
}
