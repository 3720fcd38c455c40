//! The list pages, the ATT&CK matrix and the home page, on small catalogs written for each
//! test: shading and marks, counts, page names of odd log source values, hostile text.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

fn rule(title: &str, tags: &[&str], level: &str, product: &str, date: &str) -> String {
    format!(
        "title: '{title}'\nstatus: test\nlevel: '{level}'\ndate: {date}\ntags: [{}]\n\
         logsource: {{product: '{product}', category: process_creation}}\n\
         detection:\n  s: {{a: b}}\n  condition: s\n",
        tags.join(", ")
    )
}

fn trigger(technique: &str) -> String {
    format!("attack_technique: {technique}\ndisplay_name: x\natomic_tests: []\n")
}

/// Three rules on T1546.003, one on T1059.001, a trigger on T1547.001 and none of its rules.
fn build_small_catalog(dir: &Path) -> BTreeMap<String, String> {
    let (src, site) = (dir.join("src"), dir.join("site"));
    let wmi = ["attack.persistence", "attack.t1546.003"];
    let files = [
        ("rules/a.yml", rule("A", &wmi, "high", "windows", "2020-01-01")),
        ("rules/b.yml", rule("B", &wmi, "high", "windows", "2021-05-01")),
        ("rules/c.yml", rule("C", &wmi, "low", "Windows", "2019/02/01")),
        ("rules/d.yml", rule("D", &["attack.t1059.001"], "medium", "../../x y", "2022-03-03")),
        ("triggers/T1547.001/T1547.001.yaml", trigger("T1547.001")),
        ("triggers/T1059.001/T1059.001.yaml", trigger("T1059.001")),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    common::write_sources(&src, &files);
    common::build_into(&src, &site);
    let broken = common::broken_links(&site);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    common::read_tree(&site)
}

/// The opening tag of the matrix cell of `id` (an `<a>` or a `<span>`).
fn cell<'a>(matrix: &'a str, id: &str) -> &'a str {
    let marker = format!("<span class=\"tn\"><span class=\"tid\">{id}</span>");
    let at = matrix.find(&marker).unwrap_or_else(|| panic!("no cell for {id}"));
    let start = matrix[..at].rfind('<').unwrap();
    &matrix[start..at]
}

#[test]
fn matrix_cells_are_shaded_by_rule_count_and_marked_when_tested_but_undetected() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build_small_catalog(dir.path());
    let matrix = &tree["matrix.html"];
    let wmi = cell(matrix, "T1546.003");
    assert!(wmi.contains("shade-2") && wmi.contains("href=\"attack/T1546.003.html\""), "{wmi}");
    let powershell = cell(matrix, "T1059.001");
    assert!(powershell.contains("shade-1") && !powershell.contains("tested"), "{powershell}");
    let run_keys = cell(matrix, "T1547.001");
    assert!(run_keys.contains("shade-0 tested"), "tested, not detected: {run_keys}");
    assert!(run_keys.contains("href=\"attack/T1547.001.html\""), "{run_keys}");
    let scanning = cell(matrix, "T1595");
    assert!(scanning.starts_with("<span") && scanning.contains("shade-0"), "{scanning}");
    assert!(!scanning.contains("tested"), "{scanning}");
    let markdown = &tree["matrix.md"];
    for row in [
        "| ↳ [T1547.001: Registry Run Keys / Startup Folder](attack/T1547.001.md) \
         | 0 | 1 | **tested, not detected** |",
        "| ↳ [T1546.003: Windows Management Instrumentation Event Subscription]\
         (attack/T1546.003.md) | 3 | 0 | 3–9 rules |",
    ] {
        assert!(markdown.contains(row), "matrix.md lacks {row}");
    }
}

