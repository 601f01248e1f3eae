//! A response body laid out in lines for the window: JSON pretty-printed by a streaming pass
//! over the bytes (no tree is built, so a 16 MB body costs its text twice, not ten times),
//! anything else as raw text cut into lines of at most [`WIDTH`] bytes (a minified 100 MB
//! body stays scrollable). The window asks for the lines it draws, a block at a time; folding,
//! search and "the line of this JSON pointer" are answered here, over the same layout.

use std::sync::Arc;

use serde::Serialize;

use super::{Result, Workbench};

/// Longest line shown; longer lines are cut (raw text only: pretty JSON lines are short
/// unless one string is long, and those are cut too). A screenful of 2,000-byte rows cost
/// WebKit 100–150 ms to lay out; 1,000 halves it.
pub const WIDTH: usize = 1000;

/// JSON bodies up to this size are pretty-printed; larger ones are shown raw (a 16 MB body
/// makes about 1.3 million lines: 23 million pixels of scroll height at 18 px a line, within
/// what WebKit can lay out).
pub const PRETTY_LIMIT: usize = 16 * 1024 * 1024;

/// Lines answered per request, at most.
pub const MAX_LINES: u32 = 2000;

/// Search hits answered, at most.
pub const MAX_HITS: usize = 10_000;

/// What the window learns of a body's layout before asking for lines.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyLayout {
    /// Lines in the layout.
    pub lines: u32,
    /// JSON, pretty-printed (else raw text).
    pub pretty: bool,
    /// Why a JSON body is shown raw (too large, not valid JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
}

/// One line as the window draws it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyLine {
    /// The text, without its newline.
    pub text: String,
    /// For a line opening an object or array: the line that closes it (the fold's end).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fold_end: Option<u32>,
}

/// Lines matching a search.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyHits {
    /// Matching lines, in order.
    pub lines: Vec<u32>,
    /// More lines match than are listed.
    pub more: bool,
}

/// A body laid out in lines.
#[derive(Debug)]
pub struct BodyView {
    text: String,
    /// Where each line starts in `text` (one past the last line: `text.len()`).
    starts: Vec<usize>,
    /// For each line, the line closing the block it opens (its own index when none).
    ends: Vec<u32>,
    layout: BodyLayout,
}

/// One segment of a JSON pointer.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// An open object or array while printing.
struct Frame {
    object: bool,
    /// The line it opens on.
    line: u32,
    /// Where in it the printer is (the key, or the index).
    seg: Option<Seg>,
    index: usize,
}

/// The streaming printer: JSON (already known to be valid) in, 2-space indented text out.
struct Printer<'a> {
    src: &'a [u8],
    i: usize,
    out: String,
    starts: Vec<usize>,
    ends: Vec<u32>,
    stack: Vec<Frame>,
    expect_key: bool,
    /// Record each value's path (for [`BodyView::line_of`]).
    track: bool,
}

impl<'a> Printer<'a> {
    fn new(src: &'a [u8], track: bool) -> Self {
        Printer {
            src,
            i: 0,
            out: String::with_capacity(src.len() + src.len() / 2),
            starts: vec![0],
            ends: vec![0],
            stack: Vec::new(),
            expect_key: false,
            track,
        }
    }

