//! Lenient reading of one YAML mapping of an entity file.
//!
//! A field of the wrong type becomes a warning at the field's line and is left out; the rest of
//! the entity still loads. We read from `serde_yaml::Value` instead of deriving `Deserialize`,
//! because a derived mirror rejects the whole file at its first wrong type.
//!
//! Lines come from the document's text (serde_yaml's values carry no positions). Nested
//! mappings, such as one Atomic test among many, are given a [`Span`] of file lines so that a
//! key is looked for inside its own item and not in the first item that has the same key.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::diag::Diagnostic;
use crate::load::DocText;
use crate::sigma::kind_of;
use crate::sigma::meta::{scalar_text, string_list};

/// A range of file lines, `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first line.
    pub from: usize,
    /// The line after the last one.
    pub to: usize,
}

impl Span {
    /// Every line of `doc` from its first on.
    pub fn whole(doc: &DocText) -> Span {
        Span { from: doc.first_line, to: usize::MAX }
    }
}

/// Reads typed fields from one mapping and reports the wrong ones.
pub struct Fields<'a> {
    map: &'a Mapping,
    doc: &'a DocText,
    path: &'a Path,
    span: Span,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// A reader over the top-level mapping of `doc`, a document of the file at `path`.
    pub fn new(
        map: &'a Mapping,
        doc: &'a DocText,
        path: &'a Path,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Fields { map, doc, path, span: Span::whole(doc), diagnostics }
    }

    /// A reader over a mapping nested in this one, written on the lines of `span`.
    pub fn nested<'b>(&'b mut self, map: &'b Mapping, span: Span) -> Fields<'b> {
        Fields { map, doc: self.doc, path: self.path, span, diagnostics: self.diagnostics }
    }

    /// The mapping read.
    pub fn map(&self) -> &'a Mapping {
        self.map
    }

    /// The file read, for diagnostics made outside this reader.
    pub fn path(&self) -> &'a Path {
        self.path
    }

    /// The file line where `key` is defined inside this mapping's span, if it can be found.
    pub fn line(&self, key: &str) -> Option<usize> {
        let line = self.doc.line_of_key_after(key, self.span.from)?;
        (line < self.span.to).then_some(line)
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// A string field; numbers and booleans give their text, null counts as absent.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Null => None,
            value => scalar_text(value).or_else(|| {
                self.wrong_type(key, "a string", value);
                None
            }),
        }
    }

    /// A list of strings; a single string counts as a list of one, nulls are skipped.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let (texts, problems) = string_list(key, self.get(key));
        for message in problems {
            self.warn(key, "wrong-type", message);
        }
        texts
    }

    /// A boolean field; absent or null is `false`.
    pub fn flag(&mut self, key: &str) -> bool {
        match self.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(value) => {
                self.wrong_type(key, "true or false", value);
                false
            }
        }
    }

    /// A mapping field; absent or null is `None`.
    pub fn mapping(&mut self, key: &str) -> Option<&'a Mapping> {
        match self.get(key)? {
            Value::Null => None,
            Value::Mapping(map) => Some(map),
            value => {
                self.wrong_type(key, "a mapping", value);
                None
            }
        }
    }

    /// A list field; absent or null is empty.
    pub fn list(&mut self, key: &str) -> &'a [Value] {
        match self.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Sequence(items)) => items,
            Some(value) => {
                self.wrong_type(key, "a list", value);
                &[]
            }
        }
    }

    /// The lines of the value of `key`: from the key's line (searched from `after` on, or from
    /// this mapping's start) to the end of this mapping.
    pub fn sub_span(&self, key: &str, after: Option<usize>) -> Span {
        let from = after.unwrap_or(self.span.from);
        let line = self.doc.line_of_key_after(key, from).filter(|&l| l < self.span.to);
        Span { from: line.unwrap_or(from), to: self.span.to }
    }

    /// The spans of the `count` items of the block list under `key`. When the items cannot be
    /// told apart in the text (a flow list `[...]`, say), each gets the span from `key` on.
    pub fn item_spans(&self, key: &str, count: usize) -> Vec<Span> {
        let Some(key_line) = self.line(key) else { return vec![self.span; count] };
        let starts = item_lines(self.doc, key_line);
        if starts.len() != count {
            return vec![Span { from: key_line, to: self.span.to }; count];
        }
        let ends = starts.iter().skip(1).copied().chain([self.span.to]);
        starts.iter().zip(ends).map(|(&from, to)| Span { from, to }).collect()
    }

    /// Reports that `key` holds the wrong kind of value.
    pub fn wrong_type(&mut self, key: &str, expected: &str, found: &Value) {
        let message = format!("`{key}` must be {expected}, found {}", kind_of(found));
        self.warn(key, "wrong-type", message);
    }

    /// Reports that an item of the list `key`, written at `span`, is not what it must be.
    pub fn wrong_item(&mut self, key: &str, span: Span, expected: &str, found: &Value) {
        let message = format!("an item of `{key}` must be {expected}, found {}", kind_of(found));
        let diagnostic = Diagnostic::warning(self.path, "wrong-type", message);
        self.diagnostics.push(diagnostic.at(Some(span.from)));
    }

    /// Reports that `key`, which the entity needs, is absent.
    pub fn missing(&mut self, key: &str, consequence: &str) {
        let message = format!("no `{key}`; {consequence}");
        let line = self.line_or_start(key);
        self.diagnostics.push(Diagnostic::warning(self.path, "missing-field", message).at(line));
    }

    /// A warning with `code` at the line of `key` (or of the mapping when `key` is not found).
    pub fn warn(&mut self, key: &str, code: &'static str, message: String) {
        let line = self.line_or_start(key);
        self.diagnostics.push(Diagnostic::warning(self.path, code, message).at(line));
    }

    /// A warning with `code` at the file line `line`.
    pub fn warn_at(&mut self, line: usize, code: &'static str, message: String) {
        self.diagnostics.push(Diagnostic::warning(self.path, code, message).at(Some(line)));
    }

    /// An error with `code` at the line of `key` (or of the mapping when `key` is not found).
    pub fn error(&mut self, key: &str, code: &'static str, message: String) {
        let line = self.line_or_start(key);
        self.diagnostics.push(Diagnostic::error(self.path, code, message).at(line));
    }

    fn line_or_start(&self, key: &str) -> Option<usize> {
        self.line(key).or(Some(self.span.from))
    }
}

