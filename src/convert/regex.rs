//! Sigma regular expressions rewritten for Lucene 8's `RegExp` syntax.
//!
//! A Sigma `re` is a PCRE-style pattern that matches anywhere in the value; a Lucene regular
//! expression must match the whole term, knows no `\d`/`\s`/`\w` classes and no inline
//! flags, and treats `" < > # @ & ~` as operators. So the pattern is parsed into a small
//! tree, unanchored ends get `.*`, anchors are dropped, classes are spelled out, case-folding
//! (`i` or `(?i)`) becomes `[aA]` classes, and every literal punctuation character is
//! escaped. Anything without a faithful Lucene spelling (look-around, back-references,
//! word boundaries, anchors inside the pattern) is refused with a reason instead of being
//! approximated, and so is a pattern whose automaton Lucene would refuse to build (see
//! [`automaton`]). Rewriting the text with string replacements is the rejected alternative:
//! it cannot tell `\\d` from `\d` or a class from a literal.

mod automaton;
mod boundary;

use crate::sigma::value::SigmaRegex;

/// Whitespace characters `\s` stands for (written as themselves: Lucene has no `\t`).
const SPACE: &[char] = &[' ', '\t', '\n', '\r', '\u{b}', '\u{c}'];

/// A shorthand class such as `\d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shorthand {
    Digit,
    Space,
    Word,
}

/// One member of a character class.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Char(char),
    Range(char, char),
    Short(Shorthand, bool),
}

/// One node of the pattern tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Alt(Vec<Node>),
    Seq(Vec<Node>),
    Group(Box<Node>),
    Repeat(Box<Node>, String),
    Char(char),
    Any,
    Class(bool, Vec<Member>),
    Start,
    End,
    /// `\b` (false) or `\B` (true).
    Boundary(bool),
}

/// Why a regex cannot be written for Lucene: a short, stable phrase.
pub type Refusal = &'static str;

/// The Lucene form of a Sigma regex (without the surrounding slashes).
pub fn to_lucene(re: &SigmaRegex) -> Result<String, Refusal> {
    let lucene = write_lucene(re)?;
    if automaton::too_complex(&lucene) {
        return Err("regex too complex for Lucene's automaton (over 10,000 states)");
    }
    Ok(lucene)
}

/// The Lucene spelling of `re`, whatever the size of its automaton.
fn write_lucene(re: &SigmaRegex) -> Result<String, Refusal> {
    let (pattern, inline_i) = strip_leading_flags(&re.pattern)?;
    let mut parser = Parser { chars: pattern.chars().collect(), pos: 0, depth: 0 };
    let tree = parser.alternation()?;
    if parser.pos < parser.chars.len() {
        return Err("regex syntax");
    }
    let fold = re.flags.ignore_case || inline_i;
    let mut tree = unanchor(tree, re.flags.multiline)?;
    if boundary::has_boundary(&tree) {
        tree = boundary::resolve(tree, fold)?;
    }
    let mut out = String::new();
    Emitter { fold }.node(&tree, &mut out)?;
    if out.ends_with('\\') {
        out.truncate(out.len() - 2);
        out.push_str("[\\\\]");
    }
    Ok(out)
}

/// Takes `(?i)`-style flags off the start; only `i`, `m`, `s` are known.
fn strip_leading_flags(pattern: &str) -> Result<(&str, bool), Refusal> {
    let Some(rest) = pattern.strip_prefix("(?") else { return Ok((pattern, false)) };
    let Some(end) = rest.find(')') else { return Ok((pattern, false)) };
    let flags = &rest[..end];
    if flags.is_empty() || !flags.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok((pattern, false));
    }
    if !flags.chars().all(|c| matches!(c, 'i' | 'm' | 's')) {
        return Err("regex inline flags");
    }
    if flags.contains('m') {
        return Err("multi-line regex anchors (|m)");
    }
    Ok((&rest[end + 1..], flags.contains('i')))
}

