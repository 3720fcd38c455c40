//! Tables as template filters: `html_table` and `md_table` turn a table view (`columns` and
//! `rows` of cells, see [`super::lists::TableView`]) into markup.
//!
//! List, tactic and technique pages hold tables of up to thousands of rows. Written as Tera
//! loops, their cells cost more than every rule page together, because Tera looks up each
//! loop variable through its call stack; the same walk in Rust costs a small fraction of
//! that. The view keeps its rows, so a template of one's own may still loop over them.

use std::collections::HashMap;

use serde_json::Value;
use tera::Tera;

use super::{html, markdown};

/// Registers the two table filters.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter("html_table", |v: &Value, args: &HashMap<String, Value>| {
        Ok(Value::String(html_table(v, none_text(args))))
    });
    tera.register_filter("md_table", |v: &Value, args: &HashMap<String, Value>| {
        Ok(Value::String(md_table(v, none_text(args))))
    });
}

/// The `none` argument: what stands in place of a table without rows.
fn none_text(args: &HashMap<String, Value>) -> &str {
    args.get("none").and_then(Value::as_str).unwrap_or("None.")
}

fn columns(table: &Value) -> &[Value] {
    table.get("columns").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn rows(table: &Value) -> &[Value] {
    table.get("rows").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn str_of<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn numeric(value: &Value) -> bool {
    value.get("numeric").and_then(Value::as_bool).unwrap_or(false)
}

fn links(cell: &Value) -> &[Value] {
    cell.get("links").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// An HTML table, scrollable on a narrow screen; `none` (escaped) when there are no rows.
fn html_table(table: &Value, none: &str) -> String {
    let rows = rows(table);
    if rows.is_empty() {
        return format!("<p class=\"none\">{}</p>", html::escape(none));
    }
    let mut out = String::from("<div class=\"table-wrap\"><table class=\"list\">\n<thead><tr>");
    for column in columns(table) {
        let class = if numeric(column) { " class=\"num\"" } else { "" };
        out += &format!("<th scope=\"col\"{class}>{}</th>", html::escape(str_of(column, "title")));
    }
    out += "</tr></thead>\n<tbody>\n";
    for row in rows {
        out += "<tr>";
        for cell in row.as_array().map_or(&[][..], Vec::as_slice) {
            out += if numeric(cell) { "<td class=\"num\">" } else { "<td>" };
            html_cell(&mut out, cell);
            out += "</td>";
        }
        out += "</tr>\n";
    }
    out + "</tbody>\n</table></div>"
}

fn html_cell(out: &mut String, cell: &Value) {
    let links = links(cell);
    if links.is_empty() {
        out.push_str(&html::escape(str_of(cell, "text")));
    }
    for (i, link) in links.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let (url, text) = (html::escape(str_of(link, "url")), html::escape(str_of(link, "text")));
        out.push_str(&format!("<a href=\"{url}\">{text}</a>"));
    }
}

/// A Markdown (GitHub) table with its alignment row; `none` and a newline when there are no
/// rows. Cells are escaped so that no value can end a cell or a row.
fn md_table(table: &Value, none: &str) -> String {
    let rows = rows(table);
    if rows.is_empty() {
        return format!("{none}\n");
    }
    let columns = columns(table);
    let mut out = String::from("|");
    for column in columns {
        out += &format!(" {} |", markdown::escape_cell(str_of(column, "title")));
    }
    out += "\n|";
    for column in columns {
        out += if numeric(column) { "---:|" } else { ":---|" };
    }
    out += "\n";
    for row in rows {
        out += "|";
        for cell in row.as_array().map_or(&[][..], Vec::as_slice) {
            out += " ";
            md_cell(&mut out, cell);
            out += " |";
        }
        out += "\n";
    }
    out
}

fn md_cell(out: &mut String, cell: &Value) {
    let links = links(cell);
    if links.is_empty() {
        out.push_str(&markdown::escape_cell(str_of(cell, "text")));
    }
    for (i, link) in links.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let text = markdown::escape_cell(str_of(link, "text"));
        out.push_str(&format!("[{text}]({})", markdown::escape_url(str_of(link, "url"))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Value {
        serde_json::json!({
            "columns": [{"title": "Rule", "numeric": false}, {"title": "Count", "numeric": true}],
            "rows": [[
                {"text": "", "links": [{"text": "a|b <x>", "url": "../rules/a b.md"}]},
                {"text": "3", "links": [], "numeric": true}
            ]]
        })
    }

    #[test]
    fn a_markdown_table_escapes_pipes_and_aligns_numbers() {
        let md = md_table(&table(), "None.");
        assert!(md.starts_with("| Rule | Count |\n|:---|---:|\n"), "{md}");
        assert!(md.contains("[a\\|b &lt;x&gt;](../rules/a%20b.md) | 3 |\n"), "{md}");
        assert_eq!(md_table(&serde_json::json!({"rows": []}), "Nothing."), "Nothing.\n");
    }

    #[test]
    fn an_html_table_escapes_every_value() {
        let html = html_table(&table(), "None.");
        assert!(html.contains("<a href=\"../rules/a b.md\">a|b &lt;x&gt;</a>"), "{html}");
        assert!(html.contains("<td class=\"num\">3</td>"), "{html}");
        assert!(html.contains("<th scope=\"col\" class=\"num\">Count</th>"), "{html}");
        let none = html_table(&serde_json::json!({"rows": []}), "<none>");
        assert_eq!(none, "<p class=\"none\">&lt;none&gt;</p>");
    }
}
