//! What the fuzz targets run, one public function per target, each taking the fuzzer's bytes.
//!
//! Each feeds the bytes in where a build takes them (file bytes through
//! [`load::decode`], a condition string through the detection parser) and then checks the
//! promises the build makes about any input: nothing panics, a file that gives nothing says
//! why, every problem names its file and a line inside it, and a rule that converts gives a
//! query. A broken promise panics, which is what libFuzzer reports as a crash.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use detcat::attack::Attack;
use detcat::build::{self, DocQueries};
use detcat::catalog::{self, Catalog, SourceRoots, Sources};
use detcat::check::{self, CheckSettings};
use detcat::convert::{self, ConvertOptions, Target};
use detcat::diag::Diagnostic;
use detcat::entities;
use detcat::load::{self, DocText};
use detcat::sigma::{self, condition, RuleFile};

/// The ATT&CK tables, parsed once: parsing them is not what is fuzzed.
fn attack() -> &'static Attack {
    static ATTACK: OnceLock<Attack> = OnceLock::new();
    ATTACK.get_or_init(Attack::embedded)
}

/// Conversion settings that reach the placeholder and watch code paths.
fn options() -> &'static ConvertOptions {
    static OPTIONS: OnceLock<ConvertOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = ConvertOptions {
            watcher_indices: vec!["winlogbeat-*".into(), "logs-*".into()],
            ..ConvertOptions::default()
        };
        let placeholders = &mut options.placeholders;
        placeholders.insert("domain_controllers".into(), vec!["dc1".into(), "dc*".into()]);
        placeholders.insert("admins".into(), Vec::new());
        options
    })
}

/// `rule_loader`: the bytes as a rule file and as one other kind of source (a Data Needed,
/// a Logging Policy, an Enrichment, a trigger, a Customer or a Use Case, chosen by the input's
/// length so that no byte of it is spent on the choice), decoded and parsed as the build does,
/// then linked together. Parsing the bytes as all seven kinds each time made every run seven
/// YAML parses; two keep the rule loader under test on every run at three times the speed.
pub fn rule_loader(data: &[u8]) {
    if let Some(sources) = sources_of(data) {
        let text = sources.rules[0].source.clone();
        let catalog = catalog::link(sources, attack());
        assert_placed(&catalog.diagnostics, &text);
    }
}

/// `convert`: the bytes as a rule file, parsed, linked, converted to every target and
/// reviewed, as `detcat build` and `detcat check` do.
pub fn convert(data: &[u8]) {
    let Some(file) = rule_file(data) else { return };
    let text = file.source.clone();
    let sources = sources_with(file);
    let catalog = catalog::link(sources, attack());
    let queries = build::convert_all(&catalog, options());
    assert_converted(&catalog, &queries);
    let findings = check::review(&catalog, &queries, attack(), &CheckSettings::default());
    assert_placed(&findings, &text);
}

/// `condition`: the bytes as the condition of a fixed, valid detection (one condition per
/// line, as a condition list), parsed and converted to every target.
pub fn condition(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (mut map, doc) = condition_template();
    let lines: Vec<&str> = text.split('\n').collect();
    let value = match lines.as_slice() {
        [one] => serde_yaml::Value::from(*one),
        many => many.iter().map(|line| serde_yaml::Value::from(*line)).collect(),
    };
    map["detection"]["condition"] = value;
    let names = selection_names(&map);
    let parses = lines.iter().all(|line| condition::parse(line, &names).is_ok());
    let mut errors = Vec::new();
    let rule = sigma::collection::read_rule(&map, &doc, &mut errors);
    assert_eq!(rule.is_some(), parses, "the detection disagrees with its condition: {errors:?}");
    for error in &errors {
        assert!(error.line.is_some(), "a condition error without a line: {error:?}");
    }
    if let Some(rule) = rule {
        for target in Target::ALL {
            let query = convert::convert_rule(&rule, target, options());
            assert!(query.is_err() || query.is_ok_and(|q| !q.trim().is_empty()));
        }
    }
}

/// The valid rule whose condition [`condition`] replaces, and its document.
const CONDITION_TEMPLATE: &str = include_str!("condition_template.yml");

/// The template, parsed once: parsing it is not what is fuzzed.
fn condition_template() -> (serde_yaml::Mapping, DocText) {
    static MAP: OnceLock<serde_yaml::Mapping> = OnceLock::new();
    let map = MAP.get_or_init(|| serde_yaml::from_str(CONDITION_TEMPLATE).expect("a mapping"));
    let doc = DocText { text: CONDITION_TEMPLATE.to_string(), first_line: 1 };
    (map.clone(), doc)
}

