//! The fuzzer's checks: each named, each selectable with `--checks`, each turning one
//! response (or one sequence) into failures as data.

use serde::Serialize;

use super::cases::Intent;
use crate::call::Checked;
use crate::contract::FindingKind;
use crate::spec::{OperationDetail, StatusKey};
use crate::suite::{Assertion, Test};

/// A named check.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// A 5xx answer.
    ServerError,
    /// The engine's full contract check of the response: status, content type, headers,
    /// body.
    ResponseConformance,
    /// A request breaking the contract got a 2xx instead of a 4xx.
    NegativeDataRejected,
    /// A request honouring the contract got a 4xx (a declared 422 does not excuse it;
    /// 401/403/404/409 do where declared).
    PositiveDataAccepted,
    /// A method the path does not take got something other than 405 with `Allow`.
    #[serde(rename = "allow-on-405")]
    AllowOn405,
    /// A secured operation answered 2xx without credentials, or with invalid ones.
    AuthEnforced,
    /// A response slower than the limit.
    ResponseTime,
    /// A resource still readable after its DELETE succeeded.
    UseAfterDelete,
    /// A resource whose POST succeeded is not readable at its item path.
    CreatedReadable,
}

impl Check {
    /// Every check, in the order they are reported.
    pub const ALL: [Check; 9] = [
        Check::ServerError,
        Check::ResponseConformance,
        Check::NegativeDataRejected,
        Check::PositiveDataAccepted,
        Check::AllowOn405,
        Check::AuthEnforced,
        Check::ResponseTime,
        Check::UseAfterDelete,
        Check::CreatedReadable,
    ];

    /// Its name, as `--checks` takes it and reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Check::ServerError => "server-error",
            Check::ResponseConformance => "response-conformance",
            Check::NegativeDataRejected => "negative-data-rejected",
            Check::PositiveDataAccepted => "positive-data-accepted",
            Check::AllowOn405 => "allow-on-405",
            Check::AuthEnforced => "auth-enforced",
            Check::ResponseTime => "response-time",
            Check::UseAfterDelete => "use-after-delete",
            Check::CreatedReadable => "created-readable",
        }
    }

    /// The check named `name`.
    pub fn parse(name: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.name() == name.trim())
    }

    /// The assertion a saved request carries so the next `vouch run` fails while the bug
    /// is there (None: the run's own contract check is the assertion).
    pub fn assertion(self, limit_ms: f64) -> Option<Assertion> {
        let status = |re: &str| Assertion::Status {
            test: Test::Matches(re.into()),
        };
        Some(match self {
            Check::ServerError => status("^[1-4][0-9][0-9]$"),
            Check::ResponseConformance => return None,
            Check::NegativeDataRejected => status("^4[0-9][0-9]$"),
            Check::PositiveDataAccepted | Check::CreatedReadable => status("^[23][0-9][0-9]$"),
            Check::AllowOn405 => Assertion::Header {
                name: "allow".into(),
                test: Test::Exists(true),
            },
            Check::AuthEnforced => status("^40[13]$"),
            Check::ResponseTime => Assertion::Time { under_ms: limit_ms },
            Check::UseAfterDelete => status("^(404|410)$"),
        })
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One check failing on one response.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found {
    /// Which check.
    pub check: Check,
    /// Where: the finding's location, the broken constraint's, or none.
    pub location: Option<String>,
    /// What happened, in a sentence.
    pub message: String,
}

/// Whether the operation takes no credentials, or the environment has some for it.
pub(super) fn has_credentials(detail: &OperationDetail, env: &crate::request::Environment) -> bool {
    detail.security.is_empty()
        || detail
            .security
            .iter()
            .any(|alt| alt.iter().all(|(scheme, _)| env.auth.contains_key(scheme)))
}

/// Whether `status` is declared by exactly that code or its range.
fn declared(detail: &OperationDetail, status: u16) -> bool {
    detail.responses.iter().any(|r| match r.status {
        StatusKey::Exact(s) => s == status,
        StatusKey::Range(h) => status / 100 == h,
        StatusKey::Default => false,
    })
}

/// What one response of a generated request fails. `intent`: what the request was meant
/// to be; the engine's request check confirms it (a "negative" request the check finds
/// nothing wrong with is judged as neither). `credentials`: the environment has some for
/// the operation.
// Kept whole: each check reads the one response in turn, in the order failures are reported.
pub(super) fn evaluate(
    detail: &OperationDetail,
    intent: &Intent,
    checked: &Checked,
    credentials: bool,
    limit_ms: f64,
) -> Vec<Found> {
    let Some(ex) = &checked.exchange else {
        return Vec::new();
    };
    let status = ex.status;
    let mut out = Vec::new();
    if status >= 500 {
        out.push(Found {
            check: Check::ServerError,
            location: None,
            message: format!("the service answered {status}: {}", first_line(&ex.body)),
        });
    }
    for f in checked.findings.iter().filter(|f| f.fails()) {
        if f.kind == FindingKind::Request {
            continue;
        }
        out.push(Found {
            check: Check::ResponseConformance,
            location: Some(match f.location.as_str() {
                "" => f.kind.as_str().to_string(),
                l if f.kind == FindingKind::Body => l.to_string(),
                l => format!("{}: {l}", f.kind.as_str()),
            }),
            message: f.message.clone(),
        });
    }
    let request_broken = checked
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Request);
    match intent {
        Intent::Negative { location, what } if request_broken && (200..300).contains(&status) => {
            out.push(Found {
                check: Check::NegativeDataRejected,
                location: Some(location.clone()),
                message: format!(
                    "a request breaking the contract ({what} at {location}) was accepted with {status}"
                ),
            });
        }
        Intent::Positive if !request_broken && (400..500).contains(&status) => {
            let excused = [401, 403, 404, 409].contains(&status) && declared(detail, status)
                || [401, 403].contains(&status) && !credentials;
            if !excused {
                out.push(Found {
                    check: Check::PositiveDataAccepted,
                    location: None,
                    message: format!(
                        "a request honouring the contract was rejected with {status}: {}",
                        first_line(&ex.body)
                    ),
                });
            }
        }
        _ => {}
    }
    if (200..300).contains(&status) && !credentials {
        out.push(Found {
            check: Check::AuthEnforced,
            location: Some("no credentials".into()),
            message: format!(
                "a secured operation answered {status} to a request without credentials"
            ),
        });
    }
    if ex.elapsed_ms > limit_ms {
        out.push(Found {
            check: Check::ResponseTime,
            location: None,
            message: format!(
                "answered in {:.0} ms, over the {limit_ms:.0} ms limit",
                ex.elapsed_ms
            ),
        });
    }
    out
}

/// The first line of a body, cut short: what a failure message quotes.
pub(super) fn first_line(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 120 {
        format!("{}…", line.chars().take(120).collect::<String>())
    } else {
        line.to_string()
    }
}
