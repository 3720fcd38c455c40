//! The X-Pack Watcher output: a complete `curl` command around a valid watch JSON.

use detcat::convert::{convert_rule, ConvertOptions, Target};
use detcat::diag::Severity;
use detcat::load::{normalize_text, SourceFile};
use detcat::sigma::{parse_file, Rule};
use serde_json::Value;

fn rule(head: &str, detection: &str) -> Rule {
    let text = format!("{head}logsource:\n  product: windows\ndetection:\n{detection}");
    let file = parse_file(&SourceFile { path: "w.yml".into(), text: normalize_text(text) });
    let set = file.set.unwrap_or_else(|| panic!("not parsed: {:?}", file.diagnostics));
    set.rules()[0].clone()
}

/// Splits the command into its first line and the parsed JSON body.
fn split(output: &str) -> (String, Value) {
    let (first, rest) = output.split_once('\n').expect("a heredoc");
    let body = rest.strip_suffix("EOF\n").expect("ends with EOF");
    (first.to_string(), serde_json::from_str(body).expect("valid JSON"))
}

const HEAD: &str = "title: It's a \"test\" $(rm -rf /)\nid: 0e95725d-7320-415d-80f7-004da920fc11\n\
                    description: d\ntags:\n  - attack.t1059\n";

#[test]
fn watcher_body_is_json_whose_query_is_the_kibana_query() {
    let r = rule(HEAD, "  sel:\n    F|contains: 'a \"b\" `c` $d'\n  condition: sel\n");
    let options = ConvertOptions::default();
    let (first, watch) = split(&convert_rule(&r, Target::Watcher, &options).unwrap());
    assert_eq!(
        first,
        "curl -s -XPUT -H 'Content-Type: application/json' --data-binary @- \
         localhost:9200/_watcher/watch/0e95725d-7320-415d-80f7-004da920fc11 <<'EOF'"
    );
    let kibana = convert_rule(&r, Target::Lucene, &options).unwrap();
    let request = &watch["input"]["search"]["request"];
    let must = &request["body"]["query"]["bool"]["must"][0]["query_string"];
    assert_eq!(must["query"], Value::from(kibana));
    assert_eq!(must["analyze_wildcard"], Value::from(true));
    assert_eq!(request["indices"], serde_json::json!(["*"]));
    // With size 0 (as the 2020 converter wrote it) the mail's list of hits was always empty.
    assert_eq!(request["body"]["size"], Value::from(10));
    let range = &request["body"]["query"]["bool"]["filter"]["range"]["@timestamp"]["gte"];
    assert_eq!(range, "now-30m/m");
    assert_eq!(watch["trigger"]["schedule"]["interval"], "30m");
    assert_eq!(watch["condition"]["compare"]["ctx.payload.hits.total"]["not_eq"], 0);
    let email = &watch["actions"]["send_email"]["email"];
    assert_eq!(email["subject"], "Sigma Rule 'It's a \"test\" $(rm -rf /)'");
    assert_eq!(watch["metadata"]["title"], "It's a \"test\" $(rm -rf /)");
    assert_eq!(watch["metadata"]["tags"], serde_json::json!(["attack.t1059"]));
}

#[test]
fn watcher_uses_indices_timeframe_and_title_slug() {
    let r =
        rule("title: No Id (Here) x\n", "  sel:\n    A: 1\n  timeframe: 5m\n  condition: sel\n");
    let options =
        ConvertOptions { watcher_indices: vec!["winlogbeat-*".into()], ..Default::default() };
    let (first, watch) = split(&convert_rule(&r, Target::Watcher, &options).unwrap());
    assert!(first.ends_with("/_watcher/watch/No-Id-Here-x <<'EOF'"), "{first}");
    assert_eq!(watch["trigger"]["schedule"]["interval"], "5m");
    assert_eq!(watch["input"]["search"]["request"]["indices"], serde_json::json!(["winlogbeat-*"]));
}

#[test]
fn watcher_pipe_count_by_group_uses_terms_buckets() {
    let d = "  sel:\n    EventID: 4625\n  timeframe: 10m\n  condition: sel | count() by User > 5\n";
    let r = rule("title: Brute force\n", d);
    let (_, watch) = split(&convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap());
    let body = &watch["input"]["search"]["request"]["body"];
    assert_eq!(body["query"]["bool"]["must"][0]["query_string"]["query"], "EventID:4625");
    let terms = &body["aggs"]["by"]["terms"];
    assert_eq!(terms["field"], "User");
    assert_eq!(terms["min_doc_count"], 6);
    assert_eq!(terms["order"]["_count"], "desc");
    let compare = &watch["condition"]["compare"]["ctx.payload.aggregations.by.buckets.0.doc_count"];
    assert_eq!(compare["gt"], 5);
    assert_eq!(body["size"], 0, "an aggregation needs buckets, not hits");
    assert_eq!(body["query"]["bool"]["filter"]["range"]["@timestamp"]["gte"], "now-10m/m");
}

