//! Media types as the contract compares them: parameters ignored, case folded, wildcards and
//! structured-syntax suffixes (`+json`) understood.

/// The `type/subtype` part of a media type, lower-cased, without parameters.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a body of media type `actual` is what `declared` (maybe `text/*` or `*/*`) allows.
pub fn matches(declared: &str, actual: &str) -> bool {
    let (d, a) = (essence(declared), essence(actual));
    if d == a || d == "*/*" || d == "*" {
        return true;
    }
    match (d.split_once('/'), a.split_once('/')) {
        (Some((dt, "*")), Some((at, _))) => dt == at,
        _ => false,
    }
}

/// How specific a declared media type is, so `application/json` wins over `application/*`
/// and `*/*` when several declarations match.
fn specificity(declared: &str) -> u8 {
    let d = essence(declared);
    if d == "*/*" || d == "*" {
        0
    } else if d.ends_with("/*") {
        1
    } else {
        2
    }
}

/// The declared media type that best matches `actual`, if any does.
pub fn best_match<'a, I>(declared: I, actual: &str) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    declared
        .into_iter()
        .filter(|d| matches(d, actual))
        .max_by_key(|d| specificity(d))
}

/// Whether bodies of this media type are JSON (`application/json`, `*/*+json`, `text/json`).
pub fn is_json(media_type: &str) -> bool {
    let e = essence(media_type);
    e == "application/json" || e == "text/json" || e.ends_with("+json") || e.ends_with("/json")
}

/// The media type a request body is written in when the operation accepts several: JSON when
/// it accepts JSON, else the first declared (what the smoke suite and the app's form use).
pub fn preferred(content: &[crate::spec::MediaType]) -> Option<&crate::spec::MediaType> {
    content
        .iter()
        .find(|m| is_json(&m.media_type))
        .or_else(|| content.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(matches(
            "application/json",
            "application/json; charset=utf-8"
        ));
        assert!(matches("Application/JSON", "application/json"));
        assert!(matches("application/*", "application/problem+json"));
        assert!(matches("*/*", "text/plain"));
        assert!(!matches("application/json", "text/plain"));
        assert!(!matches("application/json", "application/problem+json"));
        assert_eq!(
            best_match(
                ["*/*", "application/json", "application/*"],
                "application/json"
            ),
            Some("application/json")
        );
        assert!(is_json("application/vnd.github+json"));
        assert!(!is_json("text/plain"));
    }
}
