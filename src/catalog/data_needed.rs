//! Matching rules to the Data Needed entries that carry the events they read.
//!
//! A rule names its events either explicitly (`EventID: 7` with `service: sysmon`) or through
//! a log source category (`category: image_load`, which the taxonomy says is Sysmon event 7).
//! Either way the candidates are the entries on the rule's platform and channel with one of
//! its event ids; among them, those whose `fields` cover every field the rule reads are
//! preferred. A rule without event ids links only to entries whose fields cover its fields,
//! so a keyword-only rule, which reads no field, never links to every entry of a channel:
//! only to the single entry of its channel, when there is just one.

use std::collections::BTreeSet;

use super::logsource::{LogsourceTable, Wanted};
use crate::entities::DataNeeded;
use crate::sigma::Rule;

/// A Data Needed entry, normalised for matching.
#[derive(Debug, Clone)]
pub struct DnKey {
    platform: Option<String>,
    channel: Option<String>,
    event_ids: BTreeSet<String>,
    fields: BTreeSet<String>,
}

impl DnKey {
    /// The matching key of `dn`.
    pub fn of(dn: &DataNeeded) -> DnKey {
        DnKey {
            platform: dn.platform.as_deref().map(normalize),
            channel: dn.channel.as_deref().map(normalize),
            event_ids: dn.event_ids.iter().map(|id| id.trim().to_string()).collect(),
            fields: dn.fields.iter().map(|f| normalize(f)).collect(),
        }
    }
}

