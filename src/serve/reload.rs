//! Live reload: the script `detcat serve` adds to the HTML pages it serves, and the build
//! version that script watches.
//!
//! The script polls a version endpoint rather than holding a server-sent event stream
//! open: a stream would hold one of the server's few handler threads for as long as a page
//! stays open, and a poll every half second on the loopback costs nothing. It is loaded from its own URL, not written inline, so that a
//! page whose Content-Security-Policy allows only `'self'` scripts still reloads. The built
//! files never contain it: it is added to the bytes sent, not to the site.

/// The URL of the build version, a decimal number that grows with every successful build.
pub const VERSION_PATH: &str = "/__detcat/version";

/// The URL of the reload script.
pub const SCRIPT_PATH: &str = "/__detcat/reload.js";

/// The reload script.
pub const SCRIPT: &str = include_str!("reload.js");

/// `html` with the reload script tag, carrying `version`, before its last `</body>` (or at
/// the end when there is none).
pub fn inject(html: &str, version: u64) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-version=\"{version}\"></script>\n");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let page = inject("<html><body><p>x</p></body></html>\n", 7);
        let tag = r#"<script src="/__detcat/reload.js" data-version="7"></script>"#;
        assert_eq!(page, format!("<html><body><p>x</p>{tag}\n</body></html>\n"));
    }

    #[test]
    fn a_page_without_body_tag_gets_it_at_the_end() {
        assert!(inject("<p>fragment</p>", 1).ends_with("data-version=\"1\"></script>\n"));
    }

    #[test]
    fn the_script_polls_the_version_endpoint() {
        assert!(SCRIPT.contains(VERSION_PATH));
    }
}
