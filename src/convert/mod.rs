//! Conversion of Sigma rules into the queries SIEMs run.
//!
//! Each query language is a table in [`dialect`]; [`walker`] is the one tree walker that
//! reads a rule's typed detection and asks the table for text; [`regex`] rewrites Sigma
//! regular expressions for Lucene; [`watcher`] wraps the Kibana query into a watch. What a
//! target cannot express comes back as [`Unsupported`] with a short, stable reason, never
//! as a broken query. Field names are kept as the rule writes them: field mapping belongs
//! to pipelines, not to dialects.

pub mod dialect;
pub mod pipeline;
pub mod regex;
pub mod walker;
pub mod watcher;

use crate::sigma::{Correlation, Rule};

/// A query language detcat converts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Target {
    /// Kibana: a Lucene query string.
    Lucene,
    /// Elasticsearch X-Pack Watcher: a `curl` command that installs a watch.
    Watcher,
    /// Graylog: a Lucene query string with Graylog's settings.
    Graylog,
}

impl Target {
    /// Every target, in the order pages show them.
    pub const ALL: [Target; 3] = [Target::Lucene, Target::Watcher, Target::Graylog];

    /// The short id users type (`lucene`, `watcher`, `graylog`).
    pub fn id(self) -> &'static str {
        match self {
            Target::Lucene => "lucene",
            Target::Watcher => "watcher",
            Target::Graylog => "graylog",
        }
    }

    /// The name pages show.
    pub fn display_name(self) -> &'static str {
        match self {
            Target::Lucene => "Kibana",
            Target::Watcher => "X-Pack Watcher",
            Target::Graylog => "Graylog",
        }
    }

    /// The language tag for a Markdown code fence.
    pub fn fence_language(self) -> &'static str {
        match self {
            Target::Watcher => "sh",
            _ => "text",
        }
    }

    /// The target with this short id.
    pub fn from_id(id: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// Settings that change what conversion prints.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// Elasticsearch indices the watch searches; `*` when empty.
    pub watcher_indices: Vec<String>,
    /// Values of `|expand` placeholders.
    pub placeholders: pipeline::Placeholders,
}

/// Why a rule cannot be expressed in a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The target.
    pub target: Target,
    /// What the target cannot express, in a few words (counted in reports).
    pub reason: String,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not convertible to {}: {}", self.target.display_name(), self.reason)
    }
}

/// Converts one rule. A rule whose condition is a list gets its conditions joined with OR.
pub fn convert_rule(
    rule: &Rule,
    target: Target,
    options: &ConvertOptions,
) -> Result<String, Unsupported> {
    let rule = pipeline::fill_placeholders(rule, &options.placeholders)
        .map_err(|reason| Unsupported { target, reason })?;
    match target {
        Target::Lucene => walker::query(&dialect::KIBANA, &rule.detection),
        Target::Graylog => walker::query(&dialect::GRAYLOG, &rule.detection),
        Target::Watcher => watcher::watch(&rule, options),
    }
}

/// Converts one correlation rule with its base rules. None of the current targets can
/// express correlations, so this always says why.
pub fn convert_correlation(
    correlation: &Correlation,
    rules: &[&Rule],
    target: Target,
    options: &ConvertOptions,
) -> Result<String, Unsupported> {
    let _ = (correlation, rules, options);
    Err(Unsupported { target, reason: "correlation rules".into() })
}
