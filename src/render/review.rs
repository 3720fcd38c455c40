//! The review page's view: the findings of the checks grouped by check and by source file.
//!
//! The findings are the catalog's (the build puts the review's findings there); this module
//! only groups them and links each file to its page, when it has one.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use super::views::{Context, Folders};
use crate::catalog::shown_path;
use crate::check;
use crate::diag::{Diagnostic, Severity};

/// A source file named on the review page: its page when it has one.
#[derive(Debug, Clone, Serialize)]
pub struct FileRef {
    /// The file as pages show it, or the rule's title.
    pub text: String,
    /// The page's relative URL; `None` for a file without a page.
    pub url: Option<String>,
}

/// One check with findings.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    /// The code.
    pub code: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// What it finds.
    pub summary: &'static str,
    /// How many findings.
    pub count: usize,
    /// The files it found something in, in path order.
    pub files: Vec<FileRef>,
}

/// The findings of one source file.
#[derive(Debug, Clone, Serialize)]
pub struct FileFindings {
    /// The file.
    pub file: FileRef,
    /// Its findings as `line N: severity [code]: message`.
    pub findings: Vec<String>,
}

/// The review page.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// Findings in all.
    pub total: usize,
    /// Errors among them.
    pub errors: usize,
    /// Warnings among them.
    pub warnings: usize,
    /// Notes (information) among them.
    pub notes: usize,
    /// Checks with findings, in code order.
    pub checks: Vec<CheckView>,
    /// Rule files with findings, in path order.
    pub rules: Vec<FileFindings>,
    /// Files without a rule page that have findings (broken rule files, Data Needed,
    /// triggers, the configuration), in path order.
    pub others: Vec<FileFindings>,
}

/// Builds the review page's view.
pub fn review_view(cx: &Context) -> ReviewView {
    let findings = &cx.catalog.diagnostics;
    let pages = pages_by_file(cx);
    let file_ref = |path: &Path| match pages.get(path) {
        Some(page) => FileRef { text: page.title.clone(), url: Some(page.url.clone()) },
        None => FileRef { text: shown_path(&cx.catalog.source_roots, path), url: None },
    };
    let mut by_code: BTreeMap<&'static str, Vec<&Diagnostic>> = BTreeMap::new();
    let mut by_file: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
    for finding in findings {
        by_code.entry(finding.code).or_default().push(finding);
        by_file.entry(finding.file.as_path()).or_default().push(finding);
    }
    let checks =
        by_code.into_iter().map(|(code, list)| check_view(code, &list, &file_ref)).collect();
    let (mut rules, mut others) = (Vec::new(), Vec::new());
    for (path, list) in by_file {
        let entry = FileFindings {
            file: file_ref(path),
            findings: list.iter().map(|d| finding_text(d)).collect(),
        };
        if pages.get(path).is_some_and(|p| p.rule) {
            rules.push(entry);
        } else {
            others.push(entry);
        }
    }
    let n = |s| check::count_severity(findings, s);
    ReviewView {
        total: findings.len(),
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
        notes: n(Severity::Info),
        checks,
        rules,
        others,
    }
}

fn check_view(
    code: &'static str,
    findings: &[&Diagnostic],
    file_ref: &dyn Fn(&Path) -> FileRef,
) -> CheckView {
    let known = check::lookup(code);
    let mut paths: Vec<&Path> = findings.iter().map(|d| d.file.as_path()).collect();
    paths.sort();
    paths.dedup();
    CheckView {
        code,
        severity: known.map_or(findings[0].severity, |c| c.severity).to_string(),
        summary: known.map_or("", |c| c.summary),
        count: findings.len(),
        files: paths.into_iter().map(file_ref).collect(),
    }
}

/// `line N: severity [code]: message`, as rule pages list their findings.
pub fn finding_text(d: &Diagnostic) -> String {
    match d.line {
        Some(line) => format!("line {line}: {} [{}]: {}", d.severity, d.code, d.message),
        None => format!("{} [{}]: {}", d.severity, d.code, d.message),
    }
}

/// A page of the catalog: its title, its URL, and whether it is a rule page.
struct PageOf {
    title: String,
    url: String,
    rule: bool,
}

/// Source file → its page, for every file that has one.
fn pages_by_file<'a>(cx: &Context<'a>) -> HashMap<&'a Path, PageOf> {
    let c = cx.catalog;
    let mut pages = HashMap::new();
    let mut add = |path: &'a Path, title: &str, slug: &str, folder: &str, rule: bool| {
        let title = if title.trim().is_empty() { slug } else { title.trim() };
        let page = PageOf { title: title.to_string(), url: cx.page(folder, slug), rule };
        pages.insert(path, page);
    };
    for e in &c.rules {
        add(&e.item.file.path, &e.item.set().meta().title, &e.slug, Folders::RULES, true);
    }
    for e in &c.data_needed {
        add(&e.item.path, &e.item.title, &e.slug, Folders::DATA_NEEDED, false);
    }
    for e in &c.logging_policies {
        add(&e.item.path, &e.item.title, &e.slug, Folders::LOGGING_POLICIES, false);
    }
    for e in &c.enrichments {
        add(&e.item.path, &e.item.title, &e.slug, Folders::ENRICHMENTS, false);
    }
    for e in &c.triggers {
        add(&e.item.path, &e.item.technique, &e.slug, Folders::TRIGGERS, false);
    }
    pages
}
