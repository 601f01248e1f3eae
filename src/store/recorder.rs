//! Group commit of a run's steps.
//!
//! One commit per step capped `vouch run` at a third of what the runner does, so steps are
//! committed in batches by a writer thread with its own connection: a batch is committed when
//! it holds [`Batching::steps`] steps or its first step has waited [`Batching::wait`],
//! whichever comes first, and at the end. Steps finish out of order when a run is
//! concurrent; only the contiguous prefix (seq 0, 1, 2, …) is written, so a run killed at any
//! moment keeps a gap-free run of steps, and every step counted by [`Recorder::recorded`] is
//! in the file.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::runs::insert_step;
use super::{Result, StepRecord, Store};

/// When a batch is committed.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Commit once this many steps wait.
    pub steps: usize,
    /// Commit once the oldest waiting step has waited this long.
    pub wait: Duration,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            steps: 256,
            wait: Duration::from_millis(50),
        }
    }
}

/// Records a run's steps in batched transactions on a thread of its own.
#[derive(Debug)]
pub struct Recorder {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<Result<()>>>,
    recorded: Arc<AtomicUsize>,
    batch_steps: usize,
}

/// Steps handed over and not yet taken by the writer. The writer is woken once per batch
/// (its first step, or the batch full), not once per step: a wake-up per step cost as much as
/// the commit it saved.
#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

#[derive(Debug, Default)]
struct Queue {
    steps: Vec<Arc<StepRecord>>,
    /// When the oldest waiting step came.
    since: Option<Instant>,
    closed: bool,
}

impl Store {
    /// A recorder of `run_id`'s steps, writing through a connection of its own to this store.
    pub fn recorder(&self, run_id: i64, batching: Batching) -> Result<Recorder> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let shared = Arc::new(Shared::default());
        let recorded = Arc::new(AtomicUsize::new(0));
        let (queue, counter) = (shared.clone(), recorded.clone());
        let writer = std::thread::Builder::new()
            .name("vouch-recorder".into())
            .spawn(move || write(conn, run_id, batching, &queue, &counter))
            .map_err(|e| super::StoreError::Open {
                path: self.path.display().to_string(),
                detail: format!("no thread to record the run: {e}"),
            })?;
        Ok(Recorder {
            shared,
            writer: Some(writer),
            recorded,
            batch_steps: batching.steps,
        })
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Queue> {
    shared.queue.lock().unwrap_or_else(|e| e.into_inner())
}

impl Recorder {
    /// Hands a finished step to the writer (it is recorded once its batch commits). A run
    /// that keeps its steps for its report shares them with the writer instead of copying.
    pub fn push(&self, step: impl Into<Arc<StepRecord>>) {
        let step = step.into();
        let mut q = lock(&self.shared);
        let first = q.steps.is_empty();
        if first {
            q.since = Some(Instant::now());
        }
        q.steps.push(step);
        if first || q.steps.len() == self.batch_steps {
            self.shared.ready.notify_one();
        }
    }

    /// How many steps are committed so far (always a gap-free prefix of the run).
    pub fn recorded(&self) -> usize {
        self.recorded.load(Ordering::Acquire)
    }

    /// Commits what is left and waits for the writer; the first error it met, if any.
    pub fn finish(mut self) -> Result<usize> {
        self.close();
        if let Some(w) = self.writer.take() {
            w.join().unwrap_or_else(|_| {
                Err(super::StoreError::Corrupt {
                    what: "run steps",
                    detail: "the recorder thread panicked".into(),
                })
            })?;
        }
        Ok(self.recorded())
    }

    fn close(&self) {
        lock(&self.shared).closed = true;
        self.shared.ready.notify_one();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.close();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

/// Waits for a batch: the queue full, its oldest step due, or the run over.
fn next_batch(shared: &Shared, batching: Batching) -> (Vec<Arc<StepRecord>>, bool) {
    let mut q = lock(shared);
    loop {
        if q.closed || q.steps.len() >= batching.steps {
            break;
        }
        match q.since {
            None => q = shared.ready.wait(q).unwrap_or_else(|e| e.into_inner()),
            Some(t) => {
                let left = (t + batching.wait).saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                q = shared
                    .ready
                    .wait_timeout(q, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
    }
    q.since = None;
    (std::mem::take(&mut q.steps), q.closed)
}

/// The writer thread: steps in, batches out.
fn write(
    mut conn: Connection,
    run_id: i64,
    batching: Batching,
    shared: &Shared,
    recorded: &AtomicUsize,
) -> Result<()> {
    // Finished steps not yet in order (a later seq came first), and the next seq to write.
    let mut early: BTreeMap<i64, Arc<StepRecord>> = BTreeMap::new();
    let mut next = 0i64;
    let mut first_error = None;
    loop {
        let (steps, done) = next_batch(shared, batching);
        let mut batch = Vec::with_capacity(steps.len());
        for step in steps {
            early.insert(step.seq, step);
        }
        while let Some(s) = early.remove(&next) {
            batch.push(s);
            next += 1;
        }
        if done {
            // The run is over: steps that never came (none, normally) leave a gap the rest
            // is written after.
            batch.extend(std::mem::take(&mut early).into_values());
        }
        // After a failed batch nothing more is written: a later one would leave a gap.
        if !batch.is_empty() && first_error.is_none() {
            match commit(&mut conn, run_id, &batch) {
                Ok(()) => {
                    recorded.fetch_add(batch.len(), Ordering::AcqRel);
                }
                Err(e) => first_error = Some(e),
            }
        }
        if done {
            return first_error.map_or(Ok(()), Err);
        }
    }
}

fn commit(conn: &mut Connection, run_id: i64, batch: &[Arc<StepRecord>]) -> Result<()> {
    let tx = conn.transaction()?;
    for s in batch {
        insert_step(&tx, run_id, s)?;
    }
    tx.commit()?;
    Ok(())
}
