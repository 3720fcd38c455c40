//! The detection section: named selections and the condition over them.
//!
//! Each search identifier becomes a [`Selection`]: an OR of branches, each branch an AND of
//! [`Item`]s. A mapping is one branch; a list of mappings is one branch per mapping; plain
//! scalars in a list are one keyword item. Items carry typed values only (see
//! [`super::value`] and [`super::modifier`]), so converters never read YAML or modifier
//! names. The condition (a string, or a list of strings OR-ed together) is parsed by
//! [`super::condition`].

use serde_yaml::Value as Yaml;

use super::condition::{self, Condition};
use super::modifier::{Chain, ModifierError};
use super::value::Value;
use super::SigmaError;
use crate::load::DocText;

/// One field match (or keyword search) inside a selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The field as written, without modifiers; `None` for a keyword search.
    pub field: Option<String>,
    /// One entry per written value; each entry's alternatives are OR-ed.
    pub values: Vec<Vec<Value>>,
    /// The entries are AND-ed (`|all`) instead of OR-ed.
    pub all: bool,
    /// Strings match case-sensitively (`|cased`).
    pub cased: bool,
    /// The whole item is negated (`|neq`).
    pub negated: bool,
}

/// A search identifier and its definition: an OR of AND-ed branches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The identifier.
    pub name: String,
    /// The branches, OR-ed; the items of a branch are AND-ed.
    pub branches: Vec<Vec<Item>>,
}

/// A parsed detection.
#[derive(Debug, Clone)]
pub struct Detection {
    selections: Vec<Selection>,
    condition: Condition,
    timeframe: Option<String>,
    warnings: Vec<SigmaError>,
}

/// Where a detection's parts sit in the file, for error lines.
struct Place<'a> {
    doc: &'a DocText,
    after: usize,
}

impl Place<'_> {
    fn line(&self, key: &str) -> Option<usize> {
        self.doc.line_of_key_after(key, self.after)
    }

    fn error(&self, key: &str, code: &'static str, message: String) -> SigmaError {
        SigmaError::new(self.line(key), code, message)
    }
}

