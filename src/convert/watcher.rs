//! Elasticsearch X-Pack Watcher: a `curl` command that installs a watch running the Kibana
//! query on a schedule.
//!
//! The watch body is built as a `serde_json` value and printed once, never pieced together
//! from strings, so any title or query text is escaped correctly. It goes into a heredoc
//! with a quoted delimiter (`<<'EOF'`), so the shell expands nothing inside it. A legacy
//! `| count() by G > N` aggregation becomes a terms aggregation with a compare condition on
//! the first bucket; other functions use a metric sub-aggregation (a real distinct count for
//! `count(F)`, where the 2020 converter counted terms buckets).

use serde_json::{json, Map, Value as Json};

use super::dialect::KIBANA;
use super::{walker, ConvertOptions, Target, Unsupported};
use crate::sigma::condition::{AggFunction, AggOp, Aggregation, Condition};
use crate::sigma::detection::is_timespan;
use crate::sigma::Rule;

/// The default trigger interval and search window.
const DEFAULT_WINDOW: &str = "30m";

/// The event time field the search window filters on: the one Beats and ECS write.
const TIME_FIELD: &str = "@timestamp";

/// How many hits a watch without aggregation fetches, so that its mail can list them
/// (with `size: 0`, as the 2020 converter wrote it, the mail's hit list is always empty).
const HITS_IN_MAIL: u32 = 10;

/// Where the watch's mail goes.
const MAIL_TO: &str = "root@localhost";

/// The complete `curl` command installing the watch for `rule`. A condition list whose
/// entries aggregate cannot be one search, so it gives one watch per entry, named `<id>`,
/// `<id>-2`, ...
pub fn watch(rule: &Rule, options: &ConvertOptions) -> Result<String, Unsupported> {
    if rule.detection.timeframe().is_some_and(|t| !is_timespan(t)) {
        return Err(Unsupported { target: Target::Watcher, reason: "timeframe".into() });
    }
    let conditions: Vec<&Condition> = match rule.detection.condition() {
        Condition::Or(parts) if parts.iter().any(|p| matches!(p, Condition::Aggregation(..))) => {
            parts.iter().collect()
        }
        other => vec![other],
    };
    let id = watch_id(rule);
    let mut out = String::new();
    for (i, condition) in conditions.into_iter().enumerate() {
        let name = if i == 0 { id.clone() } else { format!("{id}-{}", i + 1) };
        out.push_str(&one_watch(rule, options, condition, &name)?);
    }
    Ok(out)
}

/// The `curl` command for one condition of `rule`, installed as `name`.
fn one_watch(
    rule: &Rule,
    options: &ConvertOptions,
    condition: &Condition,
    name: &str,
) -> Result<String, Unsupported> {
    let retarget = |e: Unsupported| Unsupported { target: Target::Watcher, ..e };
    let (search, aggregation) = match condition {
        Condition::Aggregation(search, aggregation) => (search.as_ref(), Some(aggregation)),
        other => (other, None),
    };
    let query = walker::query_of(&KIBANA, &rule.detection, search).map_err(retarget)?;
    let plan = match aggregation {
        None => Plan::hits(),
        Some(aggregation) => Plan::aggregated(aggregation)?,
    };
    let body = watch_body(rule, options, &query, &plan);
    let text = serde_json::to_string_pretty(&body)
        .map_err(|e| Unsupported { target: Target::Watcher, reason: format!("watch JSON: {e}") })?;
    Ok(format!(
        "curl -s -XPUT -H 'Content-Type: application/json' --data-binary @- \
         localhost:9200/_watcher/watch/{name} <<'EOF'\n{text}\nEOF\n"
    ))
}

/// How the watch decides that it fired.
struct Plan {
    aggs: Option<Json>,
    location: String,
    comparison: Json,
    /// Whether the rule aggregates (so the search window is its timeframe).
    aggregated: bool,
    /// Whether there are `by` buckets to list in the mail.
    grouped: bool,
}

impl Plan {
    fn hits() -> Plan {
        Plan {
            aggs: None,
            location: "ctx.payload.hits.total".into(),
            comparison: json!({ "not_eq": 0 }),
            aggregated: false,
            grouped: false,
        }
    }

