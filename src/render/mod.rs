//! Rendering: template views through Tera templates into pages.
//!
//! The built-in templates (one per page kind and page format, in `templates/`) are compiled
//! into the binary; a file of the same name in the user's template folder replaces one. Each
//! page format renders the same views through its own templates. Rendering runs in parallel
//! over immutable views and returns pages in a stable order.

pub mod exports;
pub mod format;
pub mod highlight;
pub mod home;
pub mod html;
pub mod lists;
pub mod markdown;
pub mod matrix;
pub mod review;
pub mod search;
pub mod table;
pub mod views;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use tera::Tera;

use crate::attack::Attack;
use crate::build::DocQueries;
use crate::catalog::coverage::Coverage;
use crate::catalog::{slug, Catalog};
use crate::diag::Diagnostic;
pub use format::Format;
use format::PageFormat;
use lists::Group;
use views::{Context, Folders};

/// The built-in templates: name and text.
const BUILT_IN: [(&str, &str); 13] = [
    ("macros.md", include_str!("../../templates/macros.md")),
    ("index.md", include_str!("../../templates/index.md")),
    ("review.md", include_str!("../../templates/review.md")),
    ("list.md", include_str!("../../templates/list.md")),
    ("matrix.md", include_str!("../../templates/matrix.md")),
    ("rule.md", include_str!("../../templates/rule.md")),
    ("data_needed.md", include_str!("../../templates/data_needed.md")),
    ("logging_policy.md", include_str!("../../templates/logging_policy.md")),
    ("enrichment.md", include_str!("../../templates/enrichment.md")),
    ("trigger.md", include_str!("../../templates/trigger.md")),
    ("tactic.md", include_str!("../../templates/tactic.md")),
    ("technique.md", include_str!("../../templates/technique.md")),
    ("scope.md", include_str!("../../templates/scope.md")),
];

/// The page kinds, in the order the summary counts them.
pub const PAGE_KINDS: [&str; 13] = [
    "index",
    "review",
    "list",
    "matrix",
    "rule",
    "data_needed",
    "logging_policy",
    "enrichment",
    "trigger",
    "tactic",
    "technique",
    "customer",
    "use_case",
];

/// The template set in use.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// The built-in templates, with those in `overrides` (when given) replacing or adding.
    pub fn load(overrides: Option<&Path>) -> anyhow::Result<Templates> {
        let built_in = BUILT_IN.iter().chain(html::BUILT_IN.iter());
        let mut sources: Vec<(String, String)> =
            built_in.map(|(n, t)| (n.to_string(), t.to_string())).collect();
        if let Some(dir) = overrides {
            for (name, text) in read_overrides(dir)? {
                sources.retain(|(n, _)| *n != name);
                sources.push((name, text));
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        markdown::register_filters(&mut tera);
        html::configure(&mut tera);
        table::register_filters(&mut tera);
        tera.add_raw_templates(sources).map_err(|e| anyhow::anyhow!(tera_chain(&e)))?;
        Ok(Templates { tera })
    }

    /// Renders `template` with `view` as the variable `page`.
    pub fn render(&self, template: &str, view: &impl Serialize) -> anyhow::Result<String> {
        let mut context = tera::Context::new();
        context.insert("page", view);
        self.render_context(template, &context)
    }

    fn render_context(&self, template: &str, context: &tera::Context) -> anyhow::Result<String> {
        let mut text =
            self.tera.render(template, context).map_err(|e| anyhow::anyhow!(tera_chain(&e)))?;
        // A template may open with a comment line; the page starts at its first content.
        let blank = text.len() - text.trim_start_matches('\n').len();
        text.drain(..blank);
        Ok(text)
    }

    /// Renders the template `<stem>.<page extension>` for the page `cx` describes, with
    /// `view` as `page` and the site's shared URLs as `site`.
    /// Renders the page template `stem` (`rule`, `data_needed`, ...) in the format of `cx`
    /// with `view` as the variable `page`, as the build does for each page.
    pub fn render_page(
        &self,
        cx: &Context,
        stem: &str,
        view: &impl Serialize,
    ) -> anyhow::Result<String> {
        let index = format::page_format(cx.ext).map_or("index", |p| p.index);
        let mut context = tera::Context::new();
        context.insert("page", view);
        context.insert("site", &html::SiteView::new(cx.root, index, cx.ext));
        self.render_context(&format!("{stem}.{}", cx.ext), &context)
    }
}

fn read_overrides(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read template folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(String::from) else {
            continue;
        };
        if path.is_file() && (name.ends_with(".md") || name.ends_with(".html")) {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read template {}", path.display()))?;
            found.push((name, text));
        }
    }
    found.sort();
    Ok(found)
}

