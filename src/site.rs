//! The output tree: safe paths, and a write that replaces the previous site only when the
//! new one is complete.
//!
//! Pages are written into a temporary folder beside the output folder, which is then swapped
//! in with two renames. An interrupted or failed build leaves the previous site as it was.
//! A folder that holds something else than a detcat site is never replaced.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use rayon::prelude::*;

use crate::render::Page;

/// The file that marks a folder as a detcat site, so that a rebuild may replace it.
pub const MARKER: &str = ".detcat-site";

/// Writes `pages` as the site at `out`, replacing the previous site there.
pub fn write_site(out: &Path, pages: &[Page]) -> anyhow::Result<()> {
    check_replaceable(out)?;
    let staging = sibling(out, "new")?;
    remove_if_present(&staging)?;
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("cannot create the output folder {}", staging.display()))?;
    let written = write_pages(&staging, pages);
    if let Err(err) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    swap_in(&staging, out)
}

fn write_pages(root: &Path, pages: &[Page]) -> anyhow::Result<()> {
    std::fs::write(
        root.join(MARKER),
        "This folder is written by detcat build; it is replaced whole on every build.\n",
    )
    .with_context(|| format!("cannot write into {}", root.display()))?;
    pages.par_iter().try_for_each(|page| {
        let path = root.join(safe_relative(&page.path)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create folder {}", parent.display()))?;
        }
        std::fs::write(&path, &page.content)
            .with_context(|| format!("cannot write {}", path.display()))
    })
}

/// `path` when it stays inside the folder it is joined to: relative, and without `..`.
pub fn safe_relative(path: &Path) -> anyhow::Result<&Path> {
    let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside || path.as_os_str().is_empty() {
        bail!("refusing to write {}: the path leaves the output folder", path.display());
    }
    Ok(path)
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
    if entries.next().is_some() && !out.join(MARKER).exists() {
        bail!(
            "refusing to replace {}: it is not empty and was not written by detcat (no {MARKER} in it)",
            out.display()
        );
    }
    Ok(())
}

/// A hidden folder beside `out`: `.<name>.detcat-<suffix>`.
fn sibling(out: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("the output {} has no folder name", out.display()))?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok(parent.join(format!(".{}.detcat-{suffix}", name.to_string_lossy())))
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path)
            .with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

fn swap_in(staging: &Path, out: &Path) -> anyhow::Result<()> {
    let old = sibling(out, "old")?;
    remove_if_present(&old)?;
    if out.exists() {
        std::fs::rename(out, &old)
            .with_context(|| format!("cannot move the previous site {} aside", out.display()))?;
    }
    if let Err(err) = std::fs::rename(staging, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(err)
            .with_context(|| format!("cannot move the new site into {}", out.display()));
    }
    remove_if_present(&old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        assert!(safe_relative(Path::new("../x.md")).is_err());
        assert!(safe_relative(Path::new("/etc/x.md")).is_err());
        assert!(safe_relative(Path::new("rules/x.md")).is_ok());
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
    }
}
