//! The descriptive fields every Sigma rule and correlation shares, read leniently.
//!
//! A field of the wrong type is reported and left out; it never sinks the whole rule. We read
//! from `serde_yaml::Value` instead of deriving `Deserialize`, because a derived mirror fails
//! the document at the first wrong type and loses the rest.

use serde_yaml::{Mapping, Value};

use super::{kind_of, SigmaError};
use crate::load::DocText;

/// Title, id, status and the rest of a rule's descriptive fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Meta {
    /// `title`.
    pub title: String,
    /// `id`, normally a UUID.
    pub id: Option<String>,
    /// `name`, used by correlations to refer to rules.
    pub name: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `license`.
    pub license: Option<String>,
    /// `references`.
    pub references: Vec<String>,
    /// `date`, as written.
    pub date: Option<String>,
    /// `modified`, as written.
    pub modified: Option<String>,
    /// `tags`, as written.
    pub tags: Vec<String>,
    /// `level`.
    pub level: Option<String>,
    /// `falsepositives` (a single string is accepted as a list of one).
    pub falsepositives: Vec<String>,
    /// `fields`: what an analyst should look at.
    pub fields: Vec<String>,
    /// `enrichment`: the Atomic Threat Coverage extension naming Enrichment titles.
    pub enrichment: Vec<String>,
    /// `related`: `(type, id)` pairs.
    pub related: Vec<(String, String)>,
}

/// Reads the shared fields from `map`; problems go to `errors`.
pub fn read_meta(map: &Mapping, doc: &DocText, errors: &mut Vec<SigmaError>) -> Meta {
    let mut r = Reader { map, doc, errors };
    Meta {
        title: r.string("title").unwrap_or_default(),
        id: r.string("id"),
        name: r.string("name"),
        status: r.string("status"),
        description: r.string("description"),
        author: r.string("author"),
        license: r.string("license"),
        references: r.strings("references"),
        date: r.string("date"),
        modified: r.string("modified"),
        tags: r.strings("tags"),
        level: r.string("level"),
        falsepositives: r.strings("falsepositives"),
        fields: r.strings("fields"),
        enrichment: r.strings("enrichment"),
        related: r.related(),
    }
}

/// Reads typed fields from one mapping, reporting the wrong ones.
pub struct Reader<'a> {
    /// The mapping read from.
    pub map: &'a Mapping,
    /// Its document, for line numbers.
    pub doc: &'a DocText,
    /// Where problems go.
    pub errors: &'a mut Vec<SigmaError>,
}

impl Reader<'_> {
    /// A string field; numbers and booleans are taken as their text, nulls as absent.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::Null => None,
            value => scalar_text(value).or_else(|| {
                self.wrong_type(key, "a string", value);
                None
            }),
        }
    }

    /// A list of strings; a single string counts as a list of one.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let (texts, problems) = string_list(key, self.map.get(key));
        for message in problems {
            self.errors.push(SigmaError::new(self.doc.line_of_key(key), "wrong-type", message));
        }
        texts
    }

    fn related(&mut self) -> Vec<(String, String)> {
        let Some(Value::Sequence(items)) = self.map.get("related") else { return Vec::new() };
        let pair = |item: &Value| -> Option<(String, String)> {
            let map = item.as_mapping()?;
            Some((scalar_text(map.get("type")?)?, scalar_text(map.get("id")?)?))
        };
        items.iter().filter_map(pair).collect()
    }

    /// Reports that `key` holds the wrong kind of value.
    pub fn wrong_type(&mut self, key: &str, expected: &str, found: &Value) {
        let message = format!("`{key}` must be {expected}, found {}", kind_of(found));
        self.errors.push(SigmaError::new(self.doc.line_of_key(key), "wrong-type", message));
    }
}

/// The text of a scalar (string, number or boolean); `None` for anything else.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The text an author meant by a list item that YAML read as a one-entry mapping because
/// it holds an unquoted `: ` (`- There are some: A, B`), as `key: value`.
pub fn colon_text(value: &Value) -> Option<String> {
    let map = value.as_mapping().filter(|m| m.len() == 1)?;
    let (key, value) = map.iter().next()?;
    Some(format!("{}: {}", scalar_text(key)?, scalar_text(value).unwrap_or_default()))
}

/// The strings of the list field `key` (a single string counts as a list of one, nulls are
/// skipped), and a message for each part that is not a string. Shared by every reader of
/// string lists, Sigma or not.
pub fn string_list(key: &str, value: Option<&Value>) -> (Vec<String>, Vec<String>) {
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(items)) => {
            for (index, item) in items.iter().enumerate().filter(|(_, item)| !item.is_null()) {
                if let Some(text) = scalar_text(item) {
                    texts.push(text);
                } else if let Some(text) = colon_text(item) {
                    problems.push(colon_text_message(key, index, &text));
                    texts.push(text);
                } else {
                    let n = index + 1;
                    problems.push(format!(
                        "item {n} of `{key}` must be a string, found {}",
                        kind_of(item)
                    ));
                }
            }
        }
        Some(value) => match scalar_text(value) {
            Some(text) => texts.push(text),
            None => problems
                .push(format!("`{key}` must be a list of strings, found {}", kind_of(value))),
        },
    }
    (texts, problems)
}

fn colon_text_message(key: &str, index: usize, text: &str) -> String {
    format!(
        "item {} of `{key}` holds an unquoted `: `, so YAML reads it as a mapping; \
         taken as the text `{text}` (quote the item)",
        index + 1
    )
}
