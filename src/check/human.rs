//! The plain-text report: one `file:line: severity [code]: message` line per finding, then
//! the counts per code and per severity.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity};

/// The whole report; `findings` are expected sorted.
pub fn report(findings: &[Diagnostic]) -> String {
    let mut text = String::new();
    for finding in findings {
        let _ = writeln!(text, "{finding}");
    }
    let counts = super::counts(findings);
    if !counts.is_empty() {
        let _ = writeln!(text, "\nfindings per check:");
        let width = counts.keys().map(|c| c.len()).max().unwrap_or(0);
        for (code, count) in &counts {
            let _ = writeln!(text, "  {code:<width$}  {count}");
        }
    }
    let _ = writeln!(text, "{}", summary(findings));
    text
}

/// `detcat check: 2 errors, 5 warnings, 1 note`.
pub fn summary(findings: &[Diagnostic]) -> String {
    let n = |s| super::count_severity(findings, s);
    format!(
        "detcat check: {} errors, {} warnings, {} notes",
        n(Severity::Error),
        n(Severity::Warning),
        n(Severity::Info)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn lines_then_counts_then_the_summary() {
        let findings = vec![
            Diagnostic::error(Path::new("r/a.yml"), "id-duplicate", "id x twice").at(Some(3)),
            Diagnostic::warning(Path::new("r/b.yml"), "tag-unknown", "tag y"),
        ];
        let text = report(&findings);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "r/a.yml:3: error [id-duplicate]: id x twice");
        assert_eq!(lines[1], "r/b.yml: warning [tag-unknown]: tag y");
        assert!(text.contains("  id-duplicate  1\n"), "{text}");
        assert_eq!(lines.last(), Some(&"detcat check: 1 errors, 1 warnings, 0 notes"));
    }
}
