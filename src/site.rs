//! The output tree: safe paths, and a write that replaces the previous site only when the
//! new one is complete.
//!
//! Pages are written into a uniquely named staging folder beside the output folder as soon as
//! each is rendered (so the whole site is never held in memory), which is then swapped in
//! with two renames once its marker file shows it is complete. An
//! interrupted or failed build leaves the previous site as it was and removes its staging
//! folder. A fixed staging name was the alternative we dropped: two builds into the same
//! output shared it, and one deleted it while the other was writing. A folder that holds
//! something else than a detcat site is never replaced.
//!
//! A build that is killed (or stopped with Ctrl-C) cannot clean up after itself, so each
//! staging folder has a lock file beside it, held while its build runs. The next build into
//! the same output removes every staging folder whose lock is no longer held. The previous
//! site is moved aside into a folder named after the staging folder, so a build killed
//! between the two renames of its swap leaves the next build what it needs to put the
//! previous site back.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context};
use tempfile::TempDir;

/// The file that marks a folder as a detcat site, so that a rebuild may replace it.
pub const MARKER: &str = ".detcat-site";

/// A new site being written: files go into a staging folder, which [`Staging::finish`] swaps
/// in. Dropped unfinished (an error, a panic), it removes the staging folder and leaves the
/// previous site as it was.
pub struct Staging {
    out: PathBuf,
    /// Declared before `lock`, so that the folder is removed before its lock is released.
    dir: TempDir,
    lock: BuildLock,
    written: Mutex<Written>,
}

/// The files written so far, and the folders made for them.
#[derive(Default)]
struct Written {
    files: HashSet<PathBuf>,
    folders: HashSet<PathBuf>,
}

impl Staging {
    /// Checks that `out` may be replaced and makes the staging folder beside it.
    pub fn begin(out: &Path) -> anyhow::Result<Staging> {
        remove_abandoned(out);
        check_replaceable(out)?;
        let dir = beside(out, "new")?;
        let lock = BuildLock::take(dir.path())?;
        Ok(Staging { out: out.to_path_buf(), dir, lock, written: Mutex::default() })
    }

