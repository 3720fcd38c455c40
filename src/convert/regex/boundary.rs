//! Word boundaries (`\b`, `\B`) rewritten into plain character classes.
//!
//! Lucene's `RegExp` has no assertions, but a word boundary only speaks about the character
//! just before it and the one just after it. So the tree is walked with a small state: the
//! class of the last character consumed (word or not; the start of the term counts as a
//! non-word character) and what the next character must be. A boundary turns the first into
//! the second; a character set meeting a pending requirement keeps only its allowed part
//! (`.` after `\d\b` becomes `[^a-zA-Z0-9_]`). Every path through the pattern is thereby
//! split by the states it passes, paths that break a boundary die, and the paths that
//! survive are joined again. The result is the same language, with no assertion left.
//!
//! Only characters next to a boundary are split: a pre-pass tells, for each position,
//! whether a boundary can follow before the next character, and elsewhere the subtree is
//! kept as written. Bounded repetitions around a boundary are unrolled; a boundary inside
//! an unbounded repetition is refused, as is a result beyond a size limit.

use super::{other_case, Member, Node, Refusal, Shorthand, SPACE};

/// The refusal for what this rewrite does not handle.
const TOO_COMPLEX: Refusal = "regex word boundary too complex";

/// Most copies a bounded repetition around a boundary is unrolled into.
const MAX_UNROLL: u32 = 16;

/// Most walk steps; a pattern needing more is refused.
const MAX_STEPS: usize = 20_000;

/// Most nodes the rewritten paths may hold at once: splitting paths copies what came before
/// them, which can grow exponentially with the number of boundaries (`(?:\b-|a){16}` nested).
const MAX_SIZE: usize = 20_000;

/// The class of a character, as `\w` defines it (ASCII letters, digits, underscore).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cls {
    Word,
    Other,
    /// Not tracked: nothing ahead asks about it.
    Unknown,
}

/// What the next character must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Free,
    Word,
    /// A non-word character, or the end of the term.
    OtherOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    last: Cls,
    pending: Pending,
}

/// Paths through a node, one per state they leave it in.
type Paths = Vec<(State, Node)>;

/// The tree without word boundaries, matching the same terms; `fold` is the case-folding the
/// emitter will apply, which decides which letters a class really holds.
pub(super) fn resolve(tree: Node, fold: bool) -> Result<Node, Refusal> {
    let mut walk = Walk { fold, budget: MAX_STEPS };
    let start = State { last: Cls::Other, pending: Pending::Free };
    let paths = walk.node(&tree, start, false)?;
    let accepted: Vec<Node> = paths
        .into_iter()
        .filter(|(state, _)| state.pending != Pending::Word)
        .map(|(_, node)| node)
        .collect();
    if accepted.is_empty() {
        return Err("regex word boundaries that no term can satisfy");
    }
    Ok(alt(accepted))
}

/// Whether the tree holds a word boundary.
pub(super) fn has_boundary(node: &Node) -> bool {
    match node {
        Node::Boundary(_) => true,
        Node::Alt(items) | Node::Seq(items) => items.iter().any(has_boundary),
        Node::Group(inner) | Node::Repeat(inner, _) => has_boundary(inner),
        _ => false,
    }
}

struct Walk {
    fold: bool,
    budget: usize,
}

impl Walk {
    /// The paths through `node` entered in `state`; `need` says whether a boundary may follow
    /// the node before any other character, so that the class of its last character matters.
    fn node(&mut self, node: &Node, state: State, need: bool) -> Result<Paths, Refusal> {
        self.budget = self.budget.checked_sub(1).ok_or(TOO_COMPLEX)?;
        if !need && state.pending == Pending::Free && !has_boundary(node) {
            let after = State { last: Cls::Unknown, pending: Pending::Free };
            return Ok(vec![(after, node.clone())]);
        }
        match node {
            Node::Boundary(negated) => {
                Ok(boundary(*negated, state)?.map(|s| (s, empty())).into_iter().collect())
            }
            Node::Char(_) | Node::Any | Node::Class(..) => self.char_set(node, state),
            Node::Seq(items) => self.sequence(items, state, need),
            Node::Alt(branches) => {
                let mut paths = Vec::new();
                for branch in branches {
                    paths.extend(self.node(branch, state, need)?);
                }
                Ok(merge(paths))
            }
            Node::Group(inner) => self.node(inner, state, need),
            Node::Repeat(inner, quantifier) => self.repeat(inner, bounds(quantifier), state, need),
            Node::Start | Node::End => Err("regex anchor inside the pattern"),
        }
    }

