//! Modifier chains (`Field|contains|all`): parsing, checking, and applying them to values.
//!
//! A chain is read once, checked as a whole (unknown names, wrong order, incompatible
//! combinations), and then applied left to right to each YAML value, giving typed
//! [`Value`]s. Expanding modifiers (`windash`, `base64offset`) turn one value into several
//! alternatives that are always OR-ed, even under `all`. Item-level modifiers (`all`,
//! `cased`, `neq`) are returned as flags. Where the reference implementations and the
//! specification disagree, the specification wins (for instance `base64offset` works on
//! bytes, and `utf16` writes a real byte-order mark).

use std::str::FromStr;

use base64::Engine;
use serde_yaml::Value as Yaml;

use super::value::{CompareOp, Number, Part, Position, RegexFlags, SigmaRegex, SigmaString};
use super::value::{TimePart, Value};

/// The most alternatives one value may expand into (windash grows as 5^n).
const MAX_ALTERNATIVES: usize = 4096;

/// One modifier of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// `contains`
    Contains,
    /// `startswith`
    StartsWith,
    /// `endswith`
    EndsWith,
    /// `all`
    All,
    /// `base64`
    Base64,
    /// `base64offset`
    Base64Offset,
    /// `utf16le` (also `wide`)
    Utf16Le,
    /// `utf16be`
    Utf16Be,
    /// `utf16`
    Utf16,
    /// `windash`
    Windash,
    /// `re`
    Re,
    /// `i` / `ignorecase`
    IgnoreCase,
    /// `m` / `multiline`
    Multiline,
    /// `s` / `dotall`
    DotAll,
    /// `cidr`
    Cidr,
    /// `exists`
    Exists,
    /// `cased`
    Cased,
    /// `fieldref`
    FieldRef,
    /// `expand`
    Expand,
    /// `lt`, `lte`, `gt`, `gte`
    Compare(CompareOp),
    /// `neq`
    Neq,
    /// `minute` ... `year`
    Time(TimePart),
}

/// Every modifier name with its meaning.
const NAMES: [(&str, Modifier); 34] = [
    ("contains", Modifier::Contains),
    ("startswith", Modifier::StartsWith),
    ("endswith", Modifier::EndsWith),
    ("all", Modifier::All),
    ("base64", Modifier::Base64),
    ("base64offset", Modifier::Base64Offset),
    ("utf16le", Modifier::Utf16Le),
    ("wide", Modifier::Utf16Le),
    ("utf16be", Modifier::Utf16Be),
    ("utf16", Modifier::Utf16),
    ("windash", Modifier::Windash),
    ("re", Modifier::Re),
    ("i", Modifier::IgnoreCase),
    ("ignorecase", Modifier::IgnoreCase),
    ("m", Modifier::Multiline),
    ("multiline", Modifier::Multiline),
    ("s", Modifier::DotAll),
    ("dotall", Modifier::DotAll),
    ("cidr", Modifier::Cidr),
    ("exists", Modifier::Exists),
    ("cased", Modifier::Cased),
    ("fieldref", Modifier::FieldRef),
    ("expand", Modifier::Expand),
    ("lt", Modifier::Compare(CompareOp::Lt)),
    ("lte", Modifier::Compare(CompareOp::Lte)),
    ("gt", Modifier::Compare(CompareOp::Gt)),
    ("gte", Modifier::Compare(CompareOp::Gte)),
    ("neq", Modifier::Neq),
    ("minute", Modifier::Time(TimePart::Minute)),
    ("hour", Modifier::Time(TimePart::Hour)),
    ("day", Modifier::Time(TimePart::Day)),
    ("week", Modifier::Time(TimePart::Week)),
    ("month", Modifier::Time(TimePart::Month)),
    ("year", Modifier::Time(TimePart::Year)),
];

