//! Loading: walking source folders, reading files in parallel, and splitting YAML streams.
//!
//! This module knows files and YAML text, nothing of what the documents mean. It keeps each
//! document's text and first line so that later stages can say on which line a key sits:
//! serde_yaml's `Value` carries no positions, and a hand-written YAML parser is the
//! alternative we rejected.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Severity};

mod nesting;

/// One YAML file read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as found by the walk (the folder given plus the relative path).
    pub path: PathBuf,
    /// The full text, without a byte-order mark and with `\r\n` and lone `\r` line ends
    /// turned into `\n`.
    pub text: String,
}

/// One document of a YAML stream, with its place in the file.
#[derive(Debug, Clone)]
pub struct DocText {
    /// The document's own text.
    pub text: String,
    /// The 1-based line in the file where the document's text starts.
    pub first_line: usize,
}

impl DocText {
    /// The 1-based file line of the first line that defines `key` as a mapping key
    /// (`key:`, `'key':` or `"key":`, at any indentation), if there is one.
    pub fn line_of_key(&self, key: &str) -> Option<usize> {
        self.line_of_key_after(key, 0)
    }

    /// Like [`DocText::line_of_key`], searching only from the file line `after` on.
    pub fn line_of_key_after(&self, key: &str, after: usize) -> Option<usize> {
        let skip = after.saturating_sub(self.first_line);
        self.text.lines().enumerate().skip(skip).find_map(|(i, line)| {
            let body = line.trim_start().trim_start_matches("- ");
            opens_with_key(body, key).then_some(self.first_line + i)
        })
    }
}

/// Whether `body` starts with `key:`, `'key':` or `"key":`. Called for every line a finding
/// looks up, so it allocates nothing.
fn opens_with_key(body: &str, key: &str) -> bool {
    let then_colon = |rest: Option<&str>| rest.is_some_and(|r| r.starts_with(':'));
    let quoted = |q: char| {
        let inner = body.strip_prefix(q).and_then(|b| b.strip_prefix(key));
        then_colon(inner.and_then(|b| b.strip_prefix(q)))
    };
    then_colon(body.strip_prefix(key)) || quoted('\'') || quoted('"')
}

/// File name extensions read as YAML.
const YAML_EXTENSIONS: [&str; 2] = ["yml", "yaml"];

/// Every YAML file under `roots`, sorted by path so that builds are deterministic.
/// Unreadable entries and symbolic link loops become diagnostics.
pub fn find_yaml_files(roots: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for root in roots {
        for entry in WalkDir::new(root).follow_links(true).sort_by_file_name() {
            match entry {
                // A file named on its own is read whatever its name; inside folders, by name.
                Ok(entry)
                    if entry.file_type().is_file()
                        && (entry.depth() == 0 || is_yaml(entry.path())) =>
                {
                    files.push(entry.into_path())
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    diagnostics.push(Diagnostic::error(&path, "unreadable", walk_error(&err)));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    files
}

fn walk_error(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!("symbolic link loop back to {}", ancestor.display());
    }
    match err.io_error() {
        Some(io) => format!("cannot read: {io}"),
        None => err.to_string(),
    }
}

fn is_yaml(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str());
    extension.is_some_and(|e| YAML_EXTENSIONS.iter().any(|y| e.eq_ignore_ascii_case(y)))
}

/// Reads `paths` in parallel. Files that cannot be read, or are not UTF-8, become
/// diagnostics; the others come back in the order of `paths`.
pub fn read_files(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let results: Vec<Result<SourceFile, Diagnostic>> = paths.par_iter().map(read_one).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (files, diagnostics)
}

/// The largest source file read, in bytes. The largest real rule (a list of driver hashes) is
/// 0.3 MB; a bigger file is refused before it is read, so that a stray dump or a 10 MB string
/// cannot make the build slow or its pages huge.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

fn read_one(path: &PathBuf) -> Result<SourceFile, Diagnostic> {
    let unreadable =
        |err: std::io::Error| Diagnostic::error(path, "unreadable", format!("cannot read: {err}"));
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).map_err(unreadable)?;
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = format!(
            "the file is larger than {} MiB, the most a source file may hold; it is not read",
            MAX_FILE_BYTES / 1024 / 1024
        );
        return Err(Diagnostic::error(path, "too-large", message));
    }
    decode(path, bytes)
}

