#!/usr/bin/env bash
# Contract-check speed: the figures the calls-and-contract-checks issue asks for, as ratios
# within one run (the machine is noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench contract_check -- --noplot 2>&1 | grep -E '^(stripe|body)|time:' || true
python3 - <<'PY'
import json
est = lambda g, f: json.load(open(f"target/criterion/{g}/{f}/new/estimates.json"))["median"]["point_estimate"]
rt, chk = est("stripe_1mb", "loopback_round_trip"), est("stripe_1mb", "check_body")
parse, val = est("stripe_1mb", "parse_only"), est("stripe_1mb", "validate_only")
first, second = est("stripe_cache", "first_check"), est("stripe_cache", "second_check")
print(f"1 MB body: loopback round trip {rt/1e6:.2f} ms; check {chk/1e6:.2f} ms = {chk/rt*100:.0f}% of it "
      f"(parse {parse/1e6:.2f} ms, validate {val/1e6:.2f} ms)")
print(f"cache: first check {first/1e6:.2f} ms, second {second/1e3:.1f} us: {first/second:.0f}x cheaper")
PY
