//! `detcat serve`: build the catalog, serve it on the loopback, rebuild it when a source or
//! template changes, and reload the pages open in a browser.
//!
//! Each change rebuilds the whole site through [`build::build`], which swaps a complete new
//! site in, so a request never sees half a build; a per-page rebuild would need the linked
//! model to say which pages one source touches (a rule changes its technique, tactic, Data
//! Needed and index pages), which it does not track yet. What is served and how is in
//! [`http`] and [`files`]; the reload script in [`reload`]; the watching in [`watch`].

mod files;
mod http;
mod reload;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::build::{self, BuildOptions, BuildReport};
use watch::Event;

/// How long the sources must stay quiet before a rebuild starts: an editor's save, a `git
/// checkout`, a copy of many files each come as a burst of events.
const QUIET: Duration = Duration::from_millis(200);

/// What `detcat serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The build; its `out` is ignored when `temporary_out` is set.
    pub build: BuildOptions,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Build into a temporary folder, removed when the server stops, instead of `build.out`.
    pub temporary_out: bool,
}

/// Prints what a build did: the caller's diagnostics and summary line.
pub type Reporter<'a> = &'a dyn Fn(&BuildReport, &Path);

/// Builds, serves and rebuilds until Ctrl-C or SIGTERM. An `Err` means the first build or
/// the server could not start; a failed rebuild is reported and the previous site served.
pub fn serve(options: ServeOptions, report: Reporter) -> anyhow::Result<()> {
    let temporary = options.temporary_out.then(tempfile::tempdir).transpose()?;
    let mut build = options.build;
    if let Some(dir) = &temporary {
        build.out = dir.path().join("site");
    }
    let (sender, events) = mpsc::channel();
    let _watcher = watch::start(&watched_folders(&build), &build.out, sender.clone())?;
    let stop = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    })
    .context("cannot catch Ctrl-C")?;

    // Listening first: a port in use is reported at once, not after a long first build.
    let state = Arc::new(http::State { root: build.out.clone(), version: AtomicU64::new(0) });
    let address = http::start(options.port, Arc::clone(&state))?;
    report(&build::build(&build, &|| {})?, &build.out);
    state.version.fetch_add(1, Ordering::SeqCst);
    eprintln!("detcat: serving {} at http://{address}/ (Ctrl-C stops)", build.out.display());

    rebuild_on_change(&events, &build, &state, report);
    eprintln!("detcat: stopped");
    Ok(())
}

/// Every source folder and the template folder: what a rebuild reads.
fn watched_folders(build: &BuildOptions) -> Vec<PathBuf> {
    let sources = &build.sources;
    let kinds = [
        &sources.rules,
        &sources.data_needed,
        &sources.logging_policies,
        &sources.enrichments,
        &sources.triggers,
    ];
    kinds.into_iter().flatten().chain(&build.templates).cloned().collect()
}

/// Rebuilds after each batch of changes and bumps the version the pages poll, until told to
/// stop.
fn rebuild_on_change(
    events: &Receiver<Event>,
    build: &BuildOptions,
    state: &http::State,
    report: Reporter,
) {
    while let Some(changed) = next_batch(events, QUIET) {
        eprintln!("detcat: {}; rebuilding", describe(&changed));
        match build::build(build, &|| {}) {
            Ok(done) => {
                report(&done, &build.out);
                state.version.fetch_add(1, Ordering::SeqCst);
            }
            Err(err) => eprintln!("detcat: error: {err:#}; still serving the previous build"),
        }
    }
}

/// The changes that come in until none has come for `quiet`, those that came during the last
/// build included; `None` when told to stop.
fn next_batch(events: &Receiver<Event>, quiet: Duration) -> Option<Vec<PathBuf>> {
    let Ok(Event::Changed(mut changed)) = events.recv() else { return None };
    loop {
        match events.recv_timeout(quiet) {
            Ok(Event::Changed(more)) => changed.extend(more),
            Ok(Event::Stop) => return None,
            Err(mpsc::RecvTimeoutError::Timeout) => return Some(changed),
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// `rules/a.yml changed` or `rules/a.yml and 3 more changed`.
fn describe(changed: &[PathBuf]) -> String {
    let mut paths: Vec<&PathBuf> = changed.iter().collect();
    paths.sort();
    paths.dedup();
    match paths.as_slice() {
        [] => "nothing changed".into(),
        [one] => format!("{} changed", one.display()),
        [first, rest @ ..] => format!("{} and {} more changed", first.display(), rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_changes_is_named_by_its_first_path() {
        let paths = |names: &[&str]| names.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            describe(&paths(&["r/b.yml", "r/a.yml", "r/a.yml"])),
            "r/a.yml and 1 more changed"
        );
        assert_eq!(describe(&paths(&["r/a.yml"])), "r/a.yml changed");
    }

    #[test]
    fn a_burst_of_changes_is_one_batch_and_stop_ends_the_loop() {
        let (sender, events) = mpsc::channel();
        for name in ["a.yml", "b.yml"] {
            sender.send(Event::Changed(vec![name.into()])).unwrap();
        }
        let batch = next_batch(&events, Duration::from_millis(10));
        assert_eq!(batch, Some(vec![PathBuf::from("a.yml"), "b.yml".into()]));
        sender.send(Event::Changed(vec!["c.yml".into()])).unwrap();
        sender.send(Event::Stop).unwrap();
        assert_eq!(next_batch(&events, Duration::from_millis(10)), None);
    }

    #[test]
    fn templates_are_watched_with_the_sources() {
        let mut build = BuildOptions::default();
        build.sources.rules = vec!["rules".into(), "more".into()];
        build.sources.triggers = vec!["atomics".into()];
        build.templates = Some("templates".into());
        let expected: Vec<PathBuf> =
            ["rules", "more", "atomics", "templates"].map(PathBuf::from).into();
        assert_eq!(watched_folders(&build), expected);
    }
}
