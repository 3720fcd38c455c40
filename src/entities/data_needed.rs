//! Data Needed: a kind of log (an event of a channel, a cloud API table) that detections need.

use std::path::PathBuf;

use super::fields::Fields;
use super::{file_stem, is_none_placeholder, parse_with, read_title};
use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// The top-level fields of a Data Needed file, besides its event id field.
const FIELDS: &[&str] = &[
    "title",
    "author",
    "description",
    "loggingpolicy",
    "platform",
    "type",
    "channel",
    "provider",
    "category",
    "fields",
    "references",
    "sample",
    "mitigation_policy",
];

/// Keys that give a Data Needed's event ids explicitly, compared without regard to case.
const EVENT_ID_KEYS: [&str; 4] = ["event_id", "eventid", "event_ids", "eventids"];

/// One Data Needed file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DataNeeded {
    /// The file it was read from.
    pub path: PathBuf,
    /// `title`, such as `DN_0001_4688_windows_process_creation` (the file stem when absent).
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `platform`, such as `Windows`.
    pub platform: Option<String>,
    /// `channel`, such as `Security`.
    pub channel: Option<String>,
    /// `provider`, such as `Microsoft-Windows-Security-Auditing`.
    pub provider: Option<String>,
    /// `category`, such as `OS Logs`.
    pub category: Option<String>,
    /// `type`, such as `Windows Log`.
    pub kind: Option<String>,
    /// `fields`: the field names the log carries.
    pub fields: Vec<String>,
    /// `loggingpolicy`: titles of the Logging Policies that produce the log (`None` dropped).
    pub logging_policies: Vec<String>,
    /// `mitigation_policy`: titles of Mitigation Policies.
    pub mitigation_policies: Vec<String>,
    /// `references` (`None` dropped).
    pub references: Vec<String>,
    /// `sample`: a raw event.
    pub sample: Option<String>,
    /// The event ids of the log, from an `event_id`-like field or else from the title.
    pub event_ids: Vec<String>,
    /// Whether `event_ids` were read from the title (`DN_0001_4688_...`) for want of a field.
    pub event_ids_from_title: bool,
}

/// Reads one Data Needed file. `None` only when the file is not a YAML mapping.
pub fn parse_data_needed(file: &SourceFile) -> (Option<DataNeeded>, Vec<Diagnostic>) {
    parse_with(file, "a Data Needed file", is_field, read)
}

fn read(fields: &mut Fields<'_>) -> DataNeeded {
    let title = read_title(fields);
    let (event_ids, event_ids_from_title) = event_ids(fields, &title);
    DataNeeded {
        path: fields.path().to_path_buf(),
        description: fields.string("description"),
        author: fields.string("author"),
        platform: fields.string("platform"),
        channel: fields.string("channel"),
        provider: fields.string("provider"),
        category: fields.string("category"),
        kind: fields.string("type"),
        fields: fields.strings("fields"),
        logging_policies: without_placeholders(fields.strings("loggingpolicy")),
        mitigation_policies: without_placeholders(fields.strings("mitigation_policy")),
        references: without_placeholders(fields.strings("references")),
        sample: fields.string("sample"),
        event_ids,
        event_ids_from_title,
        title,
    }
}

fn without_placeholders(mut titles: Vec<String>) -> Vec<String> {
    titles.retain(|t| !is_none_placeholder(t));
    titles
}

/// The event ids, and whether they came from the title. A field wins; the title (then the
/// file name) is only a fallback, because a renumbered title would silently change links.
fn event_ids(fields: &mut Fields<'_>, title: &str) -> (Vec<String>, bool) {
    let key = fields.map().keys().filter_map(|k| k.as_str()).find(|k| is_event_id_key(k));
    let explicit = key.map(|k| fields.strings(k)).unwrap_or_default();
    if !explicit.is_empty() {
        return (explicit, false);
    }
    let stem = file_stem(fields.path());
    match event_id_in_title(title).or_else(|| event_id_in_title(&stem)) {
        Some(id) => (vec![id.to_string()], true),
        None => (Vec::new(), false),
    }
}

