//! The CSV tables: `analytics.csv` (what each rule needs, one row per rule, technique, Data
//! Needed and Logging Policy) and `pivoting.csv` (the fields of each Data Needed).
//!
//! A rule without a technique, a Data Needed or a Logging Policy still gets its row, with
//! that column empty, so that a gap in coverage shows instead of hiding. Lists inside one
//! cell are joined with `; `.

use serde::Serialize;

use crate::build::logsource_text;
use crate::catalog::{Entry, RulePage};
use crate::entities::DataNeeded;
use crate::render::views::{Context, Link};

/// The columns of `analytics.csv`, in the order of [`AnalyticsRow`]'s fields.
pub const ANALYTICS_HEADER: [&str; 12] = [
    "customer",
    "tactic",
    "technique",
    "rule",
    "rule page",
    "log source",
    "platform",
    "channel",
    "provider",
    "data needed",
    "logging policy",
    "enrichment",
];

/// The columns of `pivoting.csv`, in the order of [`PivotingRow`]'s fields.
pub const PIVOTING_HEADER: [&str; 7] =
    ["field", "data needed", "data needed page", "platform", "channel", "provider", "enrichment"];

/// One row of `analytics.csv`.
#[derive(Debug, Clone, Default, Serialize)]
struct AnalyticsRow {
    customer: String,
    tactic: String,
    technique: String,
    rule: String,
    rule_page: String,
    logsource: String,
    platform: String,
    channel: String,
    provider: String,
    data_needed: String,
    logging_policy: String,
    enrichment: String,
}

/// One row of `pivoting.csv`.
#[derive(Debug, Serialize)]
struct PivotingRow {
    field: String,
    data_needed: String,
    data_needed_page: String,
    platform: String,
    channel: String,
    provider: String,
    enrichment: String,
}

/// `analytics.csv`: rules in catalog order, then techniques, Data Needed and Logging
/// Policies in id and page order.
pub fn analytics(cx: &Context) -> anyhow::Result<String> {
    let mut rows = Vec::new();
    for r in 0..cx.catalog.rules.len() {
        rule_rows(cx, r, &mut rows);
    }
    write(&ANALYTICS_HEADER, &rows)
}

fn rule_rows(cx: &Context, r: usize, rows: &mut Vec<AnalyticsRow>) {
    let entry = &cx.catalog.rules[r];
    let rule = cx.rules(&[r]).remove(0);
    let base = AnalyticsRow {
        customer: joined(&cx.customers(&entry.links.customers)),
        rule: rule.text,
        rule_page: rule.url,
        logsource: logsources(entry),
        enrichment: joined(&cx.enrichments(&entry.links.enrichments)),
        ..AnalyticsRow::default()
    };
    for technique in or_none(&entry.links.techniques) {
        let with_technique = AnalyticsRow {
            tactic: tactics_of(cx, entry, technique.as_deref()),
            technique: technique.map(|t| cx.technique_text(&t)).unwrap_or_default(),
            ..base.clone()
        };
        for dn in or_none(&entry.links.data_needed) {
            let policies = dn.map(|d| &cx.catalog.data_needed[d].links.logging_policies);
            for policy in or_none(policies.map_or(&[][..], Vec::as_slice)) {
                rows.push(with_sources(cx, &with_technique, dn, policy));
            }
        }
    }
}

/// `base` with the columns of the Data Needed `dn` and the Logging Policy `policy`.
fn with_sources(
    cx: &Context,
    base: &AnalyticsRow,
    dn: Option<usize>,
    policy: Option<usize>,
) -> AnalyticsRow {
    let item = dn.map(|d| &cx.catalog.data_needed[d].item);
    let text = |f: fn(&DataNeeded) -> &Option<String>| item.and_then(|i| f(i).clone());
    AnalyticsRow {
        platform: text(|i| &i.platform).unwrap_or_default(),
        channel: text(|i| &i.channel).unwrap_or_default(),
        provider: text(|i| &i.provider).unwrap_or_default(),
        data_needed: dn.map(|d| joined(&cx.data_needed(&[d]))).unwrap_or_default(),
        logging_policy: policy.map(|p| joined(&cx.logging_policies(&[p]))).unwrap_or_default(),
        ..base.clone()
    }
}

/// The rule's tactics that ATT&CK puts `technique` under; all of them when none is, or when
/// there is no technique.
fn tactics_of(cx: &Context, entry: &Entry<RulePage>, technique: Option<&str>) -> String {
    let of_technique: Vec<&String> = technique
        .and_then(|t| cx.attack.technique(t))
        .map(|t| t.tactics.iter().filter_map(|s| cx.attack.tactic_by_shortname(s)))
        .into_iter()
        .flatten()
        .map(|t| &t.id)
        .collect();
    let all = &entry.links.tactics;
    let shared: Vec<&String> = all.iter().filter(|t| of_technique.contains(t)).collect();
    let chosen = if shared.is_empty() { all.iter().collect() } else { shared };
    let texts: Vec<String> = chosen.into_iter().map(|id| cx.tactic_text(id)).collect();
    texts.join("; ")
}

