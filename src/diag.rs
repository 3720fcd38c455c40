//! Diagnostics: what went wrong, where, and how bad it is.
//!
//! Every stage collects `Diagnostic`s instead of printing; the command line prints them once,
//! at the end of a run. A diagnostic names the file and, where the parser knows it, the line.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing is wrong.
    Info,
    /// The catalog builds, but something is probably not what the author meant.
    Warning,
    /// A source could not be used (in part or whole).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding about one source file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file the finding is about.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// A stable, machine-readable code such as `yaml-syntax` or `unknown-reference`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A new diagnostic without a line.
    pub fn new(
        file: &Path,
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { file: file.to_path_buf(), line: None, code, severity, message: message.into() }
    }

    /// An error about `file`.
    pub fn error(file: &Path, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(file, code, Severity::Error, message)
    }

    /// A warning about `file`.
    pub fn warning(file: &Path, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(file, code, Severity::Warning, message)
    }

    /// The same diagnostic, at `line`.
    pub fn at(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {} [{}]: {}", self.severity, self.code, self.message)
    }
}

/// Sorts diagnostics into a stable order: by file, line, code and message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.code, &a.message).cmp(&(&b.file, b.line, b.code, &b.message))
    });
}
