//! Bytes to a JSON value: JSON or YAML, with bounds on depth and YAML alias expansion.

use serde_json::Value;

use super::error::{LineCol, Result, SpecError};

/// Parses a document, choosing JSON or YAML by its first meaningful character.
pub(crate) fn parse(bytes: &[u8], name: &str, max_depth: usize) -> Result<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        None => Err(SpecError::NotOpenApi {
            source_name: name.to_string(),
            reason: "the file is empty".into(),
        }),
        // `{a: 1}` is YAML flow style, not JSON: a `.yaml` file starting with a brace is YAML.
        Some(b'{') | Some(b'[') if !named_yaml(name) => parse_json(bytes, name, max_depth),
        Some(_) => parse_yaml(bytes, name, max_depth),
    }
}

fn named_yaml(name: &str) -> bool {
    let path = name
        .split(['?', '#'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    path.ends_with(".yaml") || path.ends_with(".yml")
}

fn parse_json(bytes: &[u8], name: &str, max_depth: usize) -> Result<Value> {
    // serde_json stops at 128 levels by itself; a tighter bound is checked on the bytes first.
    if max_depth < 128 {
        if let Some(at) = json_depth_exceeds(bytes, max_depth) {
            return Err(SpecError::TooDeep {
                source_name: name.to_string(),
                limit: max_depth,
                at: Some(at),
            });
        }
    }
    serde_json::from_slice::<Compact>(bytes)
        .map(|c| c.0)
        .map_err(|e| {
            let at = (e.line() > 0).then(|| LineCol {
                line: e.line() as u64,
                column: e.column() as u64,
            });
            let message = e.to_string();
            if message.starts_with("recursion limit exceeded") {
                SpecError::TooDeep {
                    source_name: name.to_string(),
                    limit: max_depth.min(128),
                    at,
                }
            } else {
                // serde_json appends " at line L column C"; we report the position separately.
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                SpecError::Syntax {
                    source_name: name.to_string(),
                    format: "JSON",
                    at,
                    message,
                }
            }
        })
}

/// Finds where bracket nesting first exceeds `limit`, skipping strings.
fn json_depth_exceeds(bytes: &[u8], limit: usize) -> Option<LineCol> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    let (mut line, mut col) = (1u64, 0u64);
    for &b in bytes {
        col += 1;
        if b == b'\n' {
            line += 1;
            col = 0;
        }
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Some(LineCol { line, column: col });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn parse_yaml(bytes: &[u8], name: &str, max_depth: usize) -> Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| SpecError::Syntax {
        source_name: name.to_string(),
        format: "YAML",
        at: None,
        message: format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ),
    })?;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = max_depth;
    // Real specs (Stripe's YAML: ~2M events) need far more room than config files; aliases
    // stay bounded by `alias_limits` (1M replayed events) whatever these say.
    budget.max_events = 100_000_000;
    budget.max_nodes = 50_000_000;
    budget.max_total_scalar_bytes = 512 * 1024 * 1024;
    budget.max_reader_input_bytes = None;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        // YAML 1.1 spellings like `no`/`on` stay strings: `enum: [yes, no]` must not become booleans.
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<Compact>(text, options)
        .map(|c| c.0)
        .map_err(|e| yaml_error(e, name, max_depth))
}

fn yaml_error(e: serde_saphyr::Error, name: &str, max_depth: usize) -> SpecError {
    let at = e.location().filter(|l| l.line() > 0).map(|l| LineCol {
        line: l.line(),
        column: l.column(),
    });
    let message = e.to_string();
    let message = message.lines().next().unwrap_or_default().to_string();
    let lower = message.to_ascii_lowercase();
    let budget =
        matches!(e, serde_saphyr::Error::Budget { .. }) || lower.contains("budget breached");
    let alias = matches!(
        e,
        serde_saphyr::Error::AliasReplayLimitExceeded { .. }
            | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
            | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
            | serde_saphyr::Error::AliasReplayCounterOverflow { .. }
    );
    if lower.contains("recursion limit") || (budget && lower.contains("depth")) {
        SpecError::TooDeep {
            source_name: name.to_string(),
            limit: max_depth,
            at,
        }
    } else if budget || alias {
        SpecError::YamlBudget {
            source_name: name.to_string(),
            at,
            message,
        }
    } else {
        SpecError::Syntax {
            source_name: name.to_string(),
            format: "YAML",
            at,
            message,
        }
    }
}