/// Tera's error with its causes, which name the template and the variable.
fn tera_chain(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Its kind (one of [`PAGE_KINDS`]).
    pub kind: &'static str,
    /// Its path relative to the output root.
    pub path: PathBuf,
    /// Its content.
    pub content: String,
}

/// Pages per kind, in [`PAGE_KINDS`] order. A page written in several formats counts once.
pub fn count_pages(pages: &[Rendered]) -> Vec<(&'static str, usize)> {
    let count = |kind: &str| {
        let of_kind = pages.iter().filter(|p| p.kind == kind);
        let mut by_ext: std::collections::BTreeMap<_, usize> = Default::default();
        of_kind.for_each(|p| *by_ext.entry(p.path.extension()).or_default() += 1);
        by_ext.into_values().max().unwrap_or(0)
    };
    PAGE_KINDS.iter().map(|&k| (k, count(k))).collect()
}

/// Renders one page's text from the shared context.
type MakePage<'a> = Box<dyn Fn(&Context) -> anyhow::Result<String> + Send + Sync + 'a>;

/// One page to render: where it goes and how to make it.
struct Job<'a> {
    kind: &'static str,
    folder: &'static str,
    slug: String,
    make: MakePage<'a>,
}

/// Where each rendered file goes, as soon as it is made; called from many threads.
pub type Sink<'s> = dyn Fn(&Page) -> anyhow::Result<()> + Sync + 's;

/// A file that went to the sink: its kind and path, and the time spent making it (for a
/// piece of work that makes several files, all of it is counted on the first).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Its kind (one of [`PAGE_KINDS`], `asset`, `search` or `export`).
    pub kind: &'static str,
    /// Its path relative to the output root.
    pub path: PathBuf,
    /// Time spent rendering it, on one thread.
    pub took: Duration,
}

