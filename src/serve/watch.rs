//! Watching the sources and templates of a served site for changes.
//!
//! notify (inotify on Linux) tells us of a change as it happens; polling the trees with
//! walkdir and comparing modification times was the alternative, and on the 3,777 rules of
//! the SigmaHQ corpus it would walk every file twice a second to notice one edit. Reading a
//! file is reported too (inotify's open events): those are dropped here, or every build,
//! which reads every source, would start the next one. notify-debouncer-mini was tried and
//! dropped for that reason: it forgets what kind an event was, so it cannot tell a read from
//! a write. Changes inside the output folder and its staging folders are dropped as well, so
//! a site written inside a source folder does not rebuild itself for ever. Gathering the
//! bursts of one save into one rebuild is the rebuild loop's job.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use anyhow::Context;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// What the rebuild loop is told.
#[derive(Debug)]
pub enum Event {
    /// These files or folders changed.
    Changed(Vec<PathBuf>),
    /// The user asked to stop (Ctrl-C, SIGTERM).
    Stop,
}

/// Watches every folder in `folders`, recursively, and sends each change of a file outside
/// the output folder `out` to `events`. Watching stops when the returned value is dropped.
pub fn start(
    folders: &[PathBuf],
    out: &Path,
    events: Sender<Event>,
) -> anyhow::Result<RecommendedWatcher> {
    let out = out.to_path_buf();
    let handler = move |result: notify::Result<notify::Event>| {
        let event = match result {
            Ok(event) => event,
            Err(err) => return eprintln!("detcat: warning: watching the sources: {err}"),
        };
        let paths = changed_sources(event, &out);
        if !paths.is_empty() {
            let _ = events.send(Event::Changed(paths));
        }
    };
    let mut watcher = notify::recommended_watcher(handler).context("cannot watch the sources")?;
    for folder in folders {
        watcher
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    Ok(watcher)
}

/// The paths of `event` that a rebuild must read again: none for a read, none in `out`.
fn changed_sources(event: notify::Event, out: &Path) -> Vec<PathBuf> {
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    event.paths.into_iter().filter(|path| !is_output(path, out)).collect()
}

/// Whether `path` is in the output folder or in one of the folders a build stages beside it
/// (`.<name>.detcat-new-…`, `.<name>.detcat-old-…`).
fn is_output(path: &Path, out: &Path) -> bool {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path, out) = (absolute(path), absolute(out));
    if path.starts_with(&out) {
        return true;
    }
    let Some(name) = out.file_name() else { return false };
    let staging = format!(".{}.detcat-", name.to_string_lossy());
    let parent = out.parent().unwrap_or(Path::new("/"));
    path.strip_prefix(parent)
        .ok()
        .and_then(|rest| rest.components().next())
        .is_some_and(|first| first.as_os_str().to_string_lossy().starts_with(&staging))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_and_its_staging_folders_are_not_sources() {
        let out = Path::new("/w/src/site");
        assert!(is_output(Path::new("/w/src/site/rules/a.html"), out));
        assert!(is_output(Path::new("/w/src/.site.detcat-new-x1/rules/a.html"), out));
        assert!(is_output(Path::new("/w/src/.site.detcat-old-x1"), out));
        assert!(!is_output(Path::new("/w/src/rules/a.yml"), out));
        assert!(!is_output(Path::new("/w/src/site2/a.yml"), out));
    }

    #[test]
    fn reads_and_output_files_are_not_changes() {
        use notify::event::{AccessKind, CreateKind, ModifyKind};
        let out = Path::new("/w/site");
        let event = |kind, path: &str| notify::Event::new(kind).add_path(PathBuf::from(path));
        let read = event(EventKind::Access(AccessKind::Any), "/w/rules/a.yml");
        assert!(changed_sources(read, out).is_empty(), "a build reading a rule is no change");
        let written = event(EventKind::Modify(ModifyKind::Any), "/w/rules/a.yml");
        assert_eq!(changed_sources(written, out), [PathBuf::from("/w/rules/a.yml")]);
        let page = event(EventKind::Create(CreateKind::File), "/w/site/rules/a.html");
        assert!(changed_sources(page, out).is_empty());
    }

    #[test]
    fn a_change_in_a_watched_folder_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        let _watcher =
            start(&[dir.path().to_path_buf()], &dir.path().join("site"), sender).unwrap();
        std::fs::write(dir.path().join("rule.yml"), "title: x\n").unwrap();
        // Bounded wait for an event, not a timing assertion: inotify reports within
        // milliseconds, and a minute only guards against a test that never ends.
        match receiver.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Event::Changed(paths)) => assert!(paths.iter().any(|p| p.ends_with("rule.yml"))),
            other => panic!("no change reported: {other:?}"),
        }
    }
}