    /// Writes one file at `path`, relative to the site's root. Safe to call from many
    /// threads; a path outside the site, or one written before, is an error.
    pub fn write(&self, path: &Path, content: &[u8]) -> anyhow::Result<()> {
        let relative = safe_relative(path)?;
        self.claim(relative)?;
        let path = self.dir.path().join(relative);
        std::fs::write(&path, content).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Records `relative` as written (an error when it was before) and makes its folder,
    /// once per folder rather than for every page; under the lock, so that no other thread
    /// writes into the folder before it exists.
    fn claim(&self, relative: &Path) -> anyhow::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !written.files.insert(relative.to_path_buf()) {
            bail!("two pages would be written to {}", relative.display());
        }
        let folder = relative.parent().filter(|f| !f.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|f| !written.folders.contains(*f)) {
            let path = self.dir.path().join(folder);
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create folder {}", path.display()))?;
            written.folders.insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// Writes the marker and swaps the new site in place of the previous one.
    pub fn finish(self) -> anyhow::Result<()> {
        let root = self.dir.path();
        let note = "This folder is written by detcat build; it is replaced whole on every build.\n";
        std::fs::write(root.join(MARKER), note)
            .with_context(|| format!("cannot write into {}", root.display()))?;
        check_complete(root)?;
        let swapped = swap_in(self.dir, &self.out);
        drop(self.lock);
        swapped
    }
}

/// The lock of a staging folder: the file `<staging>.lock` beside it, locked while its build
/// runs. Dropping it removes the file, then releases the lock.
struct BuildLock {
    path: PathBuf,
    _file: File,
}

impl BuildLock {
    /// Locks a new file under a temporary name, then renames it to `<staging>.lock`, so that
    /// no other build ever finds the lock file of a running build unlocked.
    fn take(staging: &Path) -> anyhow::Result<BuildLock> {
        let parent = staging.parent().unwrap_or(Path::new("."));
        let failed = || format!("cannot make a lock file beside {}", staging.display());
        let temp = tempfile::Builder::new()
            .prefix(".detcat-lock-")
            .tempfile_in(parent)
            .with_context(failed)?;
        temp.as_file().lock().with_context(failed)?;
        let path = lock_path(staging);
        let file = temp.persist(&path).with_context(failed)?;
        Ok(BuildLock { path, _file: file })
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock_path(staging: &Path) -> PathBuf {
    let mut name = staging.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Removes the staging folders beside `out` left by builds that died before finishing: those
/// whose lock file is there and can be locked. A folder without a lock file is left alone.
fn remove_abandoned(out: &Path) {
    let Some(name) = out.file_name() else { return };
    let prefix = format!(".{}.detcat-new-", name.to_string_lossy());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        if let Some(staging) = file_name.strip_prefix(&prefix).and(file_name.strip_suffix(".lock"))
        {
            remove_if_abandoned(&parent.join(staging), &entry.path(), out);
        }
    }
}

/// Removes `staging`, its aside folder and its lock file when no build holds the lock. When
/// its build died between the two renames of the swap, the previous site goes back to `out`.
fn remove_if_abandoned(staging: &Path, lock: &Path, out: &Path) {
    let Ok(file) = OpenOptions::new().read(true).write(true).open(lock) else { return };
    if file.try_lock().is_err() {
        return;
    }
    let aside = aside_path(staging);
    let previous = aside.join("site");
    if !out.exists() && previous.is_dir() {
        let _ = std::fs::rename(&previous, out);
    }
    let _ = std::fs::remove_dir_all(&aside);
    let _ = std::fs::remove_dir_all(staging);
    let _ = std::fs::remove_file(lock);
}

/// `path` when it stays inside the folder it is joined to: relative, and without `..`.
pub fn safe_relative(path: &Path) -> anyhow::Result<&Path> {
    let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside || path.as_os_str().is_empty() {
        bail!("refusing to write {}: the path leaves the output folder", path.display());
    }
    Ok(path)
}

/// Whether `dir` holds the marker as a regular file; a folder or link of that name does not
/// count, so a foreign folder cannot pass for a site by accident.
fn has_marker(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn check_replaceable(out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!("the output {} exists and is not a folder", out.display());
    }
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
    if entries.next().is_some() && !has_marker(out) {
        let why = format!("it is not empty and was not written by detcat (no {MARKER} file in it)");
        bail!("refusing to replace {}: {why}", out.display());
    }
    Ok(())
}

fn check_complete(staging: &Path) -> anyhow::Result<()> {
    if !has_marker(staging) {
        bail!(
            "the new site in {} is incomplete (no {MARKER} file); it is not used",
            staging.display()
        );
    }
    Ok(())
}

/// A new, uniquely named hidden folder beside `out`: `.<name>.detcat-<suffix>-<random>`.
/// It is removed when dropped, unless it was moved away.
fn beside(out: &Path, suffix: &str) -> anyhow::Result<TempDir> {
    let name = out
        .file_name()
        .with_context(|| format!("the output {} has no folder name", out.display()))?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    tempfile::Builder::new()
        .prefix(&format!(".{}.detcat-{suffix}-", name.to_string_lossy()))
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder beside {}", out.display()))
}

/// The folder that holds the previous site during the swap: `.site.detcat-old-X` for the
/// staging folder `.site.detcat-new-X`, so that it is found through the staging folder's lock.
fn aside_path(staging: &Path) -> PathBuf {
    let name = staging.file_name().unwrap_or_default().to_string_lossy();
    staging.with_file_name(name.replacen(".detcat-new-", ".detcat-old-", 1))
}

/// Moves the previous site aside, `staging` into `out`, and removes the previous site. On
/// failure the previous site is put back and `staging` is removed when dropped.
fn swap_in(staging: TempDir, out: &Path) -> anyhow::Result<()> {
    let aside = aside_path(staging.path());
    let previous = aside.join("site");
    let had_site = out.exists();
    if had_site {
        std::fs::create_dir(&aside)
            .with_context(|| format!("cannot create the folder {}", aside.display()))?;
        if let Err(err) = std::fs::rename(out, &previous) {
            let _ = std::fs::remove_dir(&aside);
            return Err(err)
                .with_context(|| format!("cannot move the previous site {} aside", out.display()));
        }
    }
    if let Err(err) = std::fs::rename(staging.path(), out) {
        if had_site {
            let _ = std::fs::rename(&previous, out);
            let _ = std::fs::remove_dir(&aside);
        }
        return Err(err)
            .with_context(|| format!("cannot move the new site into {}", out.display()));
    }
    let _ = staging.keep();
    match had_site {
        true => std::fs::remove_dir_all(&aside).context("cannot remove the previous site"),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Page;
    use rayon::prelude::*;

    /// Writes `pages` as the site at `out`, as a build does.
    fn write_site(out: &Path, pages: &[Page]) -> anyhow::Result<()> {
        let staging = Staging::begin(out)?;
        pages.par_iter().try_for_each(|page| staging.write(&page.path, page.content.as_bytes()))?;
        staging.finish()
    }

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        assert!(safe_relative(Path::new("../x.md")).is_err());
        assert!(safe_relative(Path::new("/etc/x.md")).is_err());
        assert!(safe_relative(Path::new("rules/x.md")).is_ok());
        for path in ["", ".", "..", "./x.md", "rules/../../x.md", "rules/..", "//x"] {
            assert!(safe_relative(Path::new(path)).is_err(), "{path:?} is refused");
        }
        for path in ["..x.md", "x..md", "rules/C:x.md", "rules/..\\x.md"] {
            assert!(safe_relative(Path::new(path)).is_ok(), "{path:?} is one plain name");
        }
    }

    #[test]
    fn a_foreign_folder_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let pages = [Page { kind: "index", path: "README.md".into(), content: "x".into() }];
        assert!(write_site(dir.path(), &pages).is_err());
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn a_rebuild_replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let page = |p: &str| Page { kind: "rule", path: p.into(), content: p.into() };
        write_site(&out, &[page("rules/a.md")]).unwrap();
        write_site(&out, &[page("rules/b.md")]).unwrap();
        assert!(!out.join("rules/a.md").exists());
        assert_eq!(std::fs::read_to_string(out.join("rules/b.md")).unwrap(), "rules/b.md");
        assert_eq!(siblings(dir.path()), ["site"], "no staging or previous site is left");
    }

    fn index() -> [Page; 1] {
        [Page { kind: "index", path: "README.md".into(), content: "x".into() }]
    }

    fn siblings(dir: &Path) -> Vec<String> {
        let names = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name());
        let mut names: Vec<String> = names.map(|n| n.to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_staging_folder_of_another_build_is_left_alone() {
        // Two builds into one output shared `.site.detcat-new`; one deleted it while the
        // other wrote, and the other swapped in a site without README.md or marker.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let other = dir.path().join(".site.detcat-new");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("README.md"), "being written").unwrap();
        write_site(&out, &index()).unwrap();
        assert!(other.join("README.md").exists());
        assert!(has_marker(&out) && out.join("README.md").exists());
        assert_eq!(siblings(dir.path()), [".site.detcat-new", "site"]);
    }

    /// A staging folder beside `site` in `dir`, holding one page, with its lock file.
    fn staging_with_lock(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let staging = dir.join(name);
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("README.md"), "being written").unwrap();
        let lock = lock_path(&staging);
        std::fs::write(&lock, "").unwrap();
        (staging, lock)
    }

    #[test]
    fn a_staging_folder_whose_build_died_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        staging_with_lock(dir.path(), ".site.detcat-new-dead01");
        write_site(&dir.path().join("site"), &index()).unwrap();
        assert_eq!(siblings(dir.path()), ["site"]);
    }

    #[test]
    fn a_staging_folder_whose_build_runs_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, lock) = staging_with_lock(dir.path(), ".site.detcat-new-live01");
        let held = File::open(&lock).unwrap();
        held.lock().unwrap();
        write_site(&dir.path().join("site"), &index()).unwrap();
        assert!(staging.join("README.md").exists(), "{:?}", siblings(dir.path()));
        assert!(lock.exists());
        // Another output's staging folder is not this build's business either.
        drop(held);
        let (other, _) = staging_with_lock(dir.path(), ".docs.detcat-new-dead02");
        write_site(&dir.path().join("site"), &index()).unwrap();
        assert!(!staging.exists() && other.exists(), "{:?}", siblings(dir.path()));
    }

