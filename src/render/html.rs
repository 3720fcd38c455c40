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

/// The script every page loads in its head, before it is painted: it applies the theme the
/// reader chose, so that a dark page never flashes light.
pub const THEME_SCRIPT: &str = "assets/theme.js";

/// The script every page loads at its end: the theme toggle, copy buttons, the `/` key.
pub const SITE_SCRIPT: &str = "assets/site.js";

/// The search page's script.
pub const SEARCH_SCRIPT: &str = "assets/search.js";

/// The files written once beside the HTML pages, as (path, content). The search index is
/// not among them: it is made from the catalog (see [`super::search`]).
pub const ASSETS: [(&str, &str); 4] = [
    (STYLESHEET, include_str!("../../templates/style.css")),
    (THEME_SCRIPT, include_str!("../../templates/assets/theme.js")),
    (SITE_SCRIPT, include_str!("../../templates/assets/site.js")),
    (SEARCH_SCRIPT, include_str!("../../templates/assets/search.js")),
];

/// The built-in HTML templates: name and text. `base.html` and `macros.html` are shared by
/// the page templates.
pub const BUILT_IN: [(&str, &str); 15] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("review.html", include_str!("../../templates/review.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("matrix.html", include_str!("../../templates/matrix.html")),
    ("rule.html", include_str!("../../templates/rule.html")),
    ("data_needed.html", include_str!("../../templates/data_needed.html")),
    ("logging_policy.html", include_str!("../../templates/logging_policy.html")),
    ("enrichment.html", include_str!("../../templates/enrichment.html")),
    ("trigger.html", include_str!("../../templates/trigger.html")),
    ("tactic.html", include_str!("../../templates/tactic.html")),
    ("technique.html", include_str!("../../templates/technique.html")),
    ("scope.html", include_str!("../../templates/scope.html")),
    ("search.html", include_str!("../../templates/search.html")),
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
    /// The script that applies the chosen theme before the page is painted.
    pub theme_script: String,
    /// The script of every page.
    pub site_script: String,
    /// The search page.
    pub search: String,
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
            theme_script: format!("{root}{THEME_SCRIPT}"),
            site_script: format!("{root}{SITE_SCRIPT}"),
            search: format!("{root}{}", super::search::PAGE),
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

/// Sets HTML escaping and registers the `markdown` and `yaml` filters on `tera`.
pub fn configure(tera: &mut Tera) {
    tera.set_escape_fn(escape);
    tera.register_filter("markdown", MarkdownFilter);
    tera.register_filter("yaml", YamlFilter);
    tera.register_filter("code_block", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(escape_code(value.as_str().unwrap_or_default())))
    });
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
            c => push_marked(c, &mut out),
        }
    }
    out
}

/// Whether `c` is a control character (other than tab and line ends) or a bidirectional
/// formatting character. Those reorder or hide the text around them (a name that shows as
/// `exe.txt` and is `txt.exe`); writing them as character references would not help, since
/// the browser obeys `&#x202E;` just the same.
pub(crate) fn is_hidden(c: char) -> bool {
    let bidi = matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    );
    bidi || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `c`, or the visible mark `[U+202E]` in its place when it is hidden (see [`is_hidden`]).
/// The mark keeps the text: it names the character.
pub fn push_marked(c: char, out: &mut String) {
    if is_hidden(c) {
        out.push_str(&format!("[U+{:04X}]", c as u32));
    } else {
        out.push(c);
    }
}

/// `c` inside a code block. A hidden character stays as it is, so that a query copied from
/// the page is the query (a regular expression's `\s` becomes a vertical tab and a form
/// feed in Lucene), but inside a span that isolates it, so it reorders nothing outside it,
/// and whose mark the stylesheet shows (`.cc::before`), so the reader sees it.
pub fn push_code_char(c: char, out: &mut String) {
    if is_hidden(c) {
        out.push_str(&format!("<span class=\"cc\" data-mark=\"[U+{:04X}]\">{c}</span>", c as u32));
    } else {
        out.push(c);
    }
}

/// `text` as the content of a code block: `&`, `<` and `>` escaped, hidden characters kept
/// and shown (see [`push_code_char`]). Quotes need no escaping outside attributes.
pub fn escape_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_code(text, &mut out);
    out
}

/// Pushes `text` escaped as [`escape_code`] does.
pub fn push_code(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => push_code_char(c, out),
        }
    }
}

/// `html` with every control and bidirectional formatting character marked (see
/// [`push_marked`]); the marks hold no character that HTML treats specially.
fn mark_controls(html: String) -> String {
    if !html.chars().any(|c| c.is_control() || ('\u{061C}'..='\u{2069}').contains(&c)) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    html.chars().for_each(|c| push_marked(c, &mut out));
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
    mark_controls(sanitizer.clean(&html).to_string())
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

/// `{{ source | yaml }}`: YAML source with syntax colouring, escaped by the highlighter.
struct YamlFilter;

impl tera::Filter for YamlFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = match value {
            Value::String(s) => super::highlight::yaml_to_html(s.trim_end()),
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
    fn a_code_block_keeps_hidden_characters_for_copying_and_names_them() {
        let code = escape_code("a[ \u{b}\u{c}]<b>\u{202E}");
        let vt = "<span class=\"cc\" data-mark=\"[U+000B]\">\u{b}</span>";
        assert!(code.starts_with(&format!("a[ {vt}")), "{code}");
        assert!(code.contains("]&lt;b&gt;<span class=\"cc\" data-mark=\"[U+202E]\">"), "{code}");
    }

    #[test]
    fn bidi_and_control_characters_are_shown_as_marks() {
        // U+202E reached the page unchanged and turned the rest of the title around.
        assert_eq!(escape("a\u{202E}txt.exe\u{7}"), "a[U+202E]txt.exe[U+0007]");
        assert_eq!(escape("tab\tand\nline é"), "tab\tand\nline é");
        let html = markdown_to_html("x \u{2067}y\u{2069}");
        assert!(html.contains("x [U+2067]y[U+2069]"), "{html}");
    }

    #[test]
    fn attribute_quotes_are_escaped() {
        assert_eq!(escape(r#""><a href='x'>"#), "&quot;&gt;&lt;a href=&#39;x&#39;&gt;");
    }
}
