//! Whether Lucene can build the automaton of a regular expression we wrote for it.
//!
//! Lucene turns a `/regex/` term into a deterministic automaton and refuses the whole query
//! when determinizing needs more than 10,000 states (`TooComplexToDeterminizeException`;
//! Elasticsearch's `max_determinized_states`, which Kibana, the Watcher and Graylog's search
//! inherit). A bounded repetition inside a pattern searched anywhere in the value, such as
//! `.*\s+[^"]{0,64}x.*`, needs a state for every set of windows still open, far beyond that.
//! We predict it by determinizing the same language with `regex-automata`, one byte standing
//! for one character, and stopping at the limit's size: the count is not Lucene's to the
//! state, but the patterns that blow up do so by orders of magnitude.

use std::collections::HashMap;
use std::sync::Mutex;

use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::syntax;
use regex_automata::MatchKind;

/// Lucene's default limit on the states of a determinized automaton.
const LUCENE_MAX_STATES: usize = 10_000;

/// The states at which we call a pattern too complex: three times Lucene's limit. Lucene
/// minimizes every part of a pattern before joining the parts, so it determinizes fewer
/// states than one pass over the whole pattern does: `csc_susp_parent`'s
/// `.*(ProgramData|…)\\[^\\]{1,256}` takes between 10,000 and 20,000 states here, and Lucene 8
/// builds it. The patterns Lucene refuses in SigmaHQ take over a million.
// Known gap: a pattern that takes between 10,000 and 30,000 states here may still be one
// Lucene refuses; minimizing here would tell, but takes a second for such a pattern.
// `scripts/oracle-check` compiles every query detcat prints with Lucene 8 itself.
const FLAGGED_STATES: usize = 3 * LUCENE_MAX_STATES;

/// The most memory the determinizer may use besides the DFA, in bytes: `.{1000,}` takes
/// 4 MB of it for its 1,002 states.
const DETERMINIZER_MEMORY: usize = 64 << 20;

/// Whether Lucene would refuse `lucene` (a pattern in its `RegExp` syntax, as
/// [`super::to_lucene`] writes it) as too complex to determinize. In patterns as Sigma rules
/// write them, only a counted repetition (`{m,n}`) makes the automaton grow out of bounds
/// (without one, it would take dozens of `.` written out), so the others are not
/// determinized. The answer for each pattern is kept: every query target asks about the
/// same spelling.
pub fn too_complex(lucene: &str) -> bool {
    if !has_counted_repetition(lucene) {
        return false;
    }
    static KNOWN: Mutex<Option<HashMap<String, bool>>> = Mutex::new(None);
    let kept = KNOWN.lock().ok().and_then(|known| known.as_ref()?.get(lucene).copied());
    if let Some(answer) = kept {
        return answer;
    }
    let answer = determinize(lucene);
    if let Ok(mut known) = KNOWN.lock() {
        known.get_or_insert_with(HashMap::new).insert(lucene.to_string(), answer);
    }
    answer
}

/// Whether `lucene` has a `{` that is not escaped: a counted repetition. A literal `\{`
/// is none; the fuzzer found a long pattern with one that took two seconds to determinize.
fn has_counted_repetition(lucene: &str) -> bool {
    let mut chars = lucene.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => return true,
            _ => {}
        }
    }
    false
}

/// Whether the automaton of `lucene` is over [`FLAGGED_STATES`] states.
fn determinize(lucene: &str) -> bool {
    let nfa = match NFA::compiler()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            thompson::Config::new().utf8(false).which_captures(thompson::WhichCaptures::None),
        )
        .build(&byte_pattern(lucene))
    {
        Ok(nfa) => nfa,
        // A pattern too big for the NFA is too big for Lucene; any other error means we
        // cannot tell, and Lucene's own parser is the judge.
        Err(err) => return err.size_limit().is_some(),
    };
    let stride = 1usize << nfa.byte_classes().stride2();
    let table = FLAGGED_STATES * stride * std::mem::size_of::<u32>();
    let config = dense::Config::new()
        .match_kind(MatchKind::All)
        .start_kind(StartKind::Anchored)
        .dfa_size_limit(Some(table))
        .determinize_size_limit(Some(DETERMINIZER_MEMORY));
    dense::Builder::new().configure(config).build_from_nfa(&nfa).is_err()
}

/// `lucene` in `regex-automata`'s syntax, byte by byte: every escaped or unusual character as
/// a hex escape, and each character beyond ASCII as one byte from 0x80 on.
fn byte_pattern(lucene: &str) -> String {
    let mut out = String::from("(?s-u:");
    let mut chars = lucene.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => push_byte(chars.next().unwrap_or('\\'), &mut out),
            c if c.is_ascii_alphanumeric() => out.push(c),
            '.' | '*' | '+' | '?' | '{' | '}' | ',' | '(' | ')' | '|' | '[' | ']' | '^' | '-' => {
                out.push(c)
            }
            c => push_byte(c, &mut out),
        }
    }
    out.push(')');
    out
}

fn push_byte(c: char, out: &mut String) {
    let byte = match u8::try_from(c) {
        Ok(b) if b.is_ascii() => b,
        _ => 0x80 | (c as u32 % 0x80) as u8,
    };
    out.push_str(&format!("\\x{byte:02X}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_window_searched_anywhere_is_too_complex() {
        // proc_creation_win_hktl_wsass, which Lucene 8 refuses.
        assert!(too_complex(".*[ \t\n\r\u{b}\u{c}]+[^\"]{0,64}[wW][eE][rR][fF][aA][uU][lL][tT].*"));
        // The classic: which of the last 21 characters were an `a`.
        assert!(too_complex(".*a[^b]{20}c.*"));
        assert!(too_complex(".*a[^b]{20}c.*"), "and so it stays, from the kept answer");
    }

    #[test]
    fn only_an_unescaped_brace_is_a_counted_repetition() {
        assert!(has_counted_repetition("a{2}"));
        assert!(has_counted_repetition("\\\\{2}"), "an escaped backslash, then a count");
        assert!(!has_counted_repetition(".*\\$\\{?[iI]nput.*"));
    }

    #[test]
    fn ordinary_patterns_are_not() {
        assert!(!too_complex(".*\\\\[sS][yY][sS]32\\\\.*\\.exe"));
        assert!(!too_complex(".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}.*"));
        assert!(!too_complex("[^\"]{0,64}werfault"), "anchored at the start: one window");
        assert!(!too_complex(".*.{1000,}.*"), "1,002 states, though many NFA states each");
        assert!(!too_complex(".*[pP]rogram\\[^\\]{1,256}"), "a backslash ends the window");
        assert!(!too_complex(".*\\<\\#\\@\\&\\~\\\"é.*"));
        let csc = concat!(
            r"(.*[Pp]rogram[Dd]ata|.*\%([Ll]ocal)?[Aa]pp[Dd]ata\%|",
            r".*\\[Aa]pp[Dd]ata\\([Ll]ocal([Ll]ow)?|[Rr]oaming))\\[^\\]{1,256}"
        );
        assert!(!too_complex(csc), "Lucene 8 builds it");
        assert!(!too_complex("x{3,9000}"));
    }
}