/// One piece of rendering work; the pieces run in parallel, the big ones first.
enum Unit<'j, 'a> {
    Exports,
    Search,
    Assets(&'static PageFormat),
    Page(&'static PageFormat, &'j Job<'a>),
}

/// Renders the catalog in each page format of `format`, with the assets and exports those
/// need, and hands every file to `sink` as soon as it is made, so that no more than the
/// pages in flight are held in memory. Returns what was made, sorted by path.
pub fn render_each(
    catalog: &Catalog,
    queries: &[Vec<DocQueries>],
    attack: &Attack,
    templates: &Templates,
    format: Format,
    sink: &Sink,
) -> anyhow::Result<Vec<Rendered>> {
    let coverage = Coverage::of(catalog, attack);
    let groups = lists::groups(catalog);
    let shared = Shared { catalog, queries, templates, coverage: &coverage, groups: &groups };
    let jobs = jobs(&shared);
    let mut units = vec![Unit::Exports];
    for &page_format in format.pages() {
        if page_format.search {
            units.push(Unit::Search);
        }
        units.push(Unit::Assets(page_format));
        units.extend(jobs.iter().map(|job| Unit::Page(page_format, job)));
    }
    let made: Vec<Vec<Rendered>> = units
        .par_iter()
        .map(|unit| {
            let start = Instant::now();
            let pages = make(unit, &shared, attack)?;
            let took = start.elapsed();
            let mut rendered = Vec::with_capacity(pages.len());
            for (i, page) in pages.iter().enumerate() {
                sink(page)?;
                let took = if i == 0 { took } else { Duration::ZERO };
                rendered.push(Rendered { kind: page.kind, path: page.path.clone(), took });
            }
            Ok(rendered)
        })
        .collect::<anyhow::Result<_>>()?;
    let mut made: Vec<Rendered> = made.into_iter().flatten().collect();
    made.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(made)
}

/// The files of one unit of work.
fn make(unit: &Unit, shared: &Shared, attack: &Attack) -> anyhow::Result<Vec<Page>> {
    let Shared { catalog, queries, templates, .. } = *shared;
    match unit {
        Unit::Exports => exports::render_exports(catalog, queries, attack),
        Unit::Search => search::pages(catalog, queries, attack, templates),
        Unit::Assets(page_format) => Ok(page_format
            .assets
            .iter()
            .map(|(path, content)| Page {
                kind: "asset",
                path: PathBuf::from(path),
                content: content.to_string(),
            })
            .collect()),
        Unit::Page(page_format, job) => Ok(vec![page(job, catalog, attack, page_format)?]),
    }
}

/// Renders one page of `job` in one page format.
fn page(
    job: &Job,
    catalog: &Catalog,
    attack: &Attack,
    page_format: &PageFormat,
) -> anyhow::Result<Page> {
    let ext = page_format.ext;
    let root = if job.folder.is_empty() { "" } else { "../" };
    let cx = Context { catalog, attack, ext, root };
    let content = (job.make)(&cx)?;
    let stem = if job.kind == "index" { page_format.index } else { &job.slug };
    let file = format!("{}.{ext}", slug::sanitize(stem));
    let path = match job.folder {
        "" => PathBuf::from(file),
        folder => PathBuf::from(folder).join(file),
    };
    Ok(Page { kind: job.kind, path, content })
}

/// What every page job borrows.
struct Shared<'a> {
    catalog: &'a Catalog,
    queries: &'a [Vec<DocQueries>],
    templates: &'a Templates,
    coverage: &'a Coverage,
    groups: &'a [Group],
}

fn jobs<'a>(shared: &Shared<'a>) -> Vec<Job<'a>> {
    let Shared { catalog, queries, templates: t, .. } = *shared;
    let mut jobs: Vec<Job<'a>> = Vec::new();
    site_jobs(&mut jobs, shared);
    list_jobs(&mut jobs, t, shared.groups);
    jobs.push(Job {
        kind: "review",
        folder: "",
        slug: "review".into(),
        make: Box::new(move |cx| t.render_page(cx, "review", &review::review_view(cx))),
    });
    // Grouped once: filtering every diagnostic for every rule was quadratic.
    let mut by_file: HashMap<&Path, Vec<&Diagnostic>> = HashMap::new();
    for d in &catalog.diagnostics {
        by_file.entry(d.file.as_path()).or_default().push(d);
    }
    for (i, entry) in catalog.rules.iter().enumerate() {
        let findings = by_file.get(entry.item.file.path.as_path()).cloned().unwrap_or_default();
        jobs.push(Job {
            kind: "rule",
            folder: Folders::RULES,
            slug: entry.slug.clone(),
            make: Box::new(move |cx| {
                t.render_page(cx, "rule", &views::rule_view(cx, entry, &queries[i], &findings))
            }),
        });
    }
    entity_jobs(&mut jobs, catalog, t);
    jobs
}

#[derive(Serialize)]
struct EntityView<'a, T: Serialize> {
    item: &'a T,
    links: views::LinksView,
    extra: Option<views::AttackView>,
}

