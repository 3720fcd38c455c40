//! Trigger: an Atomic Red Team test file (`atomics/T1546.003/T1546.003.yaml`), the tests that
//! reproduce one ATT&CK technique so that a detection can be tried out.

use std::path::PathBuf;

use serde_yaml::Value;

use super::fields::Fields;
use super::{file_stem, parse_with};
use crate::attack::is_technique_id;
use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::sigma::meta::scalar_text;

/// The top-level fields of an Atomic Red Team file.
const FIELDS: &[&str] = &["attack_technique", "display_name", "atomic_tests"];

/// One Atomic Red Team file: the tests for one technique.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trigger {
    /// The file it was read from.
    pub path: PathBuf,
    /// `attack_technique`, upper-cased, such as `T1546.003` (the file stem when absent).
    pub technique: String,
    /// `display_name`: the technique's name as Atomic Red Team writes it.
    pub display_name: String,
    /// `atomic_tests`, in file order.
    pub tests: Vec<AtomicTest>,
}

/// One atomic test.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AtomicTest {
    /// `name`.
    pub name: String,
    /// `auto_generated_guid`.
    pub guid: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `supported_platforms`, such as `windows`.
    pub platforms: Vec<String>,
    /// `input_arguments`, in file order.
    pub inputs: Vec<Input>,
    /// `executor`: how the test runs.
    pub executor: Option<Executor>,
    /// `dependency_executor_name`: the shell that checks and fetches prerequisites.
    pub dependency_executor: Option<String>,
    /// `dependencies`: prerequisites, in file order.
    pub dependencies: Vec<Dependency>,
}

/// One input argument of a test.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Input {
    /// The argument's name, used as `#{name}` in commands.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `type`, such as `path` or `string`.
    pub kind: Option<String>,
    /// `default`, as text (numbers and booleans included).
    pub default: Option<String>,
}

/// How a test runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Executor {
    /// `name`: `powershell`, `command_prompt`, `sh`, `bash`, `manual`...
    pub name: String,
    /// `elevation_required`.
    pub elevation_required: bool,
    /// `command`.
    pub command: Option<String>,
    /// `cleanup_command`.
    pub cleanup: Option<String>,
    /// `steps`: what to do by hand, for the `manual` executor.
    pub steps: Option<String>,
}

/// A prerequisite of a test.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dependency {
    /// `description`.
    pub description: Option<String>,
    /// `prereq_command`: checks whether the prerequisite is met.
    pub prereq_command: Option<String>,
    /// `get_prereq_command`: meets it.
    pub get_prereq_command: Option<String>,
}

/// Reads one Atomic Red Team file. `None` when the file is not a YAML mapping or does not
/// name a valid technique id, which the trigger's page is named after.
pub fn parse_trigger(file: &SourceFile) -> (Option<Trigger>, Vec<Diagnostic>) {
    let (trigger, diagnostics) =
        parse_with(file, "an Atomic Red Team file", |key| FIELDS.contains(&key), read);
    (trigger.flatten(), diagnostics)
}

fn read(fields: &mut Fields<'_>) -> Option<Trigger> {
    let technique = read_technique(fields);
    let trigger = Trigger {
        path: fields.path().to_path_buf(),
        technique: technique.clone().unwrap_or_default(),
        display_name: required(fields, "display_name"),
        tests: read_tests(fields),
    };
    technique.map(|_| trigger)
}

/// What an invalid technique id gets told.
const NOT_AN_ID: &str = "is not a technique id such as T1059 or T1059.001; the file is left out";

/// `attack_technique`, upper-cased. Atomic Red Team names each file after its technique, so
/// the file name stands in when the field is absent, and a disagreement is reported. An id
/// that is not shaped like `T1234` or `T1234.567` is an error and gives no trigger: it would
/// name a page, and a free-form name could leave the output folder or break links.
fn read_technique(fields: &mut Fields<'_>) -> Option<String> {
    let stem = file_stem(fields.path()).to_ascii_uppercase();
    let Some(technique) = fields.string("attack_technique") else {
        if !is_technique_id(&stem) {
            let message = format!("no `attack_technique`, and the file name {stem} {NOT_AN_ID}");
            fields.error("attack_technique", "invalid-technique", message);
            return None;
        }
        fields.missing("attack_technique", &format!("the file name {stem} is used"));
        return Some(stem);
    };
    let technique = technique.trim().to_ascii_uppercase();
    if !is_technique_id(&technique) {
        let message = format!("`attack_technique` {technique:?} {NOT_AN_ID}");
        fields.error("attack_technique", "invalid-technique", message);
        return None;
    }
    if technique != stem {
        let message = format!("`attack_technique` {technique} differs from the file name {stem}");
        fields.warn("attack_technique", "technique-mismatch", message);
    }
    Some(technique)
}