    fn line(&self) -> u32 {
        (self.starts.len() - 1) as u32
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.starts.push(self.out.len());
        self.ends.push(self.line());
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn skip_ws(&mut self) {
        while self.i < self.src.len() && self.src[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    /// The string starting at `self.i` (its quotes included), copied; `self.i` after it.
    fn string(&mut self) -> &'a str {
        let start = self.i;
        self.i += 1;
        while self.i < self.src.len() {
            match self.src[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.src.len());
        // The input was validated as JSON (UTF-8), and quotes are ASCII boundaries.
        std::str::from_utf8(&self.src[start..end]).unwrap_or("\"\"")
    }

    /// Called where a value starts: its path, when tracking.
    fn value_path(&mut self) -> Option<Vec<Seg>> {
        if let Some(top) = self.stack.last_mut() {
            if !top.object {
                top.seg = Some(Seg::Index(top.index));
            }
        }
        self.track
            .then(|| self.stack.iter().filter_map(|f| f.seg.clone()).collect())
    }

    /// An object or array opening at `self.i` (`b`): `{}` / `[]` when empty, else the
    /// opening bracket and a new, indented line.
    fn open(&mut self, b: u8) {
        let close = if b == b'{' { b'}' } else { b']' };
        self.i += 1;
        self.skip_ws();
        if self.src.get(self.i) == Some(&close) {
            self.i += 1;
            self.out.push(b as char);
            self.out.push(close as char);
            return;
        }
        self.out.push(b as char);
        let line = self.line();
        self.stack.push(Frame {
            object: b == b'{',
            line,
            seg: None,
            index: 0,
        });
        self.expect_key = b == b'{';
        self.newline();
    }

    /// A string, number, `true`, `false` or `null` at `self.i`, copied as it is.
    fn scalar(&mut self, b: u8) {
        if b == b'"' {
            let s = self.string();
            self.out.push_str(s);
            return;
        }
        let start = self.i;
        while self.i < self.src.len()
            && !matches!(self.src[self.i], b',' | b'}' | b']' | b':')
            && !self.src[self.i].is_ascii_whitespace()
        {
            self.i += 1;
        }
        let s = std::str::from_utf8(&self.src[start..self.i]).unwrap_or("");
        self.out.push_str(s);
    }

    /// Prints the whole input; `visit` sees each value's path and line and may stop the pass.
    fn run(&mut self, mut visit: impl FnMut(&[Seg], u32) -> bool) {
        loop {
            self.skip_ws();
            let Some(&b) = self.src.get(self.i) else {
                break;
            };
            match b {
                b'{' | b'[' => {
                    if let Some(path) = self.value_path() {
                        if visit(&path, self.line()) {
                            return;
                        }
                    }
                    self.open(b);
                }
                b'}' | b']' => {
                    self.i += 1;
                    let frame = self.stack.pop();
                    self.newline();
                    self.out.push(b as char);
                    if let Some(f) = frame {
                        self.ends[f.line as usize] = self.line();
                    }
                }
                b',' => {
                    self.i += 1;
                    self.out.push(',');
                    if let Some(top) = self.stack.last_mut() {
                        top.index += 1;
                        self.expect_key = top.object;
                    }
                    self.newline();
                }
                b':' => {
                    self.i += 1;
                    self.out.push_str(": ");
                }
                b'"' if self.expect_key => {
                    let s = self.string();
                    self.out.push_str(s);
                    self.expect_key = false;
                    if self.track {
                        let key = serde_json::from_str::<String>(s).unwrap_or_default();
                        if let Some(top) = self.stack.last_mut() {
                            top.seg = Some(Seg::Key(key));
                        }
                    }
                }
                _ => {
                    if let Some(path) = self.value_path() {
                        if visit(&path, self.line()) {
                            return;
                        }
                    }
                    self.scalar(b);
                }
            }
        }
    }
}

/// Whether `body` is one JSON value (checked without building it).
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// `text`'s line starts, cutting lines longer than [`WIDTH`] bytes at a character boundary.
fn cut_lines(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut line_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            line_start = i + 1;
            starts.push(line_start);
        } else if i - line_start >= WIDTH && text.is_char_boundary(i) {
            line_start = i;
            starts.push(line_start);
            continue;
        }
        i += 1;
    }
    starts
}

impl BodyView {
    /// Lays `body` out: pretty JSON when `pretty` is asked, it is JSON and not too large;
    /// raw text otherwise (invalid UTF-8 replaced).
    pub fn new(body: &[u8], pretty: bool) -> BodyView {
        let mut note = None;
        if pretty {
            if body.len() > PRETTY_LIMIT {
                note = Some(format!(
                    "shown raw: pretty-printing stops at {} MB",
                    PRETTY_LIMIT / (1024 * 1024)
                ));
            } else if !is_json(body) {
                note = Some("shown raw: the body is not valid JSON".into());
            } else {
                let mut p = Printer::new(body, false);
                p.run(|_, _| false);
                let Printer {
                    out,
                    mut starts,
                    ends,
                    ..
                } = p;
                let lines = starts.len() as u32;
                starts.push(out.len() + 1);
                return BodyView {
                    text: out,
                    starts,
                    ends,
                    layout: BodyLayout {
                        lines,
                        pretty: true,
                        note: None,
                    },
                };
            }
        }
        let text = String::from_utf8_lossy(body).into_owned();
        let mut starts = cut_lines(&text);
        let lines = starts.len() as u32;
        starts.push(text.len() + 1);
        BodyView {
            ends: (0..lines).collect(),
            text,
            starts,
            layout: BodyLayout {
                lines,
                pretty: false,
                note,
            },
        }
    }