    /// One character: split into its word and non-word parts where the state asks.
    fn char_set(&mut self, node: &Node, state: State) -> Result<Paths, Refusal> {
        let (word, other) = split(node, self.fold)?;
        let mut paths = Vec::new();
        if state.pending != Pending::OtherOrEnd {
            paths.extend(word.map(|n| (State { last: Cls::Word, pending: Pending::Free }, n)));
        }
        if state.pending != Pending::Word {
            paths.extend(other.map(|n| (State { last: Cls::Other, pending: Pending::Free }, n)));
        }
        Ok(paths)
    }

    fn sequence(&mut self, items: &[Node], state: State, need: bool) -> Result<Paths, Refusal> {
        let mut paths = vec![(state, empty())];
        for (i, item) in items.iter().enumerate() {
            let item_need = needed_after(&items[i + 1..], need);
            let mut next = Vec::new();
            for (state, prefix) in paths {
                for (after, node) in self.node(item, state, item_need)? {
                    next.push((after, seq(prefix.clone(), node)));
                }
            }
            paths = merge(next);
            if paths.iter().map(|(_, node)| size(node)).sum::<usize>() > MAX_SIZE {
                return Err(TOO_COMPLEX);
            }
        }
        Ok(paths)
    }

    fn repeat(
        &mut self,
        inner: &Node,
        (lo, hi): (u32, Option<u32>),
        state: State,
        need: bool,
    ) -> Result<Paths, Refusal> {
        if has_boundary(inner) {
            let hi = hi.ok_or(TOO_COMPLEX)?;
            if hi > MAX_UNROLL {
                return Err(TOO_COMPLEX);
            }
            return self.node(&unroll(inner, lo, hi), state, need);
        }
        if state.pending != Pending::Free {
            return self.constrained_repeat(inner, (lo, hi), state, need);
        }
        self.split_last_iteration(inner, (lo, hi), state)
    }

    /// `x{lo,hi}` entered with nothing pending, where its last character matters: the last
    /// non-empty iteration is split by its last character, the ones before stay as written.
    fn split_last_iteration(
        &mut self,
        inner: &Node,
        (lo, hi): (u32, Option<u32>),
        state: State,
    ) -> Result<Paths, Refusal> {
        let nullable = nullable(inner);
        let mut paths = Vec::new();
        if lo == 0 || nullable {
            paths.push((state, empty()));
        }
        if hi == Some(0) {
            return Ok(paths);
        }
        let before =
            repeat(inner, if nullable { 0 } else { lo.saturating_sub(1) }, hi.map(|h| h - 1));
        let untracked = State { last: Cls::Unknown, pending: Pending::Free };
        for (after, last) in self.node(inner, untracked, true)? {
            if after.last != Cls::Unknown {
                paths.push((after, seq(before.clone(), last)));
            }
        }
        Ok(merge(paths))
    }

    /// `x{lo,hi}` entered with a requirement on its first character: the first iteration
    /// meets it, the others follow freely.
    fn constrained_repeat(
        &mut self,
        inner: &Node,
        (lo, hi): (u32, Option<u32>),
        state: State,
        need: bool,
    ) -> Result<Paths, Refusal> {
        if nullable(inner) {
            return Err(TOO_COMPLEX);
        }
        let mut paths = Vec::new();
        if lo == 0 {
            paths.push((state, empty()));
        }
        if hi != Some(0) {
            let rest = repeat(inner, lo.saturating_sub(1), hi.map(|h| h - 1));
            paths.extend(self.node(&Node::Seq(vec![inner.clone(), rest]), state, need)?);
        }
        Ok(merge(paths))
    }
}