/// A string the entity needs; absent, it is reported and left empty.
fn required(fields: &mut Fields<'_>, key: &str) -> String {
    fields.string(key).unwrap_or_else(|| {
        fields.missing(key, "it is left empty");
        String::new()
    })
}

fn read_tests(fields: &mut Fields<'_>) -> Vec<AtomicTest> {
    if fields.get("atomic_tests").is_none() {
        fields.missing("atomic_tests", "the file has no tests");
    }
    let items = fields.list("atomic_tests");
    let spans = fields.item_spans("atomic_tests", items.len());
    let mut tests = Vec::with_capacity(items.len());
    for (item, span) in items.iter().zip(spans) {
        match item {
            Value::Mapping(map) => tests.push(read_test(&mut fields.nested(map, span))),
            other => fields.wrong_item("atomic_tests", span, "a mapping", other),
        }
    }
    tests
}

fn read_test(fields: &mut Fields<'_>) -> AtomicTest {
    AtomicTest {
        name: required(fields, "name"),
        guid: fields.string("auto_generated_guid"),
        description: fields.string("description"),
        platforms: fields.strings("supported_platforms"),
        inputs: read_inputs(fields),
        executor: read_executor(fields),
        dependency_executor: fields.string("dependency_executor_name"),
        dependencies: read_dependencies(fields),
    }
}

fn read_inputs(fields: &mut Fields<'_>) -> Vec<Input> {
    let Some(arguments) = fields.mapping("input_arguments") else { return Vec::new() };
    let after = fields.sub_span("input_arguments", None).from;
    let mut inputs = Vec::with_capacity(arguments.len());
    for (key, value) in arguments {
        let name = scalar_text(key).unwrap_or_default();
        let span = fields.sub_span(&name, Some(after));
        match value {
            Value::Mapping(map) => inputs.push(read_input(&mut fields.nested(map, span), name)),
            Value::Null => {
                inputs.push(Input { name, description: None, kind: None, default: None })
            }
            other => fields.wrong_item("input_arguments", span, "a mapping", other),
        }
    }
    inputs
}

fn read_input(fields: &mut Fields<'_>, name: String) -> Input {
    Input {
        name,
        description: fields.string("description"),
        kind: fields.string("type"),
        default: fields.string("default"),
    }
}

fn read_executor(fields: &mut Fields<'_>) -> Option<Executor> {
    let map = fields.mapping("executor")?;
    let span = fields.sub_span("executor", None);
    let fields = &mut fields.nested(map, span);
    Some(Executor {
        name: required(fields, "name"),
        elevation_required: fields.flag("elevation_required"),
        command: fields.string("command"),
        cleanup: fields.string("cleanup_command"),
        steps: fields.string("steps"),
    })
}

fn read_dependencies(fields: &mut Fields<'_>) -> Vec<Dependency> {
    let items = fields.list("dependencies");
    let spans = fields.item_spans("dependencies", items.len());
    let mut dependencies = Vec::with_capacity(items.len());
    for (item, span) in items.iter().zip(spans) {
        match item {
            Value::Mapping(map) => {
                dependencies.push(read_dependency(&mut fields.nested(map, span)))
            }
            other => fields.wrong_item("dependencies", span, "a mapping", other),
        }
    }
    dependencies
}

