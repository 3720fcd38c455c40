//! The HTML pages: hostile source text stays inert, formats write only their own pages, and
//! HTML templates are replaced like the Markdown ones.

mod common;

use std::path::Path;

use detcat::build::{self, BuildOptions};
use detcat::render::Format;

const HOSTILE: &str = r#"title: '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }} {% raw %}'
id: 5b0c3f8e-0000-4000-8000-000000000001
description: |
  <script>alert(1)</script> "><img src=x onerror=alert(1)>
  [click](javascript:alert(1)) {{ 7*7 }} {% raw %}
falsepositives:
  - '"><img src=x onerror=alert(1)> {{ 7*7 }} {% raw %}'
references:
  - 'javascript:alert(1)'
author: '<script>alert(1)</script>'
tags: [attack.execution, attack.t1059]
logsource: {product: windows, category: process_creation}
detection:
  selection:
    CommandLine|contains: '<script>alert(1)</script>'
    Image: '"><img src=x onerror=alert(1)>'
  condition: selection
"#;

fn build(src: &Path, out: &Path, format: Format, templates: Option<&Path>) {
    let options = BuildOptions {
        sources: common::dirs_under(src),
        out: out.to_path_buf(),
        format,
        templates: templates.map(Path::to_path_buf),
        ..Default::default()
    };
    build::build(&options, &|| {}).expect("the build completes");
}

#[test]
fn hostile_rule_text_renders_inert_and_verbatim_in_html() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    common::write_sources(&src, &[("rules/hostile.yml", HOSTILE)]);
    build(&src, &site, Format::All, None);
    let mut page = std::fs::read_to_string(site.join("rules/hostile.html")).unwrap();
    // The page's own scripts, each once; after them, no script may be left.
    for ours in [
        r#"<script src="../assets/theme.js"></script>"#,
        r#"<script src="../assets/site.js"></script>"#,
    ] {
        assert_eq!(page.matches(ours).count(), 1, "{ours}");
        page = page.replace(ours, "");
    }
    for live in ["<script", "<img", "href=\"javascript", "onerror=\"", ">49<", " 49 "] {
        assert!(!page.contains(live), "the page holds {live}:\n{page}");
    }
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "{{ 7*7 }}",
        "{% raw %}",
        "javascript:alert(1)",
    ] {
        assert!(page.contains(shown), "the page lacks {shown} as text:\n{page}");
    }
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
}

#[test]
fn each_format_writes_only_its_own_pages() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    common::write_sources(&src, &[("rules/hostile.yml", HOSTILE)]);
    for (format, present, absent) in
        [(Format::Markdown, "README.md", "index.html"), (Format::Html, "index.html", "README.md")]
    {
        let site = dir.path().join(present);
        build(&src, &site, format, None);
        let files = common::read_tree(&site);
        assert!(files.contains_key(present) && !files.contains_key(absent), "{format:?}");
        let css = files.contains_key(detcat::render::html::STYLESHEET);
        assert_eq!(css, format == Format::Html, "the stylesheet comes with HTML pages only");
    }
}

#[test]
fn an_html_template_of_the_same_name_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    common::write_sources(
        &src,
        &[("rules/hostile.yml", HOSTILE), ("templates/rule.html", "<h1>{{ page.title }}</h1>\n")],
    );
    build(&src, &site, Format::Html, Some(&src.join("templates")));
    let page = std::fs::read_to_string(site.join("rules/hostile.html")).unwrap();
    assert!(page.starts_with("<h1>&lt;script&gt;"), "{page}");
}

/// Every file an HTML page loads: `src` attributes and the `href` of `<link>` elements.
fn loaded_files(html: &str) -> Vec<String> {
    let mut found = common::attribute_values(html, "src");
    for tag in html.split("<link ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        found.extend(common::attribute_values(&format!(" {tag}"), "href"));
    }
    // An inline `data:` URL (the empty favicon) loads nothing.
    found.retain(|url| !url.starts_with("data:"));
    found
}

/// The basic fixture built in HTML, as (relative path, text).
fn basic_html_site() -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build(Path::new("tests/fixtures/basic"), &site, Format::Html, None);
    common::read_tree(&site)
}

#[test]
fn html_pages_load_only_local_files_that_exist() {
    let files = basic_html_site();
    let pages: Vec<(&String, &String)> =
        files.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(pages.len() > 5 && files.contains_key("search.html"));
    for (rel, html) in &pages {
        let loaded = loaded_files(html);
        for script in ["assets/theme.js", "assets/site.js", "assets/style.css"] {
            assert!(loaded.iter().any(|l| l.ends_with(script)), "{rel} does not load {script}");
        }
        let dir = Path::new(rel.as_str()).parent().unwrap();
        for target in loaded {
            assert!(!target.contains("//") && !target.starts_with('/'), "{rel} loads {target}");
            let path = common::normalize(&dir.join(&target));
            assert!(files.contains_key(&path), "{rel} loads {target}, which is not written");
        }
    }
    for (rel, text) in files.iter().filter(|(p, _)| p.ends_with(".js") || p.ends_with(".css")) {
        for remote in ["http://", "https://", "url(", "@import", "fetch(", "XMLHttpRequest"] {
            assert!(!text.contains(remote), "{rel} holds {remote}");
        }
    }
}

/// The ids a script looks up with `getElementById("…")`.
fn looked_up_ids(script: &str) -> Vec<&str> {
    let call = "getElementById(\"";
    script
        .match_indices(call)
        .map(|(i, _)| &script[i + call.len()..])
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

#[test]
fn the_scripts_find_their_elements_and_the_search_page_its_index() {
    let files = basic_html_site();
    let page = &files["search.html"];
    for script in ["assets/search.js", "assets/site.js"] {
        let ids = looked_up_ids(&files[script]);
        assert!(ids.len() >= 2, "{script}: {ids:?}");
        for id in ids {
            assert!(page.contains(&format!(" id=\"{id}\"")), "search.html lacks #{id} of {script}");
        }
    }
    for name in ["level", "status", "tactic", "logsource", "dn", "to", "q"] {
        assert!(page.contains(&format!(" name=\"{name}\"")), "search.html lacks the field {name}");
        assert!(files["assets/search.js"].contains(name), "search.js ignores the field {name}");
    }
    let index = &files[detcat::render::search::INDEX_SCRIPT];
    assert!(index.starts_with("window.DETCAT_INDEX={") && index.ends_with("};\n"));
    let loaded = loaded_files(page);
    let order: Vec<usize> = ["assets/search-index.js", "assets/search.js"]
        .iter()
        .map(|s| loaded.iter().position(|l| l == s).expect("the search page loads its scripts"))
        .collect();
    assert!(order[0] < order[1], "the index loads before the script that reads it");
}

#[test]
fn other_tags_link_to_the_search_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    let rule = HOSTILE.replace(
        "tags: [attack.execution, attack.t1059]",
        "tags: [attack.execution, 'cve.2021 & <x>']",
    );
    common::write_sources(&src, &[("rules/hostile.yml", &rule)]);
    build(&src, &site, Format::Html, None);
    let page = std::fs::read_to_string(site.join("rules/hostile.html")).unwrap();
    assert!(page.contains(r#"<a href="../attack/TA0002.html">attack.execution</a>"#), "{page}");
    assert!(
        page.contains(
            r#"<a href="../search.html?q=cve.2021+%26+%3Cx%3E">cve.2021 &amp; &lt;x&gt;</a>"#
        ),
        "{page}"
    );
    assert!(common::broken_links(&site).is_empty(), "{:?}", common::broken_links(&site));
}