/// The state after a boundary, or `None` when the boundary cannot hold there.
fn boundary(negated: bool, state: State) -> Result<Option<State>, Refusal> {
    let wants_word = match state.last {
        Cls::Word => negated,
        Cls::Other => !negated,
        Cls::Unknown => return Err(TOO_COMPLEX),
    };
    let wanted = if wants_word { Pending::Word } else { Pending::OtherOrEnd };
    Ok(match state.pending {
        Pending::Free => Some(State { pending: wanted, ..state }),
        p if p == wanted => Some(state),
        _ => None,
    })
}

/// Whether a boundary may come after `items[..]`'s predecessor before a character: some item
/// can start with one after only empty-matching items, or all can be empty and `need` holds.
fn needed_after(rest: &[Node], need: bool) -> bool {
    for item in rest {
        if starts_with_boundary(item) {
            return true;
        }
        if !nullable(item) {
            return false;
        }
    }
    need
}

/// Whether a boundary can be met from the node's start before any character.
fn starts_with_boundary(node: &Node) -> bool {
    match node {
        Node::Boundary(_) => true,
        Node::Seq(items) => {
            for item in items {
                if starts_with_boundary(item) {
                    return true;
                }
                if !nullable(item) {
                    return false;
                }
            }
            false
        }
        Node::Alt(items) => items.iter().any(starts_with_boundary),
        Node::Group(inner) => starts_with_boundary(inner),
        Node::Repeat(inner, q) => bounds(q).1 != Some(0) && starts_with_boundary(inner),
        _ => false,
    }
}

/// How many nodes `node` holds.
fn size(node: &Node) -> usize {
    1 + match node {
        Node::Alt(items) | Node::Seq(items) => items.iter().map(size).sum(),
        Node::Group(inner) | Node::Repeat(inner, _) => size(inner),
        _ => 0,
    }
}

/// Whether the node can match the empty string.
fn nullable(node: &Node) -> bool {
    match node {
        Node::Boundary(_) | Node::Start | Node::End => true,
        Node::Seq(items) => items.iter().all(nullable),
        Node::Alt(items) => items.iter().any(nullable),
        Node::Group(inner) => nullable(inner),
        Node::Repeat(inner, q) => bounds(q).0 == 0 || nullable(inner),
        Node::Char(_) | Node::Any | Node::Class(..) => false,
    }
}

/// The least and most counts of a quantifier as the parser writes it.
fn bounds(quantifier: &str) -> (u32, Option<u32>) {
    match quantifier {
        "*" => (0, None),
        "+" => (1, None),
        "?" => (0, Some(1)),
        counted => {
            let body = counted.trim_start_matches('{').trim_end_matches('}');
            let number = |s: &str| s.parse().unwrap_or(0);
            match body.split_once(',') {
                Some((lo, "")) => (number(lo), None),
                Some((lo, hi)) => (number(lo), Some(number(hi))),
                None => (number(body), Some(number(body))),
            }
        }
    }
}

/// `inner` repeated `lo..=hi` times.
fn repeat(inner: &Node, lo: u32, hi: Option<u32>) -> Node {
    let quantifier = match (lo, hi) {
        (_, Some(0)) => return empty(),
        (1, Some(1)) => return inner.clone(),
        (0, None) => "*".to_string(),
        (1, None) => "+".to_string(),
        (0, Some(1)) => "?".to_string(),
        (lo, None) => format!("{{{lo},}}"),
        (lo, Some(hi)) if lo == hi => format!("{{{lo}}}"),
        (lo, Some(hi)) => format!("{{{lo},{hi}}}"),
    };
    Node::Repeat(Box::new(atom(inner.clone())), quantifier)
}

