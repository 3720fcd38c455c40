//! Page names: one per entity, unique within its kind, safe as a file name.
//!
//! A page is named after its source file stem (or, for triggers, the technique id). Two
//! sources that would share a name keep it in path order: the first keeps the plain name,
//! the next ones get `-2`, `-3`, ... and a warning, so that no page overwrites another and
//! the names do not change from one build to the next. A name longer than [`MAX_LEN`] bytes
//! is cut and given a hash of the whole name, with a warning, because file systems refuse
//! names over 255 bytes and the `-2` suffix and `.md` still have to fit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Device names reserved on Windows file systems, with or without an extension (`nul.txt`
/// is the device `nul` too), which a page may not be called.
const RESERVED: [&str; 24] = [
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The longest page name, in bytes, before a collision suffix and the `.md` extension.
pub const MAX_LEN: usize = 120;

/// A file-name-safe version of `name`: letters, digits, `.`, `_` and `-` are kept, every
/// other character becomes `_`; leading dots are dropped, and a reserved device name gets a
/// `_` before its first dot (`CON` becomes `CON_`, `nul.txt` becomes `nul_.txt`).
pub fn sanitize(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .collect();
    safe = safe.trim_start_matches('.').to_string();
    if safe.is_empty() {
        safe.push('_');
    }
    let device = safe.find('.').unwrap_or(safe.len());
    if is_reserved(&safe) {
        safe.insert(device, '_');
    }
    safe
}

/// Whether Windows reads the file name `name` as a device: its part before the first dot is
/// a reserved name, in any case.
pub fn is_reserved(name: &str) -> bool {
    let device = name.split('.').next().unwrap_or(name);
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(device))
}

/// The stem of `path` as a page name.
pub fn stem_of(path: &Path) -> String {
    sanitize(&path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default())
}