fn read_dependency(fields: &mut Fields<'_>) -> Dependency {
    Dependency {
        description: fields.string("description"),
        prereq_command: fields.string("prereq_command"),
        get_prereq_command: fields.string("get_prereq_command"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::entities::tests::source;

    const ATOMIC: &str = "\
attack_technique: t1546.003
display_name: 'Event Triggered Execution: WMI Event Subscription'
atomic_tests:
- name: Persistence via WMI
  auto_generated_guid: 3c64f177-28e2-49eb-a799-d767b24dd1e0
  description: Run a command on a WMI event.
  supported_platforms:
  - windows
  input_arguments:
    payload:
      description: What to run
      type: path
      default: C:\\Windows\\System32\\notepad.exe
    delay:
      description: Seconds to wait
      type: integer
      default: 30
    ratio:
      description: A float
      type: float
      default: 16.0
    strict:
      description: A flag
      type: boolean
      default: false
  dependency_executor_name: powershell
  dependencies:
  - description: The payload must exist
    prereq_command: if (Test-Path #{payload}) {exit 0} else {exit 1}
    get_prereq_command: Write-Host fetch
  executor:
    name: powershell
    elevation_required: true
    command: |
      Start-Process #{payload}
    cleanup_command: Stop-Process notepad
- name: Manual check
  executor:
    name: manual
    steps: Look at the event log.
";

    #[test]
    fn inputs_executor_and_dependencies_are_read() {
        let (trigger, diagnostics) = parse_trigger(&source("T1546.003.yaml", ATOMIC));
        let trigger = trigger.expect("the fixture parses");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(trigger.technique, "T1546.003");
        assert_eq!(trigger.tests.len(), 2);
        let test = &trigger.tests[0];
        let inputs: Vec<_> =
            test.inputs.iter().map(|i| (i.name.as_str(), i.default.as_deref())).collect();
        let payload = Some("C:\\Windows\\System32\\notepad.exe");
        let expected = [
            ("payload", payload),
            ("delay", Some("30")),
            ("ratio", Some("16.0")),
            ("strict", Some("false")),
        ];
        assert_eq!(inputs, expected);
        assert_eq!(test.inputs[0].kind.as_deref(), Some("path"));
        let executor = test.executor.as_ref().expect("an executor");
        assert!(executor.elevation_required);
        assert_eq!(executor.command.as_deref(), Some("Start-Process #{payload}\n"));
        assert_eq!(executor.cleanup.as_deref(), Some("Stop-Process notepad"));
        assert_eq!(test.dependency_executor.as_deref(), Some("powershell"));
        assert_eq!(test.dependencies[0].get_prereq_command.as_deref(), Some("Write-Host fetch"));
        let manual = trigger.tests[1].executor.as_ref().expect("an executor");
        assert_eq!(
            (manual.steps.as_deref(), manual.elevation_required),
            (Some("Look at the event log."), false)
        );
    }

    #[test]
    fn wrong_types_inside_a_test_point_at_that_test() {
        let text = "\
attack_technique: T1003
display_name: x
atomic_tests:
- name: a
  executor:
    name: sh
- name: b
  supported_platforms: {linux: 1}
  executor:
    name: sh
    elevation_required: 'yes'
";
        let (trigger, diagnostics) = parse_trigger(&source("T1003.yaml", text));
        let trigger = trigger.expect("the fixture parses");
        assert_eq!(trigger.tests.len(), 2);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(found, vec![("wrong-type", Some(8)), ("wrong-type", Some(11))]);
    }

    #[test]
    fn missing_fields_are_tolerated() {
        let (trigger, diagnostics) =
            parse_trigger(&source("atomics/T1001/T1001.yaml", "display_name: x\n"));
        let trigger = trigger.expect("the fixture parses");
        assert_eq!(trigger.technique, "T1001");
        assert!(trigger.tests.is_empty());
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["missing-field", "missing-field"]);
    }

    #[test]
    fn technique_that_differs_from_the_file_name_is_reported() {
        let text = "attack_technique: T1003.001\ndisplay_name: x\natomic_tests: []\n";
        let (trigger, diagnostics) = parse_trigger(&source("T1003.yaml", text));
        assert_eq!(trigger.map(|t| t.technique).as_deref(), Some("T1003.001"));
        assert_eq!((diagnostics[0].code, diagnostics[0].line), ("technique-mismatch", Some(1)));
    }

    #[test]
    fn technique_ids_that_could_name_a_path_are_refused() {
        // `../../../etc/passwd` used to become the page attack/../../../ETC/PASSWD.md.
        for bad in ["../../../etc/passwd", "T1059/evil", "T1059 x", "T12345", "T1059.1", "x"] {
            let text = format!("display_name: x\natomic_tests: []\nattack_technique: '{bad}'\n");
            let (trigger, diagnostics) = parse_trigger(&source("T1059.yaml", &text));
            assert!(trigger.is_none(), "{bad} was accepted");
            let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.severity, d.line)).collect();
            assert_eq!(found, [("invalid-technique", Severity::Error, Some(3))], "{bad}");
        }
        let (trigger, _) = parse_trigger(&source("evil name.yaml", "display_name: x\n"));
        assert!(trigger.is_none(), "a file name that is no technique id stands in for none");
    }
}
