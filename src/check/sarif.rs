//! The SARIF 2.1.0 report, as GitHub code scanning reads it: one run, the check table as the
//! tool's rules, one result per finding with its file (relative to the current folder, with
//! forward slashes) and its line when known.

use std::path::Path;

use crate::diag::{Diagnostic, Severity};

/// The SARIF schema's address, written into the log.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The report as a SARIF log.
pub fn report(findings: &[Diagnostic]) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = super::CHECKS
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.code,
                "name": c.code,
                "shortDescription": {"text": c.summary},
                "defaultConfiguration": {"level": level(c.severity)},
                "properties": {"group": c.group},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings.iter().map(result).collect();
    serde_json::json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "detcat",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn result(finding: &Diagnostic) -> serde_json::Value {
    let mut location = serde_json::json!({
        "physicalLocation": {"artifactLocation": {"uri": uri_of(&finding.file)}},
    });
    if let Some(line) = finding.line.filter(|&l| l > 0) {
        location["physicalLocation"]["region"] = serde_json::json!({"startLine": line});
    }
    let mut result = serde_json::json!({
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [location],
    });
    if let Some(index) = super::CHECKS.iter().position(|c| c.code == finding.code) {
        result["ruleIndex"] = index.into();
    }
    result
}

/// SARIF's name for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// What a URI path segment must escape: everything but unreserved characters and the
/// sub-delimiters a file name commonly holds.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+')
    .remove(b'=')
    .remove(b',')
    .remove(b'@');

/// `path` as a URI reference: relative to the current folder when it lies inside it (as
/// GitHub code scanning expects), else a `file://` URI; each segment percent-encoded, since
/// a space or a `%` in a file name would otherwise make an invalid URI, or one that decodes
/// to another file.
pub fn uri_of(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = match &cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    let mut absolute = false;
    let mut parts: Vec<String> = Vec::new();
    for component in relative.components() {
        match component {
            std::path::Component::RootDir | std::path::Component::Prefix(_) => absolute = true,
            other => {
                let segment = other.as_os_str().to_string_lossy();
                parts.push(percent_encoding::utf8_percent_encode(&segment, SEGMENT).to_string());
            }
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("file:///{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_carry_level_location_and_rule_index() {
        let findings = vec![
            Diagnostic::error(Path::new("./r/a.yml"), "id-duplicate", "twice").at(Some(4)),
            Diagnostic::new(
                Path::new("t/T1.yaml"),
                "technique-trigger-no-rule",
                Severity::Info,
                "x",
            ),
        ];
        let log = report(&findings);
        let results = &log["runs"][0]["results"];
        assert_eq!(results[0]["level"], "error");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "r/a.yml"
        );
        assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
        assert_eq!(results[1]["level"], "note");
        assert!(results[1]["locations"][0]["physicalLocation"].get("region").is_none());
        let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][index]["id"], "id-duplicate");
    }

    #[test]
    fn absolute_paths_inside_the_current_folder_become_relative() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(uri_of(&cwd.join("a").join("b.yml")), "a/b.yml");
        assert_eq!(uri_of(Path::new("../x/y.yml")), "../x/y.yml");
    }

    #[test]
    fn odd_file_names_are_percent_encoded() {
        assert_eq!(uri_of(Path::new("rules/sp ace%20ü/r.yml")), "rules/sp%20ace%2520%C3%BC/r.yml");
        assert_eq!(
            uri_of(Path::new("/nonexistent-root/a b.yml")),
            "file:///nonexistent-root/a%20b.yml"
        );
    }
}
