//! Typed Sigma values: what one detection value means after its modifiers are applied.
//!
//! A plain string becomes a [`SigmaString`] of literal text and wildcards, parsed once with
//! Sigma's exact backslash rules, so that no target ever re-reads raw YAML text. The other
//! variants of [`Value`] carry regular expressions, networks, numbers and the special checks
//! (null, exists, field references, comparisons). Turning YAML plus a modifier chain into
//! these values is [`super::modifier`]'s job; rendering them is `convert`'s.

use ipnet::IpNet;

/// One piece of a Sigma string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text, matched as written.
    Text(String),
    /// The wildcard `*`: any run of characters, possibly empty.
    AnyChars,
    /// The wildcard `?`: exactly one character.
    OneChar,
    /// A `%name%` placeholder (only with `|expand`), to be filled in by a pipeline.
    Placeholder(String),
}

/// A Sigma string: literal text interleaved with wildcards (and placeholders).
///
/// Neighbouring text is merged and runs of `*` are collapsed, so two strings that mean the
/// same compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SigmaString {
    parts: Vec<Part>,
}

impl SigmaString {
    /// Parses a plain Sigma value: `*` and `?` are wildcards, and a backslash escapes only
    /// `*`, `?` and itself; before any other character (or at the end) it is literal.
    pub fn parse(raw: &str) -> SigmaString {
        SigmaString::parse_with(raw, false)
    }

    /// Like [`SigmaString::parse`]; with `placeholders`, `%name%` becomes a
    /// [`Part::Placeholder`] and `\%` a literal percent sign (the `|expand` rules).
    pub fn parse_with(raw: &str, placeholders: bool) -> SigmaString {
        let mut out = SigmaString::default();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek().copied() {
                    Some(next @ ('*' | '?' | '\\')) => {
                        chars.next();
                        out.push_char(next);
                    }
                    Some('%') if placeholders => {
                        chars.next();
                        out.push_char('%');
                    }
                    _ => out.push_char('\\'),
                },
                '*' => out.push(Part::AnyChars),
                '?' => out.push(Part::OneChar),
                '%' if placeholders => out.push_placeholder(&mut chars),
                c => out.push_char(c),
            }
        }
        out
    }

    /// A string of literal text only.
    pub fn literal(text: &str) -> SigmaString {
        let mut out = SigmaString::default();
        out.push_text(text);
        out
    }

    /// Builds a string from parts, merging and collapsing as usual.
    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> SigmaString {
        let mut out = SigmaString::default();
        parts.into_iter().for_each(|p| out.push(p));
        out
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Whether the string matches only the empty value.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether the string holds a `*` or `?` wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::AnyChars | Part::OneChar))
    }

    /// The string with every `%name%` placeholder that `value_of` knows replaced by each of
    /// its values (parsed as Sigma strings, so they may hold wildcards): one string per
    /// combination. Placeholders `value_of` does not know stay.
    pub fn fill_placeholders(
        &self,
        value_of: &dyn Fn(&str) -> Option<Vec<SigmaString>>,
    ) -> Vec<SigmaString> {
        let mut out = vec![SigmaString::default()];
        for part in &self.parts {
            let choices = match part {
                Part::Placeholder(name) => value_of(name),
                _ => None,
            };
            let choices =
                choices.unwrap_or_else(|| vec![SigmaString { parts: vec![part.clone()] }]);
            out = out.iter().flat_map(|done| choices.iter().map(move |c| done.joined(c))).collect();
        }
        out
    }

    fn joined(&self, other: &SigmaString) -> SigmaString {
        let mut out = self.clone();
        for part in &other.parts {
            out.push(part.clone());
        }
        out
    }

    /// The names of the placeholders the string holds.
    pub fn placeholder_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Whether the string holds an unresolved `%name%` placeholder.
    pub fn has_placeholders(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Placeholder(_)))
    }

    /// The literal text, when the string has neither wildcards nor placeholders.
    pub fn as_plain(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                _ => return None,
            }
        }
        Some(text)
    }

    /// Whether the string starts with `*`.
    pub fn starts_with_any(&self) -> bool {
        self.parts.first() == Some(&Part::AnyChars)
    }

    /// Whether the string ends with `*`.
    pub fn ends_with_any(&self) -> bool {
        self.parts.last() == Some(&Part::AnyChars)
    }

    /// Puts a `*` in front unless there is one.
    pub fn prepend_any(&mut self) {
        if !self.starts_with_any() {
            self.parts.insert(0, Part::AnyChars);
        }
    }

    /// Adds a `*` at the end unless there is one.
    pub fn append_any(&mut self) {
        self.push(Part::AnyChars);
    }

    /// The string written back in Sigma's escaped form (for messages and tests).
    pub fn to_sigma(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => t.chars().for_each(|c| push_sigma_char(&mut out, c)),
                Part::AnyChars => out.push('*'),
                Part::OneChar => out.push('?'),
                Part::Placeholder(name) => out.push_str(&format!("%{name}%")),
            }
        }
        out
    }

    /// Appends one part, merging text and collapsing repeated `*`.
    pub fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (Some(Part::Text(last)), Part::Text(t)) => last.push_str(&t),
            (Some(Part::AnyChars), Part::AnyChars) => {}
            (_, Part::Text(t)) if t.is_empty() => {}
            (_, part) => self.parts.push(part),
        }
    }

    fn push_text(&mut self, text: &str) {
        self.push(Part::Text(text.to_string()));
    }

    /// Appends `c` to the text at the end, without a string of its own for every character
    /// (parsing every value of the corpus spent a tenth of its time on those).
    fn push_char(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(Part::Text(last)) => last.push(c),
            _ => self.parts.push(Part::Text(c.to_string())),
        }
    }

    /// Reads `name%` after a `%`; without a closing `%` the percent sign is literal.
    fn push_placeholder(&mut self, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
        // Looks ahead only to the next `%`, so a value with many placeholders is read in
        // linear time (collecting the whole rest at each `%` made it quadratic).
        let mut name = String::new();
        let mut closed = false;
        for c in chars.clone() {
            if c == '%' {
                closed = true;
                break;
            }
            name.push(c);
        }
        if closed && !name.is_empty() {
            self.push(Part::Placeholder(name.clone()));
            for _ in 0..=name.chars().count() {
                chars.next();
            }
        } else {
            self.push_char('%');
        }
    }
}

