//! The condition: a boolean expression over the detection's search identifiers.
//!
//! Precedence, loosest first: `or`, `and`, `not`, then `x of` selectors and parentheses.
//! Keywords are read case-insensitively (2020 rules write `AND`), and only as whole words,
//! so `notepad_sel` is one identifier. Selectors (`1 of sel*`, `all of them`) are resolved
//! to the identifiers they name when parsing; identifiers starting with `_` are left out
//! unless the pattern starts with `_`. The deprecated pipe aggregations (`| count() by F > N`,
//! `| near a and not b`) become an [`Condition::Aggregation`] node at the top. Positions of
//! selections are indices into the detection's selection list.

use std::iter::Peekable;
use std::vec::IntoIter;

/// The deepest nesting a condition may have (guards the recursive parser's stack).
const MAX_DEPTH: usize = 64;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A search identifier, by its index in the detection.
    Selection(usize),
    /// Logical negation.
    Not(Box<Condition>),
    /// All of the parts.
    And(Vec<Condition>),
    /// Any of the parts.
    Or(Vec<Condition>),
    /// A search with a legacy aggregation over its matches.
    Aggregation(Box<Condition>, Aggregation),
}

/// A legacy (Sigma v1) aggregation after `|`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aggregation {
    /// `count(F) by G > N` and the other functions.
    Function {
        /// The function.
        function: AggFunction,
        /// Its argument: `count()` has none.
        field: Option<String>,
        /// The `by` field.
        group_by: Option<String>,
        /// The comparison.
        op: AggOp,
        /// The number compared with, as written.
        threshold: String,
    },
    /// `near a and not b`: the search's events near these others.
    Near(Box<Condition>),
}

/// An aggregation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunction {
    /// `count`: events, or distinct values of the field.
    Count,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `avg`
    Avg,
    /// `sum`
    Sum,
}

impl AggFunction {
    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            AggFunction::Count => "count",
            AggFunction::Min => "min",
            AggFunction::Max => "max",
            AggFunction::Avg => "avg",
            AggFunction::Sum => "sum",
        }
    }

    fn from_word(word: &str) -> Option<AggFunction> {
        let all = [AggFunction::Count, AggFunction::Min, AggFunction::Max];
        let all = all.into_iter().chain([AggFunction::Avg, AggFunction::Sum]);
        all.into_iter().find(|f| f.name().eq_ignore_ascii_case(word))
    }
}

/// An aggregation comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggOp {
    /// `==`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

/// A condition parse problem: `condition-syntax` or `undefined-selection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    /// The stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

fn syntax(message: impl Into<String>) -> ConditionError {
    ConditionError { code: "condition-syntax", message: message.into() }
}

fn undefined(message: impl Into<String>) -> ConditionError {
    ConditionError { code: "undefined-selection", message: message.into() }
}

/// Parses one condition string; `names` are the detection's identifiers in source order.
pub fn parse(text: &str, names: &[String]) -> Result<Condition, ConditionError> {
    let (search, aggregation) = match text.split_once('|') {
        Some((search, aggregation)) => (search, Some(aggregation)),
        None => (text, None),
    };
    let mut parser = Parser::new(tokenize(search)?, names);
    let condition = parser.expression()?;
    parser.expect_end()?;
    match aggregation {
        None => Ok(condition),
        Some(agg) => {
            let aggregation = Parser::new(tokenize(agg)?, names).aggregation()?;
            Ok(Condition::Aggregation(Box::new(condition), aggregation))
        }
    }
}

/// One lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Open,
    Close,
    Op(AggOp),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.')
}

fn tokenize(text: &str) -> Result<Vec<Token>, ConditionError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '<' | '>' | '=' => tokens.push(Token::Op(operator(&mut chars)?)),
            c if is_word_char(c) => {
                let mut word = String::new();
                while let Some(c) = chars.next_if(|c| is_word_char(*c)) {
                    word.push(c);
                }
                tokens.push(Token::Word(word));
            }
            other => return Err(syntax(format!("unexpected character `{other}` in condition"))),
        }
    }
    Ok(tokens)
}

fn operator(chars: &mut Peekable<std::str::Chars<'_>>) -> Result<AggOp, ConditionError> {
    let first = chars.next().unwrap_or('=');
    let equals = chars.next_if_eq(&'=').is_some();
    match (first, equals) {
        ('=', true) => Ok(AggOp::Eq),
        ('<', false) => Ok(AggOp::Lt),
        ('<', true) => Ok(AggOp::Lte),
        ('>', false) => Ok(AggOp::Gt),
        ('>', true) => Ok(AggOp::Gte),
        _ => Err(syntax("`=` is not an operator (write `==`)")),
    }
}

/// Whether `word` is the keyword `keyword`, in any letter case.
fn is_keyword(token: Option<&Token>, keyword: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
}

