//! Rewrites applied to a rule before any dialect sees it, from the user's configuration.
//!
//! Today one: `|expand` placeholders (`%domain_controllers%`) are filled with the values
//! configured under `placeholders` in `detcat.yml`, each value one more alternative of the
//! written value. A placeholder without configured values stays, and the walker then
//! refuses the rule naming it: guessing a value (or matching anything, as `*` would) would
//! print a query that is not the rule.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::sigma::value::{SigmaString, Value};
use crate::sigma::Rule;

/// Placeholder name → the values it stands for.
pub type Placeholders = BTreeMap<String, Vec<String>>;

/// The most alternatives one written value may grow into: a placeholder used several times
/// in one value multiplies its values, and a query of millions of terms helps no one.
const MAX_ALTERNATIVES: usize = 4096;

/// `rule` with its known placeholders filled in; borrowed as it is when it has none. A
/// placeholder configured with no values counts as unknown. Errs with a reason when a value
/// would grow past [`MAX_ALTERNATIVES`].
pub fn fill_placeholders<'r>(
    rule: &'r Rule,
    placeholders: &Placeholders,
) -> Result<Cow<'r, Rule>, String> {
    if placeholders.is_empty() || !has_placeholders(rule) {
        return Ok(Cow::Borrowed(rule));
    }
    let parsed: BTreeMap<&str, Vec<SigmaString>> = placeholders
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(name, values)| {
            (name.as_str(), values.iter().map(|v| SigmaString::parse(v)).collect())
        })
        .collect();
    let value_of = |name: &str| parsed.get(name).cloned();
    let count_of = |name: &str| parsed.get(name).map_or(1, Vec::len);
    let mut filled = rule.clone();
    let mut too_many = None;
    filled.detection.map_values(&mut |alternatives: &mut Vec<Value>| {
        let grown: usize = alternatives.iter().map(|v| grown_size(v, &count_of)).sum();
        if grown > MAX_ALTERNATIVES {
            too_many = Some(grown);
            return;
        }
        *alternatives = alternatives.iter().flat_map(|v| fill_value(v, &value_of)).collect();
    });
    match too_many {
        Some(n) => Err(format!(
            "placeholder values expand one value into {n} alternatives (at most {MAX_ALTERNATIVES})"
        )),
        None => Ok(Cow::Owned(filled)),
    }
}

/// How many alternatives `value` becomes, saturating instead of overflowing.
fn grown_size(value: &Value, count_of: &dyn Fn(&str) -> usize) -> usize {
    match value {
        Value::String(s) => {
            s.placeholder_names().fold(1usize, |n, p| n.saturating_mul(count_of(p)))
        }
        _ => 1,
    }
}

fn has_placeholders(rule: &Rule) -> bool {
    let items = rule.detection.selections().iter().flat_map(|s| s.branches.iter().flatten());
    let values = items.flat_map(|item| item.values.iter().flatten());
    values.into_iter().any(|v| matches!(v, Value::String(s) if s.has_placeholders()))
}

fn fill_value(value: &Value, value_of: &dyn Fn(&str) -> Option<Vec<SigmaString>>) -> Vec<Value> {
    match value {
        Value::String(s) if s.has_placeholders() => {
            s.fill_placeholders(value_of).into_iter().map(Value::String).collect()
        }
        other => vec![other.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{convert_rule, ConvertOptions, Target};
    use crate::load::SourceFile;
    use crate::sigma::parse_file;

    fn rule(detection: &str) -> Rule {
        let text = format!("title: t\nlogsource:\n  product: windows\ndetection:\n{detection}");
        let file = parse_file(&SourceFile { path: "p.yml".into(), text });
        file.set.expect("the rule parses").rules()[0].clone()
    }

    fn options(pairs: &[(&str, &[&str])]) -> ConvertOptions {
        let placeholders = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        ConvertOptions { placeholders, ..ConvertOptions::default() }
    }

    #[test]
    fn each_placeholder_value_is_one_more_alternative() {
        let detection = "  sel:\n    Host|expand: 'srv-%site%'\n    A|contains|expand: '%x%'\n";
        let r = rule(&format!("{detection}  condition: sel\n"));
        let o = options(&[("site", &["a", "b*"]), ("x", &["one"])]);
        let query = convert_rule(&r, Target::Lucene, &o).unwrap();
        assert_eq!(query, "Host:(srv\\-a OR srv\\-b*) AND A:*one*");
    }

    #[test]
    fn an_unfilled_placeholder_is_refused_by_name() {
        let r = rule("  sel:\n    Host|expand: '%dc%'\n  condition: sel\n");
        let refusal = convert_rule(&r, Target::Lucene, &options(&[("other", &["x"])])).unwrap_err();
        assert!(refusal.reason.contains("%dc%"), "{refusal}");
    }

    #[test]
    fn a_rule_without_placeholders_is_not_copied() {
        let r = rule("  sel:\n    Host: a\n  condition: sel\n");
        let filled = fill_placeholders(&r, &options(&[("x", &["y"])]).placeholders);
        assert!(matches!(filled, Ok(Cow::Borrowed(_))));
    }

    // A placeholder used six times with 50 values each grew into 15 billion alternatives.
    #[test]
    fn a_value_that_would_grow_past_the_limit_is_refused() {
        let r = rule("  sel:\n    A|expand: '%p%%p%%p%%p%%p%%p%'\n  condition: sel\n");
        let fifty: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        let fifty: Vec<&str> = fifty.iter().map(String::as_str).collect();
        let refusal = convert_rule(&r, Target::Lucene, &options(&[("p", &fifty)])).unwrap_err();
        assert!(refusal.reason.contains("alternatives (at most 4096)"), "{refusal}");
    }

    // `p: []` gave the vague "empty expression"; it now reads as not configured.
    #[test]
    fn an_empty_value_list_counts_as_not_configured() {
        let r = rule("  sel:\n    A|expand: '%p%'\n  condition: sel\n");
        let refusal = convert_rule(&r, Target::Lucene, &options(&[("p", &[])])).unwrap_err();
        assert!(refusal.reason.contains("%p%"), "{refusal}");
    }
}