/// The file's bytes as text, as [`read_files`] keeps them: UTF-8 only, normalized by
/// [`normalize_text`]. Public so that the fuzz targets feed bytes in where the build does.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        let line = err.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let message = format!("not UTF-8 text (invalid byte at offset {at})");
        Diagnostic::error(path, "not-utf8", message).at(Some(line))
    })?;
    Ok(SourceFile { path: path.to_path_buf(), text: normalize_text(text) })
}

/// Drops a byte-order mark and turns CRLF and lone CR line ends into LF. YAML counts a lone
/// CR as a line break, so keeping it would put YAML's error lines past the lines we count.
pub fn normalize_text(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Splits a YAML stream into its documents at `---` lines (and drops `...` end markers).
/// Empty documents (only blanks and comments) are left out.
pub fn split_documents(text: &str) -> Vec<DocText> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut first_line = 1;
    for (i, line) in text.lines().enumerate() {
        if is_document_start(line) || line.trim_end() == "..." {
            push_document(&mut docs, std::mem::take(&mut current), first_line);
            first_line = i + 2;
            if let Some(rest) = line.strip_prefix("---").filter(|r| !r.trim().is_empty()) {
                current.push_str(rest.trim_start());
                current.push('\n');
                first_line = i + 1;
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    push_document(&mut docs, current, first_line);
    docs
}

fn is_document_start(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

fn push_document(docs: &mut Vec<DocText>, text: String, first_line: usize) {
    let blank = text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if !blank {
        docs.push(DocText { text, first_line });
    }
}

/// Why a document gives no YAML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The 1-based file line, when known.
    pub line: Option<usize>,
    /// `yaml-syntax`, or `too-deep` for nesting refused before parsing.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
}

impl YamlError {
    /// The error as an error diagnostic about `path`.
    pub fn into_diagnostic(self, path: &Path) -> Diagnostic {
        Diagnostic::error(path, self.code, self.message).at(self.line)
    }
}

/// The deepest nesting of collections a document may have. serde_yaml refuses more than 128
/// levels itself, but only after its scanner has read the whole document, and that scanner's
/// time grows faster than the square of the depth of flow collections (`[[[[…`): 10,000
/// levels took 0.3 s, 40,000 took 6 s (release build), 200,000 minutes. Real rules nest
/// fewer than 10 levels.
pub const MAX_NESTING: usize = 200;

/// Parses one document into a YAML value. The error names the file line.
pub fn parse_yaml(doc: &DocText) -> Result<serde_yaml::Value, YamlError> {
    if let Some(line) = nesting::too_deep(&doc.text, MAX_NESTING) {
        let message = format!("collections nest more than {MAX_NESTING} levels deep");
        let line = Some(line + doc.first_line - 1);
        return Err(YamlError { line, code: "too-deep", message });
    }
    serde_yaml::from_str(&doc.text).map_err(|err| {
        let line = err.location().map(|l| l.line() + doc.first_line - 1);
        let message = yaml_message(&err);
        let line = duplicate_key_line(doc, &message, line).or(line);
        let line = line.or_else(|| repetition_line(doc, &message));
        YamlError { line, code: "yaml-syntax", message }
    })
}

/// serde_yaml's message without its trailing "at line N column M", which we print ourselves.
fn yaml_message(err: &serde_yaml::Error) -> String {
    let text = err.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// An information finding for each top-level key of `map` that is not `known`, at its line:
/// the formats allow custom fields, but a misspelt one (`levle`) is silently not read.
/// `kind` names the source in the message (`a Data Needed file`).
pub fn unknown_fields(
    path: &Path,
    doc: &DocText,
    map: &serde_yaml::Mapping,
    known: impl Fn(&str) -> bool,
    kind: &str,
) -> Vec<Diagnostic> {
    let keys = map.keys().map(|key| match key {
        serde_yaml::Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    });
    keys.filter(|key| !known(key))
        .map(|key| {
            let message = format!("`{key}` is not a field of {kind}; it is not read");
            Diagnostic::new(path, "unknown-field", Severity::Info, message)
                .at(doc.line_of_key(&key))
        })
        .collect()
}

/// serde_yaml places a duplicate key at the start of its mapping; the line worth showing is
/// that of the key's second definition.
fn duplicate_key_line(doc: &DocText, message: &str, line: Option<usize>) -> Option<usize> {
    let key = message.strip_prefix("duplicate entry with key ")?.trim_matches('"');
    let first = doc.line_of_key_after(key, line.unwrap_or(doc.first_line))?;
    doc.line_of_key_after(key, first + 1)
}

/// For serde_yaml's `repetition limit exceeded` (aliases that would expand into too many
/// nodes), which comes without a place: the file line of the first alias (`*name`).
fn repetition_line(doc: &DocText, message: &str) -> Option<usize> {
    if !message.contains("repetition limit exceeded") {
        return None;
    }
    let opens_alias = |line: &str| {
        let comment = line.find(" #").map_or(line.len(), |at| at + 1);
        let bytes = line[..comment].trim_start().as_bytes();
        if bytes.first() == Some(&b'#') {
            return false;
        }
        bytes.iter().enumerate().any(|(i, &b)| {
            let after_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'[' | b'{' | b',');
            let named = bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace());
            b == b'*' && after_space && named
        })
    };
    let index = doc.text.lines().position(opens_alias)?;
    Some(doc.first_line + index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_found_plain_or_quoted_and_only_from_the_line_asked() {
        let text = "title: a\nlist:\n  - 'sel':\n    \"x\": 1\ntitles: b\nx: 2\n";
        let doc = DocText { text: text.into(), first_line: 10 };
        assert_eq!(doc.line_of_key("sel"), Some(12));
        assert_eq!(doc.line_of_key("x"), Some(13));
        assert_eq!(doc.line_of_key_after("x", 14), Some(15));
        assert_eq!(doc.line_of_key_after("title", 11), None, "`titles:` is another key");
        assert_eq!(doc.line_of_key("'sel"), None);
    }

    #[test]
    fn yaml_extensions_are_matched_in_any_case() {
        assert!(is_yaml(Path::new("a/RULE.YML")));
        assert!(is_yaml(Path::new("a/rule.Yaml")));
        assert!(!is_yaml(Path::new("a/rule.yml.txt")));
    }

    #[test]
    fn a_file_named_on_its_own_is_read_whatever_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rule.txt");
        std::fs::write(&file, "title: x\n").unwrap();
        std::fs::write(dir.path().join("other.txt"), "title: y\n").unwrap();
        let mut diagnostics = Vec::new();
        assert_eq!(find_yaml_files(std::slice::from_ref(&file), &mut diagnostics), vec![file]);
        assert!(find_yaml_files(&[dir.path().to_path_buf()], &mut diagnostics).is_empty());
    }

    #[test]
    fn documents_keep_their_first_line() {
        let docs = split_documents("action: global\ntitle: a\n---\ntitle: b\n---\n# only\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].first_line, 4);
        assert_eq!(docs[1].line_of_key("title"), Some(4));
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalize_text("\u{feff}a: 1\r\nb: 2\r\n".into()), "a: 1\nb: 2\n");
    }

    #[test]
    fn a_lone_carriage_return_is_a_line_break_as_in_yaml() {
        assert_eq!(normalize_text("a: 1\rb: 2\r\r\nc: 3".into()), "a: 1\nb: 2\n\nc: 3");
    }

    #[test]
    fn an_alias_bomb_is_placed_at_its_first_alias() {
        let mut text =
            String::from("title: bomb\n# a *comment\na0: &a0 [x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let refs = vec![format!("*a{}", level - 1); 8].join(",");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        let doc = DocText { text, first_line: 5 };
        let error = parse_yaml(&doc).unwrap_err();
        assert!(error.message.contains("repetition limit"), "{}", error.message);
        assert_eq!(error.line, Some(8));
    }

    #[test]
    fn yaml_errors_name_the_file_line() {
        let docs = split_documents("a: 1\n---\nb: [1,\n");
        let error = parse_yaml(&docs[1]).unwrap_err();
        assert!(error.line.unwrap() >= 3);
        assert_eq!(error.code, "yaml-syntax");
    }
}