    /// The layout's size and kind.
    pub fn layout(&self) -> &BodyLayout {
        &self.layout
    }

    fn text_of(&self, n: usize) -> &str {
        let end = self.starts[n + 1].min(self.text.len());
        let line = &self.text[self.starts[n]..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        // A pretty line holding one long string is cut too.
        match line.char_indices().nth(WIDTH) {
            Some((cut, _)) => &line[..cut],
            None => line,
        }
    }

    /// Lines `[from, from + count)`, at most [`MAX_LINES`].
    pub fn lines(&self, from: u32, count: u32) -> Vec<BodyLine> {
        let end = from
            .saturating_add(count.min(MAX_LINES))
            .min(self.layout.lines);
        (from..end)
            .map(|n| {
                let close = self.ends[n as usize];
                BodyLine {
                    text: self.text_of(n as usize).to_string(),
                    fold_end: (close > n).then_some(close),
                }
            })
            .collect()
    }

    /// Lines containing `query`, ignoring ASCII case.
    pub fn search(&self, query: &str) -> BodyHits {
        let q = query.to_ascii_lowercase();
        let mut lines = Vec::new();
        if q.is_empty() {
            return BodyHits { lines, more: false };
        }
        for n in 0..self.layout.lines {
            if self.text_of(n as usize).to_ascii_lowercase().contains(&q) {
                if lines.len() == MAX_HITS {
                    return BodyHits { lines, more: true };
                }
                lines.push(n);
            }
        }
        BodyHits { lines, more: false }
    }

    /// The line the value at JSON `pointer` starts on, else its closest parent's (a finding's
    /// location may name a member that is missing). None for raw layouts.
    pub fn line_of(&self, body: &[u8], pointer: &str) -> Option<u32> {
        if !self.layout.pretty {
            return None;
        }
        let target: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut best: Option<(usize, u32)> = None;
        let mut p = Printer::new(body, true);
        p.run(|path, line| {
            let matches = path.len() <= target.len()
                && path.iter().zip(&target).all(|(seg, t)| match seg {
                    Seg::Key(k) => k == t,
                    Seg::Index(i) => t.parse::<usize>().ok() == Some(*i),
                });
            if matches && best.is_none_or(|(depth, _)| path.len() > depth) {
                best = Some((path.len(), line));
            }
            matches && path.len() == target.len()
        });
        best.map(|(_, line)| line)
    }
}

impl Workbench {
    /// The kept body `body_id` laid out (pretty or raw), made once and kept while the
    /// window shows it.
    fn view_of(&self, body_id: u32, pretty: bool) -> Result<(Arc<Vec<u8>>, Arc<BodyView>)> {
        let body = self.kept(body_id).ok_or_else(super::saved::gone)?;
        if let Ok(v) = self.view.lock() {
            if let Some((id, p, view)) = v.as_ref() {
                if *id == body_id && *p == pretty {
                    return Ok((body, view.clone()));
                }
            }
        }
        let view = Arc::new(BodyView::new(&body, pretty));
        if let Ok(mut v) = self.view.lock() {
            *v = Some((body_id, pretty, view.clone()));
        }
        Ok((body, view))
    }

    /// How a kept body is laid out in lines (pretty JSON when asked and possible).
    pub fn body_layout(&self, body_id: u32, pretty: bool) -> Result<BodyLayout> {
        Ok(self.view_of(body_id, pretty)?.1.layout().clone())
    }

