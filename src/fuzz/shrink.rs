//! Smaller neighbours of a failing request: a parameter or property left out, a string
//! shortened, a number moved toward zero, an array cut. The fuzzer tries them in order and
//! keeps the first that still fails the same check at the same place, until none does.

use serde_json::{json, Value};

use super::cases::{BodyInput, Input};

/// Candidates smaller than `input`, fewest fields first, then smaller values.
pub(super) fn candidates(input: &Input) -> Vec<Input> {
    let mut out = Vec::new();
    for k in 0..input.params.len() {
        let mut c = input.clone();
        c.params.remove(k);
        out.push(c);
    }
    if let Some(BodyInput::Value(body)) = &input.body {
        for smaller in smaller_values(body) {
            let mut c = input.clone();
            c.body = Some(BodyInput::Value(smaller));
            out.push(c);
        }
    }
    for k in 0..input.params.len() {
        for smaller in smaller_values(&input.params[k].1) {
            let mut c = input.clone();
            c.params[k].1 = smaller;
            out.push(c);
        }
    }
    out
}

/// Values smaller than `v`: members removed first, then each member made smaller.
fn smaller_values(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            for key in map.keys() {
                let mut m = map.clone();
                m.remove(key);
                out.push(Value::Object(m));
            }
            for (key, member) in map {
                for smaller in smaller_values(member) {
                    let mut m = map.clone();
                    m.insert(key.clone(), smaller);
                    out.push(Value::Object(m));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push(json!([]));
            if items.len() > 1 {
                out.push(Value::Array(vec![items[0].clone()]));
                out.push(Value::Array(items[..items.len() / 2].to_vec()));
            }
            for (i, item) in items.iter().enumerate() {
                for smaller in smaller_values(item) {
                    let mut a = items.clone();
                    a[i] = smaller;
                    out.push(Value::Array(a));
                }
            }
        }
        Value::String(s) if !s.is_empty() => {
            let chars: Vec<char> = s.chars().collect();
            out.push(json!(""));
            if chars.len() > 1 {
                out.push(Value::String(chars[..1].iter().collect()));
                out.push(Value::String(chars[..chars.len() / 2].iter().collect()));
                out.push(Value::String(chars[..chars.len() - 1].iter().collect()));
            }
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64().filter(|i| *i != 0) {
                out.extend([json!(0), json!(i / 2), json!(i - i.signum())]);
            } else if let Some(f) = n.as_f64().filter(|f| *f != 0.0 && n.as_i64().is_none()) {
                out.extend([json!(0), json!(f.trunc()), json!(f / 2.0)]);
            }
        }
        Value::Bool(true) => out.push(json!(false)),
        _ => {}
    }
    out.retain(|c| c != v);
    out
}

/// How big an input is: fields and value sizes, to keep only real shrinks.
pub(super) fn size(input: &Input) -> usize {
    fn of(v: &Value) -> usize {
        match v {
            Value::Object(m) => 1 + m.values().map(of).sum::<usize>() + m.len(),
            Value::Array(a) => 1 + a.iter().map(of).sum::<usize>(),
            Value::String(s) => 1 + s.chars().count(),
            // Any number nearer zero is smaller (so every shrink step makes progress).
            Value::Number(n) => 1 + n.as_f64().map_or(0, |f| f.abs().min(1e12).ceil() as usize),
            Value::Bool(b) => 1 + usize::from(*b),
            Value::Null => 1,
        }
    }
    let body = match &input.body {
        Some(BodyInput::Value(v)) => of(v),
        Some(BodyInput::Raw { text, .. }) => text.len(),
        Some(BodyInput::Bytes { bytes, .. }) => bytes.len(),
        None => 0,
    };
    input.params.iter().map(|(_, v)| 2 + of(v)).sum::<usize>() + body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_smaller() {
        let input = Input {
            params: vec![(0, json!(40)), (1, json!("abcdef"))],
            body: Some(BodyInput::Value(
                json!({"title": "Élan", "tags": ["a", "b"]}),
            )),
        };
        let all = candidates(&input);
        assert!(!all.is_empty());
        for c in &all {
            assert!(size(c) < size(&input), "{c:?} is not smaller");
        }
        assert!(all
            .iter()
            .any(|c| c.body == Some(BodyInput::Value(json!({"title": "É", "tags": ["a", "b"]})))));
    }
}