/// `x{lo,hi}` written out: `lo` copies, then `hi - lo` nested optional ones.
fn unroll(inner: &Node, lo: u32, hi: u32) -> Node {
    let mut optional = empty();
    for _ in lo..hi {
        optional = Node::Alt(vec![Node::Seq(vec![inner.clone(), optional]), empty()]);
    }
    let mut items: Vec<Node> = (0..lo).map(|_| inner.clone()).collect();
    items.push(optional);
    Node::Seq(items)
}

/// The word and non-word parts of one character set (`None` when a part is empty).
fn split(node: &Node, fold: bool) -> Result<(Option<Node>, Option<Node>), Refusal> {
    let word = Member::Short(Shorthand::Word, false);
    match node {
        Node::Char(c) if is_word(*c) => Ok((Some(node.clone()), None)),
        Node::Char(_) => Ok((None, Some(node.clone()))),
        Node::Any => {
            Ok((Some(Node::Class(false, vec![word.clone()])), Some(Node::Class(true, vec![word]))))
        }
        Node::Class(negated, members) => {
            let (negated, members) = match members.as_slice() {
                [Member::Short(s, true)] => (!negated, vec![Member::Short(*s, false)]),
                _ if members.iter().any(|m| matches!(m, Member::Short(_, true))) => {
                    return Err("negated shorthand inside a regex class")
                }
                _ => (*negated, members.clone()),
            };
            Ok((word_part(negated, &members, fold), other_part(negated, members)))
        }
        _ => Err(TOO_COMPLEX),
    }
}

/// The word characters a class matches, as a class of ranges.
fn word_part(negated: bool, members: &[Member], fold: bool) -> Option<Node> {
    let matches = |c: char| {
        let hit = |c: char| members.iter().any(|m| member_holds(m, c));
        let found = hit(c) || (fold && other_case(c).is_some_and(hit));
        found != negated
    };
    let chars: Vec<char> = WORD_CHARS.iter().copied().filter(|c| matches(*c)).collect();
    if chars.is_empty() {
        return None;
    }
    if chars.len() == WORD_CHARS.len() {
        return Some(Node::Class(false, vec![Member::Short(Shorthand::Word, false)]));
    }
    Some(Node::Class(false, ranges(&chars)))
}

/// The non-word characters a class matches.
fn other_part(negated: bool, mut members: Vec<Member>) -> Option<Node> {
    if negated {
        members.push(Member::Short(Shorthand::Word, false));
        return Some(Node::Class(true, members));
    }
    let mut kept = Vec::new();
    for member in members {
        match member {
            Member::Char(c) if !is_word(c) => kept.push(member),
            Member::Range(lo, hi) => kept.extend(ranges_without_words(lo, hi)),
            Member::Short(Shorthand::Space, _) => {
                kept.extend(SPACE.iter().map(|c| Member::Char(*c)))
            }
            _ => {}
        }
    }
    (!kept.is_empty()).then_some(Node::Class(false, kept))
}

/// The parts of `lo..=hi` outside `[0-9A-Z_a-z]`.
fn ranges_without_words(lo: char, hi: char) -> Vec<Member> {
    let mut parts = Vec::new();
    let mut from = lo;
    for (w_lo, w_hi) in [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')] {
        if w_hi < from || w_lo > hi {
            continue;
        }
        if from < w_lo {
            parts.push(span(from, prev(w_lo)));
        }
        match next(w_hi) {
            Some(n) => from = n,
            None => return parts,
        }
    }
    if from <= hi {
        parts.push(span(from, hi));
    }
    parts
}

fn span(lo: char, hi: char) -> Member {
    if lo == hi {
        Member::Char(lo)
    } else {
        Member::Range(lo, hi)
    }
}

fn prev(c: char) -> char {
    char::from_u32(c as u32 - 1).unwrap_or(c)
}

fn next(c: char) -> Option<char> {
    char::from_u32(c as u32 + 1)
}

/// Sorted characters as ranges of consecutive runs.
fn ranges(chars: &[char]) -> Vec<Member> {
    let mut members = Vec::new();
    let mut start = 0;
    for i in 1..=chars.len() {
        if i == chars.len() || next(chars[i - 1]) != Some(chars[i]) {
            members.push(span(chars[start], chars[i - 1]));
            start = i;
        }
    }
    members
}

