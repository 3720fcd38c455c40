//! One test per escaping and rendering fault class, on small rules of our own.
//! Each asserts the exact query text, so a regression in any escape rule shows here.

use detcat::convert::{convert_rule, ConvertOptions, Target};
use detcat::diag::Severity;
use detcat::load::{normalize_text, SourceFile};
use detcat::sigma::{parse_file, Rule};

/// Parses a one-rule file whose `detection` is `detection` (indented by the caller).
fn rule(detection: &str) -> Rule {
    let text = format!(
        "title: Test rule\nid: 11111111-2222-3333-4444-555555555555\nlogsource:\n  product: \
         windows\ndetection:\n{detection}"
    );
    let file = parse_file(&SourceFile { path: "t.yml".into(), text: normalize_text(text) });
    let set = file.set.unwrap_or_else(|| panic!("not parsed: {:?}", file.diagnostics));
    set.rules()[0].clone()
}

fn kibana(detection: &str) -> String {
    convert_rule(&rule(detection), Target::Lucene, &ConvertOptions::default()).unwrap()
}

fn graylog(detection: &str) -> String {
    convert_rule(&rule(detection), Target::Graylog, &ConvertOptions::default()).unwrap()
}

fn refusal(detection: &str, target: Target) -> String {
    convert_rule(&rule(detection), target, &ConvertOptions::default()).unwrap_err().reason
}

// A value ending in a backslash used to get its added wildcard escaped (`\*`) by sigmac.
#[test]
fn trailing_backslash_before_added_wildcard() {
    assert_eq!(kibana("  sel:\n    F|endswith: '\\'\n  condition: sel\n"), r"F:*\\");
    assert_eq!(
        kibana("  sel:\n    F|contains: 'C:\\Tools\\'\n  condition: sel\n"),
        r"F:*C\:\\Tools\\*"
    );
    assert_eq!(
        kibana("  sel:\n    F|contains: 'C:\\\\Tools\\\\'\n  condition: sel\n"),
        r"F:*C\:\\Tools\\*"
    );
    assert_eq!(kibana("  sel:\n    F|startswith: ' \\\\'\n  condition: sel\n"), r"F:\ \\*");
}

