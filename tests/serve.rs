//! `detcat serve` run as a user runs it: on a copy of the example catalog, it serves the
//! pages, refuses paths out of the site, and rebuilds when a rule changes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long to wait for the server to answer, or for a rebuild to show. It bounds a test
/// that would otherwise hang; nothing is asserted about how fast things happen.
const PATIENCE: Duration = Duration::from_secs(120);

/// The example sources, copied under `root`.
fn copy_example(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for kind in ["rules", "data_needed", "logging_policies", "enrichments", "triggers"] {
        for entry in walkdir::WalkDir::new(repo.join(kind)) {
            let entry = entry.unwrap();
            let to = root.join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
    }
}

/// A running `detcat serve`; stopped with SIGTERM (then killed) when dropped.
struct Server {
    child: Child,
    stderr: Receiver<String>,
    address: String,
    site: PathBuf,
}

impl Server {
    fn start(cwd: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_detcat"))
            .args(["serve", "--port", "0"])
            .current_dir(cwd)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, stderr) = mpsc::channel();
        let lines = BufReader::new(child.stderr.take().unwrap()).lines();
        std::thread::spawn(move || lines.map_while(Result::ok).try_for_each(|l| sender.send(l)));
        let mut server = Server { child, stderr, address: String::new(), site: PathBuf::new() };
        let line = server.wait_for_line("detcat: serving ");
        let (site, url) = line["detcat: serving ".len()..].split_once(" at http://").unwrap();
        server.site = PathBuf::from(site);
        server.address = url.split('/').next().unwrap().to_string();
        server
    }

    /// The first stderr line containing `text`; every line read is echoed.
    fn wait_for_line(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .stderr
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("detcat serve printed no line containing {text:?}"));
            eprintln!("serve: {line}");
            if line.contains(text) {
                return line;
            }
        }
    }

    /// `GET target` over HTTP/1.0: the status code and the body.
    fn get(&self, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(stream, "GET {target} HTTP/1.0\r\nHost: {}\r\n\r\n", self.address).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }

    fn version(&self) -> String {
        self.get("/__detcat/version").1
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_answers_refuses_traversal_and_rebuilds_on_change() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let server = Server::start(dir.path());
    assert!(!server.site.starts_with(dir.path()), "the preview is built in a temporary folder");

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("WMI Persistence - Command Line Event Consumer"), "{home}");
    assert!(home.contains("/__detcat/reload.js"), "served pages get the reload script");
    let built = std::fs::read_to_string(server.site.join("index.html")).unwrap();
    assert!(!built.contains("/__detcat/"), "built pages do not");
    assert_eq!(server.get("/../Cargo.toml").0, 400);
    assert_eq!(server.get("/%2e%2e/%2e%2e/etc/passwd").0, 400);
    assert_eq!(server.get("/no-such-page.html").0, 404);
    assert_eq!(server.get("/rules").0, 301);

    let before = server.version();
    assert_eq!(before, "1", "reading the sources for the first build is no change");
    let page = "/rules/sysmon_wmi_persistence_commandline_event_consumer.html";
    let rule =
        dir.path().join("rules/windows/sysmon_wmi_persistence_commandline_event_consumer.yml");
    let text = std::fs::read_to_string(&rule).unwrap();
    let changed = text.replace(
        "title: WMI Persistence - Command Line Event Consumer",
        "title: WMI Persistence - Edited While Served",
    );
    assert_ne!(text, changed, "the example rule still has the title this test edits");
    std::fs::write(&rule, changed).unwrap();

    server.wait_for_line("rebuilding");
    let deadline = Instant::now() + PATIENCE;
    while server.version() == before {
        assert!(Instant::now() < deadline, "the version never changed after the edit");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, rule_page) = server.get(page);
    assert_eq!(status, 200);
    assert!(rule_page.contains("WMI Persistence - Edited While Served"), "{rule_page}");
    assert!(rule_page.contains(&format!("data-version=\"{}\"", server.version())));

    let site = server.site.clone();
    drop(server);
    assert!(!site.exists(), "the temporary site {} is removed on SIGTERM", site.display());
}

#[test]
fn a_port_in_use_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_detcat"))
        .args(["serve", "--port", &port])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
}

#[test]
fn a_missing_source_folder_stops_serve_before_it_listens() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_detcat"))
        .args(["serve", "--port", "0", "--rules", "no-such-folder"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-such-folder") && !stderr.contains("serving"), "{stderr}");
}