/// The file lines of the items (`- ...`) of the block list whose key sits on `key_line`.
fn item_lines(doc: &DocText, key_line: usize) -> Vec<usize> {
    let lines = doc.text.lines().enumerate().map(|(i, text)| (doc.first_line + i, text));
    let mut items = Vec::new();
    let mut indent = None;
    for (number, text) in lines.skip_while(|&(number, _)| number <= key_line) {
        let body = text.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let at = text.len() - body.len();
        let is_item = body == "-" || body.starts_with("- ");
        match indent {
            None if is_item => indent = Some(at),
            Some(list) if at == list && is_item => {}
            Some(list) if at > list => continue,
            _ => break,
        }
        items.push(number);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::split_documents;

    fn doc(text: &str) -> DocText {
        split_documents(text).remove(0)
    }

    #[test]
    fn items_of_a_block_list_are_found_at_either_indentation() {
        let indented = doc("a:\n  - x: 1\n    y: 2\n  # note\n  - x: 3\nb: 4\n");
        assert_eq!(item_lines(&indented, 1), vec![2, 5]);
        let flush = doc("a:\n- x: 1\n  y: |\n    - not an item\n- x: 3\nb: 4\n");
        assert_eq!(item_lines(&flush, 1), vec![2, 5]);
    }

    #[test]
    fn wrong_types_are_reported_and_left_out() {
        let doc = doc("title: t\nfields: {a: 1}\nflag: 'yes'\nlist: [a, [b], null, 3]\n");
        let map: Mapping = serde_yaml::from_str(&doc.text).expect("valid YAML");
        let mut diagnostics = Vec::new();
        let mut fields = Fields::new(&map, &doc, Path::new("f.yml"), &mut diagnostics);
        assert!(fields.strings("fields").is_empty());
        assert!(!fields.flag("flag"));
        assert_eq!(fields.strings("list"), vec!["a", "3"]);
        let lines: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            lines,
            vec![("wrong-type", Some(2)), ("wrong-type", Some(3)), ("wrong-type", Some(4))]
        );
    }
}