#[test]
fn matrix_columns_follow_the_kill_chain() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build_small_catalog(dir.path());
    let order = ["TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005", "TA0112"];
    for page in ["matrix.html", "matrix.md"] {
        let text = &tree[page];
        let at: Vec<usize> = order
            .iter()
            .map(|id| text.find(&format!("{id}\">")).or_else(|| text.find(&format!("## {id}"))))
            .map(|found| found.expect("every tactic has a column"))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{page}: {at:?}");
    }
}

/// The rows of the first table of a page.
fn rows(page: &str) -> usize {
    if page.contains("<tbody>") {
        let body = page.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
        body.matches("<tr>").count()
    } else {
        page.lines().filter(|l| l.starts_with("| ")).count().saturating_sub(1)
    }
}

#[test]
fn level_status_and_log_source_pages_list_every_rule_once_per_value() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build_small_catalog(dir.path());
    for ext in ["md", "html"] {
        let count = |page: &str| rows(&tree[&format!("lists/{page}.{ext}")]);
        assert_eq!(count("rules"), 4);
        assert_eq!((count("level-high"), count("level-medium"), count("level-low")), (2, 1, 1));
        assert_eq!(count("status-test"), 4);
        assert_eq!(count("category-process_creation"), 4);
        // Two values that differ in case only get two pages that a case-blind disk keeps.
        assert_eq!((count("product-Windows"), count("product-windows-2")), (1, 2));
        assert_eq!(count("product-.._.._x_y"), 1, "a path in a value stays in lists/");
        assert_eq!(count("logsources"), 4);
    }
    let home = &tree["index.html"];
    for shown in ["<span class=\"count\">4</span> Rules", "<span class=\"count\">2 of 697</span>"] {
        assert!(home.contains(shown), "the home page lacks {shown}");
    }
    let recent: Vec<usize> = ["D", "B", "A", "C"]
        .iter()
        .map(|t| home.find(&format!(">{t}</a>")).expect("every dated rule is recent"))
        .collect();
    assert!(recent.windows(2).all(|w| w[0] < w[1]), "newest first, 2019/02/01 read as a date");
}

#[test]
fn every_html_page_shows_hostile_rule_text_inertly() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    let hostile = rule(
        "<script>alert(1)</script>",
        &["attack.t1059.001"],
        "\"><img src=x onerror=alert(1)>",
        "<script>x</script>",
        "2020-01-01",
    );
    common::write_sources(&src, &[("rules/h.yml", &hostile)]);
    common::build_into(&src, &site);
    let tree = common::read_tree(&site);
    let html: Vec<(&String, &String)> = tree.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(html.len() > 10, "list pages are written");
    for (path, text) in html {
        // The page's own scripts all load a file; the rule's would be inline.
        let inline_script = text.contains("<script>");
        assert!(!inline_script && !text.contains("<img"), "{path} runs rule text");
    }
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
}

#[test]
fn levels_keep_sigma_order_then_other_values_then_rules_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    let no_level =
        "title: N\nlogsource: {product: windows}\ndetection:\n  s: {a: b}\n  condition: s\n";
    let files = [
        ("rules/a.yml", rule("A", &[], "urgent", "windows", "2020-01-01")),
        ("rules/b.yml", rule("B", &[], "low", "windows", "2020-01-01")),
        ("rules/c.yml", rule("C", &[], "critical", "windows", "2020-01-01")),
        ("rules/d.yml", no_level.to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    common::write_sources(&src, &files);
    common::build_into(&src, &site);
    let tree = common::read_tree(&site);
    let home = &tree["README.md"];
    let line = home.lines().find(|l| l.starts_with("Rules by level:")).expect("levels line");
    let order: Vec<usize> = ["[critical]", "[low]", "[urgent]", "[not set]"]
        .iter()
        .map(|l| line.find(l).unwrap_or_else(|| panic!("{line} lacks {l}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{line}");
    assert_eq!(rows(&tree["lists/level-not-set.md"]), 1);
    assert!(tree["lists/level-not-set.html"].contains(">N</a>"));
}
