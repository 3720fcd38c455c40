//! A cheap estimate of how deep a YAML document's collections nest, made before parsing.
//!
//! One pass over the text, linear in its length: block collections are counted by a stack of
//! indentation columns (and of compact `- ` entries on one line), flow collections by their
//! brackets outside quoted scalars and comments. It is an estimate, not a parser: text inside
//! a block scalar indented deeper and deeper counts as nesting, and a plain scalar with
//! unbalanced brackets (`a: x[y`) adds a level. Both are far from the limit it is used with;
//! a document it lets through still meets serde_yaml's own limit.

/// The 1-based line (of `text`) where the nesting first exceeds `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut scan = Scan::default();
    for (i, line) in text.lines().enumerate() {
        if scan.line(line) > limit {
            return Some(i + 1);
        }
    }
    None
}

/// The state carried from line to line.
#[derive(Debug, Default)]
struct Scan {
    /// Indentation columns of the open block collections.
    block: Vec<usize>,
    /// Open flow collections (`[` and `{`).
    flow: usize,
    /// The quote of a quoted scalar still open at the end of the last line.
    quote: Option<char>,
}

impl Scan {
    /// Reads one line and returns the deepest nesting reached on it.
    fn line(&mut self, line: &str) -> usize {
        let mut column = 0;
        if self.flow == 0 && self.quote.is_none() {
            match self.block_entries(line) {
                Some(start) => column = start,
                None => return self.block.len(),
            }
        }
        self.flow_collections(&line[column..])
    }

    /// Updates the block stack for a line read in block context; returns where the rest of
    /// the line starts, or `None` for a blank or comment line.
    fn block_entries(&mut self, line: &str) -> Option<usize> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line[indent..].trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            return None;
        }
        while self.block.last().is_some_and(|&top| top >= indent) {
            self.block.pop();
        }
        self.block.push(indent);
        let mut column = line.len() - rest.len();
        while let Some(after) =
            line[column..].strip_prefix("- ").or(line[column..].strip_prefix("? "))
        {
            let next = line.len() - after.trim_start().len();
            self.block.push(next);
            column = next;
        }
        Some(column)
    }

    /// Follows brackets and quotes through `text`; returns the deepest nesting reached.
    fn flow_collections(&mut self, text: &str) -> usize {
        let mut deepest = self.block.len() + self.flow;
        let mut previous = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if let Some(quote) = self.quote {
                let escaped = quote == '"' && c == '\\';
                if escaped {
                    chars.next();
                } else if c == quote && !(quote == '\'' && chars.next_if_eq(&'\'').is_some()) {
                    self.quote = None;
                }
                continue;
            }
            match c {
                '\'' | '"' if starts_a_scalar(previous) => self.quote = Some(c),
                '#' if previous.is_none() || text_before_is_space(previous) => break,
                '[' | '{' => self.flow += 1,
                ']' | '}' => self.flow = self.flow.saturating_sub(1),
                _ => {}
            }
            deepest = deepest.max(self.block.len() + self.flow);
            if !c.is_whitespace() {
                previous = Some(c);
            } else if previous.is_some() {
                previous = Some(' ');
            }
        }
        deepest
    }
}

/// Whether a quote after `previous` (the last character before it, blanks as one space)
/// opens a quoted scalar: at the start of a value, not inside a word like `don't`.
fn starts_a_scalar(previous: Option<char>) -> bool {
    matches!(previous, None | Some(' ' | '[' | '{' | ',' | ':' | '-' | '?'))
}

fn text_before_is_space(previous: Option<char>) -> bool {
    previous == Some(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_documents_nest_shallowly() {
        let text = "title: x\ndetection:\n  sel:\n    - a: [1, {b: '[[['}]\n  condition: sel\n";
        assert_eq!(too_deep(text, 6), None);
        assert_eq!(too_deep(text, 3), Some(4));
    }

    #[test]
    fn flow_and_block_nesting_are_counted() {
        let flow = format!("a: {}1{}\n", "[".repeat(300), "]".repeat(300));
        assert_eq!(too_deep(&flow, 200), Some(1));
        let compact = format!("{}x\n", "- ".repeat(300));
        assert_eq!(too_deep(&compact, 200), Some(1));
        let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert_eq!(too_deep(&block, 200), Some(201));
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count_and_quotes_do_not_hide_them() {
        let quoted =
            format!("a: '{}'\nb: \"{}\" # {}\n", "[".repeat(300), "{".repeat(300), "[".repeat(300));
        assert_eq!(too_deep(&quoted, 10), None);
        let hidden = format!("a: don't {}\n", "[".repeat(300));
        assert_eq!(too_deep(&hidden, 200), Some(1), "an apostrophe in a word opens no quote");
        let closers = format!("a: {}\n", "[ ']' ".repeat(300));
        assert_eq!(too_deep(&closers, 200), Some(1), "a quoted bracket closes nothing");
    }
}
