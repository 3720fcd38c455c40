//! The command line: arguments, configuration, progress, and what the user sees.
//!
//! Output goes to two channels: diagnostics and the closing summary line on stderr, queries
//! (for `convert`) and findings (for `check`) on stdout. `build` exits 0 when it did its job,
//! even if some sources had problems (they are reported); `convert` exits 1 when any rule file
//! had an error or a rule that is not convertible, after printing everything; `check` exits 1
//! when it found an error (or, with `--strict`, a warning). Both exit 1 when they could not run (a
//! folder named on the command line is missing, the output cannot be written); 2 for a usage
//! error. `serve` runs until Ctrl-C or SIGTERM and then exits 0; 1 when its first build or
//! its server could not start.

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::build::{self, BuildOptions, BuildReport};
use crate::catalog::SourceDirs;
use crate::config::{self, Config};
use crate::convert::{self, ConvertOptions, Target};
use crate::diag::{Diagnostic, Severity};
use crate::render::Format;
use crate::{check, load, serve, sigma};

/// detcat turns a detection repository into a cross-linked detection catalog.
#[derive(Debug, Parser)]
#[command(name = "detcat", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Threads that parse, convert, render and write (default: one per core). The output
    /// is the same whatever the number.
    #[arg(long, global = true, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the catalog: read every source, link, convert and write the pages.
    Build(BuildArgs),
    /// Print the queries of Sigma rules for one target.
    Convert(ConvertArgs),
    /// Review the sources: every problem, with file, line, code and severity.
    Check(CheckArgs),
    /// Build the catalog, serve it on 127.0.0.1, and rebuild and reload it on changes.
    Serve(ServeArgs),
}

/// The source flags that `build`, `check` and `serve` share.
#[derive(Debug, Args, Default)]
pub struct SourceArgs {
    /// Configuration file (default: ./detcat.yml when present and no source folder is given).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sigma rule folder (repeatable).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Data Needed folder (repeatable).
    #[arg(long, value_name = "DIR")]
    pub data_needed: Vec<PathBuf>,
    /// Logging Policy folder (repeatable).
    #[arg(long, value_name = "DIR")]
    pub logging_policies: Vec<PathBuf>,
    /// Enrichment folder (repeatable).
    #[arg(long, value_name = "DIR")]
    pub enrichments: Vec<PathBuf>,
    /// Atomic Red Team `atomics` folder (repeatable).
    #[arg(long, value_name = "DIR")]
    pub triggers: Vec<PathBuf>,
    /// Customer folder, Atomic Threat Coverage format (repeatable).
    #[arg(long, value_name = "DIR")]
    pub customers: Vec<PathBuf>,
    /// Use Case folder, Atomic Threat Coverage format (repeatable).
    #[arg(long, value_name = "DIR")]
    pub use_cases: Vec<PathBuf>,
}

/// Arguments of `detcat build`.
#[derive(Debug, Args, Default)]
pub struct BuildArgs {
    /// Where the sources are.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Folder of templates that replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output folder (default: site).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Which pages to write.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Print the wall time of each step (load, link, convert, check, render, write).
    #[arg(long)]
    pub timings: bool,
}

/// Arguments of `detcat convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Rule files or folders of rules.
    #[arg(required = true, value_name = "RULE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    /// Target query language.
    #[arg(short, long, value_parser = parse_target, help = target_help())]
    pub target: Target,
    /// One JSON object per rule file: {"path", "id", "title", "ok", "queries", "error"}.
    #[arg(long)]
    pub json: bool,
    /// Configuration file whose conversion settings apply (`watcher_indices`,
    /// `placeholders`); default: ./detcat.yml when present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Arguments of `detcat check`.
#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Where the sources are.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
}

/// How `detcat check` prints its findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// `file:line: severity [code]: message`, then counts per check.
    #[default]
    Human,
    /// One JSON document: the findings and the counts per check.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

impl CheckArgs {
    fn into_build_args(self) -> BuildArgs {
        BuildArgs { sources: self.sources, ..BuildArgs::default() }
    }
}

