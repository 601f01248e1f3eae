//! Compiled schema validators for one spec, and validator errors turned into findings.
//!
//! Every document of the spec is translated (see `translate`) and registered once per
//! direction under its own URL; a schema is then compiled as `{"$ref": "<url>#<pointer>"}`,
//! once, and cached by (direction, location). Nothing is ever fetched: the validator is built
//! without a retriever and every document is already in the registry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::json::{Json, JsonNumber, Node};
use jsonschema::{Draft, Keyword, ValidationError, Validator};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};

use super::body::{Body, BodyJson};
use super::finding::{actual_value, preview, type_name, Finding, FindingKind};
use super::translate::{reachable, translate, Direction, Entries, NUMERIC_FORMAT_KEYWORD};
use crate::spec::{DocId, Loc, Spec};

/// Most findings one value produces; a body that is wrong everywhere says so once it is clear.
const MAX_FINDINGS: usize = 100;

/// Characters a JSON pointer may hold that a URI fragment may not.
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'%')
    .add(b'[')
    .add(b']')
    .add(b'#');

/// The translated documents of one direction, registered for the validator.
struct Registered {
    registry: jsonschema::Registry<'static>,
    /// (document URL, translated document), entry document first.
    docs: Vec<(String, Arc<Value>)>,
}

/// A compiled validator, or why the schema could not be compiled.
type Compiled<F = jsonschema::json::SerdeJson> = Arc<Result<Validator<F>, String>>;

/// Validators for one spec: built lazily, compiled once per schema location and direction.
pub(crate) struct Schemas {
    spec: Arc<Spec>,
    request: OnceLock<Result<Registered, String>>,
    response: OnceLock<Result<Registered, String>>,
    cache: Mutex<HashMap<(Direction, Loc), Compiled>>,
    /// Validators of lean bodies (see `body`), for the check of a valid body.
    lean: Mutex<HashMap<(Direction, Loc), Compiled<BodyJson>>>,
    /// Set when `prepare` began registering a direction on another thread: until it is done,
    /// a schema compiles against a translation of only what it reaches (its pointers are the
    /// same, so are its findings), rather than wait for the whole document.
    preparing: [std::sync::atomic::AtomicBool; 2],
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas")
            .field("spec", &self.spec.name())
            .finish_non_exhaustive()
    }
}

/// Where a value sits, for locations and messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// The finding kind to report.
    pub kind: FindingKind,
    /// For parameters and headers: `query.limit`, `X-Rate-Limit`; for bodies: None (a
    /// JSON pointer is the location).
    pub name: Option<&'a str>,
}

impl Schemas {
    pub(crate) fn new(spec: Arc<Spec>) -> Schemas {
        Schemas {
            spec,
            request: OnceLock::new(),
            response: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
            lean: Mutex::new(HashMap::new()),
            preparing: Default::default(),
        }
    }

    pub(crate) fn spec(&self) -> &Spec {
        &self.spec
    }

    fn registered(&self, direction: Direction) -> Result<&Registered, String> {
        self.registered_on(direction, false)
    }

    /// As `registered`, translated on one core when `one_core` (in the background).
    fn registered_on(&self, direction: Direction, one_core: bool) -> Result<&Registered, String> {
        let cell = match direction {
            Direction::Request => &self.request,
            Direction::Response => &self.response,
        };
        cell.get_or_init(|| register(&self.spec, direction, None, one_core))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// One direction registered now (see `Contract::prepare`).
    pub(crate) fn prepare(&self, direction: Direction) {
        self.preparing[direction as usize].store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.registered_on(direction, true);
    }

    /// While `prepare` registers `direction` elsewhere: the documents translated only as far
    /// as the schema at `loc` reaches (a single-document spec; None otherwise).
    fn partial(&self, direction: Direction, loc: &Loc) -> Option<Registered> {
        let cell = match direction {
            Direction::Request => &self.request,
            Direction::Response => &self.response,
        };
        let preparing =
            self.preparing[direction as usize].load(std::sync::atomic::Ordering::SeqCst);
        if cell.get().is_some() || !preparing || self.spec.documents().len() != 1 {
            return None;
        }
        let root = self.spec.documents().get(&Loc {
            doc: loc.doc,
            pointer: String::new(),
        })?;
        let only = reachable(root, &loc.pointer)?;
        register(&self.spec, direction, Some(&only), false).ok()
    }

    /// The compiled validator for the schema at `loc`, compiling it on first use.
    pub(crate) fn validator(&self, direction: Direction, loc: &Loc) -> Compiled {
        self.cached(&self.cache, direction, loc)
    }

    fn cached<F: Json>(
        &self,
        cache: &Mutex<HashMap<(Direction, Loc), Compiled<F>>>,
        direction: Direction,
        loc: &Loc,
    ) -> Compiled<F> {
        let key = (direction, loc.clone());
        if let Some(v) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return v;
        }
        let compiled = Arc::new(self.compile(direction, loc));
        if let Ok(mut cache) = cache.lock() {
            cache.insert(key, compiled.clone());
        }
        compiled
    }

