//! The HTML edge: the built-in HTML templates, HTML escaping, and Markdown descriptions made
//! into safe HTML.
//!
//! HTML pages receive the same views as the Markdown ones; only the escaping differs. Tera's
//! autoescape escapes every value of a `.html` template; the one way around it is the
//! `markdown` filter, whose output is rendered by pulldown-cmark and then sanitized by
//! ammonia. Raw HTML inside a description is shown as text, not passed to the sanitizer:
//! the reader sees what the author wrote, and nothing of it runs.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser};
use serde::Serialize;
use tera::{Tera, Value};

use super::views::{Folders, Link};

/// Where the stylesheet is written, relative to the output root.
pub const STYLESHEET: &str = "assets/style.css";

/// The built-in HTML templates: name and text. `base.html` and `macros.html` are shared by
/// the page templates.
pub const BUILT_IN: [(&str, &str); 12] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("matrix.html", include_str!("../../templates/matrix.html")),
    ("rule.html", include_str!("../../templates/rule.html")),
    ("data_needed.html", include_str!("../../templates/data_needed.html")),
    ("logging_policy.html", include_str!("../../templates/logging_policy.html")),
    ("enrichment.html", include_str!("../../templates/enrichment.html")),
    ("trigger.html", include_str!("../../templates/trigger.html")),
    ("tactic.html", include_str!("../../templates/tactic.html")),
    ("technique.html", include_str!("../../templates/technique.html")),
];

/// What every page template gets beside `page`: relative URLs of the site's shared files.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// How to reach the output root (`../` or ``).
    pub root: String,
    /// The index page of the same format.
    pub index: String,
    /// The stylesheet.
    pub stylesheet: String,
    /// The site's navigation: home, the matrix and the main list pages.
    pub nav: Vec<Link>,
}

impl SiteView {
    /// The shared URLs as seen from a page `root` below the output root, whose index page is
    /// `<index>.<ext>`.
    pub fn new(root: &str, index: &str, ext: &str) -> SiteView {
        SiteView {
            root: root.to_string(),
            index: format!("{root}{index}.{ext}"),
            stylesheet: format!("{root}{STYLESHEET}"),
            nav: nav(root, index, ext),
        }
    }
}

fn nav(root: &str, index: &str, ext: &str) -> Vec<Link> {
    let link = |text: &str, path: String| Link { text: text.to_string(), url: path };
    let mut nav = vec![link("Home", format!("{root}{index}.{ext}"))];
    for (text, name) in super::lists::NAV {
        nav.push(link(text, format!("{root}{}/{name}.{ext}", Folders::LISTS)));
    }
    // The matrix goes beside the rules, the two pages most readers come for.
    nav.insert(2, link("Matrix", format!("{root}matrix.{ext}")));
    nav
}

/// Sets HTML escaping and registers the `markdown` filter on `tera`.
pub fn configure(tera: &mut Tera) {
    tera.set_escape_fn(escape);
    tera.register_filter("markdown", MarkdownFilter);
}

/// `text` safe in HTML text and in quoted attribute values. Unlike Tera's default, `/` is
/// kept as it is, so that URLs stay readable in the page source.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown `text` as sanitized HTML: raw HTML in it shown as text, links limited to safe
/// schemes, images left out (a page never fetches anything). Relative links lose their
/// target and keep their text: they point into the source repository (Atomic Red Team's
/// `./src/manifest.json`), not into the catalog.
pub fn markdown_to_html(text: &str) -> String {
    let events = Parser::new(text).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut html = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let mut sanitizer = ammonia::Builder::default();
    sanitizer.rm_tags(&["img"]).url_relative(ammonia::UrlRelative::Deny);
    sanitizer.clean(&html).to_string()
}

/// `{{ text | markdown }}`: its output is already safe, so autoescape leaves it alone.
struct MarkdownFilter;

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = match value {
            Value::String(s) => markdown_to_html(s),
            Value::Null => String::new(),
            other => escape(&other.to_string()),
        };
        Ok(Value::String(text))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_a_description_is_shown_as_text() {
        let html = markdown_to_html("a <script>alert(1)</script> *b*");
        assert_eq!(html.trim(), "<p>a &lt;script&gt;alert(1)&lt;/script&gt; <em>b</em></p>");
    }

    #[test]
    fn script_links_and_images_are_dropped() {
        let html = markdown_to_html("[x](javascript:alert(1)) ![i](https://e.x/i.png)");
        assert!(!html.contains("javascript") && !html.contains("<img"), "{html}");
    }

    #[test]
    fn relative_links_keep_their_text_only() {
        // Atomic Red Team descriptions link `./src/manifest.json` in their own repository,
        // which left broken links in the catalog.
        let html = markdown_to_html("see [the manifest](./src/manifest.json)");
        assert_eq!(html.trim(), r#"<p>see <a rel="noopener noreferrer">the manifest</a></p>"#);
    }

    #[test]
    fn attribute_quotes_are_escaped() {
        assert_eq!(escape(r#""><a href='x'>"#), "&quot;&gt;&lt;a href=&#39;x&#39;&gt;");
    }
}