/// A recursive-descent parser over the tokens of one condition.
struct Parser<'a> {
    tokens: Peekable<IntoIter<Token>>,
    names: &'a [String],
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(tokens: Vec<Token>, names: &'a [String]) -> Self {
        Parser { tokens: tokens.into_iter().peekable(), names, depth: 0 }
    }

    fn expect_end(&mut self) -> Result<(), ConditionError> {
        match self.tokens.next() {
            None => Ok(()),
            Some(token) => Err(syntax(format!("unexpected {} in condition", describe(&token)))),
        }
    }

    fn expression(&mut self) -> Result<Condition, ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(syntax("condition nested too deeply"));
        }
        let result = self.binary("or");
        self.depth -= 1;
        result
    }

    /// `or`-expression (keyword `or`) or `and`-expression (keyword `and`).
    fn binary(&mut self, keyword: &str) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.operand(keyword)?];
        while is_keyword(self.tokens.peek(), keyword) {
            self.tokens.next();
            parts.push(self.operand(keyword)?);
        }
        Ok(match (parts.len(), keyword) {
            (1, _) => parts.remove(0),
            (_, "or") => Condition::Or(parts),
            _ => Condition::And(parts),
        })
    }

    fn operand(&mut self, keyword: &str) -> Result<Condition, ConditionError> {
        if keyword == "or" {
            self.binary("and")
        } else {
            self.negation()
        }
    }

    fn negation(&mut self) -> Result<Condition, ConditionError> {
        if is_keyword(self.tokens.peek(), "not") {
            self.tokens.next();
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(syntax("condition nested too deeply"));
            }
            let inner = self.negation();
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition, ConditionError> {
        match self.tokens.next() {
            Some(Token::Open) => {
                let inner = self.expression()?;
                match self.tokens.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(syntax("missing `)` in condition")),
                }
            }
            Some(Token::Word(word)) => self.word(word),
            Some(token) => Err(syntax(format!("unexpected {} in condition", describe(&token)))),
            None => Err(syntax("condition ends too early")),
        }
    }

    /// An identifier, or a selector when the word is a quantifier followed by `of`.
    fn word(&mut self, word: String) -> Result<Condition, ConditionError> {
        let quantifier = ["1", "any", "all"].iter().any(|q| word.eq_ignore_ascii_case(q));
        if quantifier && is_keyword(self.tokens.peek(), "of") {
            self.tokens.next();
            let Some(Token::Word(pattern)) = self.tokens.next() else {
                return Err(syntax(format!("`{word} of` needs a pattern or `them`")));
            };
            return self.selector(word.eq_ignore_ascii_case("all"), &pattern);
        }
        if ["and", "or", "not", "of"].iter().any(|k| word.eq_ignore_ascii_case(k)) {
            return Err(syntax(format!("unexpected `{word}` in condition")));
        }
        self.identifier(&word)
    }

    fn identifier(&self, name: &str) -> Result<Condition, ConditionError> {
        match self.names.iter().position(|n| n == name) {
            Some(index) => Ok(Condition::Selection(index)),
            None => Err(undefined(format!("condition names `{name}`, which is not defined"))),
        }
    }

    fn selector(&self, all: bool, pattern: &str) -> Result<Condition, ConditionError> {
        let them = pattern.eq_ignore_ascii_case("them");
        let hidden_ok = pattern.starts_with('_');
        let mut parts: Vec<Condition> = (0..self.names.len())
            .filter(|&i| hidden_ok || !self.names[i].starts_with('_'))
            .filter(|&i| them || glob_match(pattern, &self.names[i]))
            .map(Condition::Selection)
            .collect();
        match parts.len() {
            0 => Err(undefined(format!("`{pattern}` matches no search identifier"))),
            1 => Ok(parts.remove(0)),
            _ if all => Ok(Condition::And(parts)),
            _ => Ok(Condition::Or(parts)),
        }
    }

    /// `count(F) by G > N`, `min(F) ...`, or `near a and not b`.
    fn aggregation(&mut self) -> Result<Aggregation, ConditionError> {
        let Some(Token::Word(word)) = self.tokens.next() else {
            return Err(syntax("`|` must be followed by an aggregation"));
        };
        if word.eq_ignore_ascii_case("near") {
            let condition = self.expression()?;
            self.expect_end()?;
            return Ok(Aggregation::Near(Box::new(condition)));
        }
        let Some(function) = AggFunction::from_word(&word) else {
            return Err(syntax(format!("unknown aggregation `{word}`")));
        };
        let field = self.aggregation_argument(function)?;
        let group_by = self.group_by()?;
        let Some(Token::Op(op)) = self.tokens.next() else {
            return Err(syntax("aggregation needs a comparison such as `> 5`"));
        };
        let threshold = match self.tokens.next() {
            Some(Token::Word(n)) if n.parse::<f64>().is_ok() => n,
            _ => return Err(syntax("aggregation must compare with a number")),
        };
        self.expect_end()?;
        Ok(Aggregation::Function { function, field, group_by, op, threshold })
    }

    fn aggregation_argument(&mut self, f: AggFunction) -> Result<Option<String>, ConditionError> {
        if self.tokens.next() != Some(Token::Open) {
            return Err(syntax(format!("`{}` needs parentheses", f.name())));
        }
        let field = match self.tokens.next() {
            Some(Token::Close) => return self.argument_present(f, None),
            Some(Token::Word(field)) => field,
            _ => return Err(syntax(format!("bad argument to `{}`", f.name()))),
        };
        if self.tokens.next() != Some(Token::Close) {
            return Err(syntax(format!("missing `)` after `{}(`", f.name())));
        }
        self.argument_present(f, Some(field))
    }

    fn argument_present(
        &self,
        f: AggFunction,
        field: Option<String>,
    ) -> Result<Option<String>, ConditionError> {
        if field.is_none() && f != AggFunction::Count {
            return Err(syntax(format!("`{}` needs a field", f.name())));
        }
        Ok(field)
    }

    fn group_by(&mut self) -> Result<Option<String>, ConditionError> {
        if !is_keyword(self.tokens.peek(), "by") {
            return Ok(None);
        }
        self.tokens.next();
        match self.tokens.next() {
            Some(Token::Word(field)) => Ok(Some(field)),
            _ => Err(syntax("`by` needs a field")),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("`{w}`"),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::Op(_) => "comparison".into(),
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else { return rest.is_empty() };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn sel(i: usize) -> Condition {
        Condition::Selection(i)
    }

    #[test]
    fn not_binds_tighter_than_and_tighter_than_or() {
        let n = names(&["a", "b", "c"]);
        let got = parse("a or b and not c", &n).unwrap();
        let want = Condition::Or(vec![
            sel(0),
            Condition::And(vec![sel(1), Condition::Not(Box::new(sel(2)))]),
        ]);
        assert_eq!(got, want);
        let got = parse("(a or b) and c", &n).unwrap();
        assert_eq!(got, Condition::And(vec![Condition::Or(vec![sel(0), sel(1)]), sel(2)]));
    }

    #[test]
    fn keywords_any_case_whole_words_only() {
        let n = names(&["notepad_sel", "and_x", "sel-1", "sel.2"]);
        let got = parse("notepad_sel AND NOT and_x Or sel-1 and sel.2", &n).unwrap();
        let want = Condition::Or(vec![
            Condition::And(vec![sel(0), Condition::Not(Box::new(sel(1)))]),
            Condition::And(vec![sel(2), sel(3)]),
        ]);
        assert_eq!(got, want);
    }

    #[test]
    fn them_and_patterns_leave_out_underscore_names() {
        let n = names(&["sel1", "_hidden", "sel2", "filter"]);
        assert_eq!(parse("all of them", &n).unwrap(), Condition::And(vec![sel(0), sel(2), sel(3)]));
        assert_eq!(parse("1 of sel*", &n).unwrap(), Condition::Or(vec![sel(0), sel(2)]));
        assert_eq!(parse("any of _h*", &n).unwrap(), sel(1));
        assert_eq!(parse("1 OF *", &n).unwrap(), Condition::Or(vec![sel(0), sel(2), sel(3)]));
    }

    #[test]
    fn undefined_names_and_empty_patterns_are_errors() {
        let n = names(&["sel"]);
        assert_eq!(parse("sel and nope", &n).unwrap_err().code, "undefined-selection");
        assert_eq!(parse("1 of foo*", &n).unwrap_err().code, "undefined-selection");
        assert_eq!(parse("sel and", &n).unwrap_err().code, "condition-syntax");
        assert_eq!(parse("(sel", &n).unwrap_err().code, "condition-syntax");
        assert_eq!(parse("sel sel", &n).unwrap_err().code, "condition-syntax");
        let deep = format!("{}sel{}", "(".repeat(500), ")".repeat(500));
        assert_eq!(parse(&deep, &n).unwrap_err().code, "condition-syntax");
        let nots = format!("{}sel", "not ".repeat(500));
        assert_eq!(parse(&nots, &n).unwrap_err().code, "condition-syntax");
    }

    #[test]
    fn pipe_aggregations_are_parsed() {
        let n = names(&["sel", "other"]);
        let got = parse("sel | count(User) by Host >= 10", &n).unwrap();
        let agg = Aggregation::Function {
            function: AggFunction::Count,
            field: Some("User".into()),
            group_by: Some("Host".into()),
            op: AggOp::Gte,
            threshold: "10".into(),
        };
        assert_eq!(got, Condition::Aggregation(Box::new(sel(0)), agg));
        let got = parse("sel | COUNT() > 5", &n).unwrap();
        assert!(matches!(
            got,
            Condition::Aggregation(_, Aggregation::Function { field: None, .. })
        ));
        let got = parse("sel | near other and not sel", &n).unwrap();
        assert!(matches!(got, Condition::Aggregation(_, Aggregation::Near(_))));
        assert!(parse("sel | max() > 5", &n).is_err());
        assert!(parse("sel | count() by", &n).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("sel*", "selection"));
        assert!(glob_match("*tion", "selection"));
        assert!(glob_match("s*l*n", "selection"));
        assert!(!glob_match("s*x", "selection"));
        assert!(glob_match("aa*a", "aaa"));
        assert!(!glob_match("aa*aa", "aaa"));
    }
}