    /// How many validators are compiled (for tests and benchmarks of the cache).
    pub(crate) fn compiled_count(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    fn compile<F: Json>(&self, direction: Direction, loc: &Loc) -> Result<Validator<F>, String> {
        if let Some(partial) = self.partial(direction, loc) {
            return compile_in(&partial, loc);
        }
        compile_in(self.registered(direction)?, loc)
    }

    /// Whether a lean body is valid against the schema at `loc`: the fast path of a body check,
    /// taken before any `Value` is built. `Err` as for [`Schemas::check`].
    pub(crate) fn is_valid_body(
        &self,
        direction: Direction,
        loc: &Loc,
        body: &Body<'_>,
    ) -> Result<bool, String> {
        let compiled = self.cached(&self.lean, direction, loc);
        let validator = compiled.as_ref().as_ref().map_err(Clone::clone)?;
        Ok(validator.is_valid(body))
    }

    /// Validates `value` against the schema at `loc` and turns every error into a finding.
    /// A schema that cannot be compiled yields `Err` with the reason (reported as a note, not
    /// a finding: it is the spec's fault, not the exchange's).
    pub(crate) fn check(
        &self,
        direction: Direction,
        loc: &Loc,
        value: &Value,
        place: Place<'_>,
    ) -> Result<Vec<Finding>, String> {
        let compiled = self.validator(direction, loc);
        let validator = compiled.as_ref().as_ref().map_err(Clone::clone)?;
        let mut out = Vec::new();
        if validator.is_valid(value) {
            return Ok(out);
        }
        let reg = self.registered(direction)?;
        let reporter = Reporter { reg, place };
        for err in validator.iter_errors(value) {
            if out.len() >= MAX_FINDINGS {
                break;
            }
            reporter.report(&err, &mut out);
        }
        out.truncate(MAX_FINDINGS);
        out.sort_by(|a, b| a.location.cmp(&b.location));
        Ok(out)
    }
}

/// The schema at `loc` compiled against `reg`'s documents.
fn compile_in<F: Json>(reg: &Registered, loc: &Loc) -> Result<Validator<F>, String> {
    let url = &reg
        .docs
        .get(loc.doc.index())
        .ok_or_else(|| "the schema's document is not loaded".to_string())?
        .0;
    let target = format!("{url}#{}", utf8_percent_encode(&loc.pointer, FRAGMENT));
    options::<F>()
        .with_registry(&reg.registry)
        .build(&json!({ "$ref": target }))
        .map_err(|e| format!("the schema at {} could not be compiled: {e}", loc.pointer))
}

/// The documents translated for `direction` (only the `only` entries when given; on one core
/// when `one_core`) and registered for the validator.
fn register(
    spec: &Spec,
    direction: Direction,
    only: Option<&Entries>,
    one_core: bool,
) -> Result<Registered, String> {
    let documents = spec.documents();
    let mut docs = Vec::with_capacity(documents.len());
    for i in 0..documents.len() {
        let id = DocId::from_index(i);
        let url = documents.url(id).as_str().trim_end_matches('#').to_string();
        let value = translate(
            documents,
            id,
            spec.version().dialect,
            direction,
            only,
            one_core,
        );
        docs.push((url, Arc::new(value)));
    }
    let registry = jsonschema::Registry::new()
        .draft(Draft::Draft202012)
        .retrieve_known_draft_meta_schemas(false)
        .extend(docs.iter().map(|(u, v)| (u.clone(), v.clone())))
        .and_then(|b| b.prepare())
        .map_err(|e| format!("the spec's schemas could not be prepared for validation: {e}"))?;
    Ok(Registered { registry, docs })
}

/// The validator options every schema of a spec is compiled with.
fn options<'a, F: Json>() -> jsonschema::ValidationOptions<'a, Arc<dyn jsonschema::Retrieve>, F> {
    jsonschema::options_for::<F>()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("byte", is_base64)
        .with_format("binary", |_: &str| true)
        .with_format("password", |_: &str| true)
        .with_keyword(NUMERIC_FORMAT_KEYWORD, numeric_format::<F>)
}

fn is_base64(s: &str) -> bool {
    use base64::Engine;
    let t: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(&t).is_ok()
        || base64::engine::general_purpose::URL_SAFE.decode(&t).is_ok()
        || base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&t)
            .is_ok()
        || base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&t)
            .is_ok()
}

