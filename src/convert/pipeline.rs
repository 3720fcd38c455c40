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

/// `rule` with its known placeholders filled in; borrowed as it is when it has none.
pub fn fill_placeholders<'r>(rule: &'r Rule, placeholders: &Placeholders) -> Cow<'r, Rule> {
    if placeholders.is_empty() || !has_placeholders(rule) {
        return Cow::Borrowed(rule);
    }
    let parsed: BTreeMap<&str, Vec<SigmaString>> = placeholders
        .iter()
        .map(|(name, values)| {
            (name.as_str(), values.iter().map(|v| SigmaString::parse(v)).collect())
        })
        .collect();
    let value_of = |name: &str| parsed.get(name).cloned();
    let mut filled = rule.clone();
    filled.detection.map_values(&mut |alternatives: &mut Vec<Value>| {
        *alternatives = alternatives.iter().flat_map(|v| fill_value(v, &value_of)).collect();
    });
    Cow::Owned(filled)
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
        assert!(matches!(
            fill_placeholders(&r, &options(&[("x", &["y"])]).placeholders),
            Cow::Borrowed(_)
        ));
    }
}