/// Arguments of `detcat serve`: those of `build`, and the port.
#[derive(Debug, Args)]
#[command(mut_arg("out", |arg| {
    arg.help("Output folder (default: a temporary folder, removed when the server stops)")
}))]
pub struct ServeArgs {
    /// Port on 127.0.0.1; 0 picks a free one (the URL is printed).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The build's sources, templates, output and format.
    #[command(flatten)]
    pub build: BuildArgs,
}

impl SourceArgs {
    fn source_dirs(&self) -> SourceDirs {
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
}

/// The `--target` help, listing the targets from [`Target::ALL`].
fn target_help() -> String {
    let targets: Vec<String> =
        Target::ALL.iter().map(|t| format!("{} ({})", t.id(), t.display_name())).collect();
    format!("Target query language: {}", targets.join(", "))
}

fn parse_target(id: &str) -> Result<Target, String> {
    Target::from_id(id).ok_or_else(|| {
        let ids: Vec<&str> = Target::ALL.iter().map(|t| t.id()).collect();
        format!("unknown target `{id}` (known: {})", ids.join(", "))
    })
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = set_jobs(cli.jobs) {
        eprintln!("detcat: error: {err:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Build(args) => run_build(args),
        Command::Convert(args) => run_convert(args),
        Command::Check(args) => run_check(args),
        Command::Serve(args) => run_serve(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("detcat: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Sizes rayon's global pool, which every parallel step runs on, before anything uses it.
fn set_jobs(jobs: Option<NonZeroUsize>) -> anyhow::Result<()> {
    let Some(jobs) = jobs else { return Ok(()) };
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.get())
        .build_global()
        .context("cannot start the worker threads")
}

fn run_build(args: BuildArgs) -> anyhow::Result<bool> {
    let timings = args.timings;
    let options = build_options(args, Path::new(""))?;
    let bar = progress_bar();
    let report = build::build(&options, &|| bar.inc(1))?;
    bar.finish_and_clear();
    print_report(&report, &options.out);
    if timings {
        for (stage, took) in &report.stages {
            eprintln!("detcat: {stage:<18} {:>8.3}s", took.as_secs_f64());
        }
        for (kind, took) in &report.render_times {
            eprintln!("detcat:   {kind:<16} {:>8.3}s of render time", took.as_secs_f64());
        }
    }
    Ok(true)
}

/// Prints the findings on stdout and the timing on stderr. `false` (exit 1) when there are
/// errors, or warnings under `--strict`.
fn run_check(args: CheckArgs) -> anyhow::Result<bool> {
    let (format, strict) = (args.format, args.strict);
    let options = build_options(args.into_build_args(), Path::new(""))?;
    let bar = progress_bar();
    let report = build::check(&options, &|| bar.inc(1));
    bar.finish_and_clear();
    let findings = &report.findings;
    let text = match format {
        ReportFormat::Human => check::human::report(findings),
        ReportFormat::Json => format!("{:#}\n", check::json::report(findings)),
        ReportFormat::Sarif => format!("{:#}\n", check::sarif::report(findings)),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    eprintln!(
        "detcat: checked in {:.2}s (loading, linking and converting {:.2}s, checks {:.3}s)",
        (report.prepare + report.review).as_secs_f64(),
        report.prepare.as_secs_f64(),
        report.review.as_secs_f64()
    );
    Ok(!failed(findings, strict))
}

/// Whether the findings make `check` exit 1.
pub fn failed(findings: &[Diagnostic], strict: bool) -> bool {
    let worst = if strict { Severity::Warning } else { Severity::Error };
    findings.iter().any(|d| d.severity >= worst)
}

/// Serves until stopped; the configuration's `out` is not used unless `--out` names it, so
/// that a preview never rewrites the published site.
fn run_serve(args: ServeArgs) -> anyhow::Result<bool> {
    let temporary_out = args.build.out.is_none();
    let build = build_options(args.build, Path::new(""))?;
    let options = serve::ServeOptions { build, port: args.port, temporary_out };
    serve::serve(options, &print_report)?;
    Ok(true)
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} parsing sources: {pos} files")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar
}

/// The build settings from the arguments, `detcat.yml` and the defaults, in that order of
/// precedence. `cwd` is the folder the defaults are looked for in.
pub fn build_options(args: BuildArgs, cwd: &Path) -> anyhow::Result<BuildOptions> {
    let flags = args.sources.source_dirs();
    let any_source = !flags.clone().lists_mut().iter().all(|list| list.is_empty());
    let config_path = args.sources.config.clone().or_else(|| {
        let default = cwd.join(config::FILE_NAME);
        (!any_source && default.is_file()).then_some(default)
    });
    let config = match &config_path {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    let sources = match (&config_path, any_source) {
        (Some(_), _) => require_existing(flags_over(flags, config.source_dirs()))?,
        (None, true) => require_existing(flags)?,
        (None, false) => default_dirs(cwd)?,
    };
    if sources.rules.is_empty() {
        // An empty or rule-less configuration would otherwise replace the published site
        // with an empty catalog.
        bail!("no rule folder given: name one with --rules or `rules:` in the configuration");
    }
    let convert = config.convert_options();
    let out = args.out.or(config.out).unwrap_or_else(|| cwd.join("site"));
    let templates = args.templates.or(config.templates);
    let checks = config.checks;
    Ok(BuildOptions { sources, templates, out, convert, format: args.format, checks })
}

/// The folders of each kind named by flags replace that kind's folders from the
/// configuration; the kinds no flag names keep the configuration's.
fn flags_over(mut flags: SourceDirs, mut config: SourceDirs) -> SourceDirs {
    for (flag, configured) in flags.lists_mut().into_iter().zip(config.lists_mut()) {
        if flag.is_empty() {
            *flag = std::mem::take(configured);
        }
    }
    flags
}

fn require_existing(mut dirs: SourceDirs) -> anyhow::Result<SourceDirs> {
    for dir in dirs.lists_mut().into_iter().flatten() {
        if dir.is_file() {
            bail!("source folder {} is a file, not a folder", dir.display());
        }
        if !dir.is_dir() {
            bail!("source folder {} does not exist", dir.display());
        }
    }
    Ok(dirs)
}

fn default_dirs(cwd: &Path) -> anyhow::Result<SourceDirs> {
    let dirs = SourceDirs::existing_under(cwd);
    if dirs.rules.is_empty() {
        bail!("no rules/ folder here and no --rules or {} given", config::FILE_NAME);
    }
    Ok(dirs)
}

fn print_report(report: &BuildReport, out: &Path) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for diagnostic in &report.diagnostics {
        let _ = writeln!(err, "{diagnostic}");
    }
    let _ = writeln!(err, "{}", summary_line(report, out));
}

/// The closing line: pages by kind, diagnostics by severity, elapsed time.
pub fn summary_line(report: &BuildReport, out: &Path) -> String {
    let total: usize = report.pages.iter().map(|(_, n)| n).sum();
    let kinds: Vec<String> =
        report.pages.iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{n} {k}")).collect();
    let count = |s: Severity| report.diagnostics.iter().filter(|d| d.severity == s).count();
    format!(
        "detcat: wrote {total} pages ({}) to {}; {} errors, {} warnings; {:.2}s",
        kinds.join(", "),
        out.display(),
        count(Severity::Error),
        count(Severity::Warning),
        report.elapsed.as_secs_f64()
    )
}

/// Converts every rule file named on the command line and prints the queries. Returns
/// whether everything converted: `false` when a file had an error or a rule that is not
/// convertible (all of it is still printed).
fn run_convert(args: ConvertArgs) -> anyhow::Result<bool> {
    let mut diagnostics = Vec::new();
    for path in &args.paths {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }
    let files = load::find_yaml_files(&args.paths, &mut diagnostics);
    let (sources, problems) = load::read_files(&files);
    let options = convert_options(args.config.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_ok = true;
    // A file that cannot be read still gets its line, in path order, carrying the reason.
    let mut parsed_files: Vec<sigma::RuleFile> =
        sources.par_iter().map(sigma::parse_file).collect();
    for problem in problems {
        let (path, source, set) = (problem.file.clone(), String::new(), None);
        parsed_files.push(sigma::RuleFile { path, source, set, diagnostics: vec![problem] });
    }
    parsed_files.sort_by(|a, b| a.path.cmp(&b.path));
    let converted: Vec<Converted> =
        parsed_files.par_iter().map(|parsed| convert_file(parsed, args.target, &options)).collect();
    for (parsed, converted) in parsed_files.into_iter().zip(converted) {
        all_ok &= converted.ok;
        let line = if args.json { converted.json_line(&parsed) } else { converted.text(&parsed) };
        writeln!(out, "{line}").context("cannot write to standard output")?;
        diagnostics.extend(parsed.diagnostics);
    }
    all_ok &= !diagnostics.iter().any(|d| d.severity == Severity::Error);
    if !args.json {
        diagnostics.iter().for_each(|d| eprintln!("{d}"));
    }
    Ok(all_ok)
}

/// The conversion settings of `config`, or of `./detcat.yml` when there is one.
fn convert_options(config: Option<&Path>) -> anyhow::Result<ConvertOptions> {
    let default = Path::new(config::FILE_NAME);
    match config {
        Some(path) => Ok(Config::read(path)?.convert_options()),
        None if default.is_file() => Ok(Config::read(default)?.convert_options()),
        None => Ok(ConvertOptions::default()),
    }
}

/// What converting one rule file gave, document by document.
struct Converted {
    /// One entry per document, in file order: the correlation first, then its rules.
    results: Vec<(String, Result<String, convert::Unsupported>)>,
    /// The file's parse errors.
    parse_errors: Vec<String>,
    /// Every document converted and nothing failed to parse.
    ok: bool,
}

fn convert_file(file: &sigma::RuleFile, target: Target, options: &ConvertOptions) -> Converted {
    let mut results = Vec::new();
    if let Some(sigma::RuleSet::Correlation { correlation, rules }) = &file.set {
        let bases: Vec<&sigma::Rule> =
            rules.iter().filter(|r| correlation.rules.iter().any(|n| r.answers_to(n))).collect();
        let result = convert::convert_correlation(correlation, &bases, target, options);
        results.push((document_label(&correlation.meta), result));
    }
    for rule in file.set.as_ref().map(|s| s.rules()).unwrap_or_default() {
        results.push((document_label(&rule.meta), convert::convert_rule(rule, target, options)));
    }
    let parse_errors: Vec<String> = file
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(Diagnostic::to_string)
        .collect();
    let ok =
        !results.is_empty() && results.iter().all(|(_, r)| r.is_ok()) && parse_errors.is_empty();
    Converted { results, parse_errors, ok }
}

/// How an error names its document: the title, else the id.
fn document_label(meta: &sigma::Meta) -> String {
    match (meta.title.trim(), meta.id.as_deref()) {
        ("", Some(id)) => format!("rule {id}"),
        ("", None) => "untitled rule".into(),
        (title, _) => format!("`{title}`"),
    }
}

impl Converted {
    fn queries(&self) -> Vec<&String> {
        self.results.iter().filter_map(|(_, r)| r.as_ref().ok()).collect()
    }

    /// Every conversion and parse error, joined with `; `.
    fn error(&self) -> String {
        let refusals = self.results.iter().filter_map(|(label, r)| match r {
            Err(e) => Some(format!("{label}: {e}")),
            Ok(_) => None,
        });
        refusals.chain(self.parse_errors.iter().cloned()).collect::<Vec<_>>().join("; ")
    }

    /// The `--json` line; its shape is read by other tools, so it does not change.
    fn json_line(&self, file: &sigma::RuleFile) -> String {
        let meta = file.set.as_ref().map(|s| s.meta());
        let error = self.error();
        let value = serde_json::json!({
            "path": file.path.display().to_string(),
            "id": meta.and_then(|m| m.id.clone()),
            "title": meta.map(|m| m.title.clone()),
            "ok": self.ok,
            "queries": self.queries(),
            "error": if error.is_empty() { None } else { Some(error) },
        });
        value.to_string()
    }

    /// The plain output: a `#` line naming the file, then a query or a `#` note per document.
    fn text(&self, file: &sigma::RuleFile) -> String {
        let mut text = format!("# {}", file.path.display());
        for (label, result) in &self.results {
            match result {
                Ok(q) => text.push_str(&format!("\n{q}")),
                Err(e) => text.push_str(&format!("\n# {label}: {e}")),
            }
        }
        if self.results.is_empty() {
            text.push_str(&format!("\n# no rule: {}", self.error()));
        }
        text
    }
}