impl Modifier {
    /// The modifier spelled `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Modifier> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The modifier's (first) name.
    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(_, m)| *m == self).map_or("?", |(n, _)| n)
    }

    /// Modifiers that decide the value's type and so must come before value modifiers.
    fn is_type(self) -> bool {
        matches!(
            self,
            Modifier::Re
                | Modifier::Cidr
                | Modifier::Exists
                | Modifier::FieldRef
                | Modifier::Compare(_)
                | Modifier::Time(_)
        )
    }

    /// Modifiers that act on the whole item, not on each value.
    fn is_item_level(self) -> bool {
        matches!(self, Modifier::All | Modifier::Cased | Modifier::Neq | Modifier::Expand)
    }

    fn is_regex_flag(self) -> bool {
        matches!(self, Modifier::IgnoreCase | Modifier::Multiline | Modifier::DotAll)
    }

    fn is_position(self) -> bool {
        matches!(self, Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith)
    }
}

/// A modifier problem; the caller adds the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifierError {
    /// `unknown-modifier`, `invalid-modifier`, `invalid-regex` or `invalid-cidr`.
    pub code: &'static str,
    /// What is wrong, naming the modifier.
    pub message: String,
}

fn invalid(message: String) -> ModifierError {
    ModifierError { code: "invalid-modifier", message }
}

/// A checked modifier chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    modifiers: Vec<Modifier>,
}

/// The result of applying a chain to an item's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// One entry per YAML value; each entry is a set of alternatives, OR-ed.
    pub values: Vec<Vec<Value>>,
    /// `all`: the entries are AND-ed instead of OR-ed.
    pub all: bool,
    /// `cased`: strings match case-sensitively.
    pub cased: bool,
    /// `neq`: the whole item is negated.
    pub negated: bool,
}

impl Chain {
    /// Parses and checks the modifier names of one key (the parts after the field).
    pub fn parse(names: &[&str]) -> Result<Chain, ModifierError> {
        let mut modifiers = Vec::new();
        for name in names {
            let Some(modifier) = Modifier::from_name(name) else {
                let message = format!("unknown modifier `{name}`");
                return Err(ModifierError { code: "unknown-modifier", message });
            };
            if modifiers.contains(&modifier) {
                return Err(invalid(format!("modifier `{name}` given twice")));
            }
            modifiers.push(modifier);
        }
        let chain = Chain { modifiers };
        chain.check()?;
        Ok(chain)
    }

    /// The modifiers, in order.
    pub fn modifiers(&self) -> &[Modifier] {
        &self.modifiers
    }

    fn has(&self, modifier: Modifier) -> bool {
        self.modifiers.contains(&modifier)
    }

    /// The chain's type modifier, if any.
    fn type_modifier(&self) -> Option<Modifier> {
        self.modifiers.iter().copied().find(|m| m.is_type())
    }

