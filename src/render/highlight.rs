//! Syntax colouring of a rule's YAML source, done at build time so that a rule page needs
//! no script to show it.
//!
//! A line-by-line tokenizer that knows the YAML a Sigma rule is written in: comments, keys,
//! quoted and plain scalars, numbers, block scalars (`|`, `>`) and flow collections. It
//! colours; it does not validate: text it does not understand is shown as a plain scalar,
//! never dropped. We chose it over `syntect` (a full grammar engine) for speed and size:
//! it is one linear pass per line, and it embeds no grammar dump in the binary. The README's
//! design notes give the figures. Every piece of text has `&`, `<` and `>` escaped on its
//! way out, so nothing in a rule file can become markup.

/// What a piece of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A mapping key.
    Key,
    /// A quoted or plain scalar, or a block scalar's line.
    Str,
    /// A number, boolean or null.
    Number,
    /// A `#` comment.
    Comment,
    /// `:`, `-`, `[`, `]`, `{`, `}`, `,`, `|`, `>`, `---`.
    Punct,
    /// White space and anything left uncoloured.
    Plain,
}

impl Kind {
    /// The CSS class of the kind's span; `None` for plain text.
    fn class(self) -> Option<&'static str> {
        match self {
            Kind::Key => Some("y-key"),
            Kind::Str => Some("y-str"),
            Kind::Number => Some("y-num"),
            Kind::Comment => Some("y-com"),
            // Uncoloured: a rule with thousands of list items would otherwise spend most of
            // its page on spans around `-`.
            Kind::Punct | Kind::Plain => None,
        }
    }
}

/// The YAML `source` as HTML: escaped text in `<span class="y-…">` elements.
pub fn yaml_to_html(source: &str) -> String {
    let mut html = String::with_capacity(source.len() * 2);
    for (kind, text) in tokens(source) {
        match kind.class() {
            Some(class) => {
                html.push_str("<span class=\"");
                html.push_str(class);
                html.push_str("\">");
                super::html::push_code(text, &mut html);
                html.push_str("</span>");
            }
            None => super::html::push_code(text, &mut html),
        }
    }
    html
}

/// The pieces of `source`, in order; joined, they give `source` back.
pub fn tokens(source: &str) -> Vec<(Kind, &str)> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for line in source.split_inclusive('\n') {
        let (body, end) = split_line_end(line);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let blank = body.trim().is_empty();
        match block {
            Some(parent) if blank || indent > parent => {
                push(&mut out, Kind::Str, body);
                push(&mut out, Kind::Plain, end);
                continue;
            }
            _ => block = None,
        }
        if line_tokens(body, &mut out) {
            block = Some(indent);
        }
        push(&mut out, Kind::Plain, end);
    }
    out
}

/// The line without its line break, and the line break.
fn split_line_end(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

fn push<'a>(out: &mut Vec<(Kind, &'a str)>, kind: Kind, text: &'a str) {
    if !text.is_empty() {
        out.push((kind, text));
    }
}

/// Tokens of one line of block YAML; true when the line opens a block scalar.
fn line_tokens<'a>(line: &'a str, out: &mut Vec<(Kind, &'a str)>) -> bool {
    let rest = leading_space(line, out);
    if rest.starts_with('#') {
        push(out, Kind::Comment, rest);
        return false;
    }
    if rest == "---" || rest == "..." || rest.starts_with("--- ") {
        push(out, Kind::Punct, &rest[..3]);
        return value_tokens(&rest[3..], out);
    }
    let rest = dash_markers(rest, out);
    match key_end(rest) {
        Some(end) => {
            push(out, Kind::Key, &rest[..end]);
            push(out, Kind::Punct, &rest[end..end + 1]);
            value_tokens(&rest[end + 1..], out)
        }
        None => value_tokens(rest, out),
    }
}

