//! The app's Mock panel: a mock of the open spec, the same one `vouch mock` serves, on a free
//! port of the loopback interface, each request it serves handed to the caller (the window's
//! log). One at a time: starting again, or opening another spec, stops the one serving.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::{Result, Workbench, WorkbenchError};
use crate::mock::{Listening, Mock, MockOptions, Served, Values};

/// How long [`Workbench::stop_mock`] waits for the mock to let go of its port.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// How the Mock panel's mock answers (the options of `vouch mock`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MockSettings {
    /// Keep what POSTs create: GET, PUT, PATCH and DELETE on the item path read, replace,
    /// merge and delete it.
    pub stateful: bool,
    /// Check each request against the contract; a broken one gets the declared client error.
    pub validate: bool,
    /// A fresh value for every call (unless a seed is given).
    pub dynamic: bool,
    /// Varied values drawn from this seed: the same request gets the same answer, run after
    /// run. None (and not dynamic): the declared example, else the smallest valid value.
    pub seed: Option<u32>,
    /// Wait this many milliseconds before each answer.
    pub latency_ms: Option<u32>,
    /// Answer CORS preflights and let any origin read the answers (a web app in a browser).
    pub cors: bool,
}

impl MockSettings {
    /// The engine's options for these settings.
    fn options(&self) -> MockOptions {
        MockOptions {
            validate: self.validate,
            values: match (self.seed, self.dynamic) {
                (Some(n), _) => Values::Seeded(u64::from(n)),
                (None, true) => Values::Dynamic,
                (None, false) => Values::Static,
            },
            stateful: self.stateful,
            latency: self
                .latency_ms
                .filter(|ms| *ms > 0)
                .map(|ms| Duration::from_millis(u64::from(ms))),
            cors: self.cors,
            env: None,
        }
    }
}

/// A mock serving, as the panel shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MockView {
    /// Where to send requests: `http://127.0.0.1:PORT` and the path of the spec's first
    /// server (`/v2` for `https://api.example.com/v2`). The mock serves every route with and
    /// without that path.
    pub url: String,
    /// How many operations it serves.
    pub operations: u32,
}

/// The mock serving: dropping it stops it.
pub(super) struct Serving {
    stop: CancellationToken,
    /// The serving task (taken by `stop_mock` to wait for its end).
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl Workbench {
    /// Starts a mock of the open spec on a free port of 127.0.0.1 (stopping the one serving,
    /// if any), with `settings`; `log` sees every request it serves. It serves until
    /// [`Workbench::stop_mock`], another start, or another spec opened. Must be called on a
    /// tokio runtime: the mock is served by a task of it.
    pub async fn start_mock(
        &self,
        settings: &MockSettings,
        log: impl Fn(&Served) + Send + Sync + 'static,
    ) -> Result<MockView> {
        let open = self.current().map_err(|_| WorkbenchError::NothingToMock)?;
        self.stop_mock().await;
        let mock = Arc::new(Mock::new(open.contract.clone(), settings.options()));
        let listening = Listening::bind("127.0.0.1", 0)
            .await
            .map_err(|e| WorkbenchError::MockListen(e.to_string()))?;
        let spec = open.contract.spec();
        let view = MockView {
            url: format!(
                "http://{}{}",
                listening.addr,
                crate::request::base_path(spec, &crate::request::Environment::default())
            ),
            operations: u32::try_from(spec.operations().len()).unwrap_or(u32::MAX),
        };
        let stop = CancellationToken::new();
        let token = stop.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = crate::mock::serve(mock, listening, token, Arc::new(log)).await {
                tracing::warn!("mock: serving stopped: {e}");
            }
        });
        let serving = Serving {
            stop,
            task: Some(task),
        };
        // Another start may have slipped in meanwhile: the last one serves, the other stops.
        if let Ok(mut slot) = self.mock.lock() {
            *slot = Some(serving);
        }
        Ok(view)
    }

    /// Stops the mock serving, if any, and waits until its port is closed.
    pub async fn stop_mock(&self) {
        let serving = self.mock.lock().ok().and_then(|mut slot| slot.take());
        if let Some(mut s) = serving {
            s.stop.cancel();
            if let Some(task) = s.task.take() {
                let _ = tokio::time::timeout(STOP_WAIT, task).await;
            }
        }
    }

    /// Stops the mock serving, if any, without waiting (another spec was opened).
    pub(super) fn drop_mock(&self) {
        if let Ok(mut slot) = self.mock.lock() {
            slot.take();
        }
    }
}
