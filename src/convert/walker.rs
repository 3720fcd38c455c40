//! The shared walker: turns a detection's condition tree into a query string of one dialect.
//!
//! The walker knows the shape of Sigma (selections, branches, items, alternatives) and asks
//! the [`Dialect`] table for every piece of text. Negation travels down as an argument: a
//! single match takes it into its own template (`NOT _exists_:F` becomes `_exists_:F`), a
//! group takes it as `NOT (...)`. Every compound part inside another is parenthesised,
//! including every `NOT`: Lucene's classic parser reads `NOT a OR b` as "b and not a", so
//! precedence must never be left to it.

use super::dialect::{fill, Dialect, Quoting, RegexFlavor};
use super::{regex, Unsupported};
use crate::sigma::condition::{Aggregation, Condition};
use crate::sigma::detection::{Item, Selection};
use crate::sigma::value::{CompareOp, Number, Part, SigmaString, TimePart, Value};
use crate::sigma::Detection;

/// A rendered part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// The text.
    pub text: String,
    /// Whether it must be parenthesised when it is part of something larger.
    pub compound: bool,
}

impl Expr {
    fn atom(text: String) -> Expr {
        Expr { text, compound: false }
    }
}

/// How the parts of a group are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    And,
    Or,
}

/// Walks one detection in one dialect.
pub struct Walker<'a> {
    dialect: &'a Dialect,
    selections: &'a [Selection],
}

/// The query for a whole detection.
pub fn query(dialect: &Dialect, detection: &Detection) -> Result<String, Unsupported> {
    query_of(dialect, detection, detection.condition())
}

/// The query for one condition (sub)tree of a detection.
pub fn query_of(
    dialect: &Dialect,
    detection: &Detection,
    condition: &Condition,
) -> Result<String, Unsupported> {
    let walker = Walker { dialect, selections: detection.selections() };
    walker.condition(condition, false).map(|e| e.text)
}