/// Drops `^`/`$` where they anchor the whole term and puts `.*` where nothing anchors it.
/// A group at the start or end gets the `.*` in each of its branches, which is the same
/// language (`.*(a|b)` = `(.*a|.*b)`) and lets `(^|/)x` say "at the start, or after a slash".
fn unanchor(tree: Node, multiline: bool) -> Result<Node, Refusal> {
    let tree = wrap_ends(tree, true, true, multiline)?;
    if contains_anchor(std::slice::from_ref(&tree)) {
        return Err("regex anchor inside the pattern");
    }
    Ok(tree)
}

/// Wraps a node that sits at the start (`start`) and/or the end (`end`) of the term.
fn wrap_ends(node: Node, start: bool, end: bool, multiline: bool) -> Result<Node, Refusal> {
    match node {
        Node::Alt(branches) => {
            let wrap = |b| wrap_ends(b, start, end, multiline);
            Ok(Node::Alt(branches.into_iter().map(wrap).collect::<Result<_, _>>()?))
        }
        Node::Group(inner) => Ok(Node::Group(Box::new(wrap_ends(*inner, start, end, multiline)?))),
        Node::Seq(items) => wrap_sequence(items, start, end, multiline),
        other => wrap_sequence(vec![other], start, end, multiline),
    }
}

fn wrap_sequence(
    mut items: Vec<Node>,
    start: bool,
    mut end: bool,
    multiline: bool,
) -> Result<Node, Refusal> {
    let any = || Node::Repeat(Box::new(Node::Any), "*".into());
    if start {
        match items.first() {
            Some(Node::Start) if multiline => return Err("multi-line regex anchors (|m)"),
            Some(Node::Start) => {
                items.remove(0);
            }
            Some(Node::Group(_)) => {
                let both = end && items.len() == 1;
                let first = std::mem::replace(&mut items[0], Node::Seq(Vec::new()));
                items[0] = wrap_ends(first, true, both, multiline)?;
                end &= !both;
            }
            _ => items.insert(0, any()),
        }
    }
    if end {
        match items.last() {
            Some(Node::End) if multiline => return Err("multi-line regex anchors (|m)"),
            Some(Node::End) => {
                items.pop();
            }
            Some(Node::Group(_)) => {
                let last = items.pop().unwrap_or(Node::Seq(Vec::new()));
                items.push(wrap_ends(last, false, true, multiline)?);
            }
            _ => items.push(any()),
        }
    }
    Ok(Node::Seq(items))
}

fn contains_anchor(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Start | Node::End => true,
        Node::Alt(items) | Node::Seq(items) => contains_anchor(items),
        Node::Group(inner) | Node::Repeat(inner, _) => contains_anchor(std::slice::from_ref(inner)),
        _ => false,
    })
}