fn normalize(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The indices of the Data Needed entries `rule` needs, in the order of `keys`.
pub fn match_rule(rule: &Rule, table: &LogsourceTable, keys: &[DnKey]) -> Vec<usize> {
    let wanted = table.wanted(&rule.logsource);
    let fields: BTreeSet<String> = rule
        .detection
        .field_names()
        .iter()
        .map(|f| normalize(f))
        .filter(|f| f != "eventid")
        .collect();
    let explicit: BTreeSet<String> = rule.detection.event_ids().into_iter().collect();
    let candidates: Vec<usize> = if !explicit.is_empty() {
        by_event_ids(&wanted, &explicit, keys)
    } else if !wanted.sources.is_empty() {
        by_category(&wanted, keys)
    } else {
        return by_fields_only(&wanted, &fields, keys);
    };
    prefer_covering(candidates, &fields, keys)
}

fn on_platform(wanted: &Wanted, key: &DnKey) -> bool {
    match (&wanted.platform, &key.platform) {
        (Some(want), Some(have)) => normalize(want) == *have,
        (Some(_), None) => false,
        (None, _) => true,
    }
}

fn on_channel(channels: &[String], key: &DnKey) -> bool {
    channels.is_empty()
        || key.channel.as_ref().is_some_and(|have| channels.iter().any(|c| normalize(c) == *have))
}

fn by_event_ids(wanted: &Wanted, ids: &BTreeSet<String>, keys: &[DnKey]) -> Vec<usize> {
    let channels: Vec<String> = if wanted.channels.is_empty() {
        wanted.sources.iter().flat_map(|s| s.channels.clone()).collect()
    } else {
        wanted.channels.clone()
    };
    indices(keys, |key| {
        on_platform(wanted, key) && on_channel(&channels, key) && !key.event_ids.is_disjoint(ids)
    })
}

fn by_category(wanted: &Wanted, keys: &[DnKey]) -> Vec<usize> {
    indices(keys, |key| {
        on_platform(wanted, key)
            && wanted.sources.iter().any(|source| {
                on_channel(&source.channels, key)
                    && source.event_ids.iter().any(|id| key.event_ids.contains(&id.to_string()))
            })
    })
}

/// A rule without event ids: the entries on its platform and channel that carry all its
/// fields. A rule that reads no field (keywords only) links to the one entry of its channel
/// when there is exactly one, and to none when the channel has several: it could be any.
fn by_fields_only(wanted: &Wanted, fields: &BTreeSet<String>, keys: &[DnKey]) -> Vec<usize> {
    if wanted.platform.is_none() && wanted.channels.is_empty() {
        return Vec::new();
    }
    let on_source = |key: &DnKey| on_platform(wanted, key) && on_channel(&wanted.channels, key);
    if !fields.is_empty() {
        return indices(keys, |key| on_source(key) && fields.is_subset(&key.fields));
    }
    let channel_known = !wanted.channels.is_empty();
    let candidates = indices(keys, on_source);
    if channel_known && candidates.len() == 1 {
        candidates
    } else {
        Vec::new()
    }
}

/// Among `candidates`, those whose fields cover the rule's; all of them when none does.
fn prefer_covering(
    candidates: Vec<usize>,
    fields: &BTreeSet<String>,
    keys: &[DnKey],
) -> Vec<usize> {
    if fields.is_empty() {
        return candidates;
    }
    let covering: Vec<usize> =
        candidates.iter().copied().filter(|&i| fields.is_subset(&keys[i].fields)).collect();
    if covering.is_empty() {
        candidates
    } else {
        covering
    }
}

fn indices(keys: &[DnKey], keep: impl Fn(&DnKey) -> bool) -> Vec<usize> {
    keys.iter().enumerate().filter(|(_, key)| keep(key)).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SourceFile;

    fn dn(title: &str, platform: &str, channel: &str, ids: &[&str], fields: &[&str]) -> DataNeeded {
        DataNeeded {
            title: title.into(),
            platform: Some(platform.into()),
            channel: Some(channel.into()),
            event_ids: ids.iter().map(|s| s.to_string()).collect(),
            fields: fields.iter().map(|s| s.to_string()).collect(),
            ..DataNeeded::default()
        }
    }

    fn keys() -> Vec<DnKey> {
        let sysmon = "Microsoft-Windows-Sysmon/Operational";
        [
            dn("sysmon 1", "Windows", sysmon, &["1"], &["EventID", "Image", "CommandLine"]),
            dn("sysmon 7", "Windows", sysmon, &["7"], &["EventID", "Image", "ImageLoaded"]),
            dn("4688", "Windows", "Security", &["4688"], &["NewProcessName"]),
            dn("4688 cmd", "Windows", "Security", &["4688"], &["NewProcessName", "CommandLine"]),
            dn("system a", "Windows", "System", &["7045"], &["ImagePath"]),
            dn("system b", "Windows", "System", &["7036"], &["param1"]),
            dn("auth", "Linux", "auth.log", &[], &["message"]),
        ]
        .iter()
        .map(DnKey::of)
        .collect()
    }

    fn matches(rule: &str) -> Vec<usize> {
        let file =
            crate::sigma::parse_file(&SourceFile { path: "r.yml".into(), text: rule.into() });
        let rule = &file.set.expect("the test rule parses").rules()[0].clone();
        match_rule(rule, LogsourceTable::embedded(), &keys())
    }

    #[test]
    fn a_category_maps_to_its_event_sources() {
        let rule = "title: t\nlogsource:\n  product: windows\n  category: image_load\ndetection:\n  s:\n    ImageLoaded: x\n  condition: s\n";
        assert_eq!(matches(rule), [1]);
    }

    #[test]
    fn process_creation_prefers_the_entries_that_carry_its_fields() {
        let rule = "title: t\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  s:\n    CommandLine: x\n  condition: s\n";
        assert_eq!(matches(rule), [0, 3], "Sysmon 1 and the 4688 entry with the command line");
    }

    #[test]
    fn a_keyword_rule_never_links_a_whole_channel() {
        let rule = "title: t\nlogsource:\n  product: windows\n  service: system\ndetection:\n  k:\n    - evil\n  condition: k\n";
        assert!(matches(rule).is_empty());
    }

    #[test]
    fn a_keyword_rule_links_the_one_entry_of_its_channel() {
        let rule = "title: t\nlogsource:\n  product: linux\n  service: auth\ndetection:\n  k:\n    - evil\n  condition: k\n";
        assert_eq!(matches(rule), [6]);
    }
}
