//! Escaping for Markdown output, applied at the edge by the templates' filters.
//!
//! Values stay raw in the model; a template says how each is written: `cell` for a table
//! cell, `text` for running text, `url` for a link target, and `fence` for a code fence
//! that the content cannot close.

use std::collections::HashMap;

use tera::{Tera, Value};

use super::html;

/// ASCII punctuation that Markdown may read as syntax inside running text.
const MARKDOWN_SPECIALS: &[char] = &['\\', '`', '*', '_', '[', ']', '#', '~', '|', '!'];

/// `text` for inline Markdown: syntax characters backslash-escaped, `<`, `>` and `&` as
/// entities, so that the reader sees exactly the source text. Control and bidirectional
/// formatting characters are written as the mark `[U+202E]`, as on the HTML pages (see
/// [`html::is_hidden`]): a viewer obeys them in Markdown just the same.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if MARKDOWN_SPECIALS.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c if html::is_hidden(c) => out.push_str(&format!("\\[U+{:04X}\\]", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `text` for one table cell: as [`escape_text`], with line breaks as `<br>` so that the
/// row never breaks.
pub fn escape_cell(text: &str) -> String {
    let lines: Vec<String> = text.trim().lines().map(|l| escape_text(l.trim_end())).collect();
    lines.join("<br>")
}

/// A link target that Markdown reads whole: spaces, parentheses and angle brackets are
/// percent-encoded.
pub fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '|' => out.push_str("%7C"),
            c if c.is_control() || html::is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A backtick fence longer than any run of backticks in `content` (at least three).
pub fn fence_for(content: &str) -> String {
    "`".repeat((longest_backtick_run(content) + 1).max(3))
}

fn longest_backtick_run(content: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `text` as an inline code span inside a table cell: backticks chosen so the content
/// cannot close the span, pipes escaped (tables split on them even inside code), line breaks
/// as spaces.
pub fn code_span(text: &str) -> String {
    let one_line = text.trim().replace(['\n', '\r'], " ").replace('|', "\\|");
    let ticks = "`".repeat(longest_backtick_run(&one_line) + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{one_line}{pad}{ticks}")
}

/// The code fence language for an Atomic Red Team executor name.
pub fn executor_language(executor: &str) -> String {
    let language = match executor {
        "command_prompt" => "bat",
        "powershell" => "powershell",
        "sh" | "bash" => "sh",
        _ => "text",
    };
    language.to_string()
}

/// Registers the Markdown filters on `tera`.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter("code", string_filter(code_span));
    tera.register_filter("executor_language", string_filter(executor_language));
    tera.register_filter("text", string_filter(escape_text));
    tera.register_filter("cell", string_filter(escape_cell));
    tera.register_filter("url", string_filter(escape_url));
    tera.register_filter("fence", string_filter(fence_for));
}

type TeraFilter = Box<dyn Fn(&Value, &HashMap<String, Value>) -> tera::Result<Value> + Send + Sync>;

fn string_filter(f: fn(&str) -> String) -> TeraFilter {
    Box::new(move |value: &Value, _: &HashMap<String, Value>| {
        let text = match value {
            Value::String(s) => f(s),
            Value::Null => String::new(),
            other => f(&other.to_string()),
        };
        Ok(Value::String(text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_or_newline_never_breaks_a_table_row() {
        let cell = escape_cell("a | stats count\nby Computer <b>");
        assert!(!cell.contains('\n'));
        assert_eq!(cell, "a \\| stats count<br>by Computer &lt;b&gt;");
    }

    #[test]
    fn bidi_and_control_characters_are_shown_as_marks() {
        // U+202E turned the rest of a title around on GitHub's rendering of the page.
        assert_eq!(escape_text("a\u{202E}txt.exe\u{7}"), "a\\[U+202E\\]txt.exe\\[U+0007\\]");
        assert_eq!(escape_cell("x\u{2066}y"), "x\\[U+2066\\]y");
        assert_eq!(escape_url("https://e.x/a\u{202E}b"), "https://e.x/ab");
    }

    #[test]
    fn the_fence_is_longer_than_any_backtick_run() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }

    #[test]
    fn markdown_syntax_is_shown_literally() {
        assert_eq!(escape_text("*x* [y](z) `c`"), "\\*x\\* \\[y\\](z) \\`c\\`");
    }

    #[test]
    fn a_code_span_in_a_cell_keeps_its_row_and_its_backticks() {
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("x ` y"), "``x ` y``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }

    #[test]
    fn urls_keep_their_link_whole() {
        assert_eq!(escape_url("https://e.x/a (b)"), "https://e.x/a%20%28b%29");
    }
}
