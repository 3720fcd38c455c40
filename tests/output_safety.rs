//! Output safety end to end: hostile file names, ids and titles never put a file outside the
//! output folder or give it a name a file system refuses; a failed or killed build leaves the
//! previous site as it was.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use detcat::build::{self, BuildOptions};
use detcat::catalog::slug;
use detcat::render::Format;

/// File stems a source may have on Linux, each unsafe somewhere: traversal, absolute and drive
/// paths (as plain characters), Windows device names, dots, control characters, Unicode, names
/// that differ only in case, and one that fills the 255 bytes a file name may have.
fn hostile_stems() -> Vec<String> {
    let fixed = [
        "..\\x",
        "C:\\x",
        "CON",
        "con",
        "nul.txt",
        "aux",
        "Aux.tar",
        "com1",
        "LPT9",
        ".",
        "..",
        "",
        " ",
        "x.",
        "Case",
        "case",
        "CASE",
        "ctl\u{1}\u{7f}\nx",
        "tab\tx",
        "ünï©ødé 😀",
        "%2e%2e%2fx",
        "a:b|c*d?e\"f<g>h",
        "-",
        "_",
    ];
    let mut stems: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    stems.push("L".repeat(251));
    stems.push(format!("{}M", "L".repeat(250)));
    stems.push("é".repeat(125));
    stems
}

/// Ids and titles a source may hold: paths, device names, control characters.
const HOSTILE_VALUES: [&str; 8] =
    ["../x", "/etc/passwd", "..\\x", "C:\\x", "nul", "\u{1}\u{0}", "", "../../../../tmp/evil"];

/// `text` as a YAML scalar: a JSON string is a YAML double-quoted one.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn rule(i: usize) -> String {
    let value = quoted(HOSTILE_VALUES[i % HOSTILE_VALUES.len()]);
    format!(
        "title: {value}\nid: {value}\nrelated: [{{id: {value}, type: derived}}]\n\
         logsource: {{product: {value}, category: {value}}}\ndetection:\n  s: {{a: b}}\n  \
         condition: s\nlevel: {value}\nstatus: {value}\ntags: [{value}]\n"
    )
}

fn titled(i: usize) -> String {
    let value = quoted(HOSTILE_VALUES[i % HOSTILE_VALUES.len()]);
    format!("title: {value}\ndescription: {value}\n")
}

/// A source tree whose every kind of source has every hostile stem; returns how many files of
/// each kind are read (`.yml` alone is a hidden file without extension, so it is not).
fn hostile_sources(root: &Path) -> usize {
    let stems = hostile_stems();
    for (i, stem) in stems.iter().enumerate() {
        let file = format!("{stem}.yml");
        let write = |folder: &str, text: String| {
            let dir = root.join(folder);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(&file), text).unwrap();
        };
        write("rules", rule(i));
        write("data_needed", titled(i));
        write("logging_policies", titled(i));
        write("enrichments", titled(i));
        write("customers", format!("{}customer_name: {}\n", titled(i), quoted(stem)));
        write("use_cases", format!("{}usecase_name: {}\n", titled(i), quoted(stem)));
        // A trigger without `attack_technique` is named after its file stem.
        write("triggers", "display_name: x\natomic_tests: []\n".to_string());
    }
    stems.iter().filter(|s| !s.is_empty()).count()
}

fn build(src: &Path, out: &Path, templates: Option<PathBuf>) -> anyhow::Result<()> {
    let options = BuildOptions {
        sources: common::dirs_under(src),
        out: out.to_path_buf(),
        templates,
        format: Format::All,
        ..Default::default()
    };
    build::build(&options, &|| {}).map(|_| ())
}