/// A JSON value built with exact capacities. serde_json's own `Value` grows every object and
/// array by doubling while it parses, and the slack stays: on GitHub's 13 MB spec that is a
/// third of the 53 MB the parsed document holds for as long as the spec is open.
struct Compact(Value);

impl<'de> serde::Deserialize<'de> for Compact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(CompactVisitor).map(Compact)
    }
}

struct CompactVisitor;

/// A float as serde_json keeps it: NaN and infinities (YAML's `.nan`, `.inf`) become null.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

impl<'de> serde::de::Visitor<'de> for CompactVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, mut v: String) -> std::result::Result<Value, E> {
        v.shrink_to_fit();
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Compact(v)) = seq.next_element()? {
            items.push(v);
        }
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut entries: Vec<(String, Value)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some((k, Compact(v))) = map.next_entry::<String, Compact>()? {
            entries.push((k, v));
        }
        let mut object = serde_json::Map::with_capacity(entries.len());
        for (k, v) in entries {
            // A repeated key keeps its first place and its last value, as serde_json does.
            object.insert(k, v);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_values_equal_serde_jsons_own() {
        let text = r#"{"b": [1, -2, 3.5, 1e300, "x\u00e9", null, true, {}, []],
            "a": {"z": {"deep": [[{"k": "v"}]]}, "y": 18446744073709551615},
            "b": "last wins, first place kept"}"#;
        let ours = parse(text.as_bytes(), "t.json", 64).expect("parses");
        let theirs: Value = serde_json::from_str(text).expect("parses");
        assert_eq!(ours, theirs);
        let keys: Vec<_> = ours.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["b", "a"]);
        // A real document, both ways: the corpus's GitHub spec (every kind of value, 13 MB).
        let corpus = std::env::var_os("VOUCH_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            std::path::PathBuf::from,
        );
        let bytes =
            std::fs::read(corpus.join("specs/github/octokit-openapi-23.0.2.api.github.com.json"))
                .expect("the shared corpus is beside the repository");
        let theirs: Value = serde_json::from_slice(&bytes).expect("parses");
        assert_eq!(parse(&bytes, "github.json", 64).expect("parses"), theirs);
        let yaml = parse(
            b"f: 2.5\nbig: 340282366920938463463374607431768211455\n",
            "t.yaml",
            64,
        )
        .expect("parses");
        assert_eq!(yaml["f"], 2.5);
        assert!(yaml["big"].is_f64() || yaml["big"].is_string(), "{yaml}");
    }

    #[test]
    fn yaml_keeps_no_and_leading_zeros_as_strings() {
        let v = parse(b"a: no\nb: 017\nc: on\nd: 12\n", "t.yaml", 64).expect("parses");
        assert_eq!(v["a"], "no");
        assert_eq!(v["b"], "017");
        assert_eq!(v["c"], "on");
        assert_eq!(v["d"], 12);
    }

    #[test]
    fn integer_keys_become_strings() {
        let v = parse(b"responses:\n  200:\n    description: ok\n", "t.yaml", 64).expect("parses");
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn json_depth_bound_names_the_position() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        match parse(deep.as_bytes(), "d.json", 32) {
            Err(SpecError::TooDeep { at: Some(at), .. }) => assert_eq!(at.column, 33),
            other => panic!("expected TooDeep, got {other:?}"),
        }
    }
}
