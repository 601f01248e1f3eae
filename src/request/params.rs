//! Parameter values serialised the way OpenAPI's `style` and `explode` say.
//!
//! Values are JSON (a scalar, an array or an object). Results are *unencoded* strings; the
//! URL builder percent-encodes them, except reserved characters when `allowReserved` is set.

use serde_json::Value;

use crate::spec::{ParamLocation, Parameter};

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A path parameter (`simple`, `label` or `matrix`) as it goes into the path, unencoded.
pub fn path_value(p: &Parameter, value: &Value) -> String {
    let (prefix, sep_exploded, sep) = match p.style.as_str() {
        "label" => (".".to_string(), ".", ","),
        "matrix" => (format!(";{}=", p.name), "", ","),
        _ => (String::new(), ",", ","),
    };
    match value {
        Value::Array(items) => {
            if p.style == "matrix" && p.explode {
                items
                    .iter()
                    .map(|i| format!(";{}={}", p.name, scalar(i)))
                    .collect()
            } else {
                let joined: Vec<String> = items.iter().map(scalar).collect();
                format!(
                    "{prefix}{}",
                    joined.join(if p.explode { sep_exploded } else { sep })
                )
            }
        }
        Value::Object(map) => {
            if p.explode {
                if p.style == "matrix" {
                    map.iter()
                        .map(|(k, v)| format!(";{k}={}", scalar(v)))
                        .collect()
                } else {
                    let pairs: Vec<String> = map
                        .iter()
                        .map(|(k, v)| format!("{k}={}", scalar(v)))
                        .collect();
                    format!("{prefix}{}", pairs.join(sep_exploded))
                }
            } else {
                let flat: Vec<String> = map
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), scalar(v)])
                    .collect();
                format!("{prefix}{}", flat.join(sep))
            }
        }
        other => format!("{prefix}{}", scalar(other)),
    }
}

/// A query parameter as `(name, value)` pairs, unencoded.
pub fn query_pairs(p: &Parameter, value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Array(items) => {
            if p.explode && p.style == "form" {
                items.iter().map(|i| (p.name.clone(), scalar(i))).collect()
            } else {
                let sep = match p.style.as_str() {
                    "spaceDelimited" => " ",
                    "pipeDelimited" => "|",
                    _ => ",",
                };
                let joined: Vec<String> = items.iter().map(scalar).collect();
                vec![(p.name.clone(), joined.join(sep))]
            }
        }
        Value::Object(map) => match p.style.as_str() {
            "deepObject" => map
                .iter()
                .map(|(k, v)| (format!("{}[{k}]", p.name), scalar(v)))
                .collect(),
            _ if p.explode => map.iter().map(|(k, v)| (k.clone(), scalar(v))).collect(),
            _ => {
                let flat: Vec<String> = map
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), scalar(v)])
                    .collect();
                vec![(p.name.clone(), flat.join(","))]
            }
        },
        other => vec![(p.name.clone(), scalar(other))],
    }
}

/// A header or cookie value (`simple` for headers, `form` for cookies).
pub fn header_value(p: &Parameter, value: &Value) -> String {
    match (p.location, value) {
        (ParamLocation::Cookie, Value::Array(items)) => {
            items.iter().map(scalar).collect::<Vec<_>>().join(",")
        }
        _ => {
            let simple = Parameter {
                style: "simple".into(),
                ..p.clone()
            };
            path_value(&simple, value)
        }
    }
}

/// Percent-encodes a query component; with `allow_reserved`, RFC 3986 reserved characters
/// pass as they are.
pub fn encode_query(text: &str, allow_reserved: bool) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const STRICT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    const RESERVED_OK: &AsciiSet = &STRICT
        .remove(b':')
        .remove(b'/')
        .remove(b'?')
        .remove(b'#')
        .remove(b'[')
        .remove(b']')
        .remove(b'@')
        .remove(b'!')
        .remove(b'$')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b',')
        .remove(b';');
    utf8_percent_encode(text, if allow_reserved { RESERVED_OK } else { STRICT }).to_string()
}

/// Percent-encodes a path segment value (separators added by the style stay as they are).
pub fn encode_path(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b':')
        .remove(b'@')
        .remove(b'!')
        .remove(b'$')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+');
    utf8_percent_encode(text, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Loc;
    use serde_json::json;

    fn param(location: ParamLocation, style: &str, explode: bool) -> Parameter {
        Parameter {
            name: "color".into(),
            location,
            required: false,
            deprecated: false,
            style: style.into(),
            explode,
            allow_reserved: false,
            schema: None,
            content: Vec::new(),
            description: None,
            at: Loc::root(""),
        }
    }

    #[test]
    fn styles_from_the_openapi_table() {
        // The examples of the OpenAPI 3.1 "Style Examples" table.
        let arr = json!(["blue", "black", "brown"]);
        let obj = json!({"R": 100, "G": 200, "B": 150});
        use ParamLocation::*;
        assert_eq!(
            path_value(&param(Path, "simple", false), &arr),
            "blue,black,brown"
        );
        assert_eq!(
            path_value(&param(Path, "simple", true), &obj),
            "R=100,G=200,B=150"
        );
        assert_eq!(
            path_value(&param(Path, "label", false), &arr),
            ".blue,black,brown"
        );
        assert_eq!(
            path_value(&param(Path, "label", true), &arr),
            ".blue.black.brown"
        );
        assert_eq!(
            path_value(&param(Path, "matrix", false), &json!("blue")),
            ";color=blue"
        );
        assert_eq!(
            path_value(&param(Path, "matrix", true), &arr),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(
            path_value(&param(Path, "matrix", false), &obj),
            ";color=R,100,G,200,B,150"
        );
        assert_eq!(query_pairs(&param(Query, "form", true), &arr).len(), 3);
        assert_eq!(
            query_pairs(&param(Query, "form", false), &arr),
            vec![("color".into(), "blue,black,brown".into())]
        );
        assert_eq!(
            query_pairs(&param(Query, "spaceDelimited", false), &arr)[0].1,
            "blue black brown"
        );
        assert_eq!(
            query_pairs(&param(Query, "pipeDelimited", false), &arr)[0].1,
            "blue|black|brown"
        );
        assert_eq!(
            query_pairs(&param(Query, "deepObject", true), &obj)[0],
            ("color[R]".into(), "100".into())
        );
        assert_eq!(
            query_pairs(&param(Query, "form", true), &obj)[1],
            ("G".into(), "200".into())
        );
        assert_eq!(encode_query("a/b?c", false), "a%2Fb%3Fc");
        assert_eq!(encode_query("a/b?c", true), "a/b?c");
        assert_eq!(encode_path("a b/c"), "a%20b%2Fc");
    }
}