    fn aggregated(aggregation: &Aggregation) -> Result<Plan, Unsupported> {
        let refuse = |reason: &str| Unsupported { target: Target::Watcher, reason: reason.into() };
        let Aggregation::Function { function, field, group_by, op, threshold } = aggregation else {
            return Err(refuse("near aggregation"));
        };
        let threshold = number(threshold).ok_or_else(|| refuse("aggregation threshold"))?;
        let comparison = json!({ compare_name(*op): threshold });
        let metric = metric(*function, field.as_deref());
        let plan = |aggs, location: &str| Plan {
            aggs,
            location: location.into(),
            comparison: comparison.clone(),
            aggregated: true,
            grouped: false,
        };
        Ok(match (group_by, metric) {
            (None, None) => plan(None, "ctx.payload.hits.total"),
            (None, Some(metric)) => {
                plan(Some(json!({ "agg": metric })), "ctx.payload.aggregations.agg.value")
            }
            (Some(group), None) => grouped_count(group, *op, &threshold, comparison)
                .ok_or_else(|| refuse("aggregation threshold out of range"))?,
            (Some(group), Some(metric)) => grouped_metric(group, *op, metric, comparison),
        })
    }
}

/// `count() by G`: the largest (or smallest) group's event count. `None` when `> N` needs a
/// `min_doc_count` of N + 1 that does not fit in a u64 (no group can reach it anyway, but a
/// wrapped-around 0 would fire on every group).
fn grouped_count(group: &str, op: AggOp, threshold: &Json, comparison: Json) -> Option<Plan> {
    let mut terms = terms(group, op, "_count");
    let min = match (threshold.as_u64(), op) {
        (Some(n), AggOp::Gt) => Some(n.checked_add(1)?),
        (n, _) => n,
    };
    if let (Some(min), AggOp::Gt | AggOp::Gte | AggOp::Eq) = (min, op) {
        terms.insert("min_doc_count".into(), json!(min));
    }
    Some(Plan {
        aggs: Some(json!({ "by": { "terms": terms } })),
        location: "ctx.payload.aggregations.by.buckets.0.doc_count".into(),
        comparison,
        aggregated: true,
        grouped: true,
    })
}

/// `count(F) by G`, `max(F) by G`, ...: the group with the largest (or smallest) metric.
fn grouped_metric(group: &str, op: AggOp, metric: Json, comparison: Json) -> Plan {
    Plan {
        aggs: Some(
            json!({ "by": { "terms": terms(group, op, "agg"), "aggs": { "agg": metric } } }),
        ),
        location: "ctx.payload.aggregations.by.buckets.0.agg.value".into(),
        comparison,
        aggregated: true,
        grouped: true,
    }
}

fn terms(group: &str, op: AggOp, order_key: &str) -> Map<String, Json> {
    let direction = if matches!(op, AggOp::Lt | AggOp::Lte) { "asc" } else { "desc" };
    let mut terms = Map::new();
    terms.insert("field".into(), json!(group));
    terms.insert("size".into(), json!(10));
    terms.insert("order".into(), json!({ order_key: direction }));
    terms
}

/// The metric aggregation of a function with a field; `count()` has none.
fn metric(function: AggFunction, field: Option<&str>) -> Option<Json> {
    let field = field?;
    let name = match function {
        AggFunction::Count => "cardinality",
        other => other.name(),
    };
    Some(json!({ name: { "field": field } }))
}

fn compare_name(op: AggOp) -> &'static str {
    match op {
        AggOp::Eq => "eq",
        AggOp::Lt => "lt",
        AggOp::Lte => "lte",
        AggOp::Gt => "gt",
        AggOp::Gte => "gte",
    }
}

fn number(text: &str) -> Option<Json> {
    if let Ok(n) = text.parse::<u64>() {
        return Some(json!(n));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(json!(n));
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Json::Number)
}