fn entity_jobs<'a>(jobs: &mut Vec<Job<'a>>, catalog: &'a Catalog, t: &'a Templates) {
    macro_rules! push_kind {
        ($list:expr, $kind:expr, $folder:expr, $template:expr) => {
            for entry in &$list {
                jobs.push(Job {
                    kind: $kind,
                    folder: $folder,
                    slug: entry.slug.clone(),
                    make: Box::new(move |cx| {
                        let view = EntityView {
                            item: &entry.item,
                            links: views::links_view(cx, &entry.links),
                            extra: None,
                        };
                        t.render_page(cx, $template, &view)
                    }),
                });
            }
        };
    }
    push_kind!(catalog.data_needed, "data_needed", Folders::DATA_NEEDED, "data_needed");
    push_kind!(
        catalog.logging_policies,
        "logging_policy",
        Folders::LOGGING_POLICIES,
        "logging_policy"
    );
    push_kind!(catalog.enrichments, "enrichment", Folders::ENRICHMENTS, "enrichment");
    for entry in &catalog.triggers {
        jobs.push(Job {
            kind: "trigger",
            folder: Folders::TRIGGERS,
            slug: entry.slug.clone(),
            make: Box::new(move |cx| {
                let extra = catalog
                    .techniques
                    .iter()
                    .find(|p| entry.links.techniques.contains(&p.id))
                    .map(|p| views::technique_view(cx, p));
                let view = EntityView {
                    item: &entry.item,
                    links: views::links_view(cx, &entry.links),
                    extra,
                };
                t.render_page(cx, "trigger", &view)
            }),
        });
    }
    scope_jobs(jobs, &catalog.customers, "customer", Folders::CUSTOMERS, t);
    scope_jobs(jobs, &catalog.use_cases, "use_case", Folders::USE_CASES, t);
    for page in &catalog.tactics {
        jobs.push(Job {
            kind: "tactic",
            folder: Folders::ATTACK,
            slug: page.id.clone(),
            make: Box::new(move |cx| {
                let view = views::with_rule_table(cx, page, views::tactic_view(cx, page));
                t.render_page(cx, "tactic", &view)
            }),
        });
    }
    for page in &catalog.techniques {
        jobs.push(Job {
            kind: "technique",
            folder: Folders::ATTACK,
            slug: page.id.clone(),
            make: Box::new(move |cx| {
                let view = views::with_rule_table(cx, page, views::technique_view(cx, page));
                t.render_page(cx, "technique", &view)
            }),
        });
    }
}

fn scope_jobs<'a>(
    jobs: &mut Vec<Job<'a>>,
    scopes: &'a [crate::catalog::Entry<crate::entities::Scope>],
    kind: &'static str,
    folder: &'static str,
    t: &'a Templates,
) {
    for (i, entry) in scopes.iter().enumerate() {
        jobs.push(Job {
            kind,
            folder,
            slug: entry.slug.clone(),
            make: Box::new(move |cx| {
                let layer = exports::scope_layer_path(&entry.item, &entry.slug);
                t.render_page(cx, "scope", &views::scope_view(cx, entry, &layer))
            }),
        });
        jobs.push(Job {
            kind: "matrix",
            folder: Folders::COVERAGE,
            slug: views::scope_matrix_name(&entry.item, &entry.slug),
            make: Box::new(move |cx| {
                let coverage = Coverage::of_rules(cx.catalog, cx.attack, &entry.links.rules);
                let mut view = matrix::matrix_view(cx, &coverage);
                view.scope = Some(match kind {
                    "customer" => cx.customers(&[i]).remove(0),
                    _ => cx.use_cases(&[i]).remove(0),
                });
                t.render_page(cx, "matrix", &view)
            }),
        });
    }
}

/// The home page and the matrix, at the output root.
fn site_jobs<'a>(jobs: &mut Vec<Job<'a>>, shared: &Shared<'a>) {
    let Shared { templates: t, coverage, groups, .. } = *shared;
    jobs.push(Job {
        kind: "index",
        folder: "",
        slug: "README".into(),
        make: Box::new(move |cx| {
            t.render_page(cx, "index", &home::home_view(cx, coverage, groups))
        }),
    });
    jobs.push(Job {
        kind: "matrix",
        folder: "",
        slug: "matrix".into(),
        make: Box::new(move |cx| t.render_page(cx, "matrix", &matrix::matrix_view(cx, coverage))),
    });
}

/// The list pages: one per entity kind, the log source index, one per value of a facet.
fn list_jobs<'a>(jobs: &mut Vec<Job<'a>>, t: &'a Templates, groups: &'a [Group]) {
    let list = |slug: &str, make: MakePage<'a>| Job {
        kind: "list",
        folder: Folders::LISTS,
        slug: slug.to_string(),
        make,
    };
    for name in lists::KIND_LISTS {
        jobs.push(list(
            name,
            Box::new(move |cx| t.render_page(cx, "list", &lists::kind_view(cx, name))),
        ));
    }
    jobs.push(list(
        lists::LOGSOURCES,
        Box::new(move |cx| t.render_page(cx, "list", &lists::logsources_view(cx, groups))),
    ));
    for group in groups {
        jobs.push(list(
            &group.slug,
            Box::new(move |cx| t.render_page(cx, "list", &lists::group_view(cx, group))),
        ));
    }
}
