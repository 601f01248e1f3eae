#!/usr/bin/env bash
# Body check at parse speed: Vouch's response check of the 1 MB Stripe body (lean parse +
# validation, examples/body_check.rs) against a bare `serde_json::from_slice::<Value>` of the
# same bytes with serde_json's default features (bench/bare-parse, its own workspace, because
# the engine's `preserve_order` is crate-wide). Target: check <= 1.5x the bare parse.
#
# Two figures, both within one run: instructions per iteration under callgrind (repeatable on
# a busy machine: a run of 10 minus a run of 0), and the median wall time of alternating runs.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cargo build --release --quiet --example body_check
CARGO_TARGET_DIR=target/bare-parse cargo build --release --quiet --locked \
  --manifest-path bench/bare-parse/Cargo.toml
check=./target/release/examples/body_check
bare=./target/bare-parse/release/bare-parse
body=bench/out/stripe-1mb.json
$check --write $body 1 >/dev/null

if command -v valgrind >/dev/null; then
  count() { # out-file command...
    local out=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" 2>&1 >/dev/null |
      awk '/Collected :/ {print $4}'
  }
  c0=$(count bench/out/cg.check.0 $check 0)
  c10=$(count bench/out/cg.check.10 $check 10)
  b0=$(count bench/out/cg.bare.0 $bare $body 0)
  b10=$(count bench/out/cg.bare.10 $bare $body 10)
  python3 - "$c0" "$c10" "$b0" "$b10" <<'PY'
import sys
c0, c10, b0, b10 = map(int, sys.argv[1:])
check, bare = (c10 - c0) / 10, (b10 - b0) / 10
print(f"instructions per 1 MB body: check {check/1e6:.1f} M, bare parse {bare/1e6:.1f} M: {check/bare:.2f}x (target <= 1.5x)")
PY
fi

checks=() bares=()
for _ in 1 2 3; do
  checks+=("$($check 50)")
  bares+=("$($bare $body 50)")
done
python3 - "${checks[*]}" "${bares[*]}" <<'PY'
import statistics, sys
check = statistics.median(map(int, sys.argv[1].split()))
bare = statistics.median(map(int, sys.argv[2].split()))
print(f"wall time per 1 MB body: check {check/1e6:.2f} ms, bare parse {bare/1e6:.2f} ms: {check/bare:.2f}x (target <= 1.5x)")
PY