/// `int32`, `int64` and `float` ranges; only numbers are constrained (as with formats).
struct NumericFormat(&'static str);

impl<'i, F: Json> Keyword<'i, F> for NumericFormat {
    fn validate(&self, instance: F::Node<'i>) -> Result<(), ValidationError<'i>> {
        if Keyword::<F>::is_valid(self, instance.clone()) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!(
                "{} is not a valid {}",
                instance.to_value(),
                self.0
            )))
        }
    }

    fn is_valid(&self, instance: F::Node<'i>) -> bool {
        let Some(n) = instance.as_number() else {
            return true;
        };
        match self.0 {
            "int32" => {
                n.as_i64().is_some_and(|i| i32::try_from(i).is_ok())
                    || n.as_f64().is_some_and(|f| {
                        f.fract() == 0.0 && f >= f64::from(i32::MIN) && f <= f64::from(i32::MAX)
                    })
            }
            "int64" => {
                n.as_i64().is_some()
                    || n.as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.223_372_036_854_776e18)
            }
            "float" => n.as_f64().is_some_and(|f| f.abs() <= f64::from(f32::MAX)),
            _ => true,
        }
    }
}

#[allow(clippy::type_complexity)]
fn numeric_format<'a, F: Json>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: jsonschema::paths::Location,
) -> Result<Box<dyn for<'i> Keyword<'i, F>>, ValidationError<'a>> {
    let name = match value.as_str() {
        Some("int32") => "int32",
        Some("int64") => "int64",
        Some("float") => "float",
        _ => "",
    };
    Ok(Box::new(NumericFormat(name)))
}

struct Reporter<'a> {
    reg: &'a Registered,
    place: Place<'a>,
}

