#!/usr/bin/env bash
# vouch load vs Locust vs oha on the same loopback service (examples/bench_server: GET
# /things, a 1.2 KB JSON array), one run, one machine.
#
#     bench/load-compare.sh [SECONDS]
#
# - vouch load: open model at rising rates, every response checked against the contract; the
#   highest rate held (achieved within 2% of the asked rate) with p99 under 50 ms.
# - Locust (pinned in bench/locust/requirements.txt, FastHttpUser, one worker process per
#   core, a JSON Schema check in its task): rising users; the highest rate with p99 < 50 ms.
# - oha (cargo install, pinned below): the raw rate, no checks, 50 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
OHA_VERSION=1.16.0

cargo build --release --quiet --example bench_server --bin vouch
if [[ ! -x bench/locust/.venv/bin/locust ]]; then
  python3 -m venv bench/locust/.venv
  bench/locust/.venv/bin/pip install --quiet -r bench/locust/requirements.txt
fi
oha=${OHA:-$(command -v oha || true)}
if [[ -z "$oha" ]]; then
  cargo install --quiet --locked oha --version "$OHA_VERSION" --root bench/oha >/dev/null
  oha=bench/oha/bin/oha
fi
source bench/lib.sh
start_bench_server
things_collection

best_vouch=0
for rate in 1000 2000 3000 4000 5000 6000 7000 8000 10000 12000; do
  ./target/release/vouch load "$work/c" --rate "$rate" --duration "${secs}s" --data-dir "$work/data" \
    --report "json:$work/v-$rate.json" >/dev/null 2>&1 || true
  read -r got p99 findings < <(python3 -c "
import json,sys; s=json.load(open(sys.argv[1]))['summary']
print(s['rate'], s['latency_ms']['p99'], s['findings'])" "$work/v-$rate.json")
  echo "vouch load --rate $rate: held $got/s, p99 $p99 ms, findings $findings"
  if python3 -c "import sys; r,g,p=map(float,sys.argv[1:]); sys.exit(0 if g>=0.98*r and p<50 else 1)" "$rate" "$got" "$p99"; then
    best_vouch=$rate
  else
    break
  fi
done

best_locust=0
for users in 10 25 50 100 200; do
  BENCH_BASE=$base bench/locust/.venv/bin/locust -f bench/locust/locustfile.py --headless \
    -u "$users" -r "$users" --run-time "${secs}s" --processes "$(nproc)" --only-summary \
    --csv "$work/l-$users" >/dev/null 2>&1 || true
  read -r got p99 fails < <(python3 -c "
import csv,sys
for row in csv.DictReader(open(sys.argv[1])):
    if row['Name'] == 'Aggregated': print(row['Requests/s'], row['99%'], row['Failure Count'])" "$work/l-${users}_stats.csv")
  echo "locust -u $users: $got/s, p99 $p99 ms, failures $fails"
  if python3 -c "import sys; sys.exit(0 if float(sys.argv[1])<50 else 1)" "$p99"; then
    best_locust=$(python3 -c "import sys; print(max(float(sys.argv[1]), float(sys.argv[2])))" "$best_locust" "$got")
  else
    break
  fi
done

"$oha" -z "${secs}s" -c 50 --no-tui --output-format json "$base/things" >"$work/oha.json" 2>/dev/null
oha_rate=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['requestsPerSec'])" "$work/oha.json")
echo "oha (no checks, 50 connections): $oha_rate/s"
python3 -c "
import sys; v,l,o=map(float,sys.argv[1:])
print(f'vouch load held {v:.0f}/s checked, p99 < 50 ms: {v/l if l else float(\"inf\"):.1f}x Locust ({l:.0f}/s), {v/o:.2f}x oha raw ({o:.0f}/s)')" \
  "$best_vouch" "$best_locust" "$oha_rate"
