//! A response body as the validator reads it: parsed once, without key order, strings borrowed
//! from the received bytes.
//!
//! `serde_json::Value` in this crate keeps key order (`preserve_order`, needed wherever a spec or
//! a body is shown), which makes every object a hash index over a vector and every string an
//! allocation. Validation needs neither: this tree holds objects as plain member vectors and
//! strings as slices of the body wherever they have no escapes. The check validates this tree
//! first and builds a `Value` only when it has findings to report, so a valid body (the common
//! case) costs one lean parse and one validation pass.

use std::borrow::Cow;
use std::fmt;

use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// One JSON value of a body, borrowing from the bytes it was parsed from.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum Body<'b> {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as the parser read it.
    Number(Number),
    /// A string: borrowed when it had no escapes.
    String(Cow<'b, str>),
    /// An array.
    Array(Vec<Body<'b>>),
    /// An object's members in document order, one per key (a repeated key keeps its first
    /// place and its last value, as in `serde_json`).
    Object(Vec<(Cow<'b, str>, Body<'b>)>),
}

/// A JSON number in the form `serde_json` reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Anything with a fraction or an exponent, or out of the integer ranges.
    F64(f64),
}

impl<'b> Body<'b> {
    /// Parses a JSON document; the error is `serde_json`'s, with its line and column.
    pub(crate) fn parse(bytes: &'b [u8]) -> serde_json::Result<Body<'b>> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let body = Body::deserialize(&mut de)?;
        de.end()?;
        Ok(body)
    }
}