#[test]
fn watcher_distinct_count_uses_cardinality() {
    let d = "  sel:\n    A: 1\n  condition: sel | count(Host) by User <= 2\n";
    let r = rule("title: Spread\n", d);
    let (_, watch) = split(&convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap());
    let by = &watch["input"]["search"]["request"]["body"]["aggs"]["by"];
    assert_eq!(by["aggs"]["agg"]["cardinality"]["field"], "Host");
    assert_eq!(by["terms"]["order"]["agg"], "asc");
    let compare = &watch["condition"]["compare"]["ctx.payload.aggregations.by.buckets.0.agg.value"];
    assert_eq!(compare["lte"], 2);
}

#[test]
fn watcher_condition_list_with_aggregations_gives_one_watch_each() {
    let d = "  sel:\n    A: 1\n  condition:\n    - sel | count(X) by H > 3\n    - sel | count(Y) by H > 3\n";
    let r = rule("title: Two\nid: abc\n", d);
    let out = convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap();
    let commands: Vec<&str> = out.split_inclusive("EOF\n").collect();
    assert_eq!(commands.len(), 2);
    assert!(commands[0].contains("/watch/abc <<'EOF'"));
    assert!(commands[1].contains("/watch/abc-2 <<'EOF'"));
    let (_, second) = split(commands[1]);
    let by = &second["input"]["search"]["request"]["body"]["aggs"]["by"];
    assert_eq!(by["aggs"]["agg"]["cardinality"]["field"], "Y");
}

#[test]
fn watcher_threshold_at_u64_max_is_refused_not_wrapped() {
    // `> 18446744073709551615` panicked on `n + 1` in debug and wrote min_doc_count 0 in release.
    let d = "  sel:\n    A: 1\n  condition: sel | count() by U > 18446744073709551615\n";
    let r = rule("title: Overflow\n", d);
    let err = convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap_err();
    assert_eq!(err.reason, "aggregation threshold out of range");
}

#[test]
fn watcher_mail_body_field_names_cannot_open_or_close_sections() {
    // A field `a}}{{/ctx.payload.hits.hits}}{{#b` closed the hits section of the mail body.
    let head = "title: T\nfields:\n  - 'a}}{{/ctx.payload.hits.hits}}{{#b'\n  - '{{}}'\n  - User\n";
    let r = rule(head, "  sel:\n    A: 1\n  condition: sel\n");
    let (_, watch) = split(&convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap());
    let body = watch["actions"]["send_email"]["email"]["body"].as_str().unwrap();
    assert_eq!(body.matches("{{#").count(), 1, "{body}");
    assert_eq!(body.matches("{{/").count(), 1, "{body}");
    assert!(body.contains("{{_source.a/ctx.payload.hits.hits#b}}"), "{body}");
    assert!(body.contains("User = {{_source.User}}"), "{body}");
}

#[test]
fn watcher_mail_subject_cannot_open_a_section() {
    // Watcher renders the subject as Mustache: a title `Mustache {{#x}}` broke the watch.
    let r = rule("title: 'Mustache {{#x}} title'\n", "  sel:\n    A: 1\n  condition: sel\n");
    let (_, watch) = split(&convert_rule(&r, Target::Watcher, &ConvertOptions::default()).unwrap());
    let subject = watch["actions"]["send_email"]["email"]["subject"].as_str().unwrap();
    assert_eq!(subject, "Sigma Rule 'Mustache #x title'");
}

#[test]
fn watcher_refuses_a_timeframe_that_is_not_a_time_span() {
    // `timeframe: 'abc"}'` went into the trigger interval and `now-abc"}/m`; `30` gave `now-30/m`.
    for timeframe in ["'abc\"}'", "30", "0m", "5w", "-5m"] {
        let text = format!(
            "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    A: 1\n  \
             timeframe: {timeframe}\n  condition: sel | count() by U > 5\n"
        );
        let file = parse_file(&SourceFile { path: "w.yml".into(), text: normalize_text(text) });
        let warning = file.diagnostics.iter().find(|d| d.code == "timeframe");
        let warning = warning.unwrap_or_else(|| panic!("{timeframe}: {:?}", file.diagnostics));
        assert_eq!((warning.severity, warning.line), (Severity::Warning, Some(7)), "{timeframe}");
        let set = file.set.expect("still a rule");
        let rule = &set.rules()[0];
        let err = convert_rule(rule, Target::Watcher, &ConvertOptions::default()).unwrap_err();
        assert_eq!(err.reason, "timeframe");
    }
}
