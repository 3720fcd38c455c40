//! The HTTP side of `detcat serve`: a reply for each request, and the threads that answer.
//!
//! [`reply`] is a plain function of the site folder, the build version and the request
//! line, so the rules (which file, which type, which status) are tested without a socket;
//! [`start`] only carries its replies over tiny_http. tiny_http was chosen over an async
//! stack (hyper, axum) because a local preview needs a few blocking threads, not a runtime.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::anyhow;
use tiny_http::{Header, Method, Request, Response, Server};

use super::files::{self, Resolved};
use super::reload;

/// Threads answering requests: a browser opens about six connections to one server.
const WORKERS: usize = 4;

/// What the server shares with its threads: the site folder and the build version.
#[derive(Debug)]
pub struct State {
    /// The site folder being served.
    pub root: std::path::PathBuf,
    /// Grows by one with every successful build; the reload script watches it.
    pub version: AtomicU64,
}

/// One response, before it is put on the wire.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type: content_type.into(), location: None, body: body.into() }
    }

    fn page(status: u16, title: &str, text: &str) -> Reply {
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             </head><body><h1>{title}</h1><p>{text}</p><p><a href=\"/\">Home</a></p></body></html>\n"
        );
        Reply::new(status, "text/html; charset=utf-8", body)
    }
}

/// The reply to `method target` for the site in `root` at build `version`.
pub fn reply(root: &Path, version: u64, method: &str, target: &str) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::page(405, "405 Method not allowed", "This server only reads.");
    }
    match target.split('?').next().unwrap_or_default() {
        reload::VERSION_PATH => return Reply::new(200, "text/plain", version.to_string()),
        reload::SCRIPT_PATH => return Reply::new(200, "text/javascript", reload::SCRIPT),
        _ => {}
    }
    match files::resolve(root, target) {
        Resolved::File(path) => file_reply(&path, version),
        Resolved::Redirect(location) => {
            Reply { location: Some(location), ..Reply::page(301, "301 Moved", "See the folder.") }
        }
        Resolved::NotFound => not_found(version),
        Resolved::Rejected => Reply::page(400, "400 Bad request", "This path is not served."),
    }
}

/// The 404 page; it reloads too, so a page that a rebuild is about to write shows up.
fn not_found(version: u64) -> Reply {
    let page = Reply::page(404, "404 Not found", "No page of the catalog here.");
    let html = String::from_utf8_lossy(&page.body);
    Reply { body: reload::inject(&html, version).into_bytes(), ..page }
}

/// A file of the site; an HTML page gets the reload script.
fn file_reply(path: &Path, version: u64) -> Reply {
    let Ok(body) = std::fs::read(path) else {
        // The file was there a moment ago: a rebuild is swapping the site in.
        return not_found(version);
    };
    let content_type = files::content_type(path);
    if !content_type.starts_with("text/html") {
        return Reply::new(200, &content_type, body);
    }
    let html = String::from_utf8_lossy(&body);
    Reply::new(200, &content_type, reload::inject(&html, version))
}

/// Listens on `127.0.0.1:port` (`0` picks a free port) and answers from `state` on
/// [`WORKERS`] threads, which run until the process ends. Returns the bound address.
pub fn start(port: u16, state: Arc<State>) -> anyhow::Result<std::net::SocketAddr> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|err| anyhow!("cannot listen on 127.0.0.1:{port}: {err}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| anyhow!("the server did not bind an IP address"))?;
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                answer(request, &state);
            }
        });
    }
    Ok(address)
}

fn answer(request: Request, state: &State) {
    let method = match request.method() {
        Method::Get => "GET",
        Method::Head => "HEAD",
        _ => "OTHER",
    };
    let version = state.version.load(Ordering::SeqCst);
    let reply = reply(&state.root, version, method, request.url());
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        ("Content-Type", reply.content_type.as_str()),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    if let Some(location) = &reply.location {
        headers.push(("Location", location));
    }
    for (name, value) in headers {
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    // A client that went away is no error of ours.
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("index.html"), "<body>home</body>").unwrap();
        std::fs::write(dir.path().join("rules/a.md"), "# A\n").unwrap();
        dir
    }

    #[test]
    fn html_pages_get_the_reload_script_and_other_files_do_not() {
        let dir = site();
        let page = reply(dir.path(), 3, "GET", "/");
        assert_eq!((page.status, page.content_type.as_str()), (200, "text/html; charset=utf-8"));
        let text = String::from_utf8(page.body).unwrap();
        assert!(text.contains(r#"<script src="/__detcat/reload.js" data-version="3">"#), "{text}");
        let markdown = reply(dir.path(), 3, "GET", "/rules/a.md");
        assert_eq!(markdown.body, b"# A\n");
        let on_disk = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert_eq!(on_disk, "<body>home</body>", "the built file is left as it was");
    }

    #[test]
    fn the_version_and_the_script_have_their_own_urls() {
        let dir = site();
        let version = reply(dir.path(), 12, "GET", "/__detcat/version?t=1");
        assert_eq!((version.status, version.body), (200, b"12".to_vec()));
        let script = reply(dir.path(), 12, "GET", "/__detcat/reload.js");
        assert_eq!(script.content_type, "text/javascript");
        assert!(String::from_utf8(script.body).unwrap().contains("location.reload()"));
    }

    #[test]
    fn statuses_for_missing_folders_traversal_and_writes() {
        let dir = site();
        let status = |method: &str, target: &str| reply(dir.path(), 1, method, target).status;
        let missing = reply(dir.path(), 1, "GET", "/missing.html");
        assert_eq!(missing.status, 404);
        assert!(String::from_utf8(missing.body).unwrap().contains("/__detcat/reload.js"));
        assert_eq!(status("GET", "/rules/"), 404);
        assert_eq!(status("GET", "/%2e%2e/etc/passwd"), 400);
        assert_eq!(status("POST", "/"), 405);
        assert_eq!(status("HEAD", "/"), 200);
        let redirect = reply(dir.path(), 1, "GET", "/rules");
        assert_eq!((redirect.status, redirect.location.as_deref()), (301, Some("/rules/")));
    }
}
