//! `detcat.yml`: the same settings as the command line, kept with the sources.
//!
//! Paths in the file are relative to the folder that holds it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::catalog::SourceDirs;
use crate::convert::ConvertOptions;

/// The name of the configuration file looked for in the current folder.
pub const FILE_NAME: &str = "detcat.yml";

/// The contents of `detcat.yml`. Unknown keys are an error, so that a typo is not silently
/// ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Sigma rule folders.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Data Needed folders.
    #[serde(default)]
    pub data_needed: Vec<PathBuf>,
    /// Logging Policy folders.
    #[serde(default)]
    pub logging_policies: Vec<PathBuf>,
    /// Enrichment folders.
    #[serde(default)]
    pub enrichments: Vec<PathBuf>,
    /// Atomic Red Team folders.
    #[serde(default)]
    pub triggers: Vec<PathBuf>,
    /// Customer folders.
    #[serde(default)]
    pub customers: Vec<PathBuf>,
    /// Use Case folders.
    #[serde(default)]
    pub use_cases: Vec<PathBuf>,
    /// A folder of templates replacing the built-in ones.
    pub templates: Option<PathBuf>,
    /// The output folder.
    pub out: Option<PathBuf>,
    /// Elasticsearch indices the X-Pack watches search.
    #[serde(default)]
    pub watcher_indices: Vec<String>,
    /// Values of `|expand` placeholders: name → values.
    #[serde(default)]
    pub placeholders: crate::convert::pipeline::Placeholders,
    /// Checks switched off, everywhere or per rule id.
    #[serde(default)]
    pub checks: crate::check::CheckSettings,
}

impl Config {
    /// Reads `path`; relative paths inside it become relative to its folder.
    pub fn read(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration {}", path.display()))?;
        let mut config: Config = serde_yaml::from_str(&text).map_err(|err| {
            let at = err.location().map(|l| format!(":{}", l.line())).unwrap_or_default();
            anyhow::anyhow!("{}{at}: invalid configuration: {err}", path.display())
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.rebase(base);
        config.checks.file = Some(path.to_path_buf());
        Ok(config)
    }

    /// The conversion settings it holds.
    pub fn convert_options(&self) -> ConvertOptions {
        ConvertOptions {
            watcher_indices: self.watcher_indices.clone(),
            placeholders: self.placeholders.clone(),
        }
    }

    /// The source folders it names.
    pub fn source_dirs(&self) -> SourceDirs {
        SourceDirs {
            rules: self.rules.clone(),
            data_needed: self.data_needed.clone(),
            logging_policies: self.logging_policies.clone(),
            enrichments: self.enrichments.clone(),
            triggers: self.triggers.clone(),
            customers: self.customers.clone(),
            use_cases: self.use_cases.clone(),
        }
    }

    fn rebase(&mut self, base: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() && !base.as_os_str().is_empty() {
                *p = base.join(&*p);
            }
        };
        for list in [
            &mut self.rules,
            &mut self.data_needed,
            &mut self.logging_policies,
            &mut self.enrichments,
            &mut self.triggers,
            &mut self.customers,
            &mut self.use_cases,
        ] {
            list.iter_mut().for_each(join);
        }
        self.templates.iter_mut().for_each(join);
        self.out.iter_mut().for_each(join);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "rules: [r]\nout: o\n").unwrap();
        let config = Config::read(&path).unwrap();
        assert_eq!(config.rules, [dir.path().join("r")]);
        assert_eq!(config.out, Some(dir.path().join("o")));
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "rulez: [r]\n").unwrap();
        let err = Config::read(&path).unwrap_err().to_string();
        assert!(err.contains("detcat.yml") && err.contains("rulez"), "{err}");
    }
}