/// Whether `key` is a field of a Data Needed file: one of [`FIELDS`] or an event id field.
fn is_field(key: &str) -> bool {
    FIELDS.contains(&key) || is_event_id_key(key)
}

fn is_event_id_key(key: &str) -> bool {
    EVENT_ID_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The event id in a title shaped `DN_NNNN_<digits>_...`: its third `_` token when that is
/// all digits.
fn event_id_in_title(title: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut tokens = title.split('_');
    let prefix = tokens.next()?.eq_ignore_ascii_case("DN");
    let number = tokens.next().is_some_and(digits);
    let id = tokens.next().filter(|t| digits(t))?;
    (prefix && number).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tests::source;

    fn parse(name: &str, text: &str) -> (DataNeeded, Vec<Diagnostic>) {
        let (entity, diagnostics) = parse_data_needed(&source(name, text));
        (entity.expect("the fixture parses"), diagnostics)
    }

    #[test]
    fn explicit_event_id_field_beats_title() {
        let text = "title: DN_0001_4688_process\neventID: [4688, '4696']\n";
        let (dn, _) = parse("DN_0001_4688_process.yml", text);
        assert_eq!(dn.event_ids, vec!["4688", "4696"]);
        assert!(!dn.event_ids_from_title);

        let (dn, _) =
            parse("DN_0001_4688_process.yml", "title: DN_0001_4688_process\nevent_id: 1\n");
        assert_eq!((dn.event_ids, dn.event_ids_from_title), (vec!["1".to_string()], false));
    }

    #[test]
    fn title_gives_event_ids_only_as_fallback() {
        let (dn, _) = parse("DN_0003_1_sysmon.yml", "title: DN_0003_1_sysmon\n");
        assert_eq!((dn.event_ids, dn.event_ids_from_title), (vec!["1".to_string()], true));
        let (dn, _) = parse("DN_0094_linux_sshd_log.yml", "title: DN_0094_linux_sshd_log\n");
        assert!(dn.event_ids.is_empty() && !dn.event_ids_from_title);
    }

    #[test]
    fn none_logging_policy_is_dropped() {
        let text = "title: DN_1\nloggingpolicy:\n  - None\n  - none\n  -\n  - LP_0001_x\n\
                    references: None\n";
        let (dn, diagnostics) = parse("DN_1.yml", text);
        assert_eq!(dn.logging_policies, vec!["LP_0001_x"]);
        assert!(dn.references.is_empty());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let (dn, _) = parse("DN_1.yml", "title: DN_1\nloggingpolicy: LP_0002_y\n");
        assert_eq!(dn.logging_policies, vec!["LP_0002_y"]);
    }

    #[test]
    fn wrong_type_is_reported_with_its_line_and_the_rest_loads() {
        let text = "title: DN_1\nplatform: Windows\nfields:\n  a: b\nchannel: [Security]\n";
        let (dn, diagnostics) = parse("DN_1.yml", text);
        assert_eq!(dn.platform.as_deref(), Some("Windows"));
        assert!(dn.fields.is_empty() && dn.channel.is_none());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(found, vec![("wrong-type", Some(3)), ("wrong-type", Some(5))]);
    }

    #[test]
    fn title_defects_are_reported() {
        let (dn, diagnostics) = parse("DN_0126_a.yml", "title: DN_0125_a\n");
        assert_eq!(dn.title, "DN_0125_a");
        assert_eq!(diagnostics[0].code, "title-mismatch");
        let (dn, diagnostics) = parse("DN_0007_b.yml", "platform: Linux\n");
        assert_eq!(dn.title, "DN_0007_b");
        assert_eq!(diagnostics[0].code, "missing-field");
    }
}
