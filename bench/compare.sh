#!/usr/bin/env bash
# Vouch vs newman vs Hurl on the same checked calls, one run, loopback.
#
#     bench/compare.sh [CALLS] [NEWMAN_CALLS]
#
# The service is examples/bench_server.rs (GET /things: a 1 KB JSON array; its contract at
# /openapi.json). Every tool makes CALLS GETs of /things at concurrency 1 and 10 (newman runs
# one at a time only, and fewer calls: it is slow) and checks each response as far as the
# tool can:
#   vouch run  - a collection folder with one request and a suite of CALLS steps: contract
#                check (status, content type, body against the schema) + status assertion,
#                every step recorded in the store; the real CLI path.
#   newman     - status test + pm.response.to.have.jsonSchema(the same schema).
#   hurl       - HTTP 200 + JSONPath asserts (Hurl has no JSON Schema check); only when a
#                `hurl` binary is on PATH or at $HURL (cargo install hurl --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-10000}
newman_calls=${2:-1000}

cargo build --release --quiet --example bench_server --bin vouch
if [[ ! -x bench/newman/node_modules/.bin/newman ]]; then
  (cd bench/newman && npm ci --no-audit --no-fund --loglevel=error)
fi
source bench/lib.sh
start_bench_server

rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); python3 -c "print($t1 - $t0)"; }

# Vouch: one request, a suite of $calls steps naming it.
things_collection "$calls"

# newman: the same request, status + JSON Schema tests.
python3 - "$base" >"$work/newman.json" <<'EOF'
import json, sys, urllib.request
base = sys.argv[1]
spec = json.load(urllib.request.urlopen(base + "/openapi.json"))
schema = spec["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
schema["items"] = spec["components"]["schemas"]["Thing"]
tests = [
    "pm.test('status', () => pm.response.to.have.status(200));",
    "pm.test('schema', () => pm.response.to.have.jsonSchema(%s));" % json.dumps(schema),
]
print(json.dumps({
    "info": {"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "item": [{"name": "things", "request": {"method": "GET", "url": base + "/things"},
              "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]}],
}))
EOF

cat >"$work/things.hurl" <<EOF
GET $base/things
HTTP 200
[Asserts]
header "Content-Type" == "application/json"
jsonpath "\$" count == 10
jsonpath "\$[*].id" count == 10
jsonpath "\$[0].price" > 0
EOF
hurl=${HURL:-$(command -v hurl || true)}

echo "calls: $calls (newman: $newman_calls), body $(curl -s "$base/things" | wc -c) bytes"
for c in 1 10; do
  t=$(timed ./target/release/vouch run "$work/c/suites/many.yaml" --concurrency "$c" --data-dir "$work/data-$c" --report "json:$work/vouch-$c.json")
  python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; assert s['passed'] == s['total'] == $calls, s" "$work/vouch-$c.json"
  vouch_rps=$(rate "$calls" "$t")
  line="concurrency $c: vouch run $vouch_rps req/s"
  if [[ -n "$hurl" ]]; then
    t=$(timed "$hurl" --test --jobs "$c" --repeat "$calls" "$work/things.hurl")
    hurl_rps=$(rate "$calls" "$t")
    line="$line, hurl $hurl_rps req/s (vouch = $(python3 -c "print(f'{$vouch_rps / $hurl_rps:.1f}')")x hurl)"
  fi
  if [[ $c == 1 ]]; then
    t=$(timed bench/newman/node_modules/.bin/newman run "$work/newman.json" -n "$newman_calls" --reporters json --reporter-json-export "$work/newman-report.json")
    newman_rps=$(rate "$newman_calls" "$t")
    line="$line, newman $newman_rps req/s (vouch = $(python3 -c "print(f'{$vouch_rps / $newman_rps:.0f}')")x newman)"
  fi
  echo "$line"
done
# Every tool really checked: the reports say so.
python3 - "$work/newman-report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["run"]["stats"]["assertions"]
print(f"newman assertions: {r['total']} total, {r['failed']} failed")
EOF
echo "vouch runs recorded: $(ls "$work"/data-*/vouch.db | wc -l)"
