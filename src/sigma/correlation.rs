//! Sigma correlation rules: conditions over the matches of other rules.

use serde_yaml::{Mapping, Value};

use super::meta::{self, scalar_text, Meta, Reader};
use super::SigmaError;
use crate::load::DocText;

/// The correlation types of the specification (v2.1).
pub const CORRELATION_TYPES: [&str; 7] = [
    "event_count",
    "value_count",
    "temporal",
    "temporal_ordered",
    "value_sum",
    "value_avg",
    "value_percentile",
];

/// A correlation rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Correlation {
    /// Title, id and the other descriptive fields.
    pub meta: Meta,
    /// `correlation.type`.
    pub kind: String,
    /// `correlation.rules`: ids or names of the rules it correlates.
    pub rules: Vec<String>,
    /// `correlation.group-by`.
    pub group_by: Vec<String>,
    /// `correlation.timespan` (also `timeframe`, its older name).
    pub timespan: Option<String>,
    /// `correlation.condition`: `(operator, value)` pairs, or an extended condition string.
    pub condition: Vec<(String, String)>,
    /// `correlation.condition.field`, for the value_* types.
    pub field: Option<String>,
    /// `correlation.generate`.
    pub generate: bool,
    /// The 1-based line where the document starts.
    pub line: usize,
}

/// Reads a correlation document.
pub fn parse(map: &Mapping, doc: &DocText, errors: &mut Vec<SigmaError>) -> Option<Correlation> {
    let meta = meta::read_meta(map, doc, errors);
    let Some(body) = map.get("correlation").and_then(Value::as_mapping) else {
        let message = "`correlation` must be a mapping";
        errors.push(SigmaError::new(
            doc.line_of_key("correlation"),
            "invalid-correlation",
            message,
        ));
        return None;
    };
    let mut r = Reader { map: body, doc, errors };
    let kind = r.string("type").unwrap_or_default();
    let rules = r.strings("rules");
    let group_by = r.strings("group-by");
    let timespan = r.string("timespan").or_else(|| r.string("timeframe"));
    let generate = body.get("generate").and_then(Value::as_bool).unwrap_or(false);
    let (condition, field) = read_condition(body.get("condition"));
    if !CORRELATION_TYPES.contains(&kind.as_str()) {
        let message = format!("unknown correlation type `{kind}`");
        errors.push(SigmaError::new(doc.line_of_key("type"), "correlation-type", message));
    }
    if rules.is_empty() {
        let message = "correlation names no rules";
        errors.push(SigmaError::new(doc.line_of_key("correlation"), "missing-field", message));
    }
    let line = doc.first_line;
    Some(Correlation { meta, kind, rules, group_by, timespan, condition, field, generate, line })
}

fn read_condition(value: Option<&Value>) -> (Vec<(String, String)>, Option<String>) {
    match value {
        Some(Value::Mapping(map)) => {
            let mut pairs = Vec::new();
            let mut field = None;
            for (key, value) in map {
                let (Some(key), Some(text)) = (key.as_str(), scalar_text(value)) else { continue };
                if key == "field" {
                    field = Some(text);
                } else {
                    pairs.push((key.to_string(), text));
                }
            }
            (pairs, field)
        }
        Some(value) => {
            (scalar_text(value).map(|t| vec![("expression".into(), t)]).unwrap_or_default(), None)
        }
        None => (Vec::new(), None),
    }
}