fn push_sigma_char(out: &mut String, c: char) {
    if matches!(c, '*' | '?' | '\\') {
        out.push('\\');
    }
    out.push(c);
}

/// A regular expression value (`|re`), kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigmaRegex {
    /// The pattern text, raw (no wildcard parsing).
    pub pattern: String,
    /// The flags from `|i`, `|m`, `|s`.
    pub flags: RegexFlags,
}

/// Regular expression flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegexFlags {
    /// `i`: case-insensitive.
    pub ignore_case: bool,
    /// `m`: `^` and `$` match at line ends.
    pub multiline: bool,
    /// `s`: `.` matches a newline too.
    pub dot_all: bool,
}

/// A number as YAML wrote it, kept as text so that `EventID: 4688` prints `4688`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The decimal text (`4688`, `1.5`, `-3`).
    pub text: String,
}

impl Number {
    /// The number's value, when it is a whole number.
    pub fn as_integer(&self) -> Option<i64> {
        self.text.parse().ok()
    }

    /// Whether the number is finite. YAML's `.nan`, `.inf` and `-.inf` are numbers too, but no
    /// query language has a literal for them.
    pub fn is_finite(&self) -> bool {
        let bare = self.text.trim_start_matches(['+', '-']).trim_start_matches('.');
        bare.parse::<f64>().map_or(true, f64::is_finite)
    }
}

/// A numeric comparison operator (`|lt`, `|lte`, `|gt`, `|gte`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

