//! Dialect tables: everything that differs between query languages, as data.
//!
//! A [`Dialect`] names the tokens, the quoting and escaping rules, and a template per
//! matching shape; the shared walker in [`super::walker`] reads nothing else. Templates use
//! `{field}`, `{value}`, `{values}` and `{op}` as slots. Kibana and Graylog are both Lucene
//! query strings (Elasticsearch `query_string`, built on Lucene's classic parser) and differ
//! only in their settings here: Kibana writes exact values escaped and unquoted, Graylog
//! quotes them.

use super::Target;

/// How a value without wildcards is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Escaped, unquoted: `F:C\:\\x.exe`.
    Escaped,
    /// In double quotes, escaping only the quote and the escape character: `F:"C:\\x.exe"`.
    Quoted,
}

/// The regular-expression flavour a dialect accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexFlavor {
    /// Lucene 8 `RegExp`: whole-term match, no `\d` classes, no inline flags.
    Lucene8,
}

/// One query language.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// The target this table is for (named in `Unsupported`).
    pub target: Target,
    /// Joins AND-ed parts.
    pub and: &'static str,
    /// Joins OR-ed parts.
    pub or: &'static str,
    /// Put in front of a negated part.
    pub not: &'static str,
    /// Opens a group.
    pub group_open: &'static str,
    /// Closes a group.
    pub group_close: &'static str,
    /// A field equal to (or matching the wildcards of) a value.
    pub equals: &'static str,
    /// A field matching any of several values; `{values}` are joined with `list_separator`.
    pub in_list: &'static str,
    /// Between the values of `in_list`.
    pub list_separator: &'static str,
    /// A field matching a regular expression.
    pub regex: &'static str,
    /// A regular expression searched anywhere in the event.
    pub keyword_regex: &'static str,
    /// A field holding an address inside a network.
    pub cidr: &'static str,
    /// A numeric comparison; `{op}` comes from `compare_ops`.
    pub compare: &'static str,
    /// `<`, `<=`, `>`, `>=`, in that order.
    pub compare_ops: [&'static str; 4],
    /// The field is present (its negation is "null or missing").
    pub exists: &'static str,
    /// The field is the empty string.
    pub empty: &'static str,
    /// A value searched anywhere in the event.
    pub keyword: &'static str,
    /// Whether keyword values get a `*` wildcard on both sides.
    pub keyword_wildcards: bool,
    /// How values without wildcards are written.
    pub quoting: Quoting,
    /// The escape character.
    pub escape: char,
    /// Characters escaped in unquoted values.
    pub specials: &'static str,
    /// Characters escaped inside quotes.
    pub quoted_specials: &'static str,
    /// Whether whitespace is escaped in unquoted values.
    pub escape_whitespace: bool,
    /// Characters escaped in field names (whitespace always is).
    pub field_specials: &'static str,
    /// Words that would be read as operators when written bare.
    pub reserved: &'static [&'static str],
    /// The wildcard for any run of characters.
    pub many: &'static str,
    /// The wildcard for one character.
    pub one: &'static str,
    /// The regular-expression flavour.
    pub regex_flavor: RegexFlavor,
}

/// Characters special to Lucene's classic query parser (and to `query_string`).
const LUCENE_SPECIALS: &str = "+-=&|!(){}[]<>^\"~*?:\\/";

/// Kibana: an Elasticsearch `query_string` / Lucene query.
pub const KIBANA: Dialect = Dialect {
    target: Target::Lucene,
    and: " AND ",
    or: " OR ",
    not: "NOT ",
    group_open: "(",
    group_close: ")",
    equals: "{field}:{value}",
    in_list: "{field}:({values})",
    list_separator: " OR ",
    regex: "{field}:/{value}/",
    keyword_regex: "/{value}/",
    cidr: "{field}:{value}",
    compare: "{field}:{op}{value}",
    compare_ops: ["<", "<=", ">", ">="],
    exists: "_exists_:{field}",
    empty: "{field}:\"\"",
    keyword: "{value}",
    keyword_wildcards: true,
    quoting: Quoting::Escaped,
    escape: '\\',
    specials: LUCENE_SPECIALS,
    quoted_specials: "\"\\",
    escape_whitespace: true,
    field_specials: LUCENE_SPECIALS,
    reserved: &["AND", "OR", "NOT"],
    many: "*",
    one: "?",
    regex_flavor: RegexFlavor::Lucene8,
};

/// Graylog: the same Lucene syntax, with exact values in quotes.
pub const GRAYLOG: Dialect =
    Dialect { target: Target::Graylog, quoting: Quoting::Quoted, ..KIBANA };

/// Fills a template's `{name}` slots in one pass, so that slot values are never re-read.
pub fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let slot = after.find('}').and_then(|end| {
            let name = &after[..end];
            slots.iter().find(|(n, _)| *n == name).map(|(_, v)| (end, *v))
        });
        match slot {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Dialect {
    /// `text` escaped for an unquoted value.
    pub fn escape_value(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if self.specials.contains(c) || (self.escape_whitespace && c.is_whitespace()) {
                out.push(self.escape);
            }
            out.push(c);
        }
        out
    }

    /// `text` in quotes, escaped for a quoted value.
    pub fn quote_value(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        for c in text.chars() {
            if self.quoted_specials.contains(c) {
                out.push(self.escape);
            }
            out.push(c);
        }
        out.push('"');
        out
    }

    /// A field name escaped for the query.
    pub fn escape_field(&self, field: &str) -> String {
        let mut out = String::with_capacity(field.len());
        for c in field.chars() {
            if self.field_specials.contains(c) || c.is_whitespace() {
                out.push(self.escape);
            }
            out.push(c);
        }
        self.unreserve(out)
    }

    /// Escapes the first character of a bare word the parser would take as an operator.
    pub fn unreserve(&self, text: String) -> String {
        if self.reserved.contains(&text.as_str()) {
            format!("{}{text}", self.escape)
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_lucene_specials_and_whitespace() {
        assert_eq!(KIBANA.escape_value("a b:c/d(e)"), r"a\ b\:c\/d\(e\)");
        assert_eq!(KIBANA.escape_value("x && y || !z"), r"x\ \&\&\ y\ \|\|\ \!z");
        assert_eq!(KIBANA.escape_value(r#"C:\x "q""#), r#"C\:\\x\ \"q\""#);
        assert_eq!(GRAYLOG.quote_value(r#"C:\x "q""#), r#""C:\\x \"q\"""#);
    }

    #[test]
    fn field_names_and_reserved_words() {
        assert_eq!(KIBANA.escape_field("Some Field:x"), r"Some\ Field\:x");
        assert_eq!(KIBANA.escape_field("winlog.event_data.Image"), "winlog.event_data.Image");
        assert_eq!(KIBANA.unreserve("OR".into()), r"\OR");
        assert_eq!(KIBANA.unreserve("or".into()), "or");
    }

    #[test]
    fn templates_fill_slots() {
        assert_eq!(fill(KIBANA.compare, &[("field", "F"), ("op", ">"), ("value", "5")]), "F:>5");
        assert_eq!(
            fill("{field}:({values})", &[("field", "{values}"), ("values", "x")]),
            "{values}:(x)"
        );
    }
}
