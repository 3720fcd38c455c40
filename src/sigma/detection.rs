//! The detection section: named selections and the condition over them.
//!
//! STUB: replaced by the typed model. The public API below is the contract the rest of the
//! crate relies on.

use serde_yaml::Value;

use super::SigmaError;
use crate::load::DocText;

/// A parsed detection.
#[derive(Debug, Clone)]
pub struct Detection {
    raw: Value,
}

impl Detection {
    /// Parses a `detection` value. Errors name the file line where known.
    pub fn parse(value: &Value, doc: &DocText) -> Result<Detection, Vec<SigmaError>> {
        let Some(map) = value.as_mapping() else {
            return Err(vec![SigmaError::new(
                doc.line_of_key("detection"),
                "wrong-type",
                "`detection` must be a mapping",
            )]);
        };
        if !map.contains_key("condition") {
            return Err(vec![SigmaError::new(
                doc.line_of_key("detection"),
                "missing-field",
                "detection has no `condition`",
            )]);
        }
        Ok(Detection { raw: value.clone() })
    }

    /// Distinct field names (without modifiers) in source order; keyword searches have none.
    pub fn field_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Mapping(m) => {
                    for (k, _) in m {
                        if let Some(k) = k.as_str() {
                            let f = k.split('|').next().unwrap_or("").to_string();
                            if !f.is_empty() && !out.contains(&f) {
                                out.push(f);
                            }
                        }
                    }
                }
                Value::Sequence(s) => s.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
        if let Some(m) = self.raw.as_mapping() {
            for (k, v) in m {
                if k.as_str() != Some("condition") && k.as_str() != Some("timeframe") {
                    walk(v, &mut out);
                }
            }
        }
        out
    }

    /// Distinct `EventID` values (as decimal text) that selections match on.
    pub fn event_ids(&self) -> Vec<String> {
        Vec::new()
    }

    /// Whether any selection is a keyword search (values without a field).
    pub fn has_keywords(&self) -> bool {
        false
    }

    /// `detection.timeframe`, as written.
    pub fn timeframe(&self) -> Option<&str> {
        self.raw.get("timeframe").and_then(Value::as_str)
    }
}