    /// Value modifiers, in order (type and item-level modifiers left out).
    fn value_modifiers(&self) -> impl Iterator<Item = Modifier> + '_ {
        self.modifiers.iter().copied().filter(|m| !m.is_type() && !m.is_item_level())
    }

    /// Checks order and combinations.
    fn check(&self) -> Result<(), ModifierError> {
        let types: Vec<Modifier> = self.modifiers.iter().copied().filter(|m| m.is_type()).collect();
        if let [first, second, ..] = types.as_slice() {
            let (a, b) = (first.name(), second.name());
            return Err(invalid(format!("`{a}` and `{b}` cannot be combined")));
        }
        self.check_type_comes_first()?;
        self.check_regex_flags()?;
        self.check_after_type()?;
        if self.has(Modifier::Cased)
            && self.type_modifier().is_some_and(|t| t != Modifier::FieldRef)
        {
            let t = self.type_modifier().map_or("?", Modifier::name);
            return Err(invalid(format!("`cased` cannot apply to `{t}` values")));
        }
        Ok(())
    }

    fn check_type_comes_first(&self) -> Result<(), ModifierError> {
        let Some(t) = self.type_modifier() else { return Ok(()) };
        for m in &self.modifiers {
            if *m == t {
                break;
            }
            if !m.is_item_level() {
                let message = format!("`{}` must come before `{}`", t.name(), m.name());
                return Err(invalid(message));
            }
        }
        Ok(())
    }

    fn check_regex_flags(&self) -> Result<(), ModifierError> {
        match self.modifiers.iter().find(|m| m.is_regex_flag()) {
            Some(flag) if !self.has(Modifier::Re) => {
                Err(invalid(format!("regex flag `{}` needs `re` before it", flag.name())))
            }
            _ => Ok(()),
        }
    }

    /// Which value modifiers each type modifier allows after it.
    fn check_after_type(&self) -> Result<(), ModifierError> {
        let Some(t) = self.type_modifier() else { return Ok(()) };
        let allowed = |m: Modifier| match t {
            Modifier::Re => m.is_position() || m.is_regex_flag(),
            Modifier::FieldRef => m.is_position(),
            _ => false,
        };
        match self.value_modifiers().find(|m| !allowed(*m)) {
            Some(m) => Err(invalid(format!("`{}` cannot follow `{}`", m.name(), t.name()))),
            None => Ok(()),
        }
    }

    /// Applies the chain to a key's YAML value (a scalar or a list of scalars).
    pub fn apply(&self, values: &[&Yaml]) -> Result<Applied, ModifierError> {
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            out.push(self.apply_one(value)?);
        }
        Ok(Applied {
            values: out,
            all: self.has(Modifier::All),
            cased: self.has(Modifier::Cased),
            negated: self.has(Modifier::Neq),
        })
    }

    /// Applies the chain to one YAML scalar, giving its alternatives.
    fn apply_one(&self, yaml: &Yaml) -> Result<Vec<Value>, ModifierError> {
        let mut stages = vec![self.initial(yaml)?];
        for modifier in self.value_modifiers() {
            let mut next = Vec::new();
            for stage in stages {
                next.extend(apply_modifier(modifier, stage)?);
            }
            if next.len() > MAX_ALTERNATIVES {
                let message = format!("`{}` expands into too many variants", modifier.name());
                return Err(invalid(message));
            }
            stages = next;
        }
        stages.into_iter().map(Stage::finish).collect()
    }

    /// The typed value before value modifiers, decided by the type modifier.
    fn initial(&self, yaml: &Yaml) -> Result<Stage, ModifierError> {
        let value = match self.type_modifier() {
            Some(Modifier::Re) if self.has(Modifier::Expand) => {
                return Err(invalid("`expand` cannot apply to a regular expression".into()))
            }
            Some(Modifier::Re) => regex_value(yaml, self.regex_flags())?,
            Some(Modifier::Cidr) => network_value(yaml)?,
            Some(Modifier::Exists) => exists_value(yaml)?,
            Some(Modifier::FieldRef) => fieldref_value(yaml)?,
            Some(Modifier::Compare(op)) => Value::Compare(op, number_of(yaml, op_name(op))?),
            Some(Modifier::Time(part)) => Value::TimePart(part, number_of(yaml, "time part")?),
            _ => plain_value(yaml, self.has(Modifier::Expand))?,
        };
        Ok(Stage::Value(value))
    }

    fn regex_flags(&self) -> RegexFlags {
        RegexFlags {
            ignore_case: self.has(Modifier::IgnoreCase),
            multiline: self.has(Modifier::Multiline),
            dot_all: self.has(Modifier::DotAll),
        }
    }
}

fn op_name(op: CompareOp) -> &'static str {
    Modifier::Compare(op).name()
}

/// A value on its way through the chain: typed, or bytes from a UTF-16 encoder.
#[derive(Debug, Clone)]
enum Stage {
    Value(Value),
    Bytes(Vec<u8>),
}

impl Stage {
    fn finish(self) -> Result<Value, ModifierError> {
        match self {
            Stage::Value(v) => Ok(v),
            Stage::Bytes(_) => Err(invalid(
                "a UTF-16 encoding must be followed by `base64` or `base64offset`".into(),
            )),
        }
    }
}