/// A recursive-descent parser for the PCRE subset Sigma rules use.
struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }

    fn alternation(&mut self) -> Result<Node, Refusal> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("regex nested too deeply");
        }
        let mut branches = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.sequence()?);
        }
        self.depth -= 1;
        Ok(if branches.len() == 1 { branches.remove(0) } else { Node::Alt(branches) })
    }

    fn sequence(&mut self) -> Result<Node, Refusal> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Seq(items))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, Refusal> {
        let Some(quantifier) = self.quantifier() else { return Ok(atom) };
        if matches!(atom, Node::Start | Node::End | Node::Boundary(_)) {
            return Err("regex syntax");
        }
        if too_many(&quantifier) {
            return Err("regex repetition count over 10,000 (no Lucene automaton holds it)");
        }
        match self.peek() {
            // Lazy matching finds a match exactly when greedy matching does.
            Some('?') => self.pos += 1,
            Some('+') => return Err("regex possessive quantifier"),
            _ => {}
        }
        if self.quantifier_ahead() {
            return Err("regex syntax");
        }
        Ok(Node::Repeat(Box::new(atom), quantifier))
    }

    /// Whether another quantifier follows (`a**`, `a{1}{2}`), which PCRE rejects.
    fn quantifier_ahead(&mut self) -> bool {
        let start = self.pos;
        let ahead = matches!(self.peek(), Some('*' | '+' | '?')) || self.counted().is_some();
        self.pos = start;
        ahead
    }

    fn quantifier(&mut self) -> Option<String> {
        match self.peek()? {
            c @ ('*' | '+' | '?') => {
                self.pos += 1;
                Some(c.to_string())
            }
            '{' => self.counted(),
            _ => None,
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`, `{,m}`; anything else leaves `{` a literal.
    fn counted(&mut self) -> Option<String> {
        let rest: String = self.chars[self.pos..].iter().take(24).collect();
        let end = rest.find('}')?;
        let body = &rest[1..end];
        let (lo, hi) = match body.split_once(',') {
            Some((lo, hi)) => (lo, Some(hi)),
            None => (body, None),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits(lo) || !hi.is_none_or(digits) || (lo.is_empty() && hi.is_none_or(str::is_empty))
        {
            return None;
        }
        self.pos += rest[..=end].chars().count();
        let lo = if lo.is_empty() { "0" } else { lo };
        Some(match hi {
            None => format!("{{{lo}}}"),
            Some(hi) => format!("{{{lo},{hi}}}"),
        })
    }

    fn atom(&mut self) -> Result<Node, Refusal> {
        let Some(c) = self.next() else { return Err("regex syntax") };
        match c {
            '(' => self.group(),
            '[' => self.class(),
            '.' => Ok(Node::Any),
            '^' => Ok(Node::Start),
            '$' => Ok(Node::End),
            '\\' => self.escape(),
            '*' | '+' | '?' => Err("regex syntax"),
            c => Ok(Node::Char(c)),
        }
    }

    fn group(&mut self) -> Result<Node, Refusal> {
        if self.peek() == Some('?') {
            self.group_kind()?;
        }
        let inner = self.alternation()?;
        match self.next() {
            Some(')') => Ok(Node::Group(Box::new(inner))),
            _ => Err("regex syntax"),
        }
    }

    /// Skips `?:`, `?P<name>`, `?<name>`, `?'name'` and `?>`; refuses the other `(?` forms.
    fn group_kind(&mut self) -> Result<(), Refusal> {
        self.pos += 1;
        match (self.peek(), self.peek_at(1)) {
            (Some(':' | '>'), _) => self.pos += 1,
            (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => return Err("regex look-around"),
            (Some('P'), Some('<')) | (Some('<'), _) | (Some('\''), _) => {
                let close = if self.peek() == Some('\'') { '\'' } else { '>' };
                while let Some(c) = self.next() {
                    if c == close {
                        return Ok(());
                    }
                }
                return Err("regex syntax");
            }
            _ => return Err("regex inline flags"),
        }
        Ok(())
    }

    fn escape(&mut self) -> Result<Node, Refusal> {
        if let Some(c @ ('b' | 'B')) = self.peek() {
            self.pos += 1;
            return Ok(Node::Boundary(c == 'B'));
        }
        match self.escaped()? {
            Member::Char(c) => Ok(Node::Char(c)),
            Member::Short(short, negated) => {
                Ok(Node::Class(false, vec![Member::Short(short, negated)]))
            }
            Member::Range(..) => Err("regex syntax"),
        }
    }

    /// The meaning of the escape after a backslash (outside or inside a class).
    fn escaped(&mut self) -> Result<Member, Refusal> {
        let Some(c) = self.next() else { return Err("regex syntax") };
        let short = |s, negated| Ok(Member::Short(s, negated));
        match c {
            'd' | 'D' => short(Shorthand::Digit, c == 'D'),
            's' | 'S' => short(Shorthand::Space, c == 'S'),
            'w' | 'W' => short(Shorthand::Word, c == 'W'),
            'n' => Ok(Member::Char('\n')),
            't' => Ok(Member::Char('\t')),
            'r' => Ok(Member::Char('\r')),
            'f' => Ok(Member::Char('\u{c}')),
            'v' => Ok(Member::Char('\u{b}')),
            'x' => self.hex_escape(),
            'b' => Ok(Member::Char('\u{8}')),
            '1'..='9' | 'k' => Err("regex back-reference"),
            c if c.is_ascii_alphanumeric() => Err("regex escape sequence"),
            c => Ok(Member::Char(c)),
        }
    }

    /// `\xHH` or `\x{H...}`.
    fn hex_escape(&mut self) -> Result<Member, Refusal> {
        let digits: String = if self.peek() == Some('{') {
            self.pos += 1;
            let d: String = self.chars[self.pos..].iter().take_while(|c| **c != '}').collect();
            self.pos += d.chars().count() + 1;
            d
        } else {
            let d: String = self.chars[self.pos..].iter().take(2).collect();
            self.pos += d.chars().count();
            d
        };
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .map(Member::Char)
            .ok_or("regex syntax")
    }

    fn class(&mut self) -> Result<Node, Refusal> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut members = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.next() else { return Err("regex syntax") };
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                members.extend(self.posix_class()?);
                continue;
            }
            let member = if c == '\\' { self.escaped()? } else { Member::Char(c) };
            members.push(self.range_from(member)?);
        }
        Ok(Node::Class(negated, members))
    }

    /// A POSIX class such as `[:digit:]` inside a bracket expression (after its `[`), spelled
    /// out as ASCII ranges. Lucene has no such classes and would read `[[:digit:]]` as the
    /// characters `[`, `:`, `d`, ...; negated (`[:^digit:]`) and other names are refused.
    fn posix_class(&mut self) -> Result<Vec<Member>, Refusal> {
        let rest: String = self.chars[self.pos + 1..].iter().take(12).collect();
        let Some(end) = rest.find(":]") else { return Err("regex syntax") };
        let members = posix_members(&rest[..end]).ok_or("unsupported POSIX class in a regex")?;
        self.pos += 1 + rest[..end].chars().count() + 2;
        Ok(members)
    }

    /// `a-z` when a dash and an end follow a single character.
    fn range_from(&mut self, member: Member) -> Result<Member, Refusal> {
        let Member::Char(lo) = member else { return Ok(member) };
        if self.peek() != Some('-') || matches!(self.peek_at(1), None | Some(']')) {
            return Ok(member);
        }
        self.pos += 1;
        let hi = match self.next() {
            Some('\\') => self.escaped()?,
            Some(c) => Member::Char(c),
            None => return Err("regex syntax"),
        };
        match hi {
            Member::Char(hi) if hi >= lo => Ok(Member::Range(lo, hi)),
            _ => Err("regex syntax"),
        }
    }
}

/// Whether a counted quantifier asks for more than 10,000 repetitions: Lucene needs a state
/// per repetition and refuses automata beyond 10,000 states (and a count past `i32` fails
/// its parser outright).
fn too_many(quantifier: &str) -> bool {
    quantifier
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .any(|n| n.parse::<u32>().map_or(true, |n| n > 10_000))
}

/// The ASCII members of a POSIX class name, as PCRE defines them.
fn posix_members(name: &str) -> Option<Vec<Member>> {
    let (digit, upper, lower) =
        (Member::Range('0', '9'), Member::Range('A', 'Z'), Member::Range('a', 'z'));
    Some(match name {
        "digit" => vec![digit],
        "alpha" => vec![upper, lower],
        "alnum" => vec![digit, upper, lower],
        "upper" => vec![upper],
        "lower" => vec![lower],
        "xdigit" => vec![digit, Member::Range('A', 'F'), Member::Range('a', 'f')],
        "space" => SPACE.iter().map(|c| Member::Char(*c)).collect(),
        "punct" => (' '..='~').filter(char::is_ascii_punctuation).map(Member::Char).collect(),
        _ => return None,
    })
}

/// Writes the tree in Lucene syntax.
struct Emitter {
    fold: bool,
}

impl Emitter {
    fn node(&self, node: &Node, out: &mut String) -> Result<(), Refusal> {
        match node {
            Node::Alt(branches) => self.alternatives(branches, out)?,
            Node::Seq(items) if items.is_empty() => out.push_str("()"),
            Node::Seq(items) => items.iter().try_for_each(|n| self.node(n, out))?,
            Node::Group(inner) => {
                out.push('(');
                self.node(inner, out)?;
                out.push(')');
            }
            Node::Repeat(inner, quantifier) => {
                self.node(inner, out)?;
                out.push_str(quantifier);
            }
            Node::Char(c) => self.literal(*c, out),
            Node::Any => out.push('.'),
            Node::Class(negated, members) => self.class(*negated, members, out)?,
            Node::Start | Node::End => return Err("regex anchor inside the pattern"),
            Node::Boundary(_) => return Err("regex word boundary (\\b)"),
        }
        Ok(())
    }

    fn alternatives(&self, branches: &[Node], out: &mut String) -> Result<(), Refusal> {
        for (i, branch) in branches.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            self.node(branch, out)?;
        }
        Ok(())
    }

    fn literal(&self, c: char, out: &mut String) {
        let other = other_case(c).filter(|_| self.fold);
        match other {
            Some(o) => {
                out.push('[');
                out.push(c);
                out.push(o);
                out.push(']');
            }
            None => push_escaped(c, out),
        }
    }

    fn class(&self, negated: bool, members: &[Member], out: &mut String) -> Result<(), Refusal> {
        let (negated, members) = match members {
            [Member::Short(s, true)] => (!negated, vec![Member::Short(*s, false)]),
            _ => (negated, members.to_vec()),
        };
        if members.iter().any(|m| matches!(m, Member::Short(_, true))) {
            return Err("negated shorthand inside a regex class");
        }
        out.push('[');
        if negated {
            out.push('^');
        }
        for member in &members {
            self.member(member, out);
        }
        out.push(']');
        Ok(())
    }

    fn member(&self, member: &Member, out: &mut String) {
        match member {
            Member::Char(c) => {
                push_escaped(*c, out);
                if let Some(o) = other_case(*c).filter(|_| self.fold) {
                    push_escaped(o, out);
                }
            }
            Member::Range(lo, hi) => {
                push_range(*lo, *hi, out);
                if self.fold {
                    fold_range(*lo, *hi, out);
                }
            }
            Member::Short(Shorthand::Digit, _) => out.push_str("0-9"),
            Member::Short(Shorthand::Word, _) => out.push_str("a-zA-Z0-9_"),
            Member::Short(Shorthand::Space, _) => SPACE.iter().for_each(|c| push_escaped(*c, out)),
        }
    }
}

fn push_range(lo: char, hi: char, out: &mut String) {
    push_escaped(lo, out);
    out.push('-');
    push_escaped(hi, out);
}

/// Adds the other-case letters of the ASCII letters inside `lo..=hi`.
fn fold_range(lo: char, hi: char, out: &mut String) {
    for (from, to) in [('a', 'z'), ('A', 'Z')] {
        let (a, b) = (lo.max(from), hi.min(to));
        if a <= b {
            let flip = |c: char| other_case(c).unwrap_or(c);
            push_range(flip(a), flip(b), out);
        }
    }
}

/// The one other-case form of a letter, if it has exactly one.
fn other_case(c: char) -> Option<char> {
    let lower = single_char(c.to_lowercase())?;
    let upper = single_char(c.to_uppercase())?;
    [lower, upper].into_iter().find(|o| *o != c)
}

fn single_char(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

/// A literal character: letters, digits, `_`, non-ASCII and control characters as they are;
/// ASCII punctuation and space escaped, since Lucene gives many of them a meaning.
fn push_escaped(c: char, out: &mut String) {
    if c.is_ascii_punctuation() || c == ' ' {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::value::RegexFlags;

    fn lucene(pattern: &str) -> Result<String, Refusal> {
        to_lucene(&SigmaRegex { pattern: pattern.into(), flags: RegexFlags::default() })
    }

    fn folded(pattern: &str) -> Result<String, Refusal> {
        let flags = RegexFlags { ignore_case: true, ..RegexFlags::default() };
        to_lucene(&SigmaRegex { pattern: pattern.into(), flags })
    }

    #[test]
    fn unanchored_ends_get_any_and_anchors_go() {
        assert_eq!(lucene("abc").unwrap(), ".*abc.*");
        assert_eq!(lucene("^abc$").unwrap(), "abc");
        assert_eq!(lucene("^a|b$").unwrap(), "a.*|.*b");
        assert_eq!(lucene("^(a|b)").unwrap(), "(a.*|b.*)");
        assert_eq!(lucene("a^b").unwrap_err(), "regex anchor inside the pattern");
        assert_eq!(lucene(r"(^|\/)\.x").unwrap(), r"(()|.*\/)\.x.*");
        assert_eq!(lucene("(^0oa.*|b)").unwrap(), "(0oa.*.*|.*b.*)");
        assert_eq!(lucene("(?:a|b$)").unwrap(), "(.*a.*|.*b)");
        assert_eq!(lucene("(a)*^b").unwrap_err(), "regex anchor inside the pattern");
    }

    #[test]
    fn shorthand_classes_are_spelled_out() {
        assert_eq!(lucene(r"^\d+$").unwrap(), "[0-9]+");
        assert_eq!(lucene(r"^\s$").unwrap(), "[\\ \t\n\r\u{b}\u{c}]");
        assert_eq!(lucene(r"^\W$").unwrap(), "[^a-zA-Z0-9_]");
        assert_eq!(lucene(r"^[\w.-]$").unwrap(), r"[a-zA-Z0-9_\.\-]");
        assert_eq!(lucene(r"^[^\D]$").unwrap(), "[0-9]");
        assert!(lucene(r"[a\S]").is_err());
    }

    #[test]
    fn lucene_operators_and_slashes_are_escaped() {
        assert_eq!(lucene(r#"^a"b<c>d#e@f&g~h/i$"#).unwrap(), r#"a\"b\<c\>d\#e\@f\&g\~h\/i"#);
        assert_eq!(lucene(r"^C:\\x\.exe$").unwrap(), r"C\:\\x\.exe");
        assert_eq!(lucene(r"^a\\$").unwrap(), r"a[\\]");
    }

    #[test]
    fn case_folding_for_i_flag_and_inline_i() {
        assert_eq!(folded("^ab1$").unwrap(), "[aA][bB]1");
        assert_eq!(lucene("(?i)^a[b-d]$").unwrap(), "[aA][b-dB-D]");
        assert_eq!(lucene("(?x)a").unwrap_err(), "regex inline flags");
    }

    #[test]
    fn quantifiers_groups_and_refusals() {
        assert_eq!(lucene("^(?:ab){2,}?c{,3}x{1}$").unwrap(), "(ab){2,}c{0,3}x{1}");
        assert_eq!(lucene("^a{b$").unwrap(), r"a\{b");
        assert_eq!(lucene("^(?P<n>a)$").unwrap(), "(a)");
        assert_eq!(lucene("^(a|)$").unwrap(), "(a|())");
        assert_eq!(lucene(r"a(?=b)").unwrap_err(), "regex look-around");
        assert_eq!(lucene(r"\bword").unwrap(), "(()|.*[^a-zA-Z0-9_])word.*");
        assert_eq!(lucene(r"(a)\1").unwrap_err(), "regex back-reference");
        assert_eq!(lucene(r"\d++1").unwrap_err(), "regex possessive quantifier");
        assert_eq!(lucene(r"a*?b").unwrap(), ".*a*b.*");
        assert_eq!(lucene(r"a{1}{2}").unwrap_err(), "regex syntax");
        assert!(lucene(r"x{4294967295}").unwrap_err().starts_with("regex repetition count"));
        assert!(lucene(r"x{2,99999}").unwrap_err().starts_with("regex repetition count"));
        assert_eq!(lucene(r"^x{3,1000}$").unwrap(), "x{3,1000}");
        assert!(lucene(r".*a[^b]{20}c").unwrap_err().contains("too complex"));
    }
}
