//! The build: one flat list of named steps, from source folders to a written site.
//!
//! load → link → convert → check → render → write. Each step is a function of the one before;
//! diagnostics are collected along the way and returned, never printed here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::attack::Attack;
use crate::catalog::{self, Catalog, SourceDirs};
use crate::check::{self, CheckSettings};
use crate::convert::{self, ConvertOptions, Target, Unsupported};
use crate::diag::{self, Diagnostic};
use crate::render::{self, Format, Templates};
use crate::sigma::{Logsource, Rule, RuleSet};
use crate::site;

/// The queries of one rule (one document of a file) for every target.
#[derive(Debug, Clone)]
pub struct DocQueries {
    /// The rule's title.
    pub title: String,
    /// The rule's id.
    pub id: Option<String>,
    /// The rule's log source as text.
    pub logsource: String,
    /// One result per target, in [`Target::ALL`] order.
    pub results: Vec<(Target, Result<String, Unsupported>)>,
}

/// What a build needs to know.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where the sources are.
    pub sources: SourceDirs,
    /// A folder of templates that replace or add to the built-in ones.
    pub templates: Option<PathBuf>,
    /// Where the site is written.
    pub out: PathBuf,
    /// Conversion settings.
    pub convert: ConvertOptions,
    /// Which page formats are written.
    pub format: Format,
    /// Checks switched off.
    pub checks: CheckSettings,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Pages written, by kind, in a stable order.
    pub pages: Vec<(&'static str, usize)>,
    /// What loading and linking found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Every finding of the review (the diagnostics above among them), sorted.
    pub findings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each step, in order: load, link, convert, check, render and write, swap in.
    pub stages: Vec<(&'static str, Duration)>,
    /// Time spent rendering each kind of file, summed over threads, slowest first.
    pub render_times: Vec<(&'static str, Duration)>,
}

/// Runs a whole build. `progress` is called once per source file parsed.
/// An `Err` means nothing was written (bad templates, unwritable output).
pub fn build(options: &BuildOptions, progress: &(dyn Fn() + Sync)) -> anyhow::Result<BuildReport> {
    let start = Instant::now();
    let mut clock = StageClock::default();
    let templates = Templates::load(options.templates.as_deref())?;
    // Before any work: an output that cannot be written fails the build at once.
    let staging = site::Staging::begin(&options.out)?;
    let attack = Attack::embedded();
    let sources = catalog::load_sources(&options.sources, progress);
    clock.lap("load");
    let mut catalog = catalog::link(sources, &attack);
    clock.lap("link");
    let queries = convert_all(&catalog, &options.convert);
    clock.lap("convert");
    let findings = check::review(&catalog, &queries, &attack, &options.checks);
    let mut diagnostics = std::mem::replace(&mut catalog.diagnostics, findings);
    clock.lap("check");
    let write = |page: &render::Page| staging.write(&page.path, page.content.as_bytes());
    let format = options.format;
    let pages = render::render_each(&catalog, &queries, &attack, &templates, format, &write)?;
    clock.lap("render and write");
    staging.finish()?;
    clock.lap("swap in");
    diag::sort(&mut diagnostics);
    let findings = std::mem::take(&mut catalog.diagnostics);
    let render_times = render_times(&pages);
    let pages = render::count_pages(&pages);
    let stages = clock.stages;
    Ok(BuildReport { pages, diagnostics, findings, elapsed: start.elapsed(), stages, render_times })
}

fn render_times(made: &[render::Rendered]) -> Vec<(&'static str, Duration)> {
    let mut by_kind: std::collections::BTreeMap<&'static str, Duration> = Default::default();
    for file in made {
        *by_kind.entry(file.kind).or_default() += file.took;
    }
    let mut times: Vec<_> = by_kind.into_iter().collect();
    times.sort_by_key(|&(_, took)| std::cmp::Reverse(took));
    times
}

/// The wall time of each step of a build, measured as laps.
#[derive(Debug)]
struct StageClock {
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Default for StageClock {
    fn default() -> Self {
        StageClock { last: Instant::now(), stages: Vec::new() }
    }
}

impl StageClock {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

/// What a check found, and how long its stages took.
#[derive(Debug)]
pub struct CheckReport {
    /// Every finding, sorted.
    pub findings: Vec<Diagnostic>,
    /// Loading, linking and converting.
    pub prepare: Duration,
    /// The checks alone.
    pub review: Duration,
}

/// Loads, links and converts like [`build`], then reviews the catalog; writes nothing.
pub fn check(options: &BuildOptions, progress: &(dyn Fn() + Sync)) -> CheckReport {
    let start = Instant::now();
    let attack = Attack::embedded();
    let catalog = catalog::link(catalog::load_sources(&options.sources, progress), &attack);
    let queries = convert_all(&catalog, &options.convert);
    let prepared = Instant::now();
    let findings = check::review(&catalog, &queries, &attack, &options.checks);
    CheckReport { findings, prepare: prepared - start, review: prepared.elapsed() }
}

/// Converts every rule of the catalog for every target, in parallel, in catalog order.
pub fn convert_all(catalog: &Catalog, options: &ConvertOptions) -> Vec<Vec<DocQueries>> {
    catalog.rules.par_iter().map(|entry| convert_set(catalog, entry.item.set(), options)).collect()
}

fn convert_set(catalog: &Catalog, set: &RuleSet, options: &ConvertOptions) -> Vec<DocQueries> {
    let mut docs: Vec<DocQueries> = Vec::new();
    if let RuleSet::Correlation { correlation, .. } = set {
        let bases: Vec<&Rule> =
            correlation.rules.iter().filter_map(|name| find_rule(catalog, name)).collect();
        let results = Target::ALL
            .iter()
            .map(|&t| (t, convert::convert_correlation(correlation, &bases, t, options)))
            .collect();
        let title = correlation.meta.title.clone();
        docs.push(DocQueries {
            title,
            id: correlation.meta.id.clone(),
            logsource: String::new(),
            results,
        });
    }
    for rule in set.rules() {
        let results =
            Target::ALL.iter().map(|&t| (t, convert::convert_rule(rule, t, options))).collect();
        let (title, id) = (rule.meta.title.clone(), rule.meta.id.clone());
        docs.push(DocQueries { title, id, logsource: logsource_text(&rule.logsource), results });
    }
    docs
}

fn find_rule<'a>(catalog: &'a Catalog, id_or_name: &str) -> Option<&'a Rule> {
    catalog.rules.iter().flat_map(|e| e.item.set().rules()).find(|rule| rule.answers_to(id_or_name))
}

/// `product: windows, category: image_load`.
pub fn logsource_text(logsource: &Logsource) -> String {
    let parts = [
        ("product", &logsource.product),
        ("category", &logsource.category),
        ("service", &logsource.service),
    ];
    let named: Vec<String> =
        parts.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}"))).collect();
    named.join(", ")
}

/// The path of `path` relative to `base` when it is inside it, else `path` itself.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}
