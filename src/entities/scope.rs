//! Customers and Use Cases, in Atomic Threat Coverage's format: a named part of the catalog
//! (the rules deployed for one customer, or the rules serving one use case), with the Data
//! Needed and Logging Policies that part relies on.
//!
//! Both kinds share one shape; they differ in the key of their name (`customer_name`,
//! `usecase_name`) and in that a customer may list use cases. Rules are named by id; a title
//! is accepted too, and the catalog warns about it, since titles are not unique.

use std::collections::HashSet;
use std::path::PathBuf;

use super::fields::Fields;
use super::{is_none_placeholder, parse_with, read_title};
use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// The top-level fields of a Customer or Use Case file.
const FIELDS: &[&str] = &[
    "title",
    "customer_name",
    "usecase_name",
    "description",
    "detectionrule",
    "dataneeded",
    "loggingpolicy",
    "usecase",
];

/// Which of the two kinds a scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// A customer (`CU_0001_NAME`).
    Customer,
    /// A use case (`UC_0001_NAME`).
    UseCase,
}

/// One Customer or Use Case file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scope {
    /// The file it was read from.
    pub path: PathBuf,
    /// Customer or use case.
    pub kind: ScopeKind,
    /// `title`, such as `CU_0001_TESTCUSTOMER` (the file stem when absent).
    pub title: String,
    /// `customer_name` or `usecase_name` (the title when absent).
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `detectionrule`: rule ids (or titles).
    pub rules: Vec<String>,
    /// `dataneeded`: Data Needed titles.
    pub data_needed: Vec<String>,
    /// `loggingpolicy`: Logging Policy titles.
    pub logging_policies: Vec<String>,
    /// `usecase`: Use Case titles (customers only).
    pub use_cases: Vec<String>,
}

/// Reads one Customer file. `None` only when the file is not a YAML mapping.
pub fn parse_customer(file: &SourceFile) -> (Option<Scope>, Vec<Diagnostic>) {
    parse_with(
        file,
        "a Customer file",
        |key| FIELDS.contains(&key),
        |fields| read(fields, ScopeKind::Customer),
    )
}

/// Reads one Use Case file. `None` only when the file is not a YAML mapping.
pub fn parse_use_case(file: &SourceFile) -> (Option<Scope>, Vec<Diagnostic>) {
    parse_with(
        file,
        "a Use Case file",
        |key| FIELDS.contains(&key),
        |fields| read(fields, ScopeKind::UseCase),
    )
}

fn read(fields: &mut Fields<'_>, kind: ScopeKind) -> Scope {
    let mut names = |key: &str| unique_names(fields, key);
    let (rules, data_needed) = (names("detectionrule"), names("dataneeded"));
    let (logging_policies, use_cases) = (names("loggingpolicy"), names("usecase"));
    let title = read_title(fields);
    let name_key = match kind {
        ScopeKind::Customer => "customer_name",
        ScopeKind::UseCase => "usecase_name",
    };
    Scope {
        path: fields.path().to_path_buf(),
        kind,
        name: fields.string(name_key).unwrap_or_else(|| title.clone()),
        title,
        description: fields.string("description"),
        rules,
        data_needed,
        logging_policies,
        use_cases,
    }
}

/// The names listed under `key`, less blanks, `None` placeholders and repeats; a repeat is
/// reported at its line, since a list that names a rule twice is a slip worth seeing.
fn unique_names(fields: &mut Fields<'_>, key: &str) -> Vec<String> {
    let names = fields.strings(key);
    let spans = fields.item_spans(key, names.len());
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (name, span) in names.into_iter().zip(spans) {
        if name.trim().is_empty() || is_none_placeholder(&name) {
            continue;
        }
        if seen.insert(name.trim().to_string()) {
            kept.push(name);
        } else {
            let message = format!("`{key}` names `{name}` more than once; the repeat is left out");
            fields.warn_at(span.from, "duplicate-entry", message);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tests::source;

    #[test]
    fn a_customer_names_rules_data_and_use_cases() {
        let text = "title: CU_0001_ACME\ncustomer_name: ACME\ndescription: x\n\
                    detectionrule:\n  - 5f2a3b4c-0000-4000-8000-000000000001\n  - Some Title\n\
                    dataneeded: DN_0001_4688_windows_process_creation\n\
                    loggingpolicy: [None]\nusecase: [UC_0001_RANSOMWARE]\n";
        let (cu, diagnostics) = parse_customer(&source("CU_0001_ACME.yml", text));
        let cu = cu.expect("the fixture parses");
        assert_eq!((cu.kind, cu.name.as_str()), (ScopeKind::Customer, "ACME"));
        assert_eq!(cu.rules.len(), 2);
        assert_eq!(cu.data_needed, vec!["DN_0001_4688_windows_process_creation"]);
        assert!(cu.logging_policies.is_empty());
        assert_eq!(cu.use_cases, vec!["UC_0001_RANSOMWARE"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn a_use_case_without_a_name_is_called_by_its_title() {
        let (uc, _) = parse_use_case(&source("UC_0002_X.yml", "title: UC_0002_X\n"));
        let uc = uc.expect("the fixture parses");
        assert_eq!((uc.kind, uc.name.as_str()), (ScopeKind::UseCase, "UC_0002_X"));
        assert!(uc.rules.is_empty());
    }

    #[test]
    fn a_rule_named_twice_is_kept_once_and_reported_at_the_repeat() {
        // The repeat used to be merged without a word.
        let text = "title: CU_0003_X\ndetectionrule:\n  - a\n  - b\n  - a\n";
        let (cu, diagnostics) = parse_customer(&source("CU_0003_X.yml", text));
        assert_eq!(cu.unwrap().rules, ["a", "b"]);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(found, [("duplicate-entry", Some(5))]);
    }
}