/// Text of a YAML scalar as Sigma reads it.
fn scalar_text(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value without a type modifier: string, number, boolean or null.
fn plain_value(yaml: &Yaml, placeholders: bool) -> Result<Value, ModifierError> {
    match yaml {
        Yaml::Null => Ok(Value::Null),
        Yaml::Bool(b) => Ok(Value::Bool(*b)),
        Yaml::Number(n) => Ok(Value::Number(Number { text: n.to_string() })),
        Yaml::String(s) => Ok(Value::String(SigmaString::parse_with(s, placeholders))),
        Yaml::Tagged(t) => plain_value(&t.value, placeholders),
        other => Err(invalid(format!("a value must be a scalar, found {}", super::kind_of(other)))),
    }
}

fn regex_value(yaml: &Yaml, flags: RegexFlags) -> Result<Value, ModifierError> {
    let Some(pattern) = scalar_text(yaml) else {
        return Err(invalid("`re` needs a string".into()));
    };
    check_regex(&pattern)?;
    Ok(Value::Regex(SigmaRegex { pattern, flags }))
}

/// Checks that a pattern is a regular expression. Look-around and back-references, which
/// the checker lacks but PCRE has, pass here; targets that cannot express them say so. The
/// pattern is parsed, not compiled: compiling `(\s*\d{1,3}\s*,){46882}` took a third of
/// a second, and a rule file may hold hundreds of such patterns.
fn check_regex(pattern: &str) -> Result<(), ModifierError> {
    let Err(err) = regex_syntax::Parser::new().parse(pattern) else { return Ok(()) };
    let text = err.to_string();
    if text.contains("look-around") || text.contains("backreference") {
        return Ok(());
    }
    let detail = text.lines().last().unwrap_or("").trim().to_string();
    Err(ModifierError { code: "invalid-regex", message: format!("`re`: {detail}") })
}

fn network_value(yaml: &Yaml) -> Result<Value, ModifierError> {
    let text = scalar_text(yaml).unwrap_or_default();
    let bad = |why: &str| ModifierError {
        code: "invalid-cidr",
        message: format!("`cidr`: `{text}` {why}"),
    };
    let net = match ipnet::IpNet::from_str(text.trim()) {
        Ok(net) => net,
        Err(_) => match std::net::IpAddr::from_str(text.trim()) {
            Ok(addr) => ipnet::IpNet::from(addr),
            Err(_) => return Err(bad("is not an IPv4 or IPv6 network")),
        },
    };
    if net.trunc() != net {
        return Err(bad("has host bits set"));
    }
    Ok(Value::Network(net))
}

fn exists_value(yaml: &Yaml) -> Result<Value, ModifierError> {
    match yaml {
        Yaml::Bool(b) => Ok(Value::Exists(*b)),
        Yaml::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Exists(true)),
        Yaml::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Exists(false)),
        _ => Err(invalid("`exists` needs true or false".into())),
    }
}

fn fieldref_value(yaml: &Yaml) -> Result<Value, ModifierError> {
    match scalar_text(yaml) {
        Some(field) if !field.is_empty() => {
            Ok(Value::FieldRef { field, position: Position::Equals })
        }
        _ => Err(invalid("`fieldref` needs a field name".into())),
    }
}

fn number_of(yaml: &Yaml, modifier: &str) -> Result<Number, ModifierError> {
    match yaml {
        Yaml::Number(n) => Ok(Number { text: n.to_string() }),
        _ => Err(invalid(format!("`{modifier}` needs a number"))),
    }
}

/// Applies one value modifier to one stage.
fn apply_modifier(modifier: Modifier, stage: Stage) -> Result<Vec<Stage>, ModifierError> {
    let value = match stage {
        Stage::Bytes(bytes) => return encode_bytes(modifier, bytes),
        Stage::Value(value) => value,
    };
    let one = |v: Value| Ok(vec![Stage::Value(v)]);
    match modifier {
        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => {
            one(position(modifier, value)?)
        }
        Modifier::Windash => {
            Ok(windash(&string_of(modifier, value)?).into_iter().map(Stage::Value).collect())
        }
        Modifier::Base64
        | Modifier::Base64Offset
        | Modifier::Utf16Le
        | Modifier::Utf16Be
        | Modifier::Utf16 => {
            let text = wildcard_free(modifier, &string_of(modifier, value)?)?;
            encode_text(modifier, &text)
        }
        _ => one(value),
    }
}