    #[test]
    fn a_build_killed_within_its_swap_gets_the_previous_site_back() {
        // Killed after moving the previous site aside, before moving its own site in.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let (staging, _) = staging_with_lock(dir.path(), ".site.detcat-new-swap01");
        let previous = aside_path(&staging).join("site");
        std::fs::create_dir_all(&previous).unwrap();
        std::fs::write(previous.join(MARKER), "").unwrap();
        std::fs::write(previous.join("README.md"), "previous").unwrap();
        // A build that then fails still finds the previous site where it belongs.
        drop(Staging::begin(&out).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("README.md")).unwrap(), "previous");
        assert_eq!(siblings(dir.path()), ["site"]);
    }

    #[test]
    fn a_folder_named_like_the_marker_does_not_make_a_site() {
        // A foreign folder with a `.detcat-site` subfolder used to be replaced and deleted.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(MARKER)).unwrap();
        std::fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        assert!(write_site(dir.path(), &index()).is_err());
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn a_staging_folder_without_the_marker_is_not_swapped_in() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_complete(dir.path()).is_err());
        std::fs::write(dir.path().join(MARKER), "").unwrap();
        assert!(check_complete(dir.path()).is_ok());
    }

    #[test]
    fn a_failed_write_or_swap_leaves_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let page = |p: &str| Page { kind: "rule", path: p.into(), content: p.into() };
        // A file where a folder must be: `rules` is a page, so `rules/a.md` cannot be written.
        assert!(write_site(&out, &[page("rules"), page("rules/a.md")]).is_err());
        assert!(siblings(dir.path()).is_empty(), "{:?}", siblings(dir.path()));
        // The swap fails when the output's folder does not exist.
        let staging = beside(&out, "new").unwrap();
        assert!(swap_in(staging, &dir.path().join("missing/site")).is_err());
        assert!(siblings(dir.path()).is_empty(), "{:?}", siblings(dir.path()));
    }

    #[test]
    fn the_folders_above_a_new_output_are_made() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public/catalog/site");
        write_site(&out, &index()).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("README.md")).unwrap(), "x");
        assert_eq!(siblings(&dir.path().join("public/catalog")), ["site"]);
    }
}