/// The part of a timestamp a time modifier compares (`|minute` ... `|year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePart {
    /// `minute`
    Minute,
    /// `hour`
    Hour,
    /// `day`
    Day,
    /// `week`
    Week,
    /// `month`
    Month,
    /// `year`
    Year,
}

/// How a field reference compares (`|fieldref` with an optional position modifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The whole value.
    Equals,
    /// Anywhere in the value (`|contains`).
    Contains,
    /// At the start (`|startswith`).
    StartsWith,
    /// At the end (`|endswith`).
    EndsWith,
}

/// One typed detection value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string with wildcards, matched case-insensitively unless the item is cased.
    String(SigmaString),
    /// A regular expression (`|re`).
    Regex(SigmaRegex),
    /// An IPv4 or IPv6 network (`|cidr`).
    Network(IpNet),
    /// A number.
    Number(Number),
    /// A boolean.
    Bool(bool),
    /// The field is null or missing (`null`, `~`, `F: []`).
    Null,
    /// The field is present (`true`) or absent (`false`) (`|exists`).
    Exists(bool),
    /// Compares with another field of the same event (`|fieldref`).
    FieldRef {
        /// The other field.
        field: String,
        /// Whole-value, substring, prefix or suffix comparison.
        position: Position,
    },
    /// A numeric comparison (`|gt` and friends).
    Compare(CompareOp, Number),
    /// A comparison of one part of a timestamp (`|hour` and friends).
    TimePart(TimePart, Number),
}

impl Value {
    /// The value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Regex(_) => "a regular expression",
            Value::Network(_) => "a network",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::Exists(_) => "an existence check",
            Value::FieldRef { .. } => "a field reference",
            Value::Compare(..) => "a comparison",
            Value::TimePart(..) => "a timestamp part",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Part {
        Part::Text(s.to_string())
    }

    #[test]
    fn backslash_escapes_only_star_question_and_itself() {
        assert_eq!(
            SigmaString::parse(r"C:\Windows\x.exe"),
            SigmaString::literal(r"C:\Windows\x.exe")
        );
        assert_eq!(
            SigmaString::parse(r"C:\\Windows\\x.exe"),
            SigmaString::literal(r"C:\Windows\x.exe")
        );
        assert_eq!(SigmaString::parse(r"a\*b"), SigmaString::literal("a*b"));
        assert_eq!(SigmaString::parse(r"p\\\q"), SigmaString::literal(r"p\\q"));
        assert_eq!(SigmaString::parse(r"x\\\\y"), SigmaString::literal(r"x\\y"));
        assert_eq!(SigmaString::parse(r"end\"), SigmaString::literal(r"end\"));
        assert_eq!(SigmaString::parse(r"a\\\*b"), SigmaString::literal(r"a\*b"));
    }

    #[test]
    fn unescaped_wildcards_become_parts() {
        let s = SigmaString::parse(r"a\\*b?");
        assert_eq!(s.parts(), &[text("a\\"), Part::AnyChars, text("b"), Part::OneChar]);
        assert!(s.has_wildcards());
        assert_eq!(
            SigmaString::parse("**a***").parts(),
            &[Part::AnyChars, text("a"), Part::AnyChars]
        );
    }

    #[test]
    fn placeholders_only_with_expand() {
        let s = SigmaString::parse_with(r"%dir%\x \%y", true);
        assert_eq!(s.parts(), &[Part::Placeholder("dir".into()), text(r"\x %y")]);
        assert_eq!(SigmaString::parse("%dir%"), SigmaString::literal("%dir%"));
        assert_eq!(SigmaString::parse_with("50%", true), SigmaString::literal("50%"));
    }

    #[test]
    fn to_sigma_round_trips() {
        for raw in [r"a\*b", r"a\\*b", r"C:\\x", "*x?"] {
            let parsed = SigmaString::parse(raw);
            assert_eq!(SigmaString::parse(&parsed.to_sigma()), parsed);
        }
    }
}