/// Pushes the leading spaces and returns the rest.
fn leading_space<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>) -> &'a str {
    let rest = text.trim_start_matches([' ', '\t']);
    push(out, Kind::Plain, &text[..text.len() - rest.len()]);
    rest
}

/// Pushes the `- ` markers of sequence entries (`- - a` has two) and returns the rest.
fn dash_markers<'a>(mut rest: &'a str, out: &mut Vec<(Kind, &'a str)>) -> &'a str {
    while rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
        push(out, Kind::Punct, &rest[..1]);
        rest = leading_space(&rest[1..], out);
    }
    rest
}

/// Where the `:` that ends a mapping key sits, when `text` starts with a key.
fn key_end(text: &str) -> Option<usize> {
    let scan_from = match text.chars().next()? {
        q @ ('\'' | '"') => quoted_end(text, q)?,
        '#' | '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`' => return None,
        _ => 0,
    };
    let bytes = text.as_bytes();
    let mut i = scan_from;
    while i < bytes.len() {
        match bytes[i] {
            b':' if bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t') => {
                return Some(i);
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The byte just past the closing quote of the scalar that `text` opens with `quote`.
fn quoted_end(text: &str, quote: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let q = quote as u8;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if q == b'"' => i += 2,
            b if b == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Tokens of what follows a key or a dash; true when it opens a block scalar.
fn value_tokens<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>) -> bool {
    let rest = leading_space(text, out);
    match rest.chars().next() {
        None => false,
        Some('#') => {
            push(out, Kind::Comment, rest);
            false
        }
        Some('|' | '>') => {
            let (header, comment) = split_comment(rest);
            push(out, Kind::Punct, header);
            push(out, Kind::Comment, comment);
            true
        }
        Some('[' | '{') => {
            flow_tokens(rest, out);
            false
        }
        Some(_) => {
            scalar_tokens(rest, out);
            false
        }
    }
}

/// A scalar up to a ` #` comment, then the comment.
fn scalar_tokens<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>) {
    let first = text.chars().next().unwrap_or(' ');
    let end = match first {
        '\'' | '"' => quoted_end(text, first).unwrap_or(text.len()),
        _ => split_comment(text).0.trim_end().len(),
    };
    let (scalar, rest) = text.split_at(end);
    push(out, scalar_kind(scalar), scalar);
    let after = leading_space(rest, out);
    let kind = if after.starts_with('#') { Kind::Comment } else { Kind::Str };
    push(out, kind, after);
}

/// Whether a scalar reads as a number, boolean or null, or as text.
fn scalar_kind(scalar: &str) -> Kind {
    let word = scalar.trim();
    let keyword = matches!(
        word.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | ".inf" | "-.inf" | ".nan"
    );
    let digits = word.trim_start_matches(['-', '+']);
    let number = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit());
    if keyword || number {
        Kind::Number
    } else {
        Kind::Str
    }
}

/// `text` split before a ` #` comment (outside quotes is all a plain scalar knows).
fn split_comment(text: &str) -> (&str, &str) {
    let at = text.match_indices(" #").next().map(|(i, _)| i + 1).or(text.find("\t#"));
    match at {
        Some(i) => text.split_at(i),
        None => (text, ""),
    }
}

/// Tokens of a flow collection (`[a, b]`, `{k: v}`) up to the end of the line.
fn flow_tokens<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>) {
    let mut rest = text;
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        let len = match c {
            '[' | ']' | '{' | '}' | ',' | ':' => {
                push(out, Kind::Punct, &rest[..1]);
                1
            }
            ' ' | '\t' => {
                let run = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                push(out, Kind::Plain, &rest[..run]);
                run
            }
            '#' => {
                push(out, Kind::Comment, rest);
                rest.len()
            }
            '\'' | '"' => {
                let end = quoted_end(rest, c).unwrap_or(rest.len());
                push(out, Kind::Str, &rest[..end]);
                end
            }
            _ => flow_scalar(rest, out),
        };
        rest = &rest[len..];
    }
}