impl Reporter<'_> {
    fn location(&self, pointer: &str) -> String {
        match self.place.name {
            Some(name) => format!("{name}{pointer}"),
            None => pointer.to_string(),
        }
    }

    /// How a location reads in a message.
    fn label(&self, pointer: &str) -> String {
        match (self.place.name, pointer) {
            (Some(name), p) => format!("`{name}{p}`"),
            (None, "") => "body".to_string(),
            (None, p) => format!("`{p}`"),
        }
    }

    /// `#/components/schemas/Item/properties/price/type`, or `other.yaml#/…` for other files.
    fn schema_path(&self, err: &ValidationError<'_>) -> String {
        let Some(uri) = err.absolute_keyword_location() else {
            return err.schema_path().as_str().to_string();
        };
        let uri = uri.as_str();
        let (base, fragment) = uri.split_once('#').unwrap_or((uri, ""));
        let pointer = percent_decode_str(fragment).decode_utf8_lossy();
        match self.reg.docs.iter().position(|(u, _)| u == base) {
            Some(0) => format!("#{pointer}"),
            Some(_) => {
                let file = base.rsplit('/').next().unwrap_or(base);
                format!("{file}#{pointer}")
            }
            None => uri.to_string(),
        }
    }

    /// The translated schema at an absolute keyword location.
    fn schema_at(&self, uri: &str) -> Option<&Value> {
        let (base, fragment) = uri.split_once('#')?;
        let pointer = percent_decode_str(fragment).decode_utf8_lossy();
        let (_, doc) = self.reg.docs.iter().find(|(u, _)| u == base)?;
        crate::spec::refs::pointer(doc, &pointer)
    }

    fn push(
        &self,
        out: &mut Vec<Finding>,
        err: &ValidationError<'_>,
        pointer: &str,
        expected: Value,
        actual: Value,
        what: String,
    ) {
        out.push(
            Finding::new(
                self.place.kind,
                self.location(pointer),
                expected,
                actual,
                format!("{}: {what}", self.label(pointer)),
            )
            .at_schema(self.schema_path(err)),
        );
    }

    fn report(&self, err: &ValidationError<'_>, out: &mut Vec<Finding>) {
        let pointer = err.instance_path().as_str().to_string();
        let instance = err.instance();
        match err.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let at = format!("{pointer}/{}", crate::spec::escape(name));
                let what = "required property is missing".to_string();
                self.push(out, err, &at, json!("present"), Value::Null, what);
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for name in unexpected {
                    let at = format!("{pointer}/{}", crate::spec::escape(name));
                    let actual = instance
                        .get(name.as_str())
                        .map(actual_value)
                        .unwrap_or(Value::Null);
                    let what =
                        "property is not allowed by the schema (additionalProperties is false)";
                    self.push(out, err, &at, json!("absent"), actual, what.into());
                }
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                self.report_union(err, &pointer, context, out);
            }
            _ => {
                let (expected, what) = self.describe(err);
                self.push(out, err, &pointer, expected, actual_value(instance), what);
            }
        }
    }

    /// What a single-place error expected, and the message after the location.
    fn describe(&self, err: &ValidationError<'_>) -> (Value, String) {
        let instance = err.instance();
        let shown = preview(instance);
        let (expected, what) = match err.kind() {
            ValidationErrorKind::Type { kind } => {
                let names = type_list(kind);
                let got = match instance.as_ref() {
                    Value::Null => "null".to_string(),
                    _ => format!("{} {shown}", type_name(instance)),
                };
                let what = format!("expected {}, got {got}", names.join(" or "));
                let expected = if names.len() == 1 {
                    json!(names[0])
                } else {
                    json!(names)
                };
                (expected, what)
            }
            ValidationErrorKind::Enum { options } => (
                (**options).clone(),
                format!("expected one of {}, got {shown}", preview(options)),
            ),
            ValidationErrorKind::Constant { expected_value } => (
                (**expected_value).clone(),
                format!("expected {}, got {shown}", preview(expected_value)),
            ),
            ValidationErrorKind::Format { format } => (
                json!(format),
                format!("expected a valid {format}, got {shown}"),
            ),
            ValidationErrorKind::Custom { .. } => {
                // Our numeric OpenAPI formats: name the format the schema asks for.
                let format = self
                    .schema_at_err(err)
                    .and_then(Value::as_str)
                    .unwrap_or("format")
                    .to_string();
                let what = format!("expected a valid {format}, got {shown}");
                (json!(format), what)
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => (
                json!("exactly one alternative"),
                "matches more than one alternative of a oneOf".to_string(),
            ),
            ValidationErrorKind::Minimum { limit } => bound(">=", limit, &shown),
            ValidationErrorKind::ExclusiveMinimum { limit } => bound(">", limit, &shown),
            ValidationErrorKind::Maximum { limit } => bound("<=", limit, &shown),
            ValidationErrorKind::ExclusiveMaximum { limit } => bound("<", limit, &shown),
            ValidationErrorKind::MinLength { limit } => {
                length("at least", *limit, instance, &shown)
            }
            ValidationErrorKind::MaxLength { limit } => length("at most", *limit, instance, &shown),
            ValidationErrorKind::MinItems { limit } => items("at least", *limit, instance),
            ValidationErrorKind::MaxItems { limit } => items("at most", *limit, instance),
            ValidationErrorKind::Pattern { pattern } => (
                json!(pattern),
                format!("expected a string matching /{pattern}/, got {shown}"),
            ),
            ValidationErrorKind::FalseSchema => {
                (json!("absent"), "no value is allowed here".to_string())
            }
            _ => (Value::Null, err.to_string()),
        };
        (expected, what)
    }

    fn schema_at_err(&self, err: &ValidationError<'_>) -> Option<&Value> {
        self.schema_at(err.absolute_keyword_location()?.as_str())
    }

    /// An `anyOf`/`oneOf` nothing matched: report inside the branch the value was meant for
    /// (by `discriminator`, else the closest), so the finding points at `/method/last4`
    /// rather than at `/method`.
    // Kept whole: the union's branch choice and the report inside it share the validator's state.
    fn report_union(
        &self,
        err: &ValidationError<'_>,
        pointer: &str,
        context: &[Vec<ValidationError<'static>>],
        out: &mut Vec<Finding>,
    ) {
        let instance = err.instance();
        if let Some(choice) = self.by_discriminator(err, context.len()) {
            match choice {
                Ok(i) => {
                    for e in &context[i] {
                        self.report(e, out);
                    }
                }
                Err((prop, expected, actual, what)) => {
                    let at = format!("{pointer}/{}", crate::spec::escape(&prop));
                    self.push(out, err, &at, expected, actual, what);
                }
            }
            return;
        }
        // Closest branch: fewest mismatches at the union's own level, then fewest errors.
        let top = |branch: &Vec<ValidationError<'static>>| {
            branch
                .iter()
                .filter(|e| {
                    e.instance_path().as_str() == pointer
                        && matches!(
                            e.kind(),
                            ValidationErrorKind::Type { .. }
                                | ValidationErrorKind::Constant { .. }
                                | ValidationErrorKind::Enum { .. }
                                | ValidationErrorKind::FalseSchema
                        )
                })
                .count()
        };
        let best = context
            .iter()
            .enumerate()
            .min_by_key(|(_, b)| (top(b), b.len()))
            .map(|(i, _)| i);
        match best {
            Some(i) if top(&context[i]) == 0 && !context[i].is_empty() => {
                for e in &context[i] {
                    self.report(e, out);
                }
            }
            _ => {
                // Every alternative rejects the value outright: say what they would accept.
                let mut types: Vec<String> = Vec::new();
                for branch in context {
                    for e in branch
                        .iter()
                        .filter(|e| e.instance_path().as_str() == pointer)
                    {
                        let names = match e.kind() {
                            ValidationErrorKind::Type { kind } => type_list(kind),
                            ValidationErrorKind::Constant { expected_value } => {
                                vec![preview(expected_value)]
                            }
                            ValidationErrorKind::Enum { options } => {
                                vec![format!("one of {}", preview(options))]
                            }
                            _ => continue,
                        };
                        for n in names {
                            if !types.contains(&n) {
                                types.push(n);
                            }
                        }
                    }
                }
                let what = if types.is_empty() {
                    format!("matches none of the {} alternatives", context.len())
                } else {
                    format!(
                        "expected {}, got {} {}",
                        types.join(" or "),
                        type_name(instance),
                        preview(instance)
                    )
                };
                self.push(
                    out,
                    err,
                    pointer,
                    json!(types),
                    actual_value(instance),
                    what,
                );
            }
        }
    }

    /// The branch a `discriminator` next to the failing `oneOf`/`anyOf` selects; `Err` with a
    /// finding when the discriminating property is missing or names no branch. None when there
    /// is no discriminator.
    ///
    /// The value is looked up in `mapping`, then among the values a branch declares for the
    /// property (`const`/`enum`, as OpenAI's and many generated specs write it instead of a
    /// mapping), then as the implicit schema name OpenAPI gives an unmapped branch.
    // Kept whole: mapping, declared values and implicit names resolved in that order.
    #[allow(clippy::type_complexity)]
    fn by_discriminator(
        &self,
        err: &ValidationError<'_>,
        branches: usize,
    ) -> Option<Result<usize, (String, Value, Value, String)>> {
        let uri = err.absolute_keyword_location()?.as_str();
        let (parent_uri, keyword) = uri.rsplit_once('/')?;
        let parent = self.schema_at(parent_uri)?;
        let base = parent_uri.split_once('#').map_or(parent_uri, |(b, _)| b);
        let discriminator = parent.get("discriminator")?;
        let prop = discriminator.get("propertyName")?.as_str()?.to_string();
        let alternatives = parent.get(keyword)?.as_array()?;
        let refs: Vec<Option<&str>> = alternatives
            .iter()
            .map(|a| a.get("$ref").and_then(Value::as_str))
            .collect();
        let declared: Vec<Tags> = alternatives
            .iter()
            .map(|a| self.declared_tags(base, a, &prop))
            .collect();
        let mapping = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty());
        let names: Vec<String> = match mapping {
            Some(m) => m.keys().cloned().collect(),
            None => refs
                .iter()
                .zip(&declared)
                .flat_map(|(r, tags)| match (r, tags.pinned.is_empty()) {
                    (_, false) => tags.pinned.clone(),
                    (Some(r), true) => vec![r.rsplit('/').next().unwrap_or(r).to_string()],
                    (None, true) => Vec::new(),
                })
                .collect(),
        };
        let names = {
            let mut seen = std::collections::HashSet::new();
            names
                .into_iter()
                .filter(|n| seen.insert(n.clone()))
                .collect::<Vec<_>>()
        };
        let instance = err.instance();
        if !instance.is_object() {
            return None;
        }
        let Some(value) = instance.get(&prop) else {
            return Some(Err((
                prop,
                json!(names),
                Value::Null,
                "the discriminator property is missing".into(),
            )));
        };
        let unknown = |names: &[String]| {
            format!(
                "expected the discriminator to be one of {}, got {}",
                names.join(", "),
                preview(value)
            )
        };
        let Some(tag) = value.as_str() else {
            let what = unknown(&names);
            return Some(Err((prop, json!(names), actual_value(value), what)));
        };
        let target = mapping
            .and_then(|m| m.get(tag))
            .and_then(Value::as_str)
            .map(|t| {
                if t.contains('/') || t.contains('#') {
                    t.to_string()
                } else {
                    format!("#/components/schemas/{t}")
                }
            });
        let found = match &target {
            Some(t) => refs.iter().position(|r| {
                r.is_some_and(|r| {
                    r == t
                        || r.ends_with(t.trim_start_matches('.'))
                        || t.ends_with(r.trim_start_matches('.'))
                })
            }),
            // The implicit name OpenAPI gives an unmapped branch, then the branch that alone
            // pins the value.
            None => refs
                .iter()
                .position(|r| r.is_some_and(|r| r.rsplit('/').next() == Some(tag)))
                .or_else(|| {
                    let pins = |t: &Tags| t.pinned.iter().any(|p| p == tag);
                    let mut pinning = declared.iter().enumerate().filter(|(_, t)| pins(t));
                    match (pinning.next(), pinning.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                }),
        };
        // A value some branch allows (a base schema's list of every tag), yet none names
        // alone: the closest branch says more than "expected one of" listing that value.
        if found.is_none() && declared.iter().any(|t| t.allowed.iter().any(|a| a == tag)) {
            return None;
        }
        match found {
            Some(i) if i < branches => Some(Ok(i)),
            _ => Some(Err((prop, json!(names), json!(tag), unknown(&names)))),
        }
    }

    /// The values a union branch gives the discriminating property, read through the branch's
    /// `$ref` and its `allOf` parts: pinned (a `const`, or an `enum` of one value: the
    /// branch's own tag) and allowed (any `enum`, such as a base schema's list of every tag).
    fn declared_tags(&self, base: &str, branch: &Value, prop: &str) -> Tags {
        let mut tags = Tags::default();
        let mut todo = vec![(base.to_string(), branch)];
        let mut seen = 0;
        while let Some((base, schema)) = todo.pop() {
            seen += 1;
            if seen > 32 {
                break;
            }
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                let Some(uri) = join_ref(&base, r) else {
                    continue;
                };
                let doc = uri.split_once('#').map_or(uri.as_str(), |(b, _)| b);
                if let Some(target) = self.schema_at(&uri) {
                    todo.push((doc.to_string(), target));
                }
            }
            if let Some(p) = schema.get("properties").and_then(|p| p.get(prop)) {
                let values: Vec<&str> = match (p.get("const"), p.get("enum")) {
                    (Some(c), _) => c.as_str().into_iter().collect(),
                    (None, Some(Value::Array(e))) => e.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                if let [one] = values[..] {
                    tags.pinned.push(one.to_string());
                }
                tags.allowed.extend(values.iter().map(|v| v.to_string()));
            }
            for part in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                todo.push((base.clone(), part));
            }
        }
        tags
    }
}