impl Detection {
    /// Parses a `detection` value. Errors name the file line where known.
    pub fn parse(value: &Yaml, doc: &DocText) -> Result<Detection, Vec<SigmaError>> {
        let Some(map) = value.as_mapping() else {
            let message = "`detection` must be a mapping";
            return Err(vec![SigmaError::new(
                doc.line_of_key("detection"),
                "invalid-detection",
                message,
            )]);
        };
        let place = Place { doc, after: doc.line_of_key("detection").unwrap_or(0) };
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut selections = Vec::new();
        // Every identifier, also those whose definition is broken: the condition may name
        // them, and one error about a broken selection is enough.
        let mut names = Vec::new();
        for (key, definition) in map {
            let name = key_text(key);
            if name == "condition" || name == "timeframe" {
                continue;
            }
            names.push(name.clone());
            warnings.extend(base64offset_warnings(&name, definition, &place));
            match parse_selection(&name, definition, &place) {
                Ok(selection) => selections.push(selection),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let timeframe = map.get("timeframe").and_then(scalar_text);
        warnings.extend(timeframe_warning(timeframe.as_deref(), &place));
        let condition = parse_conditions(map.get("condition"), &names, &place);
        match condition {
            Ok(condition) if errors.is_empty() => {
                Ok(Detection { selections, condition, timeframe, warnings })
            }
            Ok(_) => Err(errors),
            Err(e) => {
                errors.push(e);
                Err(errors)
            }
        }
    }

    /// The selections, in source order.
    pub fn selections(&self) -> &[Selection] {
        &self.selections
    }

    /// Lets `f` rewrite the alternatives of every written value (a pipeline step).
    pub fn map_values(&mut self, f: &mut dyn FnMut(&mut Vec<Value>)) {
        let items = self.selections.iter_mut().flat_map(|s| s.branches.iter_mut().flatten());
        items.flat_map(|item| item.values.iter_mut()).for_each(f);
    }

    /// The condition tree (a condition list is one OR node).
    pub fn condition(&self) -> &Condition {
        &self.condition
    }

    /// Distinct field names (without modifiers) in source order; keyword searches have none.
    pub fn field_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let items = self.selections.iter().flat_map(|s| s.branches.iter().flatten());
        for field in items.filter_map(|item| item.field.as_ref()) {
            if !out.contains(field) {
                out.push(field.clone());
            }
        }
        out
    }

    /// Distinct `EventID` values (as decimal text) that selections used positively match on.
    pub fn event_ids(&self) -> Vec<String> {
        let mut positive = vec![false; self.selections.len()];
        mark_positive(&self.condition, false, &mut positive);
        let mut out: Vec<String> = Vec::new();
        let used = self.selections.iter().zip(&positive).filter(|(_, p)| **p);
        for item in used.flat_map(|(s, _)| s.branches.iter().flatten()) {
            for id in item_event_ids(item) {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    /// Whether any selection is a keyword search (values without a field).
    pub fn has_keywords(&self) -> bool {
        self.selections.iter().flat_map(|s| s.branches.iter().flatten()).any(|i| i.field.is_none())
    }

    /// `detection.timeframe`, as written (check it with [`is_timespan`]).
    pub fn timeframe(&self) -> Option<&str> {
        self.timeframe.as_deref()
    }

    /// Problems that leave the detection usable, with their lines.
    pub fn warnings(&self) -> &[SigmaError] {
        &self.warnings
    }
}

/// Whether `text` is a Sigma time span: a positive whole number and one of `s`, `m`, `h`,
/// `d` (`30m`, `1d`).
pub fn is_timespan(text: &str) -> bool {
    let Some(number) = text.strip_suffix(['s', 'm', 'h', 'd']) else { return false };
    number.bytes().all(|b| b.is_ascii_digit()) && number.parse::<u64>().is_ok_and(|n| n > 0)
}

/// A warning when `timeframe` is not a Sigma time span; targets that use it refuse the rule.
fn timeframe_warning(timeframe: Option<&str>, place: &Place) -> Option<SigmaError> {
    let text = timeframe.filter(|t| !is_timespan(t))?;
    let message = format!(
        "`timeframe: {text}` is not a time span such as 30s, 5m, 1h or 2d; \
         targets that need it will not convert the rule"
    );
    Some(place.error("timeframe", "timeframe", message))
}

/// Warnings for `base64offset` without `contains` in a selection's keys. The specification
/// means base64offset for substrings: on its own it matches whole values exactly against
/// fragments of an encoding, which is what it converts to, but rarely what was meant.
fn base64offset_warnings(name: &str, def: &Yaml, place: &Place) -> Vec<SigmaError> {
    let place = Place { doc: place.doc, after: place.line(name).unwrap_or(place.after) };
    let maps: Vec<&serde_yaml::Mapping> = match def {
        Yaml::Mapping(map) => vec![map],
        Yaml::Sequence(items) => items.iter().filter_map(Yaml::as_mapping).collect(),
        _ => Vec::new(),
    };
    let keys = maps.into_iter().flat_map(|m| m.keys()).map(key_text);
    keys.filter(|key| {
        let modifiers: Vec<&str> = key.split('|').skip(1).collect();
        modifiers.contains(&"base64offset") && !modifiers.contains(&"contains")
    })
    .map(|key| {
        let message = format!(
            "`{key}`: base64offset without contains matches whole values against fragments \
             of the encoding; add |contains"
        );
        place.error(&key, "base64offset-without-contains", message)
    })
    .collect()
}

/// Marks the selections that the condition uses without negation.
fn mark_positive(condition: &Condition, negated: bool, out: &mut [bool]) {
    match condition {
        Condition::Selection(i) if !negated => {
            if let Some(slot) = out.get_mut(*i) {
                *slot = true;
            }
        }
        Condition::Selection(_) => {}
        Condition::Not(inner) => mark_positive(inner, !negated, out),
        Condition::And(parts) | Condition::Or(parts) => {
            parts.iter().for_each(|p| mark_positive(p, negated, out))
        }
        Condition::Aggregation(inner, _) => mark_positive(inner, negated, out),
    }
}

/// The EventID values an item matches by plain equality.
fn item_event_ids(item: &Item) -> Vec<String> {
    if item.field.as_deref() != Some("EventID") || item.negated {
        return Vec::new();
    }
    let decimal = |v: &Value| match v {
        Value::Number(n) => n.as_integer(),
        Value::String(s) => s.as_plain().and_then(|t| t.trim().parse::<i64>().ok()),
        _ => None,
    };
    item.values.iter().flatten().filter_map(decimal).map(|i| i.to_string()).collect()
}

fn key_text(key: &Yaml) -> String {
    scalar_text(key).unwrap_or_default()
}

fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses one search identifier's definition.
fn parse_selection(name: &str, def: &Yaml, place: &Place) -> Result<Selection, Vec<SigmaError>> {
    let place = Place { doc: place.doc, after: place.line(name).unwrap_or(place.after) };
    let empty = || vec![place.error(name, "empty-selection", format!("`{name}` is empty"))];
    let branches = match def {
        Yaml::Mapping(map) if map.is_empty() => return Err(empty()),
        Yaml::Mapping(map) => vec![parse_mapping(map, &place)?],
        Yaml::Sequence(items) if items.is_empty() => return Err(empty()),
        Yaml::Sequence(items) => parse_list(name, items, &place)?,
        Yaml::Null => return Err(empty()),
        scalar => {
            let item = keyword_item(name, &[scalar], &Chain::default(), &place);
            vec![vec![item.map_err(|e| vec![e])?]]
        }
    };
    Ok(Selection { name: name.to_string(), branches })
}

/// A list definition: mappings are OR-ed branches; the scalars form one keyword item.
fn parse_list(
    name: &str,
    items: &[Yaml],
    place: &Place,
) -> Result<Vec<Vec<Item>>, Vec<SigmaError>> {
    let mut branches = Vec::new();
    let mut errors = Vec::new();
    let mut keywords: Vec<&Yaml> = Vec::new();
    let mut keyword_slot = None;
    for item in items {
        match item {
            Yaml::Mapping(map) => match parse_mapping(map, place) {
                Ok(branch) => branches.push(branch),
                Err(mut e) => errors.append(&mut e),
            },
            Yaml::Sequence(_) | Yaml::Null => {
                let message = format!("`{name}`: a list item must be a mapping or a keyword");
                errors.push(place.error(name, "invalid-value", message));
            }
            scalar => {
                keyword_slot.get_or_insert(branches.len());
                keywords.push(scalar);
            }
        }
    }
    if let Some(slot) = keyword_slot {
        match keyword_item(name, &keywords, &Chain::default(), place) {
            Ok(item) => branches.insert(slot, vec![item]),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(branches)
    } else {
        Err(errors)
    }
}

/// A mapping definition: one item per key, AND-ed.
fn parse_mapping(map: &serde_yaml::Mapping, place: &Place) -> Result<Vec<Item>, Vec<SigmaError>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in map {
        match parse_item(&key_text(key), value, place) {
            Ok(item) => items.push(item),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

/// One `Field|modifiers: value(s)` entry.
fn parse_item(key: &str, value: &Yaml, place: &Place) -> Result<Item, SigmaError> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or("").to_string();
    let names: Vec<&str> = parts.collect();
    let located = |e: ModifierError| place.error(key, e.code, format!("`{key}`: {}", e.message));
    let chain = Chain::parse(&names).map_err(located)?;
    let values: Vec<&Yaml> = match value {
        Yaml::Sequence(items) if items.is_empty() => vec![&Yaml::Null],
        Yaml::Sequence(items) => items.iter().collect(),
        other => vec![other],
    };
    if let Some(bad) = values.iter().find(|v| matches!(v, Yaml::Sequence(_) | Yaml::Mapping(_))) {
        let message = format!("`{key}`: values must be scalars, found {}", super::kind_of(bad));
        return Err(place.error(key, "invalid-value", message));
    }
    if field.is_empty() {
        return keyword_item(key, &values, &chain, place);
    }
    let applied = chain.apply(&values).map_err(located)?;
    Ok(Item {
        field: Some(field),
        values: applied.values,
        all: applied.all,
        cased: applied.cased,
        negated: applied.negated,
    })
}

/// A keyword search: values without a field.
fn keyword_item(
    key: &str,
    values: &[&Yaml],
    chain: &Chain,
    place: &Place,
) -> Result<Item, SigmaError> {
    let located = |e: ModifierError| place.error(key, e.code, format!("`{key}`: {}", e.message));
    let applied = chain.apply(values).map_err(located)?;
    let bad = applied.values.iter().flatten().find(|v| !keyword_kind(v));
    if let Some(bad) = bad {
        let message = format!("`{key}`: a keyword search cannot use {}", bad.kind());
        return Err(place.error(key, "invalid-value", message));
    }
    Ok(Item {
        field: None,
        values: applied.values,
        all: applied.all,
        cased: applied.cased,
        negated: applied.negated,
    })
}

/// The value kinds a keyword (field-less) search can hold.
fn keyword_kind(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Regex(_) | Value::Number(_) | Value::Bool(_))
}

/// Parses the condition (string or list of strings, OR-ed).
fn parse_conditions(
    value: Option<&Yaml>,
    names: &[String],
    place: &Place,
) -> Result<Condition, SigmaError> {
    let at = |code, message: String| place.error("condition", code, message);
    let texts: Vec<String> = match value {
        None | Some(Yaml::Null) => {
            return Err(SigmaError::new(
                place.doc.line_of_key("detection"),
                "missing-field",
                "detection has no `condition`",
            ))
        }
        Some(Yaml::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(other) => scalar_text(other).into_iter().collect(),
    };
    if texts.is_empty() {
        return Err(at(
            "condition-syntax",
            "`condition` must be a string or a list of strings".into(),
        ));
    }
    let mut parsed = Vec::new();
    for text in &texts {
        let c = condition::parse(text, names).map_err(|e| at(e.code, e.message))?;
        parsed.push(c);
    }
    Ok(if parsed.len() == 1 { parsed.remove(0) } else { Condition::Or(parsed) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::value::SigmaString;

    fn detection(text: &str) -> Result<Detection, Vec<SigmaError>> {
        let doc = DocText { text: text.to_string(), first_line: 1 };
        let value: Yaml = serde_yaml::from_str(text).unwrap();
        Detection::parse(&value["detection"], &doc)
    }

    // A broken selection used to bring a second error: "condition names `sel`, which is
    // not defined".
    #[test]
    fn a_broken_selection_gives_one_error() {
        let errors =
            detection("detection:\n  sel:\n    A|nosuch: 1\n  condition: sel\n").unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "unknown-modifier");
    }

    #[test]
    fn shapes_and_field_names() {
        let d = detection(
            "detection:\n  sel:\n    Image|endswith: '\\x.exe'\n    EventID: [1, '4688']\n  kw:\n    - evil\n    - 42\n  alt:\n    - A: 1\n    - B: 2\n  condition: sel and (kw or alt)\n",
        )
        .unwrap();
        assert_eq!(d.field_names(), vec!["Image", "EventID", "A", "B"]);
        assert_eq!(d.event_ids(), vec!["1", "4688"]);
        assert!(d.has_keywords());
        assert_eq!(d.selections()[2].branches.len(), 2);
        let kw = &d.selections()[1].branches[0][0];
        assert_eq!(kw.field, None);
        assert_eq!(kw.values[0], vec![Value::String(SigmaString::literal("evil"))]);
    }

    #[test]
    fn event_ids_skip_negated_selections() {
        let d = detection(
            "detection:\n  sel:\n    EventID: 4624\n  filter:\n    EventID: 4625\n  condition: sel and not filter\n",
        )
        .unwrap();
        assert_eq!(d.event_ids(), vec!["4624"]);
    }

    #[test]
    fn null_empty_list_and_keyword_all_form() {
        let d = detection(
            "detection:\n  sel:\n    A: null\n    B: []\n    C: ''\n  kw:\n    '|all': [a, b]\n  condition: sel or kw\n",
        )
        .unwrap();
        let items = &d.selections()[0].branches[0];
        assert_eq!(items[0].values, vec![vec![Value::Null]]);
        assert_eq!(items[1].values, vec![vec![Value::Null]]);
        assert_eq!(items[2].values, vec![vec![Value::String(SigmaString::default())]]);
        let kw = &d.selections()[1].branches[0][0];
        assert!(kw.all && kw.field.is_none());
        assert_eq!(d.field_names(), vec!["A", "B", "C"]);
    }

    #[test]
    fn errors_carry_code_and_line() {
        let errors = detection(
            "detection:\n  sel:\n    A|contains|re: x\n    B|nope: y\n  condition: sel\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "invalid-modifier");
        assert_eq!(errors[0].line, Some(3));
        assert_eq!(errors[1].code, "unknown-modifier");
        assert!(errors[1].message.contains("nope"));
        assert_eq!(errors[1].line, Some(4));
        let errors =
            detection("detection:\n  sel:\n    A: 1\n  condition: sel or x\n").unwrap_err();
        assert_eq!(errors[0].code, "undefined-selection");
        assert_eq!(errors[0].line, Some(4));
    }

    #[test]
    fn condition_list_is_or() {
        let d = detection(
            "detection:\n  a:\n    A: 1\n  b:\n    B: 1\n  condition:\n    - a\n    - b\n",
        )
        .unwrap();
        assert_eq!(
            d.condition(),
            &Condition::Or(vec![Condition::Selection(0), Condition::Selection(1)])
        );
        assert_eq!(d.timeframe(), None);
    }
}
