//! The command line: arguments, configuration, progress, and what the user sees.
//!
//! Output goes to two channels: diagnostics and the closing summary line on stderr, queries
//! (for `convert`) on stdout. Exit status 0 when the command did its job, even if some
//! sources had problems (they are reported); 1 when it could not (a folder named on the
//! command line is missing, the output cannot be written); 2 for a usage error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::build::{self, BuildOptions, BuildReport};
use crate::catalog::SourceDirs;
use crate::config::{self, Config};
use crate::convert::{self, ConvertOptions, Target};
use crate::diag::{Diagnostic, Severity};
use crate::render::Format;
use crate::{load, sigma};

/// detcat turns a detection repository into a cross-linked detection catalog.
#[derive(Debug, Parser)]
#[command(name = "detcat", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the catalog: read every source, link, convert and write the pages.
    Build(BuildArgs),
    /// Print the queries of Sigma rules for one target.
    Convert(ConvertArgs),
}

/// Arguments of `detcat build`.
#[derive(Debug, Args, Default)]
pub struct BuildArgs {
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
    /// Folder of templates that replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output folder (default: site).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Which pages to write.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `detcat convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Rule files or folders of rules.
    #[arg(required = true, value_name = "RULE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    /// Target query language.
    #[arg(short, long, value_parser = parse_target)]
    pub target: Target,
    /// One JSON object per rule file: {"path", "id", "title", "ok", "queries", "error"}.
    #[arg(long)]
    pub json: bool,
}

impl BuildArgs {
    fn source_dirs(&self) -> SourceDirs {
        SourceDirs {
            rules: self.rules.clone(),
            data_needed: self.data_needed.clone(),
            logging_policies: self.logging_policies.clone(),
            enrichments: self.enrichments.clone(),
            triggers: self.triggers.clone(),
        }
    }
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
    let result = match cli.command {
        Command::Build(args) => run_build(args),
        Command::Convert(args) => run_convert(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("detcat: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_build(args: BuildArgs) -> anyhow::Result<()> {
    let options = build_options(args, Path::new(""))?;
    let bar = progress_bar();
    let report = build::build(&options, &|| bar.inc(1))?;
    bar.finish_and_clear();
    print_report(&report, &options.out);
    Ok(())
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
    let any_source = !(args.rules.is_empty()
        && args.data_needed.is_empty()
        && args.logging_policies.is_empty()
        && args.enrichments.is_empty()
        && args.triggers.is_empty());
    let config_path = args.config.clone().or_else(|| {
        let default = cwd.join(config::FILE_NAME);
        (!any_source && default.is_file()).then_some(default)
    });
    let config = match &config_path {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    let sources = match (&config_path, any_source) {
        (Some(_), _) => require_existing(flags_over(args.source_dirs(), config.source_dirs()))?,
        (None, true) => require_existing(args.source_dirs())?,
        (None, false) => default_dirs(cwd)?,
    };
    let out = args.out.or(config.out).unwrap_or_else(|| cwd.join("site"));
    let templates = args.templates.or(config.templates);
    let convert = ConvertOptions { watcher_indices: config.watcher_indices };
    Ok(BuildOptions { sources, templates, out, convert, format: args.format })
}

/// The folders of each kind named by flags replace that kind's folders from the
/// configuration; the kinds no flag names keep the configuration's.
fn flags_over(flags: SourceDirs, config: SourceDirs) -> SourceDirs {
    let pick = |f: Vec<PathBuf>, c: Vec<PathBuf>| if f.is_empty() { c } else { f };
    SourceDirs {
        rules: pick(flags.rules, config.rules),
        data_needed: pick(flags.data_needed, config.data_needed),
        logging_policies: pick(flags.logging_policies, config.logging_policies),
        enrichments: pick(flags.enrichments, config.enrichments),
        triggers: pick(flags.triggers, config.triggers),
    }
}

fn require_existing(dirs: SourceDirs) -> anyhow::Result<SourceDirs> {
    let all =
        [&dirs.rules, &dirs.data_needed, &dirs.logging_policies, &dirs.enrichments, &dirs.triggers];
    for dir in all.into_iter().flatten() {
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
    let existing = |name: &str| -> Vec<PathBuf> {
        let dir = cwd.join(name);
        if dir.is_dir() {
            vec![dir]
        } else {
            Vec::new()
        }
    };
    let dirs = SourceDirs {
        rules: existing("rules"),
        data_needed: existing("data_needed"),
        logging_policies: existing("logging_policies"),
        enrichments: existing("enrichments"),
        triggers: existing("triggers"),
    };
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

fn run_convert(args: ConvertArgs) -> anyhow::Result<()> {
    let mut diagnostics = Vec::new();
    for path in &args.paths {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }
    let files = load::find_yaml_files(&args.paths, &mut diagnostics);
    let (sources, mut problems) = load::read_files(&files);
    diagnostics.append(&mut problems);
    let options = ConvertOptions::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &sources {
        let parsed = sigma::parse_file(file);
        let line = convert_file(&parsed, args.target, &options, args.json);
        writeln!(out, "{line}").context("cannot write to standard output")?;
        diagnostics.extend(parsed.diagnostics);
    }
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error && !args.json) {
        eprintln!("{d}");
    }
    Ok(())
}

fn convert_file(
    file: &sigma::RuleFile,
    target: Target,
    options: &ConvertOptions,
    json: bool,
) -> String {
    let rules = file.set.as_ref().map(|s| s.rules()).unwrap_or_default();
    let results: Vec<Result<String, convert::Unsupported>> =
        rules.iter().map(|rule| convert::convert_rule(rule, target, options)).collect();
    let queries: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let errors: Vec<String> =
        results.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
    let parse_errors: Vec<String> = file
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(Diagnostic::to_string)
        .collect();
    let error = errors.iter().chain(&parse_errors).cloned().collect::<Vec<_>>().join("; ");
    let meta = file.set.as_ref().map(|s| s.meta());
    if json {
        let value = serde_json::json!({
            "path": file.path.display().to_string(),
            "id": meta.and_then(|m| m.id.clone()),
            "title": meta.map(|m| m.title.clone()),
            "ok": !queries.is_empty() && errors.is_empty(),
            "queries": queries,
            "error": if error.is_empty() { None } else { Some(error) },
        });
        return value.to_string();
    }
    let mut text = format!("# {}", file.path.display());
    for result in &results {
        match result {
            Ok(q) => text.push_str(&format!("\n{q}")),
            Err(e) => text.push_str(&format!("\n# {e}")),
        }
    }
    if rules.is_empty() {
        text.push_str(&format!("\n# no rule: {error}"));
    }
    text
}
