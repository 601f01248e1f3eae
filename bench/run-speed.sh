#!/usr/bin/env bash
# `vouch run` as a user runs it (whole process, every step checked and recorded in the store)
# vs bare reqwest + serde_json + jsonschema making the same checked calls
# (examples/bare_client.rs), paired runs by farm-bench, at concurrency 1 and 10.
#
#     bench/run-speed.sh [CALLS] [RUNS]
#
# The service is examples/bench_server.rs (GET /things: a 1.2 KB JSON array; its contract at
# /openapi.json). Quote the median ratio A/B: the target is >= 0.8x the bare client's rate,
# i.e. a time ratio <= 1.25.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-10000}
runs=${2:-5}

cargo build --release --quiet --example bench_server --example bare_client --bin vouch
source bench/lib.sh
start_bench_server
# One request with the contract check and a status assertion, a suite of $calls steps.
things_collection "$calls"

for c in 1 10; do
  # Once with a report: every step passed and was recorded.
  ./target/release/vouch run "$work/c/suites/many.yaml" --concurrency "$c" --data-dir "$work/check-$c" \
    --report "json:$work/check-$c.json" >/dev/null 2>&1
  python3 - "$work/check-$c.json" "$work/check-$c/vouch.db" "$calls" <<'PY'
import json, sqlite3, sys
s = json.load(open(sys.argv[1]))["summary"]
n = int(sys.argv[3])
assert s["passed"] == s["total"] == n, s
steps = sqlite3.connect(sys.argv[2]).execute("select count(*) from run_steps").fetchone()[0]
assert steps == n, f"{steps} steps recorded of {n}"
PY
  echo "concurrency $c: vouch run (A) vs bare reqwest + serde_json + jsonschema (B), $calls calls"
  farm-bench -n "$runs" --timeout 1200 \
    --vs "./target/release/examples/bare_client $base $calls $c" \
    -- ./target/release/vouch run "$work/c/suites/many.yaml" --concurrency "$c" --data-dir "$work/data-$c"
done