/// What a union branch declares for the discriminating property (see `declared_tags`).
#[derive(Default)]
struct Tags {
    pinned: Vec<String>,
    allowed: Vec<String>,
}

/// A `$ref` read from the document at `base`, as the absolute URI `schema_at` looks up.
fn join_ref(base: &str, reference: &str) -> Option<String> {
    if reference.starts_with('#') {
        return Some(format!("{base}{reference}"));
    }
    let joined = url::Url::parse(base).ok()?.join(reference).ok()?;
    let mut uri = joined.to_string();
    if !uri.contains('#') {
        uri.push('#');
    }
    Some(uri)
}

fn bound(rel: &str, limit: &Value, shown: &str) -> (Value, String) {
    (
        json!(format!("{rel} {limit}")),
        format!("expected a number {rel} {limit}, got {shown}"),
    )
}

fn length(rel: &str, limit: u64, instance: &Value, shown: &str) -> (Value, String) {
    let len = instance.as_str().map(|s| s.chars().count()).unwrap_or(0);
    (
        json!(format!("{rel} {limit} characters")),
        format!("expected {rel} {limit} characters, got {len}: {shown}"),
    )
}

fn items(rel: &str, limit: u64, instance: &Value) -> (Value, String) {
    let len = instance.as_array().map(Vec::len).unwrap_or(0);
    (
        json!(format!("{rel} {limit} items")),
        format!("expected {rel} {limit} items, got {len}"),
    )
}

