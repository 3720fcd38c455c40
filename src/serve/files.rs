//! Which file of the site a request names, and what type it is.
//!
//! A request path is decoded once and then checked segment by segment: a segment that is
//! empty is skipped, and one that starts with a dot (`.`, `..`, hidden files such as the
//! site marker) refuses the whole request. Checking after decoding is what stops
//! `%2e%2e` and `%2f`; comparing canonical paths afterwards also stops a symbolic link
//! that leads out of the site. Normalising `..` away instead, as some servers do, was
//! rejected: a link that climbs out of the site is a bug worth seeing, not hiding.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// What a request path resolves to inside the site folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file to send.
    File(PathBuf),
    /// A folder named without its closing slash: the browser is sent to `location`, so
    /// that the relative links of its `index.html` resolve.
    Redirect(String),
    /// Nothing of that name in the site.
    NotFound,
    /// A path that would leave the site, names a hidden file, or does not decode.
    Rejected,
}

/// Resolves the path of a request (`/rules/x.html?q`) against the site folder `root`.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let Some(segments) = decoded_segments(path) else { return Resolved::Rejected };
    let mut file = root.to_path_buf();
    file.extend(&segments);
    if file.is_dir() {
        if !path.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        file.push("index.html");
    }
    match inside(root, &file) {
        Some(true) if file.is_file() => Resolved::File(file),
        Some(false) => Resolved::Rejected,
        _ => Resolved::NotFound,
    }
}

/// The path's segments, percent-decoded, or `None` when one is unsafe or not UTF-8.
fn decoded_segments(path: &str) -> Option<Vec<String>> {
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        segments.push(segment.to_string());
    }
    Some(segments)
}

/// Whether `file` is really inside `root` once links are followed; `None` when it does not
/// exist.
fn inside(root: &Path, file: &Path) -> Option<bool> {
    let root = root.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    Some(file.starts_with(root))
}

/// The `Content-Type` of a file, from its extension; text is always UTF-8 in a site.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::JSON;
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("rules")).unwrap();
        std::fs::create_dir_all(root.join("attack")).unwrap();
        std::fs::write(root.join("index.html"), "<html></html>").unwrap();
        std::fs::write(root.join("rules/a b.html"), "rule").unwrap();
        std::fs::write(root.join("attack/index.html"), "attack").unwrap();
        std::fs::write(root.join(".detcat-site"), "").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        dir
    }

    #[test]
    fn traversal_is_rejected_however_it_is_spelled() {
        let dir = site();
        let root = dir.path().join("site");
        for target in [
            "/../secret.txt",
            "/rules/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/rules%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "//etc/passwd/../x",
            "secret.txt",
            "http://example.org/../secret.txt",
            "/C:/secret.txt",
            "/%ff.html",
            "/.detcat-site",
        ] {
            assert_eq!(resolve(&root, target), Resolved::Rejected, "{target}");
        }
    }

    #[test]
    fn a_link_out_of_the_site_is_rejected() {
        let dir = site();
        let root = dir.path().join("site");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Resolved::Rejected);
    }

    #[test]
    fn files_folders_and_missing_paths() {
        let dir = site();
        let root = dir.path().join("site");
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1#top"), Resolved::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/rules/a%20b.html"),
            Resolved::File(root.join("rules/a b.html"))
        );
        assert_eq!(resolve(&root, "/attack"), Resolved::Redirect("/attack/".into()));
        assert_eq!(resolve(&root, "/attack/"), Resolved::File(root.join("attack/index.html")));
        assert_eq!(resolve(&root, "/rules/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/rules/missing.html"), Resolved::NotFound);
    }

    #[test]
    fn content_types_follow_the_extension() {
        let of = |name: &str| content_type(Path::new(name));
        assert_eq!(of("index.html"), "text/html; charset=utf-8");
        assert_eq!(of("assets/style.css"), "text/css; charset=utf-8");
        assert!(of("assets/search.js").contains("javascript"), "{}", of("search.js"));
        assert!(of("assets/search.js").ends_with("; charset=utf-8"));
        assert_eq!(of("exports/catalog.json"), "application/json; charset=utf-8");
        assert_eq!(of("exports/analytics.csv"), "text/csv; charset=utf-8");
        assert_eq!(of("rules/x.md"), "text/markdown; charset=utf-8");
        assert_eq!(of("logo.png"), "image/png");
        assert_eq!(of("font.woff2"), "font/woff2");
        assert_eq!(of("no-extension"), "application/octet-stream");
    }
}
