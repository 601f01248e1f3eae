#!/usr/bin/env bash
# A long steady `vouch load` run: every response checked, at a fixed rate (default 4800/s,
# 80% of the highest rate bench/load-compare.sh found held with p99 < 50 ms on this machine)
# for 60 s. Reports the rate held overall and per second, p99, and the process's resident
# memory sampled every 5 s (it should stay flat: the tallies are histograms, not samples).
#
#     bench/load-steady.sh [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-4800}
secs=${2:-60}
cargo build --release --quiet --example bench_server --bin vouch
source bench/lib.sh
start_bench_server
things_collection
./target/release/vouch load "$work/c" --rate "$rate" --duration "${secs}s" --data-dir "$work/data" \
  --report "json:$work/steady.json" >"$work/out.txt" 2>&1 &
pid=$!
: >"$work/rss"
while kill -0 $pid 2>/dev/null; do
  awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null >>"$work/rss" || true
  sleep 5
done
wait $pid || true
python3 - "$work/steady.json" "$work/rss" "$rate" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s, asked = r["summary"], float(sys.argv[3])
rss = [int(x) / 1024 for x in open(sys.argv[2]).read().split()]
steady = [t["requests"] for t in r["series"]][1:-1]  # whole seconds only
print(f"asked {asked:.0f}/s for {s['duration_s']:.1f} s: held {s['rate']:.1f}/s overall "
      f"({s['rate'] / asked * 100:.1f}%), per second {min(steady)}..{max(steady)}; "
      f"p99 {s['latency_ms']['p99']:.2f} ms, max {s['latency_ms']['max']:.1f} ms; "
      f"errors {s['errors']}, findings {s['findings']}, requests {s['requests']}")
if rss:
    later = rss[len(rss) // 4:]
    print("resident MB every 5 s: " + " ".join(f"{m:.0f}" for m in rss))
    print(f"after the first quarter: {min(later):.0f}..{max(later):.0f} MB "
          f"({(max(later) - min(later)) / max(later) * 100:.1f}% spread)")
PY