/// Gives each `(path, wanted name)` a unique page name, in order. Every renaming is reported
/// with the file that holds the name, including a name that is only taken because an earlier
/// collision produced it (`same.yml` twice, then `same-2.yml`).
pub fn assign(
    kind: &str,
    wanted: &[(PathBuf, String)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut owners: HashMap<String, &Path> = HashMap::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::with_capacity(wanted.len());
    for (path, name) in wanted {
        let name = &capped(kind, path, name, diagnostics);
        let unique = first_free(name, &owners, &mut next_suffix);
        if let Some(owner) = owners.get(&name.to_ascii_lowercase()) {
            let message = format!(
                "{kind} page name `{name}` is already used by {}; this one is `{unique}`",
                owner.display()
            );
            diagnostics.push(Diagnostic::warning(path, "duplicate-page-name", message));
        }
        owners.insert(unique.to_ascii_lowercase(), path);
        names.push(unique);
    }
    names
}

/// `name` when it fits in [`MAX_LEN`] bytes; else its start, cut at a character boundary, and
/// a hash of the whole name, so that two long names with the same start stay apart.
fn capped(kind: &str, path: &Path, name: &str, diagnostics: &mut Vec<Diagnostic>) -> String {
    if name.len() <= MAX_LEN {
        return name.to_string();
    }
    let suffix = format!("-{:08x}", fnv1a(name.as_bytes()) as u32);
    let mut end = MAX_LEN - suffix.len();
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let short = format!("{}{suffix}", &name[..end]);
    let message = format!("{kind} page name is {} bytes long; it is cut to `{short}`", name.len());
    diagnostics.push(Diagnostic::warning(path, "long-page-name", message));
    short
}

/// The 64-bit FNV-1a hash. `std`'s `DefaultHasher` was the alternative; its output may change
/// between Rust releases, and page names must not.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `name`, or the first of `name-2`, `name-3`, ... that no one owns. Names differing only in
/// case count as the same, since they are the same file on case-insensitive file systems.
/// `next_suffix` remembers per name where the search stopped: names are only ever taken, so
/// the search resumes there, and 20,000 files of one stem cost linear time, not quadratic.
fn first_free(
    name: &str,
    owners: &HashMap<String, &Path>,
    next_suffix: &mut HashMap<String, usize>,
) -> String {
    let key = name.to_ascii_lowercase();
    if !owners.contains_key(&key) {
        return name.to_string();
    }
    let n = next_suffix.entry(key).or_insert(2);
    loop {
        let unique = format!("{name}-{n}");
        *n += 1;
        if !owners.contains_key(&unique.to_ascii_lowercase()) {
            return unique;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_never_reach_a_file_name() {
        assert_eq!(sanitize("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitize("CON"), "CON_");
        assert_eq!(sanitize("T1546.003"), "T1546.003");
        assert_eq!(sanitize("nul.txt"), "nul_.txt", "a device name with an extension");
        assert_eq!(sanitize("Com1.tar.gz"), "Com1_.tar.gz");
        assert_eq!(sanitize("console"), "console");
        assert_eq!(sanitize(".."), "_");
        assert_eq!(sanitize("C:\\x"), "C__x");
        let hostile = ["../../etc/passwd", "CON", "a b", ".x", "nul.txt", "lpt0", "..\\x", ""];
        for name in hostile {
            assert!(!is_reserved(&sanitize(name)), "{name}");
            assert_eq!(sanitize(&sanitize(name)), sanitize(name), "a page name stays as named");
        }
    }

    #[test]
    fn resumed_suffix_search_skips_names_taken_on_their_own() {
        let wanted: Vec<(PathBuf, String)> = ["same", "same-3", "Same", "same", "same"]
            .iter()
            .enumerate()
            .map(|(i, n)| (PathBuf::from(format!("{i}/{n}.yml")), n.to_string()))
            .collect();
        let names = assign("rule", &wanted, &mut Vec::new());
        assert_eq!(names, ["same", "same-3", "Same-2", "same-4", "same-5"]);
    }

    #[test]
    fn colliding_names_get_a_suffix_and_a_warning() {
        let wanted = vec![
            (PathBuf::from("a/x.yml"), "x".to_string()),
            (PathBuf::from("b/x.yml"), "x".to_string()),
            (PathBuf::from("c/X.yml"), "X".to_string()),
        ];
        let mut diagnostics = Vec::new();
        let names = assign("rule", &wanted, &mut diagnostics);
        assert_eq!(names, ["x", "x-2", "X-3"]);
        assert_eq!(diagnostics.len(), 2);
        assert!(diagnostics[0].message.contains("a/x.yml"));
    }

    #[test]
    fn a_name_taken_by_an_earlier_renaming_is_reported_too() {
        // `same-2.yml` next to two `same.yml` used to become `same-2-2` without a word.
        let wanted = vec![
            (PathBuf::from("a/same.yml"), "same".to_string()),
            (PathBuf::from("b/same.yml"), "same".to_string()),
            (PathBuf::from("b/same-2.yml"), "same-2".to_string()),
        ];
        let mut diagnostics = Vec::new();
        let names = assign("rule", &wanted, &mut diagnostics);
        assert_eq!(names, ["same", "same-2", "same-2-2"]);
        let pairs: Vec<_> =
            diagnostics.iter().map(|d| (d.file.display().to_string(), &d.message)).collect();
        assert_eq!(pairs.len(), 2, "{pairs:?}");
        assert_eq!(pairs[1].0, "b/same-2.yml");
        assert!(pairs[1].1.contains("b/same.yml"), "{}", pairs[1].1);
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash_and_a_warning() {
        // Two 251-byte stems became a 256-byte file name with `-2` and stopped the build.
        let long = "L".repeat(251);
        let other = format!("{}M", "L".repeat(250));
        let wanted = vec![
            (PathBuf::from("a/x.yml"), long.clone()),
            (PathBuf::from("b/x.yml"), long),
            (PathBuf::from("c/x.yml"), other),
        ];
        let mut diagnostics = Vec::new();
        let names = assign("rule", &wanted, &mut diagnostics);
        assert!(names.iter().all(|n| n.len() <= MAX_LEN + 2), "{names:?}");
        assert_eq!(names[1], format!("{}-2", names[0]));
        assert_ne!(names[0], names[2], "names with the same start stay apart");
        assert_eq!(names, assign("rule", &wanted, &mut Vec::new()), "names are stable");
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        let long = "long-page-name";
        assert_eq!(codes, [long, long, "duplicate-page-name", long]);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c, "the published FNV-1a value");
    }

    #[test]
    fn a_long_name_is_cut_at_a_character_boundary() {
        let name = "é".repeat(100);
        let names = assign("trigger", &[(PathBuf::from("x"), name)], &mut Vec::new());
        assert!(names[0].len() <= MAX_LEN && names[0].starts_with('é'), "{}", names[0]);
    }
}