fn member_holds(member: &Member, c: char) -> bool {
    match member {
        Member::Char(m) => *m == c,
        Member::Range(lo, hi) => (*lo..=*hi).contains(&c),
        Member::Short(short, negated) => {
            let holds = match short {
                Shorthand::Digit => c.is_ascii_digit(),
                Shorthand::Word => is_word(c),
                Shorthand::Space => SPACE.contains(&c),
            };
            holds != *negated
        }
    }
}

/// `\w` characters in code-point order.
const WORD_CHARS: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I',
    'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '_', 'a',
    'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't',
    'u', 'v', 'w', 'x', 'y', 'z',
];

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn empty() -> Node {
    Node::Seq(Vec::new())
}

/// The items of a node seen as a sequence.
fn items(node: Node) -> Vec<Node> {
    match node {
        Node::Seq(items) => items,
        other => vec![other],
    }
}

/// `a` then `b`, flattened.
fn seq(a: Node, b: Node) -> Node {
    let mut all = items(a);
    all.extend(items(b));
    if all.len() == 1 {
        return all.remove(0);
    }
    Node::Seq(all)
}

/// A node that can take a quantifier: a sequence or an alternation gets parentheses.
fn atom(node: Node) -> Node {
    match node {
        Node::Seq(mut items) if items.len() == 1 => atom(items.remove(0)),
        Node::Seq(_) | Node::Alt(_) => Node::Group(Box::new(node)),
        other => other,
    }
}

/// Paths leaving in the same state joined into one.
fn merge(paths: Paths) -> Paths {
    let mut merged: Vec<(State, Vec<Node>)> = Vec::new();
    for (state, node) in paths {
        match merged.iter_mut().find(|(s, _)| *s == state) {
            Some((_, nodes)) => nodes.push(node),
            None => merged.push((state, vec![node])),
        }
    }
    merged.into_iter().map(|(state, nodes)| (state, alt(nodes))).collect()
}

/// The alternation of `branches`, with equal branches dropped and a common prefix and suffix
/// taken out; in parentheses when it has more than one branch.
fn alt(branches: Vec<Node>) -> Node {
    let mut unique: Vec<Node> = Vec::new();
    for branch in branches {
        if !unique.contains(&branch) {
            unique.push(branch);
        }
    }
    if unique.len() == 1 {
        return unique.remove(0);
    }
    let lists: Vec<Vec<Node>> = unique.into_iter().map(items).collect();
    let prefix = common_len(&lists, |list, i| list.get(i));
    let suffix =
        common_len(&lists, |list, i| (list.len() > prefix + i).then(|| &list[list.len() - 1 - i]));
    if prefix == 0 && suffix == 0 {
        let branches = lists.into_iter().map(Node::Seq).collect();
        return Node::Group(Box::new(Node::Alt(branches)));
    }
    let head = lists[0][..prefix].to_vec();
    let tail = lists[0][lists[0].len() - suffix..].to_vec();
    let middles = lists.into_iter().map(|l| Node::Seq(l[prefix..l.len() - suffix].to_vec()));
    let middle = alt(middles.collect());
    let mut all = head;
    all.extend(items(middle));
    all.extend(tail);
    Node::Seq(all)
}

