//! The JSON report: one document holding every finding and the counts per code.
//!
//! ```json
//! {"findings": [{"file", "line", "code", "severity", "message"}],
//!  "counts": {"<code>": n}, "errors": n, "warnings": n, "notes": n}
//! ```

use crate::diag::{Diagnostic, Severity};

/// `path` as the human report shows it: relative to the current folder when inside it, else
/// as given. (SARIF needs URIs; this report is read by scripts that open the file.)
fn plain_path(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    shown.strip_prefix(".").unwrap_or(shown).display().to_string()
}

/// The report as a JSON value.
pub fn report(findings: &[Diagnostic]) -> serde_json::Value {
    let n = |s| super::count_severity(findings, s);
    let items: Vec<serde_json::Value> = findings
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": plain_path(&d.file),
                "line": d.line,
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
            })
        })
        .collect();
    serde_json::json!({
        "findings": items,
        "counts": super::counts(findings),
        "errors": n(Severity::Error),
        "warnings": n(Severity::Warning),
        "notes": n(Severity::Info),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn findings_and_counts_in_one_document() {
        let findings = vec![
            Diagnostic::warning(Path::new("r/a.yml"), "tag-unknown", "x").at(Some(2)),
            Diagnostic::warning(Path::new("r/b.yml"), "tag-unknown", "y"),
        ];
        let value = report(&findings);
        assert_eq!(value["findings"][0]["file"], "r/a.yml");
        assert_eq!(value["findings"][0]["line"], 2);
        assert_eq!(value["findings"][1]["line"], serde_json::Value::Null);
        assert_eq!(value["findings"][1]["severity"], "warning");
        assert_eq!(value["counts"]["tag-unknown"], 2);
        assert_eq!((value["errors"].as_u64(), value["warnings"].as_u64()), (Some(0), Some(2)));
    }

    #[test]
    fn a_file_outside_the_current_folder_keeps_its_plain_path() {
        let outside = Path::new("/nonexistent-root/rules/a b%.yml");
        let value = report(&[Diagnostic::warning(outside, "tag-unknown", "x")]);
        assert_eq!(value["findings"][0]["file"], "/nonexistent-root/rules/a b%.yml");
    }
}