/// Every file under `root`, by relative path, with its bytes; a link or a special file fails.
fn tree_bytes(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let kind = entry.file_type();
        assert!(
            kind.is_file() || kind.is_dir(),
            "{} is neither file nor folder",
            entry.path().display()
        );
        if kind.is_file() {
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Why the relative output path `rel` would be refused or misread by some file system.
fn unsafe_name(rel: &Path) -> Option<String> {
    for part in rel.components() {
        let std::path::Component::Normal(name) = part else {
            return Some(format!("{part:?} is not a plain name"));
        };
        let name = name.to_str()?;
        if name.len() > 255 {
            return Some(format!("{} bytes", name.len()));
        }
        if slug::is_reserved(name) {
            return Some("a Windows device name".into());
        }
        if name.chars().any(|c| c.is_control() || "\\:*?\"<>|".contains(c)) {
            return Some("a character some file system refuses".into());
        }
        if name.ends_with('.') || name.ends_with(' ') {
            return Some("Windows drops a trailing dot or space".into());
        }
    }
    None
}

#[test]
fn hostile_names_ids_and_titles_stay_inside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("site"));
    let sources = hostile_sources(&src);
    build(&src, &out, None).expect("the build completes");

    let files = tree_bytes(&out);
    let root = out.canonicalize().unwrap();
    let mut lowercase: BTreeMap<String, &Path> = BTreeMap::new();
    for rel in files.keys() {
        assert!(out.join(rel).canonicalize().unwrap().starts_with(&root), "{}", rel.display());
        assert_eq!(unsafe_name(rel), None, "{:?}", rel);
        let key = rel.to_string_lossy().to_lowercase();
        let other = lowercase.insert(key, rel);
        assert!(other.is_none(), "{} and {other:?} are one file without case", rel.display());
    }
    assert_eq!(names_in(dir.path()), ["site", "src"], "nothing is written beside the output");

    for (folder, ext) in [("rules", "md"), ("rules", "html"), ("data_needed", "md")] {
        let pages = files
            .keys()
            .filter(|p| p.starts_with(folder) && p.extension().is_some_and(|e| e == ext))
            .count();
        assert_eq!(pages, sources, "one {folder} {ext} page per source, none lost or merged");
    }
    assert!(common::broken_links(&out).is_empty(), "{:?}", common::broken_links(&out));
}

#[test]
fn a_build_that_fails_while_rendering_leaves_the_previous_site_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out, templates) =
        (dir.path().join("src"), dir.path().join("site"), dir.path().join("templates"));
    common::write_sources(
        &src,
        &[(
            "rules/r.yml",
            "title: R\nlogsource: {product: windows}\ndetection:\n  s: {a: b}\n  condition: s\n",
        )],
    );
    build(&src, &out, None).expect("the first build completes");
    let before = tree_bytes(&out);

    // A template that parses but names a variable no page has fails only while rendering,
    // after loading, linking and converting went well.
    common::write_sources(&templates, &[("rule.md", "{{ no_such_variable.field }}\n")]);
    common::write_sources(&src, &[("rules/second.yml", &rule(0))]);
    assert!(build(&src, &out, Some(templates)).is_err(), "the render error stops the build");

    assert!(tree_bytes(&out) == before, "the previous site is byte for byte as it was");
    assert_eq!(names_in(dir.path()), ["site", "src", "templates"], "no staging folder is left");
}

/// Starts `detcat build` of the example catalog into `out`.
fn spawn_example_build(out: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_detcat"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--out"])
        .arg(out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_build_leaves_a_complete_site() {
    // Kills the build later and later, until one finishes first. Whenever the kill lands,
    // the output must be a whole site: the previous one, or the new one if the swap was done.
    let dir = tempfile::tempdir().unwrap();
    let (src, out, reference) =
        (dir.path().join("src"), dir.path().join("site"), dir.path().join("reference"));
    common::write_sources(&src, &[("rules/r.yml", &rule(0))]);
    build(&src, &out, None).expect("the previous site builds");
    let old = tree_bytes(&out);
    assert!(spawn_example_build(&reference).wait().unwrap().success());
    let new = tree_bytes(&reference);
    let (mut killed_before_swap, mut delay) = (0, std::time::Duration::from_millis(0));
    loop {
        let mut child = spawn_example_build(&out);
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
        }
        child.wait().unwrap();
        let now = tree_bytes(&out);
        assert!(now == old || now == new, "after {delay:?} the output is a partial site");
        if finished {
            assert!(now == new, "a finished build swapped its site in");
            break;
        }
        if now == old {
            killed_before_swap += 1;
        } else {
            build(&src, &out, None).expect("the previous site builds again");
        }
        assert!(delay.as_secs() < 120, "the build never finished");
        delay = delay * 2 + std::time::Duration::from_millis(10);
    }
    // The staging folders of the killed builds were removed by the builds after them. Only a
    // build killed within the microseconds between making its lock file and renaming it may
    // leave that empty file.
    let stray: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| !["reference", "site", "src"].contains(&n.as_str()))
        .filter(|n| !n.starts_with(".detcat-lock-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    say!("killed {killed_before_swap} builds before their swap; the last one finished");
}
