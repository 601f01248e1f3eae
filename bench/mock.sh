#!/usr/bin/env bash
# vouch mock: time from start to the first answered request, against a bare default-features
# serde_json parse of the same spec (bench/bare-parse), and the mock's peak RSS. One run each.
#
#     bench/mock.sh [SPEC...]     (default: GitHub's 13 MB spec and Stripe's from the corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${VOUCH_CORPUS:-../shared/corpus}
specs=("$@")
((${#specs[@]})) || specs=("$corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json"
  "$corpus/specs/stripe/spec3.2022-04-12.json")
cargo build --release --quiet --bin vouch
CARGO_TARGET_DIR=target/bare-parse cargo build --release --quiet --locked \
  --manifest-path bench/bare-parse/Cargo.toml
for spec in "${specs[@]}"; do
  out=$(mktemp)
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out.rss" ./target/release/vouch mock "$spec" --port 0 >"$out" 2>&1 &
  pid=$!
  until grep -q "on http://" "$out"; do sleep 0.005; done
  base=$(sed -n 's/.* on \(http:.*\)/\1/p' "$out" | head -1)
  # One request (GitHub answers GET /; any path is answered, a 404 too).
  curl -s -o /dev/null "$base${FIRST_PATH:-/}" || true
  ready=$(python3 -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.3f}')" "$start")
  pkill -INT -P $pid vouch 2>/dev/null || kill -INT $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  bare=$( { /usr/bin/time -f "%e" ./target/bare-parse/release/bare-parse "$spec" 1 >/dev/null; } 2>&1 | tail -1)
  size=$(stat -c %s "$spec")
  echo "$(basename "$spec"): first answer after ${ready} s; bare parse ${bare} s; mock peak RSS $(( $(cat "$out.rss" 2>/dev/null || echo 0) / 1024 )) MB (spec $((size / 1048576)) MB)"
  rm -f "$out" "$out.rss"
done