/// How many leading positions (as `at` numbers them) all lists share.
fn common_len<'a>(
    lists: &'a [Vec<Node>],
    at: impl Fn(&'a Vec<Node>, usize) -> Option<&'a Node>,
) -> usize {
    let mut n = 0;
    loop {
        let Some(first) = at(&lists[0], n) else { return n };
        if !lists.iter().all(|l| at(l, n) == Some(first)) {
            return n;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::to_lucene;
    use crate::sigma::value::{RegexFlags, SigmaRegex};

    fn lucene(pattern: &str) -> Result<String, &'static str> {
        to_lucene(&SigmaRegex { pattern: pattern.into(), flags: RegexFlags::default() })
    }

    /// Every string over `alphabet` up to `len` characters, shortest first.
    fn strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..len {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(layer.iter().cloned());
        }
        all
    }

    /// The Sigma pattern (searched anywhere, ASCII `\b`) and its Lucene rewrite (matched
    /// against the whole term) accept exactly the same strings.
    fn assert_same_language(pattern: &str) {
        let sigma = regex::bytes::Regex::new(&format!("(?-u){pattern}")).unwrap();
        let words = strings(&['a', '1', '_', '.', '-'], 6);
        let Ok(rewritten) = lucene(pattern) else {
            assert!(words.iter().all(|s| !sigma.is_match(s.as_bytes())), "{pattern:?} matches");
            return;
        };
        let whole = regex::Regex::new(&format!("^(?:{rewritten})$")).unwrap();
        for s in words {
            assert_eq!(
                sigma.is_match(s.as_bytes()),
                whole.is_match(&s),
                "{pattern:?} as {rewritten:?} on {s:?}"
            );
        }
    }

    #[test]
    fn boundaries_become_neighbouring_classes() {
        assert_eq!(lucene(r"\bword").unwrap(), "(()|.*[^a-zA-Z0-9_])word.*");
        assert_eq!(lucene(r"^a\b").unwrap(), "a(()|[^a-zA-Z0-9_].*)");
        assert_eq!(lucene(r"^a\b-").unwrap(), r"a\-.*");
        assert_eq!(lucene(r"^a\bb").unwrap_err(), "regex word boundaries that no term can satisfy");
        assert_eq!(lucene(r"^[\b]$").unwrap(), "[\u{8}]");
        assert_eq!(lucene(r"(a\b)*").unwrap_err(), "regex word boundary too complex");
    }

    #[test]
    fn a_rewrite_that_would_grow_exponentially_is_refused() {
        let nested = r"(?:(?:\b-|a){16}){16}";
        assert_eq!(lucene(nested).unwrap_err(), "regex word boundary too complex");
        let repeated = r"a(?:\Ba|\b-|\ba)".repeat(36);
        assert!(lucene(&repeated).unwrap().len() < 400, "factoring keeps a repeated group linear");
        let fine = r"https?://(?:(?:25[0-5]|(?:2[0-4]|1\d|[1-9])?\d)(?:\.|\b)){4}";
        assert!(lucene(fine).is_ok());
    }

    #[test]
    fn rewrites_accept_the_same_strings() {
        for pattern in [
            r"\ba",
            r"a\b",
            r"\b1\b",
            r"\Ba",
            r"a\B",
            r"^.\b.$",
            r"(?:a|\.)\b",
            r"(?:1\.|\b){2}",
            r"(?:(?:1|a_)(?:\.|\b)){3}",
            r"[^a]\b",
            r"[-.a]\B",
            r"a+\b",
            r"\b_*\b",
            r"(?:\.\b)?a",
            r"\b\B",
            r"x?\ba",
            r"[a-z0-9]{1,3}\b",
            r"a.*\b-",
        ] {
            assert_same_language(pattern);
        }
    }

    #[test]
    fn the_dotted_address_pattern_of_sigma_rules() {
        let pattern = r"https?://(?:(?:25[0-5]|(?:2[0-4]|1\d|[1-9])?\d)(?:\.|\b)){4}";
        let rewritten = lucene(pattern).unwrap();
        let whole = regex::Regex::new(&format!("^(?:{rewritten})$")).unwrap();
        let sigma = regex::bytes::Regex::new(&format!("(?-u){pattern}")).unwrap();
        for case in [
            "curl http://10.1.2.3/a",
            "curl http://10.1.2.3",
            "http://255.255.255.255.x",
            "http://1.2.3.4x",
            "http://1.2.3.45678",
            "http://1.2.3",
            "http://300.1.2.3",
            "https://8.8.8.8:443/",
        ] {
            assert_eq!(
                sigma.is_match(case.as_bytes()),
                whole.is_match(case),
                "{case}: {rewritten}"
            );
        }
        assert!(rewritten.len() < 1_000, "{}", rewritten.len());
    }
}
