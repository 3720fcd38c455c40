//! entities (stub: replaced on the entities branch).
#![allow(missing_docs)]
use crate::diag::Diagnostic;
use crate::load::SourceFile;
use std::path::PathBuf;
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DataNeeded {
    pub path: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub author: Option<String>,
    pub platform: Option<String>,
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub fields: Vec<String>,
    pub logging_policies: Vec<String>,
    pub references: Vec<String>,
    pub sample: Option<String>,
    pub event_ids: Vec<String>,
    pub event_ids_from_title: bool,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoggingPolicy {
    pub path: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub author: Option<String>,
    pub default: Option<String>,
    pub volume: Option<String>,
    pub event_ids: Vec<String>,
    pub references: Vec<String>,
    pub configuration: Option<String>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Enrichment {
    pub path: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub author: Option<String>,
    pub data_needed: Vec<String>,
    pub data_to_enrich: Vec<String>,
    pub requirements: Vec<String>,
    pub new_fields: Vec<String>,
    pub references: Vec<String>,
    pub config: Option<String>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Trigger {
    pub path: PathBuf,
    pub technique: String,
    pub display_name: String,
    pub tests: Vec<AtomicTest>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AtomicTest {
    pub name: String,
    pub guid: Option<String>,
    pub description: Option<String>,
    pub platforms: Vec<String>,
    pub inputs: Vec<Input>,
    pub executor: Option<Executor>,
    pub dependency_executor: Option<String>,
    pub dependencies: Vec<Dependency>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Input {
    pub name: String,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub default: Option<String>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Executor {
    pub name: String,
    pub elevation_required: bool,
    pub command: Option<String>,
    pub cleanup: Option<String>,
    pub steps: Option<String>,
}
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Dependency {
    pub description: Option<String>,
    pub prereq_command: Option<String>,
    pub get_prereq_command: Option<String>,
}
pub fn parse_data_needed(_f: &SourceFile) -> (Option<DataNeeded>, Vec<Diagnostic>) {
    (None, vec![])
}
pub fn parse_logging_policy(_f: &SourceFile) -> (Option<LoggingPolicy>, Vec<Diagnostic>) {
    (None, vec![])
}
pub fn parse_enrichment(_f: &SourceFile) -> (Option<Enrichment>, Vec<Diagnostic>) {
    (None, vec![])
}
pub fn parse_trigger(_f: &SourceFile) -> (Option<Trigger>, Vec<Diagnostic>) {
    (None, vec![])
}
