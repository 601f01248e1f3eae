//! Which operation a concrete request path belongs to: `/items/13` → `GET /items/{item_id}`.

use crate::spec::{Operation, Spec};

/// An operation matched by a concrete path, with the path parameters read from it.
#[derive(Debug, Clone)]
pub struct Route<'s> {
    /// The operation.
    pub operation: &'s Operation,
    /// Path parameter values (percent-decoded), by name.
    pub path_params: Vec<(String, String)>,
}

/// Matches `method` + `path` (a concrete path, maybe with a query string, maybe starting with
/// the server's base path) against the spec's templates. Literal segments beat placeholders:
/// `/items/latest` matches `/items/latest` before `/items/{id}`.
pub fn route<'s>(spec: &'s Spec, method: &str, path: &str, base_path: &str) -> Option<Route<'s>> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let candidates = [Some(path.to_string()), strip(base_path, path)];
    for p in candidates.into_iter().flatten() {
        let best = spec
            .operations()
            .iter()
            .filter(|o| o.method.eq_ignore_ascii_case(method))
            .filter_map(|o| match_template(&o.path, &p).map(|params| (o, params)))
            .max_by_key(|(o, _)| literal_len(&o.path));
        if let Some((operation, path_params)) = best {
            return Some(Route {
                operation,
                path_params,
            });
        }
    }
    None
}

fn strip(base_path: &str, path: &str) -> Option<String> {
    let prefix = base_path.trim_end_matches('/');
    if prefix.is_empty() {
        return None;
    }
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_string())
}

fn literal_len(template: &str) -> usize {
    let mut n = 0;
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

/// Matches a concrete path against one template, segment by segment; each `{name}` takes
/// what stands between the literal text around it within its segment.
pub(crate) fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut out = Vec::new();
    for (ts, ps) in t.iter().zip(&p) {
        if !ts.contains('{') {
            if ts != ps {
                return None;
            }
            continue;
        }
        match_segment(ts, ps, &mut out)?;
    }
    Some(out)
}

fn match_segment(template: &str, segment: &str, out: &mut Vec<(String, String)>) -> Option<()> {
    let mut rest = segment;
    let mut t = template;
    while !t.is_empty() {
        match t.find('{') {
            Some(0) => {
                let close = t.find('}')?;
                let name = &t[1..close];
                t = &t[close + 1..];
                // The value runs to the next literal text of the template (or the segment end).
                let next_lit = t.find('{').map_or(t, |i| &t[..i]);
                let end = if next_lit.is_empty() {
                    rest.len()
                } else {
                    rest.find(next_lit)?
                };
                let raw = &rest[..end];
                if raw.is_empty() {
                    return None;
                }
                let value = percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned();
                out.push((name.to_string(), value));
                rest = &rest[end..];
            }
            Some(i) => {
                rest = rest.strip_prefix(&t[..i])?;
                t = &t[i..];
            }
            None => {
                rest = rest.strip_prefix(t)?;
                t = "";
            }
        }
    }
    rest.is_empty().then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            match_template("/items/{id}", "/items/13"),
            Some(vec![("id".into(), "13".into())])
        );
        assert_eq!(match_template("/items/{id}", "/items/"), None);
        assert_eq!(match_template("/items/{id}", "/items/13/x"), None);
        assert_eq!(
            match_template("/f/{name}.{ext}", "/f/report.tar.gz"),
            Some(vec![
                ("name".into(), "report".into()),
                ("ext".into(), "tar.gz".into())
            ])
        );
        assert_eq!(
            match_template("/u/{n}", "/u/a%20b"),
            Some(vec![("n".into(), "a b".into())])
        );
        assert_eq!(match_template("/", "/"), Some(vec![]));
    }
}