/// A value as a string, for string modifiers (numbers count as their text).
fn string_of(modifier: Modifier, value: Value) -> Result<SigmaString, ModifierError> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(SigmaString::literal(&n.text)),
        other => Err(invalid(format!("`{}` cannot apply to {}", modifier.name(), other.kind()))),
    }
}

fn wildcard_free(modifier: Modifier, s: &SigmaString) -> Result<String, ModifierError> {
    s.as_plain().ok_or_else(|| {
        invalid(format!(
            "`{}` cannot encode a value with wildcards or placeholders",
            modifier.name()
        ))
    })
}

/// `contains`, `startswith`, `endswith` on strings, regexes and field references.
fn position(modifier: Modifier, value: Value) -> Result<Value, ModifierError> {
    match value {
        // The specification gives `re` only the flags `i`, `m`, `s`; guessing where a
        // position modifier would put its anchor in an arbitrary pattern (`^a|b`, `a\$`) is
        // how converters get it wrong, so the rule must write the anchor itself.
        Value::Regex(_) => Err(invalid(format!(
            "`{}` cannot apply to a regular expression: write `^` or `$` in the pattern",
            modifier.name()
        ))),
        Value::FieldRef { field, position: Position::Equals } => {
            let position = match modifier {
                Modifier::Contains => Position::Contains,
                Modifier::StartsWith => Position::StartsWith,
                _ => Position::EndsWith,
            };
            Ok(Value::FieldRef { field, position })
        }
        other => {
            let mut s = string_of(modifier, other)?;
            if modifier != Modifier::StartsWith {
                s.prepend_any();
            }
            if modifier != Modifier::EndsWith {
                s.append_any();
            }
            Ok(Value::String(s))
        }
    }
}

/// Encodes text for `base64`, `base64offset` or a UTF-16 encoder.
fn encode_text(modifier: Modifier, text: &str) -> Result<Vec<Stage>, ModifierError> {
    match modifier {
        Modifier::Utf16Le => Ok(vec![Stage::Bytes(utf16(text, false))]),
        Modifier::Utf16Be => Ok(vec![Stage::Bytes(utf16(text, true))]),
        Modifier::Utf16 => {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(utf16(text, false));
            Ok(vec![Stage::Bytes(bytes)])
        }
        _ => encode_bytes(modifier, text.as_bytes().to_vec()),
    }
}