/// A plain scalar inside a flow collection, as a key when a `:` follows it.
fn flow_scalar<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>) -> usize {
    let end = text.find([',', ']', '}', ':']).unwrap_or(text.len());
    let scalar = text[..end].trim_end();
    let kind = if text[end..].starts_with(':') { Kind::Key } else { scalar_kind(scalar) };
    push(out, kind, scalar);
    scalar.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(Kind, &str)> {
        tokens(source).into_iter().filter(|(k, _)| *k != Kind::Plain).collect()
    }

    #[test]
    fn tokens_join_back_to_the_source() {
        let source =
            "title: 'a' # c\r\ndescription: |\n  x: y\n\n  z\nlevel: high\n- [a, {b: 1}]\n";
        let joined: String = tokens(source).iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, source);
    }

    #[test]
    fn keys_values_and_comments_are_told_apart() {
        use Kind::*;
        assert_eq!(
            kinds("detection:\n  selection:\n    EventID: 7 # sysmon\n"),
            [
                (Key, "detection"),
                (Punct, ":"),
                (Key, "selection"),
                (Punct, ":"),
                (Key, "EventID"),
                (Punct, ":"),
                (Number, "7"),
                (Comment, "# sysmon"),
            ]
        );
        assert_eq!(
            kinds("    Image: 'C:\\wbem\\x: y.exe'\n"),
            [(Key, "Image"), (Punct, ":"), (Str, "'C:\\wbem\\x: y.exe'")]
        );
        assert_eq!(kinds("# note\n"), [(Comment, "# note")]);
    }

    #[test]
    fn sequence_entries_and_modifiers() {
        use Kind::*;
        assert_eq!(
            kinds("tags:\n  - attack.t1546.003\n    - 'ImageLoaded|endswith': x\n"),
            [
                (Key, "tags"),
                (Punct, ":"),
                (Punct, "-"),
                (Str, "attack.t1546.003"),
                (Punct, "-"),
                (Key, "'ImageLoaded|endswith'"),
                (Punct, ":"),
                (Str, "x"),
            ]
        );
    }

    #[test]
    fn a_block_scalar_runs_while_indented_deeper() {
        use Kind::*;
        assert_eq!(
            kinds("description: >\n  a: b # not a comment\n\n  c\nlevel: low\n"),
            [
                (Key, "description"),
                (Punct, ":"),
                (Punct, ">"),
                (Str, "  a: b # not a comment"),
                (Str, "  c"),
                (Key, "level"),
                (Punct, ":"),
                (Str, "low"),
            ]
        );
    }

    #[test]
    fn flow_collections_are_split_into_their_parts() {
        use Kind::*;
        assert_eq!(
            kinds("logsource: {product: windows, id: 4688}\n"),
            [
                (Key, "logsource"),
                (Punct, ":"),
                (Punct, "{"),
                (Key, "product"),
                (Punct, ":"),
                (Str, "windows"),
                (Punct, ","),
                (Key, "id"),
                (Punct, ":"),
                (Number, "4688"),
                (Punct, "}"),
            ]
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let source =
            "title: '<script>alert(1)</script>'\n\"><img src=x onerror=alert(1)>: {{ 7*7 }}\n\
                      x: '{% raw %}' </span><b>\n";
        let html = yaml_to_html(source);
        for live in ["<script", "<img", "<b>", "</span><b"] {
            assert!(!html.contains(live), "{live} in {html}");
        }
        for shown in ["&lt;script&gt;", "\"&gt;&lt;img", "{{ 7*7 }}", "{% raw %}"] {
            assert!(html.contains(shown), "{shown} not in {html}");
        }
        assert_eq!(html.matches("<span").count(), html.matches("</span>").count());
    }

    #[test]
    fn unclosed_quotes_and_odd_lines_do_not_lose_text() {
        let source = "a: 'open\n  - : ]]}\n'\"\n\t- x\n";
        let joined: String = tokens(source).iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, source);
    }
}