    /// Lines `[from, from + count)` of a kept body's layout.
    pub fn body_lines(
        &self,
        body_id: u32,
        pretty: bool,
        from: u32,
        count: u32,
    ) -> Result<Vec<BodyLine>> {
        Ok(self.view_of(body_id, pretty)?.1.lines(from, count))
    }

    /// The lines of a kept body's layout that contain `query` (ASCII case ignored).
    pub fn body_search(&self, body_id: u32, pretty: bool, query: &str) -> Result<BodyHits> {
        Ok(self.view_of(body_id, pretty)?.1.search(query))
    }

    /// The pretty layout's line for a JSON pointer (a finding's location), else its closest
    /// parent's.
    pub fn body_line_of(&self, body_id: u32, pointer: &str) -> Result<Option<u32>> {
        let (body, view) = self.view_of(body_id, true)?;
        Ok(view.line_of(&body, pointer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &BodyView) -> Vec<String> {
        v.lines(0, MAX_LINES).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn pretty_matches_serde_json_pretty() {
        let src = br#" {"a":[1, 2,{"b":null,"c":"x,\"y\":]"}],"e":{},"f":[] , "g":{"h":true}} "#;
        let v = BodyView::new(src, true);
        let want = serde_json::to_string_pretty(
            &serde_json::from_slice::<serde_json::Value>(src).expect("json"),
        )
        .expect("pretty");
        assert_eq!(texts(&v).join("\n"), want);
        assert!(v.layout().pretty);
        // Line 0 `{` closes on the last line; `"a": [` on line 1 closes on line 8.
        let lines = v.lines(0, 100);
        assert_eq!(lines[0].fold_end, Some(v.layout().lines - 1));
        assert_eq!(lines[1].text, "  \"a\": [");
        assert_eq!(lines[1].fold_end, Some(8));
        assert_eq!(lines[2].fold_end, None);
    }

    #[test]
    fn pointers_find_their_line_or_the_closest_parent() {
        let src = br#"{"a":[1,{"b/c":2,"d":{"e":3}}],"f":"g"}"#;
        let v = BodyView::new(src, true);
        let t = texts(&v);
        let at = |p: &str| v.line_of(src, p).map(|n| t[n as usize].trim().to_string());
        assert_eq!(at("/a/1/b~1c").as_deref(), Some("\"b/c\": 2,"));
        assert_eq!(at("/a/1/d/e").as_deref(), Some("\"e\": 3"));
        assert_eq!(at("/f").as_deref(), Some("\"f\": \"g\""));
        assert_eq!(at("/a/1/missing").as_deref(), Some("{"));
        assert_eq!(at("").as_deref(), Some("{"));
    }

    #[test]
    fn invalid_or_huge_json_is_raw_and_long_lines_are_cut() {
        let v = BodyView::new(b"{\"a\": nope", true);
        assert!(!v.layout().pretty);
        assert!(v
            .layout()
            .note
            .as_deref()
            .expect("note")
            .contains("not valid JSON"));
        let long = "é".repeat(3000);
        let v = BodyView::new(format!("x\n{long}\ny").as_bytes(), false);
        let t = texts(&v);
        assert_eq!(t[0], "x");
        assert!(t[1].len() <= WIDTH + 1 && t[1].chars().all(|c| c == 'é'));
        assert_eq!(
            t.iter()
                .map(|l| l.chars().filter(|&c| c == 'é').count())
                .sum::<usize>(),
            3000
        );
        assert_eq!(t.last().expect("last"), "y");
    }

    #[test]
    fn search_ignores_case_and_is_capped() {
        let v = BodyView::new(br#"{"Name":"A","other":"name"}"#, true);
        assert_eq!(v.search("NAME").lines, vec![1, 2]);
        let many = "hit\n".repeat(MAX_HITS + 5);
        let hits = BodyView::new(many.as_bytes(), false).search("hit");
        assert_eq!((hits.lines.len(), hits.more), (MAX_HITS, true));
    }
}