// `\*` and `\?` are literal characters, not wildcards.
#[test]
fn literal_star_and_question_mark() {
    let d = "  sel:\n    F: 'a\\*b\\?c'\n    G|contains: 'x\\*'\n  condition: sel\n";
    assert_eq!(kibana(d), r"F:a\*b\?c AND G:*x\**");
    assert_eq!(graylog(d), r#"F:"a*b?c" AND G:*x\**"#);
    assert_eq!(kibana("  sel:\n    F: 'a\\\\*b'\n  condition: sel\n"), r"F:a\\*b");
}

// Quotes, colons, slashes, spaces, parentheses, braces, brackets, `&&` and `||`.
#[test]
fn lucene_specials_in_values() {
    let d = "  sel:\n    F: 'a \"b\":c/d (e){f}[g] && h || !i'\n  condition: sel\n";
    assert_eq!(kibana(d), r#"F:a\ \"b\"\:c\/d\ \(e\)\{f\}\[g\]\ \&\&\ h\ \|\|\ \!i"#);
    assert_eq!(graylog(d), r#"F:"a \"b\":c/d (e){f}[g] && h || !i""#);
    let d = "  sel:\n    F|contains: 'x (y)'\n  condition: sel\n";
    assert_eq!(graylog(d), r"F:*x\ \(y\)*");
}

// Field names get the same escaping; dots stay.
#[test]
fn lucene_specials_in_field_names() {
    let d = "  sel:\n    'Some Field:x': 1\n    'a/b(c)': 2\n    winlog.event_data.X: 3\n  condition: sel\n";
    assert_eq!(kibana(d), r"Some\ Field\:x:1 AND a\/b\(c\):2 AND winlog.event_data.X:3");
}

// Bare words the parser reads as operators are escaped.
#[test]
fn operator_words_as_values() {
    assert_eq!(
        kibana("  sel:\n    F: [AND, OR, not]\n  condition: sel\n"),
        r"F:(\AND OR \OR OR not)"
    );
}

// Null, empty string and `exists: false`, plain and under `not`.
#[test]
fn null_empty_and_exists_under_not() {
    let d = "  a:\n    F: null\n  b:\n    G: ''\n  c:\n    H|exists: false\n  d:\n    I: []\n";
    let k = |cond: &str| kibana(&format!("{d}  condition: {cond}\n"));
    assert_eq!(k("a"), "NOT _exists_:F");
    assert_eq!(k("not a"), "_exists_:F");
    assert_eq!(k("b"), r#"G:"""#);
    assert_eq!(k("not b"), r#"NOT G:"""#);
    assert_eq!(k("c"), "NOT _exists_:H");
    assert_eq!(k("not c"), "_exists_:H");
    assert_eq!(k("d"), "NOT _exists_:I");
    assert_eq!(k("a and not b and not c"), r#"(NOT _exists_:F) AND (NOT G:"") AND _exists_:H"#);
}

// windash gives all five dashes at every flag position.
#[test]
fn windash_all_five_dashes() {
    let q = kibana("  sel:\n    F|windash|contains: ' -x'\n  condition: sel\n");
    assert_eq!(
        q,
        "F:(*\\ \\-x* OR *\\ \\/x* OR *\\ \u{2013}x* OR *\\ \u{2014}x* OR *\\ \u{2015}x*)"
    );
}

// base64offset: three offsets, ends trimmed; also after a UTF-16 encoder.
#[test]
fn base64offset_offsets_and_wide() {
    let q = kibana("  sel:\n    F|base64offset|contains: http\n  condition: sel\n");
    assert_eq!(q, "F:(*aHR0c* OR *h0dH* OR *odHRw*)");
    let q = kibana("  sel:\n    F|wide|base64offset|contains: ping\n  condition: sel\n");
    assert_eq!(q, "F:(*cABpAG4AZw* OR *AAaQBuAGcA* OR *wAGkAbgBnA*)");
    let q = kibana("  sel:\n    F|base64offset|contains|all: [ab, cd]\n  condition: sel\n");
    assert_eq!(q, "F:(*YW* OR *Fi* OR *hY*) AND F:(*Y2* OR *Nk* OR *jZ*)");
}

// `re` with flags, and a regex holding `/`.
#[test]
fn regex_flags_and_slashes() {
    let q = kibana("  sel:\n    F|re: '^C:\\\\a/b\\d+$'\n  condition: sel\n");
    assert_eq!(q, r"F:/C\:\\a\/b[0-9]+/");
    let q = kibana("  sel:\n    F|re|i: 'ab'\n  condition: sel\n");
    assert_eq!(q, "F:/.*[aA][bB].*/");
    let q = kibana("  sel:\n    F|re: '(?i)x\"y'\n  condition: sel\n");
    assert_eq!(q, r#"F:/.*[xX]\"[yY].*/"#);
    assert_eq!(
        refusal("  sel:\n    F|re: 'a(?=b)'\n  condition: sel\n", Target::Lucene),
        "regex look-around"
    );
}

// Keyword searches next to field matches.
#[test]
fn keywords_mixed_with_fields() {
    let d = "  kw:\n    - 'evil thing'\n    - 42\n    - '*pre'\n  sel:\n    F: x\n  condition: kw and sel\n";
    assert_eq!(kibana(d), r"(*evil\ thing* OR *42* OR *pre*) AND F:x");
    let d = "  kw:\n    '|all':\n      - a:b\n      - c\n  condition: not kw\n";
    assert_eq!(kibana(d), r"NOT (*a\:b* AND *c*)");
}

// Numbers and booleans stay bare; numbers written as strings stay strings.
#[test]
fn numbers_booleans_and_numeric_strings() {
    let d = "  sel:\n    EventID: 4688\n    Flag: true\n    Ratio: 1.5\n    Neg: -3\n    Text: '4688'\n  condition: sel\n";
    assert_eq!(kibana(d), r"EventID:4688 AND Flag:true AND Ratio:1.5 AND Neg:\-3 AND Text:4688");
    assert_eq!(
        graylog(d),
        r#"EventID:4688 AND Flag:true AND Ratio:1.5 AND Neg:\-3 AND Text:"4688""#
    );
    assert_eq!(rule(d).detection.event_ids(), vec!["4688"]);
    let q = kibana("  sel:\n    F|gte: 5\n    G|lt: 2\n  condition: sel\n");
    assert_eq!(q, "F:>=5 AND G:<2");
}

// `or` < `and` < `not`, and every compound part is parenthesised.
#[test]
fn condition_precedence() {
    let d = "  a:\n    A: 1\n  b:\n    B: 2\n  c:\n    C: 3\n";
    let k = |cond: &str| kibana(&format!("{d}  condition: {cond}\n"));
    assert_eq!(k("a or b and not c"), "A:1 OR (B:2 AND (NOT C:3))");
    assert_eq!(k("not (a or b) and c"), "(NOT (A:1 OR B:2)) AND C:3");
    assert_eq!(k("not a or b"), "(NOT A:1) OR B:2");
    assert_eq!(k("not not a"), "A:1");
}

// `them` and patterns leave out identifiers that start with `_`.
#[test]
fn them_excludes_underscore_identifiers() {
    let d = "  sel1:\n    A: 1\n  _private:\n    P: 1\n  sel2:\n    B: 2\n";
    assert_eq!(kibana(&format!("{d}  condition: all of them\n")), "A:1 AND B:2");
    assert_eq!(kibana(&format!("{d}  condition: 1 of _*\n")), "P:1");
}

// 2020 rules write the operators in upper case.
#[test]
fn upper_case_operators() {
    let d = "  sel:\n    A: 1\n  notepad:\n    B: 2\n  condition: sel AND NOT notepad\n";
    assert_eq!(kibana(d), "A:1 AND (NOT B:2)");
}

// A condition list is the OR of its entries.
#[test]
fn condition_list_is_or() {
    let d = "  a:\n    A: 1\n  b:\n    B: 2\n  condition:\n    - a\n    - b\n";
    assert_eq!(kibana(d), "A:1 OR B:2");
}

// Value lists, `all`, and `neq`.
#[test]
fn lists_all_and_neq() {
    assert_eq!(kibana("  sel:\n    F: [a, 'b c']\n  condition: sel\n"), r"F:(a OR b\ c)");
    assert_eq!(graylog("  sel:\n    F: [a, 'b*']\n  condition: sel\n"), r#"F:("a" OR b*)"#);
    let q = kibana("  sel:\n    F|contains|all: [a, b]\n  condition: sel\n");
    assert_eq!(q, "F:*a* AND F:*b*");
    let q = kibana("  sel:\n    F|neq: [a, b]\n    G|neq: c\n  condition: sel\n");
    assert_eq!(q, "(NOT F:(a OR b)) AND (NOT G:c)");
    let q = kibana("  sel:\n    F: [a, null]\n  condition: sel\n");
    assert_eq!(q, "F:a OR (NOT _exists_:F)");
}

// CIDR networks, IPv4 and IPv6.
#[test]
fn cidr_networks() {
    let q = kibana("  sel:\n    F|cidr: ['10.0.0.0/8', 'fe80::/10']\n  condition: sel\n");
    assert_eq!(q, r"F:10.0.0.0\/8 OR F:fe80\:\:\/10");
}

// Constructs the query strings cannot express are refused with a stable reason.
#[test]
fn refusals_have_stable_reasons() {
    let r = |d: &str| refusal(&format!("  sel:\n{d}  condition: sel\n"), Target::Lucene);
    assert_eq!(r("    F|cased: x\n"), "case-sensitive match (|cased)");
    assert_eq!(r("    F|fieldref: G\n"), "field reference (|fieldref)");
    let unfilled = "placeholder %dir% (|expand) has no value in `placeholders`";
    assert_eq!(r("    F|expand: '%dir%'\n"), unfilled);
    assert_eq!(r("    F|hour: 3\n"), "timestamp part (|hour)");
    let agg = "  sel:\n    A: 1\n  condition: sel | count() by B > 3\n";
    assert_eq!(refusal(agg, Target::Graylog), "aggregation (| count)");
    let near = "  a:\n    A: 1\n  b:\n    B: 1\n  condition: a | near b\n";
    assert_eq!(refusal(near, Target::Watcher), "near aggregation");
}

// `.nan` and `.inf` were written as `Count:>=.nan`, a text match on ".nan", in every target.
#[test]
fn non_finite_numbers_are_refused() {
    for value in ["Count|gte: .nan", "Count: .inf", "Count: [1, -.inf]"] {
        let detection = format!("  sel:\n    {value}\n  condition: sel\n");
        for target in Target::ALL {
            assert_eq!(refusal(&detection, target), "non-finite number", "{value} {target:?}");
        }
    }
    assert_eq!(
        refusal("  kw:\n    - .nan\n  condition: kw\n", Target::Lucene),
        "non-finite number"
    );
    assert_eq!(kibana("  sel:\n    Count|gte: 1.5\n  condition: sel\n"), "Count:>=1.5");
}

// An empty keyword '' in a keyword list became `*`, which matches every event.
#[test]
fn empty_keyword_is_refused_not_widened_to_star() {
    let detection = "  kw:\n    - evil\n    - ''\n  condition: kw\n";
    for target in Target::ALL {
        assert_eq!(refusal(detection, target), "empty keyword", "{target:?}");
    }
}

// `[[:digit:]]` was escaped into the Lucene class of the characters `[`, `:`, `d`, `i`, ...
#[test]
fn posix_bracket_classes_in_regex() {
    let re = |p: &str| kibana(&format!("  sel:\n    F|re: '{p}'\n  condition: sel\n"));
    assert_eq!(re("^[[:digit:]]+$"), "F:/[0-9]+/");
    assert_eq!(re("^[[:alpha:]_][[:alnum:]]*$"), "F:/[A-Za-z\\_][0-9A-Za-z]*/");
    assert_eq!(re("^[^[:xdigit:][:upper:]]$"), "F:/[^0-9A-Fa-fA-Z]/");
    assert_eq!(re("^[[:lower:][:space:]]$"), "F:/[a-z\\ \t\n\r\u{b}\u{c}]/");
    let posix =
        |p: &str| refusal(&format!("  sel:\n    F|re: '{p}'\n  condition: sel\n"), Target::Lucene);
    assert_eq!(posix("[[:^digit:]]"), "unsupported POSIX class in a regex");
    assert_eq!(posix("[[:word:]]"), "unsupported POSIX class in a regex");
}

// `|base64offset` without `|contains` silently gave exact matches on encoding fragments.
#[test]
fn base64offset_without_contains_warns_and_converts_exactly() {
    let text = "title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    A: 1\n    \
                F|base64offset: http\n  condition: sel\n";
    let file = parse_file(&SourceFile { path: "b.yml".into(), text: normalize_text(text.into()) });
    let d = file.diagnostics.iter().find(|d| d.code == "base64offset-without-contains");
    let d = d.unwrap_or_else(|| panic!("{:?}", file.diagnostics));
    assert_eq!((d.severity, d.line), (Severity::Warning, Some(7)));
    assert_eq!(d.file, std::path::PathBuf::from("b.yml"));
    let set = file.set.unwrap();
    let rule = &set.rules()[0];
    let query = convert_rule(rule, Target::Lucene, &ConvertOptions::default()).unwrap();
    assert_eq!(query, "A:1 AND F:(aHR0c OR h0dH OR odHRw)");
    let with_contains =
        rule_diagnostics("  sel:\n    F|base64offset|contains: http\n  condition: sel\n");
    assert!(with_contains.is_empty(), "{with_contains:?}");
}

fn rule_diagnostics(detection: &str) -> Vec<detcat::diag::Diagnostic> {
    let text = format!("title: T\nlogsource:\n  product: windows\ndetection:\n{detection}");
    parse_file(&SourceFile { path: "t.yml".into(), text: normalize_text(text) }).diagnostics
}
