//! One mask: the single redaction step applied wherever a result is recorded, reported or
//! shown (history, run steps, findings, notes, errors, reports, logs, copy-as-cURL).
//!
//! A secret leaks in more shapes than its raw bytes: percent-encoded in a URL
//! (`wJal%2FK7%2BbPx%3D`), form-encoded in a body (`a+b`), JSON-escaped, base64'd into
//! `Basic …` together with its user name, or cut short with `…` by a finding's preview. A
//! [`Mask`] knows every such form of each secret and replaces all of them with
//! [`MASKED`]. Values of credential headers (`Authorization`, cookies, API-key headers) are
//! masked by the header's name whatever they hold.
//!
//! The debug log goes through the same mask: every mask built for a request is also
//! [`register`]ed with the process-wide log mask that [`LogWriter`] applies.

use std::sync::{Arc, OnceLock, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;

/// What a secret is replaced with.
pub const MASKED: &str = "••••••";

/// Secrets shorter than this are not masked (a one- or two-character "secret" would mask
/// every occurrence of that text and tell nothing).
const MIN_SECRET: usize = 3;

/// A preview cut with `…` after at least this many characters of a long secret is masked.
const MIN_CUT_PREFIX: usize = 8;

/// The forms of a set of secrets, compiled for searching.
#[derive(Clone, Default)]
pub struct Mask {
    /// Every form of every secret, longest first.
    forms: Vec<String>,
    /// Built on first use; `None` when there is nothing to mask.
    matcher: Arc<OnceLock<Option<AhoCorasick>>>,
}

impl std::fmt::Debug for Mask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets themselves.
        write!(f, "Mask({} forms)", self.forms.len())
    }
}

impl PartialEq for Mask {
    fn eq(&self, other: &Self) -> bool {
        self.forms == other.forms
    }
}

/// The encoded forms under which `secret` can appear in a URL, a form body or JSON text.
fn forms_of(secret: &str) -> Vec<String> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let mut out = vec![secret.to_string()];
    // Ours (query and path encoding), the strictest form, and url's form encoding (`+`).
    out.push(crate::request::params::encode_query(secret, false));
    out.push(crate::request::params::encode_path(secret));
    out.push(utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string());
    out.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
    // Percent-encoding with lower-case hex digits, as some clients write it.
    let lower: Vec<String> = out.iter().map(|f| lower_hex(f)).collect();
    out.extend(lower);
    // Inside a JSON string.
    if let Ok(json) = serde_json::to_string(secret) {
        out.push(json[1..json.len() - 1].to_string());
    }
    out
}

/// `%2F` → `%2f`, leaving everything else as it is.
fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next_if(char::is_ascii_hexdigit) {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

impl Mask {
    /// A mask of these secrets (and their encoded forms).
    pub fn new<S: AsRef<str>>(secrets: impl IntoIterator<Item = S>) -> Mask {
        let mut m = Mask::default();
        for s in secrets {
            m.add(s.as_ref());
        }
        m
    }

    /// Adds a secret (and its encoded forms).
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() < MIN_SECRET {
            return;
        }
        let mut changed = false;
        for f in forms_of(secret) {
            if f.chars().count() >= MIN_SECRET && !self.forms.contains(&f) {
                self.forms.push(f);
                changed = true;
            }
        }
        if changed {
            self.forms
                .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            self.matcher = Arc::default();
        }
    }

    /// Adds HTTP basic credentials: the password, and `user:password` as base64 (what an
    /// `Authorization: Basic …` header carries).
    pub fn add_basic(&mut self, username: &str, password: &str) {
        use base64::Engine;
        self.add(password);
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        self.add(&token);
    }

    /// Adds every secret of another mask.
    pub fn extend(&mut self, other: &Mask) {
        let before = self.forms.len();
        for f in &other.forms {
            if !self.forms.contains(f) {
                self.forms.push(f.clone());
            }
        }
        if self.forms.len() != before {
            self.forms
                .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            self.matcher = Arc::default();
        }
    }

    /// Whether there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.forms.is_empty() {
                    return None;
                }
                // Each form, and the head of each long one (to catch previews cut with `…`).
                let mut patterns: Vec<&str> = self.forms.iter().map(String::as_str).collect();
                patterns.extend(self.forms.iter().filter_map(|f| head(f)));
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns)
                    .ok()
            })
            .as_ref()
    }

    /// `bytes` with every form of every secret replaced by [`MASKED`].
    pub fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let Some(ac) = self.matcher() else {
            return bytes.to_vec();
        };
        let mut out = Vec::with_capacity(bytes.len());
        let (mut at, mut pos) = (0, 0);
        while pos < bytes.len() {
            let Some(m) = ac.find(aho_corasick::Input::new(bytes).range(pos..)) else {
                break;
            };
            let end = if m.pattern().as_usize() < self.forms.len() {
                Some(m.end())
            } else {
                // A head: masked when the text goes on as the secret does and is then cut
                // with `…`.
                self.cut_preview(&bytes[m.start()..]).map(|n| m.start() + n)
            };
            match end {
                Some(end) => {
                    out.extend_from_slice(&bytes[at..m.start()]);
                    out.extend_from_slice(MASKED.as_bytes());
                    (at, pos) = (end, end);
                }
                // Not a secret after all: a real one may still start inside the head.
                None => pos = m.start() + 1,
            }
        }
        out.extend_from_slice(&bytes[at..]);
        out
    }

    /// The length of a cut preview of some long form at the start of `text` (up to, not
    /// including, the `…`), if there is one.
    fn cut_preview(&self, text: &[u8]) -> Option<usize> {
        const ELLIPSIS: &[u8] = "…".as_bytes();
        self.forms
            .iter()
            .filter(|f| head(f).is_some())
            .filter_map(|f| {
                let n = f
                    .as_bytes()
                    .iter()
                    .zip(text)
                    .take_while(|(a, b)| a == b)
                    .count();
                (n >= MIN_CUT_PREFIX && text[n..].starts_with(ELLIPSIS)).then_some(n)
            })
            .max()
    }

    /// The first `cap` bytes of `bytes`, masked, and whether anything was cut. A secret
    /// straddling the cut is masked whole before the cut is made.
    pub fn bytes_capped(&self, bytes: &[u8], cap: usize) -> (Vec<u8>, bool) {
        let longest = self.forms.first().map_or(0, String::len);
        let window = &bytes[..bytes.len().min(cap.saturating_add(longest))];
        let mut out = self.bytes(window);
        let cut = out.len() > cap || bytes.len() > window.len();
        out.truncate(cap);
        (out, cut)
    }

    /// `text` with every form of every secret replaced by [`MASKED`].
    pub fn text(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_string();
        }
        // Forms and the mask are whole UTF-8 sequences, so the result is UTF-8 again.
        String::from_utf8(self.bytes(text.as_bytes()))
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// A JSON value with every string (and object key) masked.
    pub fn json(&self, value: &Value) -> Value {
        if self.forms.is_empty() {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.json(v)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (self.text(k), self.json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Headers with credential headers masked by name and every other value masked by
    /// content.
    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| {
                let v = if crate::request::is_sensitive_header(k) {
                    MASKED.to_string()
                } else {
                    self.text(v)
                };
                (k.clone(), v)
            })
            .collect()
    }
}

