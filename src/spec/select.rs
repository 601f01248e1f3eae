//! Which operations a command may call: `--include` / `--exclude` selectors and
//! `--read-only`, one meaning for `vouch fuzz`, the smoke suite of `vouch run --spec` and
//! `vouch load` alike, so a run against a real service touches only what the user chose.

use super::Operation;

/// Operations picked by selectors. A selector is an operationId or a tag (`create_item`,
/// `tag:items` to name a tag only), an upper-case method (`GET`), a path glob (`/items/*`,
/// `*` matching any characters, `/` included), or a method and a path glob (`DELETE /items/*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Operations matching any of these are in (empty: all are).
    pub include: Vec<String>,
    /// Operations matching any of these are out, even when included.
    pub exclude: Vec<String>,
    /// Only GET, HEAD and OPTIONS.
    pub read_only: bool,
}

/// Methods that change nothing on the server (RFC 9110 safe methods).
pub const SAFE_METHODS: [&str; 3] = ["GET", "HEAD", "OPTIONS"];

impl Selection {
    /// Whether `op` is selected.
    pub fn admits(&self, op: &Operation) -> bool {
        if self.read_only && !SAFE_METHODS.contains(&op.method.as_str()) {
            return false;
        }
        (self.include.is_empty() || self.include.iter().any(|s| matches(s, op)))
            && !self.exclude.iter().any(|s| matches(s, op))
    }

    /// Whether nothing is filtered.
    pub fn is_all(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty() && !self.read_only
    }
}

/// Whether one selector matches `op`.
fn matches(selector: &str, op: &Operation) -> bool {
    let s = selector.trim();
    if let Some(tag) = s.strip_prefix("tag:") {
        return op.tags.iter().any(|t| t == tag);
    }
    if let Some((method, path)) = s.split_once(' ') {
        return method.eq_ignore_ascii_case(&op.method) && glob(path.trim(), &op.path);
    }
    if s.starts_with('/') {
        return glob(s, &op.path);
    }
    if crate::request::is_method(s) && s.chars().all(|c| c.is_ascii_uppercase()) {
        return s == op.method;
    }
    op.id == s || op.tags.iter().any(|t| t == s)
}

/// `*` matches any run of characters (a `/` too); everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str, id: &str, tags: &[&str]) -> Operation {
        Operation {
            id: id.into(),
            id_derived: false,
            method: method.into(),
            path: path.into(),
            summary: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            deprecated: false,
            pointer: String::new(),
            loc: super::super::Loc::root(""),
            item: super::super::Loc::root(""),
        }
    }

    #[test]
    fn selectors() {
        let del = op("DELETE", "/items/{id}", "delete_item", &["items"]);
        let get = op("GET", "/users", "list_users", &["users"]);
        assert!(glob("/items/*", "/items/{id}"));
        assert!(glob("*", "/a/b"));
        assert!(!glob("/items", "/items/{id}"));
        let s = |i: &[&str], e: &[&str], r| Selection {
            include: i.iter().map(|x| x.to_string()).collect(),
            exclude: e.iter().map(|x| x.to_string()).collect(),
            read_only: r,
        };
        assert!(s(&[], &[], false).admits(&del));
        assert!(!s(&[], &[], true).admits(&del));
        assert!(s(&[], &[], true).admits(&get));
        assert!(s(&["tag:items"], &[], false).admits(&del));
        assert!(!s(&["tag:items"], &[], false).admits(&get));
        assert!(s(&["DELETE /items/*"], &[], false).admits(&del));
        assert!(!s(&["GET /items/*"], &[], false).admits(&del));
        assert!(s(&["list_users"], &[], false).admits(&get));
        assert!(!s(&[], &["DELETE"], false).admits(&del));
        assert!(s(&["users"], &[], false).admits(&get));
    }
}