/// The watch itself.
fn watch_body(rule: &Rule, options: &ConvertOptions, query: &str, plan: &Plan) -> Json {
    let timeframe = rule.detection.timeframe().unwrap_or(DEFAULT_WINDOW);
    let window = if plan.aggregated { timeframe } else { DEFAULT_WINDOW };
    json!({
        "metadata": {
            "title": rule.meta.title,
            "description": rule.meta.description.clone().unwrap_or_default(),
            "tags": rule.meta.tags,
        },
        "trigger": { "schedule": { "interval": timeframe } },
        "input": { "search": { "request": {
            "body": search_body(query, window, plan),
            "indices": indices(options),
        } } },
        "condition": { "compare": { plan.location.clone(): plan.comparison } },
        "actions": { "send_email": { "email": email(rule, plan) } },
    })
}

fn search_body(query: &str, window: &str, plan: &Plan) -> Json {
    let size = if plan.aggregated { 0 } else { HITS_IN_MAIL };
    let mut body = json!({
        "size": size,
        "query": { "bool": {
            "must": [ { "query_string": { "query": query, "analyze_wildcard": true } } ],
            "filter": { "range": { TIME_FIELD: { "gte": format!("now-{window}/m") } } },
        } },
    });
    if let (Some(aggs), Some(map)) = (&plan.aggs, body.as_object_mut()) {
        map.insert("aggs".into(), aggs.clone());
    }
    body
}

fn indices(options: &ConvertOptions) -> Vec<String> {
    if options.watcher_indices.is_empty() {
        vec!["*".to_string()]
    } else {
        options.watcher_indices.clone()
    }
}

fn email(rule: &Rule, plan: &Plan) -> Json {
    json!({
        "to": MAIL_TO,
        // Watcher renders the subject as a Mustache template: a `{{` in a title must not
        // open a section.
        "subject": format!("Sigma Rule '{}'", without_braces(&rule.meta.title)),
        "body": mail_body(&rule.meta.fields, plan.grouped),
        "attachments": { "data.json": { "data": { "format": "json" } } },
    })
}

/// A Mustache body listing the hits (or the groups of an aggregation).
fn mail_body(fields: &[String], grouped: bool) -> String {
    let rule = "=".repeat(80);
    if grouped {
        return "Hits:\n{{#ctx.payload.aggregations.by.buckets}}\n {{key}} {{doc_count}}\n\
                {{/ctx.payload.aggregations.by.buckets}}\n"
            .into();
    }
    let fields = mustache_safe(fields);
    if fields.is_empty() {
        let each = "{{#ctx.payload.hits.hits}}{{_source}}";
        return format!("Hits:\n{each}\n{rule}\n{{{{/ctx.payload.hits.hits}}}}");
    }
    let width = fields.iter().map(|f| f.chars().count()).max().unwrap_or(0);
    let lines: Vec<String> =
        fields.iter().map(|f| format!("{f:>width$} = {{{{_source.{f}}}}}")).collect();
    let each = "{{#ctx.payload.hits.hits}}Hit on {{_source.@timestamp}}:";
    format!("Hits:\n{each}\n{}{rule}\n{{{{/ctx.payload.hits.hits}}}}", lines.join("\n"))
}

/// The field names with `{` and `}` taken out, so that none can open or close a Mustache
/// section of the body; names left empty are dropped.
fn mustache_safe(fields: &[String]) -> Vec<String> {
    fields.iter().map(|f| without_braces(f)).filter(|f| !f.trim().is_empty()).collect()
}

/// `text` without `{` and `}`, so that Mustache reads no tag in it.
fn without_braces(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '{' | '}')).collect()
}

/// The watch's name: the rule id, else a slug of the title; only URL- and shell-safe
/// characters are kept.
pub fn watch_id(rule: &Rule) -> String {
    let source = rule.meta.id.as_deref().filter(|id| !id.trim().is_empty());
    let raw = source.unwrap_or(&rule.meta.title);
    let slug: String = raw
        .trim()
        .chars()
        .filter_map(|c| match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect();
    let slug = slug.trim_start_matches('.').to_string();
    if slug.is_empty() {
        "sigma-rule".into()
    } else {
        slug
    }
}