/// Type names as a reader expects them: `null` last ("string or null").
fn type_list(kind: &TypeKind) -> Vec<String> {
    let mut names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    };
    names.sort_by_key(|n| n == "null");
    names
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    use serde_json::{json, Value};

    use super::{Place, Schemas};
    use crate::contract::{Direction, FindingKind};
    use crate::spec::{DocId, LoadOptions, Loc, Spec};

    fn schemas() -> Schemas {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/o": {"get": {"operationId": "get", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}}}},
                "/p": {"get": {"operationId": "other", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unrelated"}}}}}}}},
            "components": {"schemas": {
                "Order": {"type": "object", "required": ["id", "method", "secret"],
                    "properties": {"id": {"type": "integer", "format": "int32"}, "secret": {"type": "string", "writeOnly": true},
                        "note": {"type": "string", "nullable": true},
                        "method": {"oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}],
                            "discriminator": {"propertyName": "kind"}}}},
                "Card": {"type": "object", "required": ["kind", "last4"], "properties": {"kind": {"enum": ["card"]}, "last4": {"type": "string"}}},
                "Bank": {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["bank"]}}},
                "Unrelated": {"type": "string"}}}});
        let bytes = serde_json::to_vec(&doc).expect("json");
        let spec = Spec::from_bytes(&bytes, Some("t.json"), &LoadOptions::default()).expect("spec");
        Schemas::new(Arc::new(spec))
    }

    fn findings(s: &Schemas, body: &Value) -> Vec<String> {
        let loc = Loc {
            doc: DocId::ROOT,
            pointer: "/components/schemas/Order".into(),
        };
        let place = Place {
            kind: FindingKind::Body,
            name: None,
        };
        let found = s
            .check(Direction::Response, &loc, body, place)
            .expect("compiles");
        found
            .iter()
            .map(|f| format!("{} | {} | {}", f.location, f.schema_path, f.message))
            .collect()
    }

    /// While `prepare` registers a direction elsewhere, a schema compiles against only what
    /// it reaches: the same verdicts and the same findings, schema paths included, as against
    /// the whole document; and a valid value never waits for the whole document.
    #[test]
    fn a_partial_translation_judges_as_the_whole_one() {
        let bodies = [
            json!({"id": 1, "note": null, "method": {"kind": "card", "last4": "1234"}}),
            json!({"id": 4294967296_u64, "note": 3, "method": {"kind": "card", "last4": 1}}),
            json!({"id": "x", "method": {"kind": "cash"}}),
        ];
        let whole = schemas();
        let partial = schemas();
        partial.preparing[Direction::Response as usize].store(true, Ordering::SeqCst);
        assert!(findings(&partial, &bodies[0]).is_empty());
        assert!(
            partial.response.get().is_none(),
            "a valid body waited for the whole document"
        );
        for body in &bodies {
            assert_eq!(findings(&partial, body), findings(&whole, body), "{body}");
        }
        assert!(!findings(&whole, &bodies[2]).is_empty());
        let only = super::reachable(
            partial
                .spec()
                .documents()
                .get(&Loc {
                    doc: DocId::ROOT,
                    pointer: String::new(),
                })
                .expect("root"),
            "/components/schemas/Order",
        )
        .expect("entries");
        let mut names: Vec<&str> = only.iter().map(|(_, n)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Bank", "Card", "Order"]);
    }
}
