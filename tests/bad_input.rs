//! Bad input gets a clear error naming the file (and the position where it applies), never a
//! panic or a hang; broken references are problems, not failures.

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use vouch::spec::{LoadOptions, ProblemKind, Spec, SpecError};

use crate::util::{load, load_with, spec_path};

fn write(dir: &tempfile::TempDir, name: &str, text: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text))
        .expect("write fixture");
    path.display().to_string()
}

/// Runs `f` on another thread and fails the test if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("the loader hung")
}

#[test]
fn json_syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "broken.json",
        b"{\n  \"openapi\": \"3.1.0\",\n  \"info\": }\n",
    );
    let e = load(&p).expect_err("must fail");
    let SpecError::Syntax {
        format,
        at: Some(at),
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*format, at.line, at.column), ("JSON", 3, 11));
    assert!(e.to_string().contains("broken.json"), "{e}");
    assert!(e.to_string().contains("line 3, column 11"), "{e}");
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "broken.yaml",
        b"openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\npaths: {}\n",
    );
    let e = load(&p).expect_err("must fail");
    let SpecError::Syntax {
        format: "YAML",
        at: Some(at),
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(at.line >= 3, "{e}");
    assert!(e.to_string().contains("broken.yaml"));
}

#[test]
fn not_openapi_and_unsupported_versions() {
    let e = load(&spec_path(
        "nasty/apidevtools-swagger-parser/invalid/not-swagger.yaml",
    ))
    .expect_err("not openapi");
    assert!(matches!(e, SpecError::NotOpenApi { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("no top-level `openapi` or `swagger` field"),
        "{e}"
    );

    let e = load(&spec_path(
        "nasty/apidevtools-swagger-parser/invalid/old-version.yaml",
    ))
    .expect_err("1.2");
    assert!(
        matches!(e, SpecError::UnsupportedVersion { ref version, .. } if version == "1.2"),
        "{e:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "four.yaml",
        b"openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    );
    let e = load(&p).expect_err("4.0");
    assert!(e.to_string().contains("openapi 4.0.0"), "{e}");
    assert!(!e.hint().is_empty());

    for (name, text) in [
        ("list.json", &b"[1, 2]"[..]),
        ("empty.yaml", b"  \n"),
        ("scalar.yaml", b"hello\n"),
    ] {
        let p = write(&dir, name, text);
        assert!(
            matches!(load(&p), Err(SpecError::NotOpenApi { .. })),
            "{name}"
        );
    }
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bomb = String::from("openapi: 3.1.0\ninfo: {title: bomb, version: '1'}\npaths: {}\nx-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        bomb.push_str(&format!("x-{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = n;
    }
    let p = write(&dir, "bomb.yaml", bomb.as_bytes());
    let e = within(20, move || load(&p)).expect_err("a billion laughs must not load");
    assert!(matches!(e, SpecError::YamlBudget { .. }), "{e:?}");
    assert!(e.to_string().contains("bomb.yaml"), "{e}");
}

#[test]
fn deep_nesting_is_refused_with_a_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep_json = format!(
        "{{\"openapi\":\"3.1.0\",\"x\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let p = write(&dir, "deep.json", deep_json.as_bytes());
    let e = within(20, move || load(&p)).expect_err("too deep");
    assert!(matches!(e, SpecError::TooDeep { at: Some(_), .. }), "{e:?}");

    let deep_yaml = format!(
        "openapi: 3.1.0\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let p = write(&dir, "deep.yaml", deep_yaml.as_bytes());
    let e = within(20, move || load(&p)).expect_err("too deep");
    assert!(matches!(e, SpecError::TooDeep { .. }), "{e:?}");
}

#[test]
fn huge_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    // Sparse: 3 GiB on paper, nothing on disk.
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(3 << 30))
        .expect("sparse file");
    let p = path.display().to_string();
    let e = within(10, move || load(&p)).expect_err("too large");
    assert!(
        matches!(e, SpecError::TooLarge { size, .. } if size == 3 << 30),
        "{e:?}"
    );

    // A device that never ends is cut at the limit too.
    let options = LoadOptions {
        max_bytes: 1 << 20,
        ..LoadOptions::default()
    };
    let e = within(10, move || load_with("/dev/zero", &options)).expect_err("endless");
    assert!(matches!(e, SpecError::TooLarge { .. }), "{e:?}");
}

#[test]
fn missing_files_directories_and_binary_junk() {
    let e = load("/nonexistent/spec.yaml").expect_err("missing");
    assert!(
        matches!(e, SpecError::Read { .. }) && e.to_string().contains("/nonexistent/spec.yaml"),
        "{e}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let e = load(&dir.path().display().to_string()).expect_err("directory");
    assert!(e.to_string().contains("directory"), "{e}");
    let p = write(&dir, "junk.yaml", &[0xff, 0xfe, 0x00, 0x41, 0x80, 0x81]);
    assert!(matches!(load(&p), Err(SpecError::Syntax { .. })));
}

#[test]
fn broken_and_circular_refs_are_problems_not_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "refs.yaml",
        br##"openapi: 3.0.3
info: {title: refs, version: "1"}
paths:
  /a:
    get:
      parameters:
        - $ref: "#/components/parameters/Loop1"
        - $ref: "#/components/parameters/Nowhere"
        - $ref: "missing-file.yaml#/Param"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Node"}
components:
  parameters:
    Loop1: {$ref: "#/components/parameters/Loop2"}
    Loop2: {$ref: "#/components/parameters/Loop1"}
  schemas:
    Node:
      type: object
      properties:
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
"##,
    );
    let spec = within(10, move || load(&p)).expect("loads despite broken refs");
    assert_eq!(spec.operations().len(), 1);
    let problems = spec.problems();
    let refs: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Reference)
        .collect();
    let has = |pointer: &str, text: &str| {
        refs.iter()
            .any(|p| p.pointer == pointer && p.message.contains(text))
    };
    assert!(
        has("/paths/~1a/get/parameters/2", "missing-file.yaml"),
        "{refs:#?}"
    );
    assert!(
        has(
            "/paths/~1a/get/parameters/1",
            "/components/parameters/Nowhere"
        ),
        "{refs:#?}"
    );
    assert!(
        has("/paths/~1a/get/parameters/0", "comes back to itself"),
        "{refs:#?}"
    );
    // The recursive schema is fine: the response still resolves to it.
    let detail = spec.resolve(&spec.operations()[0]);
    assert_eq!(
        detail.responses[0].content[0].media_type,
        "application/json"
    );
}

#[test]
fn pasted_text_loads_without_a_file() {
    let spec = Spec::from_bytes(
        b"{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"p\",\"version\":\"1\"},\"paths\":{\"/x\":{\"get\":{}}}}",
        None,
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(spec.operations()[0].id, "get_x");
    assert!(Spec::from_bytes(b"{", None, &LoadOptions::default()).is_err());
    let text =
        b"openapi: 3.0.3\ninfo: {title: p, version: '1'}\npaths:\n  /x:\n    $ref: other.yaml\n";
    let spec = Spec::from_bytes(text, Some("pasted.yaml"), &LoadOptions::default()).expect("loads");
    let problems = spec.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.pointer == "/paths/~1x" && p.message.contains("other.yaml")),
        "{problems:#?}"
    );
}