impl<'de> Deserialize<'de> for Body<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Body<'de>, E> {
        Ok(Body::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Body<'de>, E> {
        Ok(Body::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Body<'de>, E> {
        Ok(Body::Number(Number::U64(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Body<'de>, E> {
        Ok(Body::Number(if v < 0 {
            Number::I64(v)
        } else {
            Number::U64(v.unsigned_abs())
        }))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Body<'de>, E> {
        Ok(Body::Number(Number::F64(v)))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Body<'de>, E> {
        Ok(Body::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Body<'de>, E> {
        Ok(Body::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Body<'de>, E> {
        Ok(Body::String(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Body::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Body<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(name)) = map.next_key()? {
            members.push((name, map.next_value()?));
        }
        dedupe(&mut members);
        Ok(Body::Object(members))
    }
}

/// Objects with a repeated key keep one member per key as `serde_json` does: the first
/// place, the last value (counts such as `minProperties` and every keyword that walks the
/// members must see what the finding path sees).
fn dedupe<'a>(members: &mut Vec<(Cow<'a, str>, Body<'a>)>) {
    if members.len() < 2 {
        return;
    }
    // Whether any key repeats: pairwise for small objects, through a sorted index otherwise.
    let repeats = if members.len() <= 16 {
        (1..members.len()).any(|j| members[..j].iter().any(|(k, _)| *k == members[j].0))
    } else {
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_unstable_by(|&a, &b| members[a].0.cmp(&members[b].0));
        order.windows(2).any(|w| members[w[0]].0 == members[w[1]].0)
    };
    if !repeats {
        return;
    }
    let mut kept: Vec<(Cow<'a, str>, Body<'a>)> = Vec::with_capacity(members.len());
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (name, value) in members.drain(..) {
        match at.get(name.as_ref()) {
            Some(&i) => kept[i].1 = value,
            None => {
                at.insert(name.to_string(), kept.len());
                kept.push((name, value));
            }
        }
    }
    *members = kept;
}

/// An object key, borrowed when it has no escapes (serde's own `Cow` always copies).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The validator's view of [`Body`] (see `jsonschema::json`).
pub(crate) struct BodyJson;

impl Json for BodyJson {
    type Node<'a> = &'a Body<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = Body<'static>;

    // Objects are member vectors: a lookup is a scan, so one pass over the members beats a
    // lookup per required name as soon as the object is not much larger than the list.
    const KEYS_PER_LOOKUP: usize = 8;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut Body<'static>,
        string: &str,
        f: impl FnOnce(<Self as Json>::Node<'_>) -> T,
    ) -> T {
        match buffer {
            Body::String(Cow::Owned(s)) => {
                s.clear();
                s.push_str(string);
            }
            _ => *buffer = Body::String(Cow::Owned(string.to_owned())),
        }
        f(buffer)
    }
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::U64(u) => Some(u),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::U64(u) => i64::try_from(u).ok(),
            Number::I64(i) => Some(i),
            Number::F64(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            // Precision loss is the same serde_json's `as_f64` accepts.
            #[allow(clippy::cast_precision_loss)]
            Number::U64(u) => u as f64,
            #[allow(clippy::cast_precision_loss)]
            Number::I64(i) => i as f64,
            Number::F64(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::U64(u) => u.into(),
            Number::I64(i) => i.into(),
            // A parsed JSON number is always finite; zero stands in for the impossible.
            Number::F64(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        })
    }

    fn is_integer(&self) -> bool {
        match *self {
            Number::U64(_) | Number::I64(_) => true,
            Number::F64(f) => f.fract() == 0.0,
        }
    }
}

impl<'a> Node<'a, BodyJson> for &'a Body<'a> {
    type Object = &'a [(Cow<'a, str>, Body<'a>)];
    type Array = &'a [Body<'a>];
    type Number = Number;

    fn as_object(&self) -> Option<Self::Object> {
        match self {
            Body::Object(members) => Some(members),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Self::Array> {
        match self {
            Body::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Body::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        match self {
            Body::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Body::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Body::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Body::Null => JsonType::Null,
            Body::Bool(_) => JsonType::Boolean,
            Body::Number(_) => JsonType::Number,
            Body::String(_) => JsonType::String,
            Body::Array(_) => JsonType::Array,
            Body::Object(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(to_value(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Body<'a>>(*self) as usize
        ))
    }
}

/// The same value as a `serde_json::Value` (cold paths: `enum`, `const`, error messages).
fn to_value(body: &Body<'_>) -> Value {
    match body {
        Body::Null => Value::Null,
        Body::Bool(b) => Value::Bool(*b),
        Body::Number(n) => Value::Number(n.to_number().into_owned()),
        Body::String(s) => Value::String(s.to_string()),
        Body::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Body::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.to_string(), to_value(v)))
                .collect(),
        ),
    }
}

impl<'a> Object<'a, BodyJson> for &'a [(Cow<'a, str>, Body<'a>)] {
    type Node = &'a Body<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Body<'a>> {
        let key: &str = key;
        self.iter()
            .find(|(name, _)| name.as_ref() == key)
            .map(|(_, value)| value)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The members of an object, in document order.
pub(crate) struct Members<'a>(std::slice::Iter<'a, (Cow<'a, str>, Body<'a>)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Body<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (name.as_ref(), value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a> Array<'a, BodyJson> for &'a [Body<'a>] {
    type Node = &'a Body<'a>;
    type ElementsIter = std::slice::Iter<'a, Body<'a>>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Body<'a>> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_what_serde_json_parses() {
        let text = r#"{"a": [1, -2, 3.5, 1e400, "x\n", "y", true, null], "b": {"c": {}}, "a": 7}"#;
        let lean = Body::parse(text.as_bytes());
        let full = serde_json::from_str::<Value>(text);
        // 1e400 is out of range: both parsers refuse it with the same message.
        assert_eq!(
            lean.expect_err("out of range").to_string(),
            full.expect_err("out of range").to_string()
        );
        let text = r#"{"a": [1, -2, 3.5, "x\n", "y", true, null], "b": {"c": {}}, "d": "é"}"#;
        let lean = Body::parse(text.as_bytes()).expect("json");
        assert_eq!(
            to_value(&lean),
            serde_json::from_str::<Value>(text).expect("json")
        );
        let Body::Object(members) = &lean else {
            panic!("an object")
        };
        assert!(matches!(&members[1].0, Cow::Borrowed("b")));
        assert!(Body::parse(b"{} x").is_err(), "trailing characters");
        assert!(Body::parse(&[b'['; 200]).is_err(), "recursion limit");
        assert_eq!(
            Body::parse(b"18446744073709551615").expect("u64"),
            Body::Number(Number::U64(u64::MAX))
        );
        let _ = json!(null);
    }

    #[test]
    fn a_repeated_key_is_one_member_as_in_serde_json() {
        let many: String = (0..40).map(|i| format!("\"k{i}\": {i}, ")).collect();
        for (schema, body) in [
            (
                json!({"minProperties": 2}),
                r#"{"a": 1, "a": 2}"#.to_string(),
            ),
            (
                json!({"not": {"maxProperties": 1}}),
                r#"{"a": 1, "a": 2}"#.into(),
            ),
            (
                json!({"oneOf": [{"maxProperties": 1}, {"required": ["a"]}]}),
                r#"{"a": 1, "a": 2}"#.into(),
            ),
            (
                json!({"not": {"properties": {"a": {"const": 1}}}}),
                r#"{"a": 2, "a": 1}"#.into(),
            ),
            (
                json!({"properties": {"k3": {"const": "x"}}, "minProperties": 41}),
                format!("{{{many}\"k3\": \"x\"}}"),
            ),
        ] {
            let lean = jsonschema::options_for::<BodyJson>()
                .build(&schema)
                .expect("schema");
            let full = jsonschema::validator_for(&schema).expect("schema");
            let parsed = Body::parse(body.as_bytes()).expect("json");
            let value: Value = serde_json::from_str(&body).expect("json");
            assert_eq!(to_value(&parsed), value, "{body}");
            assert_eq!(
                lean.is_valid(&parsed),
                full.is_valid(&value),
                "{schema} on {body}"
            );
        }
    }

    #[test]
    fn validates_as_serde_json_does() {
        let schema = json!({
            "type": "object",
            "required": ["id", "tags"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": true},
                "score": {"type": "number", "multipleOf": 0.5},
                "meta": {"type": ["object", "null"], "additionalProperties": false,
                         "propertyNames": {"maxLength": 3}}
            }
        });
        let lean = jsonschema::options_for::<BodyJson>()
            .build(&schema)
            .expect("schema");
        let full = jsonschema::validator_for(&schema).expect("schema");
        for text in [
            r#"{"id": 1, "tags": []}"#,
            r#"{"id": 0, "tags": []}"#,
            r#"{"id": 1.0, "tags": ["a"]}"#,
            r#"{"id": 1.5, "tags": ["a"]}"#,
            r#"{"id": 1, "tags": ["a", "a"]}"#,
            r#"{"id": 1, "tags": ["c"]}"#,
            r#"{"id": 1, "tags": [], "name": "ab"}"#,
            r#"{"id": 1, "tags": [], "name": "a"}"#,
            r#"{"id": 1, "tags": [], "name": "AB"}"#,
            r#"{"id": 1, "tags": [], "score": 2.5}"#,
            r#"{"id": 1, "tags": [], "score": 2.25}"#,
            r#"{"id": 1, "tags": [], "meta": null}"#,
            r#"{"id": 1, "tags": [], "meta": {"abc": 1}}"#,
            r#"{"id": 1, "tags": [], "meta": {"abcd": 1}}"#,
            r#"{"tags": []}"#,
            r#"[]"#,
            r#"{"id": 1, "tags": [], "id": 0}"#,
        ] {
            let body = Body::parse(text.as_bytes()).expect("json");
            let value: Value = serde_json::from_str(text).expect("json");
            assert_eq!(
                lean.is_valid(&body),
                full.is_valid(&value),
                "{text} judged differently"
            );
        }
    }
}