/// The first characters of a form long enough to be worth catching when cut short.
fn head(form: &str) -> Option<&str> {
    if form.chars().count() < MIN_CUT_PREFIX + 4 {
        return None;
    }
    let end = form
        .char_indices()
        .nth(MIN_CUT_PREFIX)
        .map_or(form.len(), |(i, _)| i);
    Some(&form[..end])
}

fn log_mask() -> &'static RwLock<Mask> {
    static LOG: OnceLock<RwLock<Mask>> = OnceLock::new();
    LOG.get_or_init(|| RwLock::new(Mask::default()))
}

/// Adds a mask's secrets to the process-wide mask of the debug log.
pub fn register(mask: &Mask) {
    if mask.is_empty() {
        return;
    }
    if let Ok(mut m) = log_mask().write() {
        m.extend(mask);
    }
}

/// A `tracing` writer that masks every registered secret before writing to stderr. Both
/// doors install it: `VOUCH_LOG=debug` never prints a secret.
#[derive(Debug, Default, Clone, Copy)]
pub struct LogWriter;

/// One log record on its way to stderr, masked when written.
#[derive(Debug, Default)]
pub struct LogLine(Vec<u8>);

impl std::io::Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        use std::io::Write;
        let masked = match log_mask().read() {
            Ok(m) => m.bytes(&self.0),
            Err(_) => return,
        };
        let _ = std::io::stderr().lock().write_all(&masked);
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogLine;

    fn make_writer(&'a self) -> Self::Writer {
        LogLine::default()
    }
}

/// Both doors' log: `VOUCH_LOG=debug` (or any `tracing` filter) logs each exchange to
/// stderr, every secret the engine knows masked first. Off by default.
pub fn init_log() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("VOUCH_LOG"))
        .with_writer(LogWriter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_masked() {
        let mut m = Mask::new(["wJal/K7+bPx=", "sk_live_0123456789abcdefghij"]);
        m.add_basic("alice", "pa ss:wörd");
        let cases = [
            ("key=wJal/K7+bPx=", "key=••••••"),
            ("?key=wJal%2FK7%2BbPx%3D&x=1", "?key=••••••&x=1"),
            ("?key=wJal%2fK7%2bbPx%3d", "?key=••••••"),
            ("key=wJal%2FK7%2BbPx%3D", "key=••••••"),
            ("Basic YWxpY2U6cGEgc3M6d8O2cmQ=", "Basic ••••••"),
            ("pw=pa+ss%3Aw%C3%B6rd", "pw=••••••"),
            ("got \"sk_live_0123456…\"", "got \"••••••…\""),
            (
                "{\"k\": \"sk_live_0123456789abcdefghij\"}",
                "{\"k\": \"••••••\"}",
            ),
            ("nothing here", "nothing here"),
        ];
        for (input, want) in cases {
            assert_eq!(m.text(input), want, "{input}");
        }
        assert_eq!(Mask::new(["ab"]).text("abc"), "abc", "too short to mask");
        let h = m.headers(&[
            ("Authorization".into(), "Bearer whatever".into()),
            ("X-Other".into(), "wJal/K7+bPx=".into()),
        ]);
        assert_eq!(h[0].1, MASKED);
        assert_eq!(h[1].1, MASKED);
        assert!(format!("{m:?}").starts_with("Mask("));
    }
}