/// The template's search identifiers, in source order.
fn selection_names(map: &serde_yaml::Mapping) -> Vec<String> {
    let detection = map["detection"].as_mapping().expect("the template has a detection");
    let keys = detection.keys().filter_map(|k| k.as_str());
    keys.filter(|k| *k != "condition").map(str::to_string).collect()
}

/// The bytes read as a rule file: `None` (with a `not-utf8` finding) when they are not text.
fn rule_file(data: &[u8]) -> Option<RuleFile> {
    let path = Path::new("rules/fuzz.yml");
    let file = match load::decode(path, data.to_vec()) {
        Ok(source) => sigma::parse_file(&source),
        Err(diagnostic) => {
            assert_eq!(diagnostic.code, "not-utf8");
            return None;
        }
    };
    assert!(file.set.is_some() || !file.diagnostics.is_empty(), "nothing, and no reason");
    assert_placed(&file.diagnostics, &file.source);
    Some(file)
}

/// Sources holding `file`, its findings moved to the sources' as `catalog::load_sources`
/// does.
fn sources_with(mut file: RuleFile) -> Sources {
    let diagnostics = std::mem::take(&mut file.diagnostics);
    Sources { rules: vec![file], diagnostics, ..Sources::default() }
}

/// The bytes parsed as a rule file and as the other kind that [`rule_loader`] picks, ready to
/// link.
fn sources_of(data: &[u8]) -> Option<Sources> {
    let mut sources = sources_with(rule_file(data)?);
    let as_kind = |path: &str| load::decode(Path::new(path), data.to_vec()).ok();
    let diagnostics = &mut sources.diagnostics;
    match data.len() % 6 {
        0 => {
            let dn = as_kind("data_needed/DN_0001_fuzz.yml")?;
            sources.data_needed = parsed(entities::parse_data_needed(&dn), diagnostics, &dn.text);
        }
        1 => {
            let lp = as_kind("logging_policies/LP_0001_fuzz.yml")?;
            let found = entities::parse_logging_policy(&lp);
            sources.logging_policies = parsed(found, diagnostics, &lp.text);
        }
        2 => {
            let en = as_kind("enrichments/EN_0001_fuzz.yml")?;
            sources.enrichments = parsed(entities::parse_enrichment(&en), diagnostics, &en.text);
        }
        3 => {
            let trigger = as_kind("triggers/T1059.001/T1059.001.yaml")?;
            let found = entities::parse_trigger(&trigger);
            sources.triggers = parsed(found, diagnostics, &trigger.text);
        }
        4 => {
            let customer = as_kind("customers/CU_0001_FUZZ.yml")?;
            let found = entities::parse_customer(&customer);
            sources.customers = parsed(found, diagnostics, &customer.text);
        }
        _ => {
            let use_case = as_kind("use_cases/UC_0001_FUZZ.yml")?;
            let found = entities::parse_use_case(&use_case);
            sources.use_cases = parsed(found, diagnostics, &use_case.text);
        }
    }
    sources.source_roots = source_roots();
    Some(sources)
}

fn source_roots() -> SourceRoots {
    let kinds = ["rules", "data_needed", "logging_policies", "enrichments", "triggers"];
    let kinds = kinds.into_iter().chain(["customers", "use_cases"]);
    SourceRoots::new(kinds.map(PathBuf::from).collect())
}

/// An entity parser's result as a list, its findings checked and moved to `diagnostics`.
fn parsed<T>(
    (item, mut found): (Option<T>, Vec<Diagnostic>),
    diagnostics: &mut Vec<Diagnostic>,
    text: &str,
) -> Vec<T> {
    assert!(item.is_some() || !found.is_empty(), "nothing, and no reason");
    assert_placed(&found, text);
    diagnostics.append(&mut found);
    item.into_iter().collect()
}

/// Every finding has a line inside the file's text as decoded (or the line after its last,
/// when the file lacks something at its end), or none.
fn assert_placed(diagnostics: &[Diagnostic], text: &str) {
    let lines = text.split('\n').count();
    for d in diagnostics {
        let inside = d.line.is_none_or(|line| (1..=lines + 1).contains(&line));
        assert!(inside, "line outside the file ({lines} lines): {d:?}");
    }
}

/// Every rule of the catalog has one result per target, and a query that is not empty.
fn assert_converted(catalog: &Catalog, queries: &[Vec<DocQueries>]) {
    assert_eq!(catalog.rules.len(), queries.len());
    for doc in queries.iter().flatten() {
        assert_eq!(doc.results.len(), Target::ALL.len());
        for (target, result) in &doc.results {
            let empty = result.as_ref().is_ok_and(|q| q.trim().is_empty());
            assert!(!empty, "an empty {} query for `{}`", target.id(), doc.title);
        }
    }
}