/// The distinct log sources of the rules of a page, in file order.
fn logsources(entry: &Entry<RulePage>) -> String {
    let mut texts: Vec<String> = Vec::new();
    for rule in entry.item.set().rules() {
        let text = logsource_text(&rule.logsource);
        if !text.is_empty() && !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts.join("; ")
}

/// `pivoting.csv`: one row per field of each Data Needed, in page order then field order.
pub fn pivoting(cx: &Context) -> anyhow::Result<String> {
    let mut rows = Vec::new();
    for (d, entry) in cx.catalog.data_needed.iter().enumerate() {
        let link = cx.data_needed(&[d]).remove(0);
        let item = &entry.item;
        for field in &item.fields {
            rows.push(PivotingRow {
                field: field.clone(),
                data_needed: link.text.clone(),
                data_needed_page: link.url.clone(),
                platform: item.platform.clone().unwrap_or_default(),
                channel: item.channel.clone().unwrap_or_default(),
                provider: item.provider.clone().unwrap_or_default(),
                enrichment: joined(&cx.enrichments(&entry.links.enrichments)),
            });
        }
    }
    write(&PIVOTING_HEADER, &rows)
}

/// `[None]` for an empty list, so that the row is still written; else every item.
fn or_none<T: Clone>(items: &[T]) -> Vec<Option<T>> {
    match items {
        [] => vec![None],
        _ => items.iter().cloned().map(Some).collect(),
    }
}

fn joined(links: &[Link]) -> String {
    links.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("; ")
}

/// One cell as text a spreadsheet shows and never runs: control characters become spaces,
/// and a cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first) gets a
/// leading `'`, since rule titles and field names come from outside the team.
fn cell_text(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text,
    }
}

/// The header, then the rows. The header is written apart from the rows so that a table
/// without rows still has it (the `csv` crate writes a derived header with the first row).
fn write<T: Serialize>(header: &[&str], rows: &[T]) -> anyhow::Result<String> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        let cells = serde_json::to_value(row)?;
        let cells = cells.as_object().map(|o| o.values().map(cell_text).collect::<Vec<_>>());
        writer.write_record(cells.unwrap_or_default())?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("cannot write a CSV: {e}"))?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Titles such as `=cmd|' /C calc'!A0` went into the CSV as formulas.
    #[test]
    fn cells_never_start_a_formula_or_hold_control_characters() {
        let cell = |s: &str| cell_text(&serde_json::Value::from(s));
        assert_eq!(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a\u{1b}[31mb\nc"), "a [31mb c");
        assert_eq!(cell("plain, \"quoted\""), "plain, \"quoted\"");
    }
    use crate::catalog::Catalog;
    use crate::render::exports::context;
    use crate::render::exports::tests::fixture;

    /// The records of a CSV text, header first, each checked to have the header's width.
    fn records(text: &str, width: usize) -> Vec<csv::StringRecord> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(records.iter().all(|r| r.len() == width), "every row has {width} columns");
        records
    }

    /// Rule × technique × (Data Needed × its policies), each factor at least one.
    fn expected_rows(catalog: &Catalog) -> usize {
        let policies = |&d: &usize| catalog.data_needed[d].links.logging_policies.len().max(1);
        let per_rule = |r: &Entry<RulePage>| {
            let sources = r.links.data_needed.iter().map(policies).sum::<usize>().max(1);
            r.links.techniques.len().max(1) * sources
        };
        catalog.rules.iter().map(per_rule).sum()
    }

    #[test]
    fn analytics_has_one_row_per_rule_technique_data_needed_and_policy() {
        let (catalog, _, attack) = fixture();
        let cx = context(&catalog, &attack);
        let rows = records(&analytics(&cx).unwrap(), ANALYTICS_HEADER.len());
        assert_eq!(rows.len() - 1, expected_rows(&catalog));
        assert_eq!(rows.len() - 1, 2, "the fixture's two rules have one row each");
        assert_eq!(&rows[0][2], "technique");
        let encoded: Vec<&csv::StringRecord> =
            rows.iter().filter(|r| &r[4] == "../rules/ps_encoded.md").collect();
        assert_eq!(&encoded[0][2], "T1059.001: PowerShell");
        assert_eq!(&encoded[0][1], "TA0002: Execution");
        assert_eq!(&encoded[0][10], "LP_0001_sysmon_process_creation");
    }

    #[test]
    fn a_rule_without_technique_or_policy_keeps_its_row_with_empty_columns() {
        let (catalog, _, attack) = fixture();
        let rows = records(&analytics(&context(&catalog, &attack)).unwrap(), 12);
        let keywords = rows.iter().find(|r| &r[3] == "Keyword only rule").unwrap();
        assert_eq!((&keywords[2], &keywords[10]), ("", ""));
        assert_eq!(&keywords[7], "Security");
    }

    #[test]
    fn pivoting_has_one_row_per_field_of_each_data_needed() {
        let (catalog, _, attack) = fixture();
        let rows = records(&pivoting(&context(&catalog, &attack)).unwrap(), PIVOTING_HEADER.len());
        let fields: usize = catalog.data_needed.iter().map(|d| d.item.fields.len()).sum();
        assert_eq!(rows.len() - 1, fields);
        assert_eq!(
            rows[1].iter().collect::<Vec<_>>()[..2],
            ["EventID", "DN_0001_1_process_creation"]
        );
    }

    #[test]
    fn a_table_without_rows_still_has_its_header() {
        let empty: Vec<PivotingRow> = Vec::new();
        assert_eq!(write(&PIVOTING_HEADER, &empty).unwrap().lines().count(), 1);
    }
}