impl Walker<'_> {
    fn refuse(&self, reason: impl Into<String>) -> Unsupported {
        Unsupported { target: self.dialect.target, reason: reason.into() }
    }

    /// An `|expand` placeholder that the configuration gives no values.
    fn unfilled(&self, name: &str) -> Unsupported {
        self.refuse(format!("placeholder %{name}% (|expand) has no value in `placeholders`"))
    }

    fn condition(&self, condition: &Condition, negated: bool) -> Result<Expr, Unsupported> {
        match condition {
            Condition::Selection(i) => match self.selections.get(*i) {
                Some(selection) => self.selection(selection, negated),
                None => Err(self.refuse("undefined selection")),
            },
            Condition::Not(inner) => self.condition(inner, !negated),
            Condition::And(parts) => {
                self.group(parts, Link::And, negated, |c, n| self.condition(c, n))
            }
            Condition::Or(parts) => {
                self.group(parts, Link::Or, negated, |c, n| self.condition(c, n))
            }
            Condition::Aggregation(_, aggregation) => {
                Err(self.refuse(aggregation_reason(aggregation)))
            }
        }
    }

    /// Links the parts; a lone part takes the negation itself.
    fn group<T>(
        &self,
        parts: &[T],
        link: Link,
        negated: bool,
        build: impl Fn(&T, bool) -> Result<Expr, Unsupported>,
    ) -> Result<Expr, Unsupported> {
        match parts {
            [] => Err(self.refuse("empty expression")),
            [only] => build(only, negated),
            _ => {
                let built = parts.iter().map(|p| build(p, false)).collect::<Result<Vec<_>, _>>()?;
                Ok(self.negate_if(self.join(built, link), negated))
            }
        }
    }

    fn join(&self, parts: Vec<Expr>, link: Link) -> Expr {
        let separator = match link {
            Link::And => self.dialect.and,
            Link::Or => self.dialect.or,
        };
        let texts: Vec<String> = parts.into_iter().map(|p| self.nested(p)).collect();
        Expr { text: texts.join(separator), compound: true }
    }

    /// The text of a part inside a larger expression.
    fn nested(&self, expr: Expr) -> String {
        if expr.compound {
            format!("{}{}{}", self.dialect.group_open, expr.text, self.dialect.group_close)
        } else {
            expr.text
        }
    }

    fn negate_if(&self, expr: Expr, negated: bool) -> Expr {
        if !negated {
            return expr;
        }
        Expr { text: format!("{}{}", self.dialect.not, self.nested(expr)), compound: true }
    }

    fn selection(&self, selection: &Selection, negated: bool) -> Result<Expr, Unsupported> {
        self.group(&selection.branches, Link::Or, negated, |branch, n| {
            self.group(branch, Link::And, n, |item, n| self.item(item, n))
        })
    }

    fn item(&self, item: &Item, negated: bool) -> Result<Expr, Unsupported> {
        if item.cased {
            return Err(self.refuse("case-sensitive match (|cased)"));
        }
        let negated = negated != item.negated;
        let link = if item.all { Link::And } else { Link::Or };
        let Some(field) = &item.field else {
            return self.group(&item.values, link, negated, |alternatives, n| {
                self.group(alternatives, Link::Or, n, |v, n| self.keyword(v, n))
            });
        };
        let field = self.dialect.escape_field(field);
        if !item.all {
            let every: Vec<&Value> = item.values.iter().flatten().collect();
            if let Some(list) = self.in_list(&field, &every)? {
                return Ok(self.negate_if(list, negated));
            }
        }
        self.group(&item.values, link, negated, |alternatives, n| {
            let every: Vec<&Value> = alternatives.iter().collect();
            match self.in_list(&field, &every)? {
                Some(list) => Ok(self.negate_if(list, n)),
                None => self.group(alternatives, Link::Or, n, |v, n| self.leaf(&field, v, n)),
            }
        })
    }

    /// `F:(a OR b)` when there are several plain values; `None` otherwise.
    fn in_list(&self, field: &str, values: &[&Value]) -> Result<Option<Expr>, Unsupported> {
        if values.len() < 2 || !values.iter().all(|v| listable(v)) {
            return Ok(None);
        }
        let texts = values.iter().map(|v| self.value_text(v)).collect::<Result<Vec<_>, _>>()?;
        let joined = texts.join(self.dialect.list_separator);
        let text = fill(self.dialect.in_list, &[("field", field), ("values", &joined)]);
        Ok(Some(Expr::atom(text)))
    }

    /// One field matching one value.
    fn leaf(&self, field: &str, value: &Value, negated: bool) -> Result<Expr, Unsupported> {
        let d = self.dialect;
        let text = match value {
            Value::Null => return Ok(self.exists(field, negated)),
            Value::Exists(present) => return Ok(self.exists(field, *present != negated)),
            Value::String(s) if s.is_empty() => fill(d.empty, &[("field", field)]),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                fill(d.equals, &[("field", field), ("value", &self.value_text(value)?)])
            }
            Value::Regex(re) => fill(d.regex, &[("field", field), ("value", &self.regex(re)?)]),
            Value::Network(net) => {
                fill(d.cidr, &[("field", field), ("value", &d.escape_value(&net.to_string()))])
            }
            Value::Compare(op, number) => {
                let op = d.compare_ops[compare_index(*op)];
                let value = d.escape_value(&self.number(number)?.text);
                fill(d.compare, &[("field", field), ("op", op), ("value", &value)])
            }
            Value::FieldRef { .. } => return Err(self.refuse("field reference (|fieldref)")),
            Value::TimePart(part, _) => return Err(self.refuse(time_reason(*part))),
        };
        Ok(self.negate_if(Expr::atom(text), negated))
    }

    /// The field is present (`present`) or null/missing.
    fn exists(&self, field: &str, present: bool) -> Expr {
        let check = Expr::atom(fill(self.dialect.exists, &[("field", field)]));
        self.negate_if(check, !present)
    }

    /// A value searched anywhere in the event.
    fn keyword(&self, value: &Value, negated: bool) -> Result<Expr, Unsupported> {
        let d = self.dialect;
        let text = match value {
            Value::Regex(re) => fill(d.keyword_regex, &[("value", &self.regex(re)?)]),
            // An empty keyword would become `*`, every event. Dropping it with a warning was
            // rejected: under `not` or inside an OR it changes which events match, while a
            // refusal never prints a query that means something else.
            Value::String(s) if s.is_empty() => return Err(self.refuse("empty keyword")),
            Value::String(s) => fill(d.keyword, &[("value", &self.keyword_text(s.clone())?)]),
            Value::Number(n) => {
                let s = SigmaString::literal(&self.number(n)?.text);
                fill(d.keyword, &[("value", &self.keyword_text(s)?)])
            }
            Value::Bool(b) => {
                let s = SigmaString::literal(&b.to_string());
                fill(d.keyword, &[("value", &self.keyword_text(s)?)])
            }
            other => return Err(self.refuse(format!("keyword search with {}", other.kind()))),
        };
        Ok(self.negate_if(Expr::atom(text), negated))
    }

    fn keyword_text(&self, mut s: SigmaString) -> Result<String, Unsupported> {
        if self.dialect.keyword_wildcards {
            s.prepend_any();
            s.append_any();
        }
        self.string_text(&s, Quoting::Escaped)
    }

    /// A string, number or boolean written as a value.
    fn value_text(&self, value: &Value) -> Result<String, Unsupported> {
        match value {
            Value::String(s) => self.string_text(s, self.dialect.quoting),
            Value::Number(n) => {
                Ok(self.dialect.unreserve(self.dialect.escape_value(&self.number(n)?.text)))
            }
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.refuse(format!("{} in a value list", other.kind()))),
        }
    }

    /// A Sigma string: quoted when the dialect quotes and there are no wildcards, else
    /// escaped with the wildcards kept.
    fn string_text(&self, s: &SigmaString, quoting: Quoting) -> Result<String, Unsupported> {
        let d = self.dialect;
        if let Some(name) = s.placeholder_names().next() {
            return Err(self.unfilled(name));
        }
        if let (Some(plain), Quoting::Quoted) = (s.as_plain(), quoting) {
            return Ok(d.quote_value(&plain));
        }
        let mut out = String::new();
        for part in s.parts() {
            match part {
                Part::Text(t) => out.push_str(&d.escape_value(t)),
                Part::AnyChars => out.push_str(d.many),
                Part::OneChar => out.push_str(d.one),
                Part::Placeholder(name) => return Err(self.unfilled(name)),
            }
        }
        Ok(d.unreserve(out))
    }

    /// The number, unless it is NaN or infinite: `Count:>=.nan` would be read as text.
    fn number<'n>(&self, number: &'n Number) -> Result<&'n Number, Unsupported> {
        if number.is_finite() {
            Ok(number)
        } else {
            Err(self.refuse("non-finite number"))
        }
    }

    fn regex(&self, re: &crate::sigma::value::SigmaRegex) -> Result<String, Unsupported> {
        match self.dialect.regex_flavor {
            RegexFlavor::Lucene8 => regex::to_lucene(re).map_err(|r| self.refuse(r)),
        }
    }
}

/// Values that can share one `F:(a OR b)` list.
fn listable(value: &Value) -> bool {
    match value {
        Value::String(s) => !s.is_empty() && !s.has_placeholders(),
        Value::Number(_) | Value::Bool(_) => true,
        _ => false,
    }
}

fn compare_index(op: CompareOp) -> usize {
    match op {
        CompareOp::Lt => 0,
        CompareOp::Lte => 1,
        CompareOp::Gt => 2,
        CompareOp::Gte => 3,
    }
}

fn time_reason(part: TimePart) -> String {
    let name = match part {
        TimePart::Minute => "minute",
        TimePart::Hour => "hour",
        TimePart::Day => "day",
        TimePart::Week => "week",
        TimePart::Month => "month",
        TimePart::Year => "year",
    };
    format!("timestamp part (|{name})")
}

/// The reason a query-string target gives for a legacy aggregation.
pub fn aggregation_reason(aggregation: &Aggregation) -> String {
    match aggregation {
        Aggregation::Near(_) => "near aggregation".into(),
        Aggregation::Function { function, .. } => format!("aggregation (| {})", function.name()),
    }
}
