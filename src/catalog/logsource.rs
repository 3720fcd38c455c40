//! Which events a rule's log source names: the embedded table `data/logsources.yml`.
//!
//! A Sigma log source names a product, a service and a category; a Data Needed entry names a
//! platform, a channel and event ids. The table joins the two vocabularies. It is data, not
//! code, so that a new service or category is one line.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::sigma::Logsource;

const TABLE: &str = include_str!("../../data/logsources.yml");

/// One event source a category stands for.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct EventSource {
    /// Channels the events are written to (any of them).
    pub channels: Vec<String>,
    /// Event ids within those channels.
    pub event_ids: Vec<u32>,
}

/// The log source table.
#[derive(Debug, Clone, Deserialize)]
pub struct LogsourceTable {
    products: BTreeMap<String, String>,
    services: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    categories: BTreeMap<String, BTreeMap<String, Vec<EventSource>>>,
}

/// What a rule's log source means in Data Needed terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// The platform (`Windows`), when the product is known.
    pub platform: Option<String>,
    /// Channels named by the service; empty when the service is absent or unknown.
    pub channels: Vec<String>,
    /// Event sources named by the category.
    pub sources: Vec<EventSource>,
}

impl LogsourceTable {
    /// The table compiled into detcat, parsed on first use (every link and every `serve`
    /// rebuild reads it).
    pub fn embedded() -> &'static LogsourceTable {
        static EMBEDDED: std::sync::OnceLock<LogsourceTable> = std::sync::OnceLock::new();
        // The table is part of the binary and covered by a test, so a failure here is a
        // build defect, not an input error.
        EMBEDDED.get_or_init(|| serde_yaml::from_str(TABLE).expect("data/logsources.yml is valid"))
    }

    /// What `logsource` stands for.
    pub fn wanted(&self, logsource: &Logsource) -> Wanted {
        let product = logsource.product.as_deref().map(str::to_ascii_lowercase);
        let product_key = product.as_deref().unwrap_or("windows");
        let platform = product
            .as_deref()
            .map(|p| self.products.get(p).cloned().unwrap_or_else(|| p.to_string()));
        let channels = logsource
            .service
            .as_deref()
            .and_then(|s| self.services.get(product_key)?.get(&s.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_default();
        let sources = logsource
            .category
            .as_deref()
            .and_then(|c| self.categories.get(product_key)?.get(&c.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_default();
        Wanted { platform, channels, sources }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logsource(product: &str, service: Option<&str>, category: Option<&str>) -> Logsource {
        Logsource {
            product: Some(product.into()),
            service: service.map(Into::into),
            category: category.map(Into::into),
            definition: None,
        }
    }

    #[test]
    fn image_load_on_windows_is_sysmon_event_7() {
        let wanted =
            LogsourceTable::embedded().wanted(&logsource("windows", None, Some("image_load")));
        assert_eq!(wanted.platform.as_deref(), Some("Windows"));
        assert_eq!(wanted.sources[0].event_ids, [7]);
        assert_eq!(wanted.sources[0].channels, ["Microsoft-Windows-Sysmon/Operational"]);
    }

    #[test]
    fn process_creation_is_sysmon_1_and_security_4688() {
        let table = LogsourceTable::embedded();
        let wanted = table.wanted(&logsource("windows", None, Some("process_creation")));
        let ids: Vec<u32> = wanted.sources.iter().flat_map(|s| s.event_ids.clone()).collect();
        assert_eq!(ids, [1, 4688]);
    }

    #[test]
    fn services_name_channels() {
        let wanted = LogsourceTable::embedded().wanted(&logsource("windows", Some("sysmon"), None));
        assert_eq!(wanted.channels, ["Microsoft-Windows-Sysmon/Operational"]);
    }
}