/// Applies a modifier to encoded bytes: only the Base64 modifiers can take them.
fn encode_bytes(modifier: Modifier, bytes: Vec<u8>) -> Result<Vec<Stage>, ModifierError> {
    let literal = |s: String| Stage::Value(Value::String(SigmaString::literal(&s)));
    match modifier {
        Modifier::Base64 => Ok(vec![literal(base64_encode(&bytes))]),
        Modifier::Base64Offset => Ok(base64_offsets(&bytes).into_iter().map(literal).collect()),
        _ => Err(invalid(format!(
            "`{}` cannot follow a UTF-16 encoding (use `base64` or `base64offset`)",
            modifier.name()
        ))),
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let units = text.encode_utf16();
    if big_endian {
        units.flat_map(u16::to_be_bytes).collect()
    } else {
        units.flat_map(u16::to_le_bytes).collect()
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The three Base64 forms of `bytes` at offsets 0, 1 and 2 inside a longer text, with the
/// characters that depend on the neighbouring bytes cut off. Empty forms are left out: under
/// `contains` they would match everything.
pub fn base64_offsets(bytes: &[u8]) -> Vec<String> {
    const START: [usize; 3] = [0, 2, 3];
    const END_TRIM: [usize; 3] = [0, 3, 2];
    let mut out = Vec::new();
    for shift in 0..3 {
        let mut padded = vec![b' '; shift];
        padded.extend_from_slice(bytes);
        let encoded = base64_encode(&padded);
        let end = encoded.len().saturating_sub(END_TRIM[(bytes.len() + shift) % 3]);
        if let Some(piece) = encoded.get(START[shift]..end).filter(|p| !p.is_empty()) {
            out.push(piece.to_string());
        }
    }
    out
}

/// The dashes `windash` swaps: hyphen-minus, slash, en dash, em dash, horizontal bar.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// One character of a string being expanded, or a non-text part kept as it is.
#[derive(Clone)]
enum Piece {
    Char(char),
    Other(Part),
}

/// Every variant of `s` with each command-line dash (a dash after a non-word character
/// and before a word character) replaced by each of [`DASHES`]; the first dash varies
/// slowest.
fn windash(s: &SigmaString) -> Vec<Value> {
    let pieces = pieces_of(s);
    let slots: Vec<usize> = (0..pieces.len()).filter(|&i| is_flag_dash(&pieces, i)).collect();
    let mut variants = vec![pieces];
    for slot in slots {
        let mut next = Vec::with_capacity(variants.len() * DASHES.len());
        for variant in &variants {
            for dash in DASHES {
                let mut v = variant.clone();
                v[slot] = Piece::Char(dash);
                next.push(v);
            }
        }
        variants = next;
        if variants.len() > MAX_ALTERNATIVES {
            break;
        }
    }
    variants.into_iter().map(|v| Value::String(string_of_pieces(v))).collect()
}

fn pieces_of(s: &SigmaString) -> Vec<Piece> {
    let mut out = Vec::new();
    for part in s.parts() {
        match part {
            Part::Text(t) => out.extend(t.chars().map(Piece::Char)),
            other => out.push(Piece::Other(other.clone())),
        }
    }
    out
}

fn string_of_pieces(pieces: Vec<Piece>) -> SigmaString {
    SigmaString::from_parts(pieces.into_iter().map(|p| match p {
        Piece::Char(c) => Part::Text(c.to_string()),
        Piece::Other(part) => part,
    }))
}

fn is_word(piece: Option<&Piece>) -> bool {
    matches!(piece, Some(Piece::Char(c)) if c.is_alphanumeric() || *c == '_')
}

fn is_flag_dash(pieces: &[Piece], i: usize) -> bool {
    let dash = matches!(pieces.get(i), Some(Piece::Char(c)) if DASHES.contains(c));
    let before = i.checked_sub(1).and_then(|j| pieces.get(j));
    dash && !is_word(before) && is_word(pieces.get(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(names: &[&str], yaml: &str) -> Result<Applied, ModifierError> {
        let value: Yaml = serde_yaml::from_str(yaml).unwrap();
        let values: Vec<&Yaml> = match &value {
            Yaml::Sequence(items) => items.iter().collect(),
            other => vec![other],
        };
        Chain::parse(names)?.apply(&values)
    }

    fn strings(applied: &Applied) -> Vec<Vec<String>> {
        let text = |v: &Value| match v {
            Value::String(s) => s.to_sigma(),
            other => format!("{other:?}"),
        };
        applied.values.iter().map(|alts| alts.iter().map(text).collect()).collect()
    }

    #[test]
    fn a_regex_takes_no_position_modifier_and_no_expand() {
        for chain in
            [["re", "startswith"], ["re", "endswith"], ["re", "contains"], ["re", "expand"]]
        {
            let error = apply(&chain, "'^a|b'").expect_err("an invalid chain");
            assert_eq!(error.code, "invalid-modifier");
            assert!(error.message.contains("regular expression"), "{chain:?}: {error:?}");
        }
        assert!(apply(&["re", "i"], "'^a|b'").is_ok());
    }

    #[test]
    fn unknown_and_misplaced_modifiers_are_errors() {
        assert_eq!(Chain::parse(&["contians"]).unwrap_err().code, "unknown-modifier");
        let err = Chain::parse(&["contains", "re"]).unwrap_err();
        assert_eq!(err.code, "invalid-modifier");
        assert!(err.message.contains("`re`"), "{}", err.message);
        assert!(Chain::parse(&["i"]).is_err());
        assert!(Chain::parse(&["cidr", "contains"]).is_err());
        assert!(Chain::parse(&["re", "i", "contains", "all"]).is_ok());
        assert!(Chain::parse(&["all", "re"]).is_ok());
    }

    #[test]
    fn position_modifiers_add_wildcards_once() {
        let a = apply(&["contains"], "['x', '*y*', '']").unwrap();
        assert_eq!(strings(&a), vec![vec!["*x*"], vec!["*y*"], vec!["*"]]);
        let a = apply(&["endswith"], r"'\cmd.exe'").unwrap();
        assert_eq!(strings(&a), vec![vec![r"*\\cmd.exe"]]);
    }

    #[test]
    fn base64offset_gives_three_trimmed_variants() {
        assert_eq!(base64_offsets(b"http"), vec!["aHR0c", "h0dH", "odHRw"]);
        let a = apply(&["wide", "base64offset", "contains"], "ping").unwrap();
        assert_eq!(strings(&a), vec![vec!["*cABpAG4AZw*", "*AAaQBuAGcA*", "*wAGkAbgBnA*"]]);
    }

    #[test]
    fn base64offset_leaves_out_empty_variants() {
        assert!(base64_offsets(b"a").iter().all(|v| !v.is_empty()));
        assert_eq!(base64_offsets(b"a").len(), 2);
    }

    #[test]
    fn utf16_writes_a_byte_order_mark() {
        let a = apply(&["utf16", "base64"], "ab").unwrap();
        assert_eq!(strings(&a), vec![vec!["//5hAGIA"]]);
        let a = apply(&["utf16be", "base64"], "\u{100}").unwrap();
        assert_eq!(strings(&a), vec![vec!["AQA="]]);
    }

    #[test]
    fn windash_expands_every_flag_dash_five_ways() {
        let a = apply(&["windash"], "'-a /b'").unwrap();
        let got = &strings(&a)[0];
        assert_eq!(got.len(), 25);
        assert_eq!(got[0], "-a -b");
        assert_eq!(got[1], "-a /b");
        assert_eq!(got[5], "/a -b");
        assert!(got.contains(&"\u{2015}a \u{2014}b".to_string()));
        let a = apply(&["windash"], "'a-b'").unwrap();
        assert_eq!(strings(&a)[0], vec!["a-b"]);
    }

    #[test]
    fn encoders_refuse_wildcards_and_need_base64() {
        assert!(apply(&["base64"], "'a*'").is_err());
        assert!(apply(&["wide"], "a").is_err());
    }

    #[test]
    fn cidr_needs_a_network() {
        assert_eq!(apply(&["cidr"], "nope").unwrap_err().code, "invalid-cidr");
        assert_eq!(apply(&["cidr"], "10.0.0.1/8").unwrap_err().code, "invalid-cidr");
        assert!(apply(&["cidr"], "'fe80::/10'").is_ok());
    }

    #[test]
    fn regex_flags_and_validity() {
        let a = apply(&["re", "i"], "'a.c'").unwrap();
        let Value::Regex(re) = &a.values[0][0] else { panic!("not a regex") };
        assert!(re.flags.ignore_case && !re.flags.multiline);
        assert_eq!(apply(&["re"], "'a(b'").unwrap_err().code, "invalid-regex");
        assert!(apply(&["re"], "'a(?=b)'").is_ok());
    }

    #[test]
    fn item_level_flags() {
        let a = apply(&["contains", "all", "neq"], "[a, b]").unwrap();
        assert!(a.all && a.negated && !a.cased);
        assert!(apply(&["gt"], "'5'").is_err());
        assert_eq!(
            apply(&["gte"], "5").unwrap().values[0][0],
            Value::Compare(CompareOp::Gte, Number { text: "5".into() })
        );
        assert!(apply(&["exists"], "yes-please").is_err());
    }
}
