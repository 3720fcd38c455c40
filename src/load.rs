//! Loading: walking source folders, reading files in parallel, and splitting YAML streams.
//!
//! This module knows files and YAML text, nothing of what the documents mean. It keeps each
//! document's text and first line so that later stages can say on which line a key sits:
//! serde_yaml's `Value` carries no positions, and a hand-written YAML parser is the
//! alternative we rejected.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::Diagnostic;

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
        let forms = [format!("{key}:"), format!("'{key}':"), format!("\"{key}\":")];
        self.text.lines().enumerate().find_map(|(i, line)| {
            let number = self.first_line + i;
            let body = line.trim_start().trim_start_matches("- ");
            let hit = number >= after && forms.iter().any(|f| body.starts_with(f.as_str()));
            hit.then_some(number)
        })
    }
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

fn read_one(path: &PathBuf) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|err| Diagnostic::error(path, "unreadable", format!("cannot read: {err}")))?;
    decode(path, bytes)
}

/// The file's bytes as text, as [`read_files`] keeps them: UTF-8 only, normalized by
/// [`normalize_text`]. Public so that the fuzz targets feed bytes in where the build does.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        Diagnostic::error(path, "not-utf8", format!("not UTF-8 text (invalid byte at offset {at})"))
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

/// Parses one document into a YAML value. The error names the file line.
pub fn parse_yaml(doc: &DocText) -> Result<serde_yaml::Value, (Option<usize>, String)> {
    serde_yaml::from_str(&doc.text).map_err(|err| {
        let line = err.location().map(|l| l.line() + doc.first_line - 1);
        (line, yaml_message(&err))
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn yaml_errors_name_the_file_line() {
        let docs = split_documents("a: 1\n---\nb: [1,\n");
        let (line, _) = parse_yaml(&docs[1]).unwrap_err();
        assert!(line.unwrap() >= 3);
    }
}
