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
    let page = std::fs::read_to_string(site.join("rules/hostile.html")).unwrap();
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
