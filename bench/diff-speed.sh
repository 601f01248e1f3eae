#!/usr/bin/env bash
# `vouch diff` speed: the figure the diff issue asks for, diff of two GitHub spec versions
# <= 3x loading both. Ratios are within one run (the machine is noisy); instruction counts
# (valgrind, when installed) are repeatable.
#
# Pairs: APIs.guru's GitHub 1.1.4 (5.7 MB) -> Octokit's 23.0.2 (13 MB); and 23.0.2 -> a copy
# with ~500 deterministic edits written here to bench/out/ (properties removed, added and
# made required in shared schemas, enum values added and removed, integer -> string,
# operations removed and deprecated, required query parameters and response headers added),
# so both sides are 13 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
corpus=${VOUCH_CORPUS:-../shared/corpus}
g1="$corpus/specs/apis-guru/github.com/api.github.com.json"
g2="$corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json"
g3=bench/out/octokit-23.0.2-edited.json

if [[ ! -f $g3 || $g3 -ot $0 ]]; then
  python3 - "$g2" "$g3" <<'PY'
import json, sys
src, dst = sys.argv[1:3]
d = json.load(open(src, encoding="utf-8"))
schemas = d["components"]["schemas"]
count = {}
def did(kind):
    count[kind] = count.get(kind, 0) + 1
with_props = [n for n in sorted(schemas) if isinstance(schemas[n].get("properties"), dict) and schemas[n]["properties"]]
for i, n in enumerate(with_props):
    s = schemas[n]
    props, req = s["properties"], s.setdefault("required", [])
    if i % 12 == 0 and len(props) > 1:
        gone = list(props)[-1]
        del props[gone]
        if gone in req:
            req.remove(gone)
        did("property removed")
    if i % 12 == 6:
        props["bench_added"] = {"type": "string", "description": "added by the bench"}
        did("optional property added")
    if i % 24 == 3:
        props["bench_required"] = {"type": "integer"}
        req.append("bench_required")
        did("required property added")
    if i % 20 == 10:
        optional = [p for p in props if p not in req]
        if optional:
            req.append(optional[0])
            did("property became required")
    if i % 40 == 20:
        ints = [p for p, v in props.items() if isinstance(v, dict) and v.get("type") == "integer"]
        if ints:
            props[ints[0]] = dict(props[ints[0]], type="string")
            did("integer property became string")
    if not req:
        del s["required"]
enums = [(n, p) for n in with_props for p, v in schemas[n]["properties"].items()
         if isinstance(v, dict) and isinstance(v.get("enum"), list) and v.get("type") == "string"]
for i, (n, p) in enumerate(enums):
    e = schemas[n]["properties"][p]["enum"]
    if i % 3 == 0:
        e.append("bench-new-value")
        did("enum value added")
    elif i % 5 == 1 and len(e) > 2:
        e.pop()
        did("enum value removed")
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ops = [(p, m) for p in sorted(d["paths"]) for m in sorted(d["paths"][p]) if m in methods]
for i, (p, m) in enumerate(ops):
    if i % 50 == 25:
        del d["paths"][p][m]
        did("operation removed")
        continue
    op = d["paths"][p][m]
    if i % 60 == 30:
        op.setdefault("parameters", []).append(
            {"name": "bench_flag", "in": "query", "required": True, "schema": {"type": "boolean"}})
        did("required query parameter added")
    if i % 70 == 35:
        op["deprecated"] = True
        did("operation deprecated")
    if i % 45 == 40 and "200" in op.get("responses", {}) and "$ref" not in op["responses"]["200"]:
        op["responses"]["200"].setdefault("headers", {})["X-Bench"] = {"schema": {"type": "string"}}
        did("response header added")
d["info"]["version"] += "-bench-edited"
with open(dst, "w", encoding="utf-8") as f:
    f.write(json.dumps(d, indent=2, ensure_ascii=False))
print(f"{dst}: {sum(count.values())} edits: " + ", ".join(f"{k} {v}" for k, v in count.items()))
PY
fi

# In-process (criterion): loading both specs vs loading both and diffing (with the JSON).
cargo bench --bench diff_speed -- --noplot 2>&1 | grep -E '^github|time:' || true
echo
python3 - <<'PY'
import json
est = lambda g, f: json.load(open(f"target/criterion/{g}/{f}/new/estimates.json"))["median"]["point_estimate"]
for g in ["github-versions", "github-13mb-edited"]:
    try:
        load, diff, whole = est(g, "load_both"), est(g, "diff"), est(g, "load_and_diff")
    except FileNotFoundError:
        continue
    print(f"{g}: load both {load/1e6:.0f} ms, diff {diff/1e6:.0f} ms, load + diff {whole/1e6:.0f} ms; "
          f"diff / load both {diff/load:.2f}x, (load + diff) / load both {whole/load:.2f}x (target <= 3)")
PY

# Whole process: `vouch diff --format json` vs `vouch inspect` of each side (inspect loads
# and runs every problem check, so it is more than loading).
cargo build --release --quiet --bin vouch
v=./target/release/vouch
secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
for pair in "$g1 $g2" "$g2 $g3"; do
  set -- $pair
  echo "$(basename "$1") -> $(basename "$2"), whole process, 3 runs (seconds):"
  for _ in 1 2 3; do
    d=$(secs "$v" diff "$1" "$2" --format json --fail-on none)
    a=$(secs "$v" inspect --format json "$1")
    b=$(secs "$v" inspect --format json "$2")
    python3 -c "print(f'  diff {$d:.2f}, inspect both {$a:.2f} + {$b:.2f}: ratio {$d / ($a + $b):.2f}')"
  done
done

# Stripe 2022-04 -> 2023-09, the corpus' worst case (schemas that expand into each other),
# for information: whole process, at most 60 s and 8 GB of address space.
s1="$corpus/specs/stripe/spec3.2022-04-12.json"
s2="$corpus/specs/stripe/spec3.2023-09-12.yaml"
echo "stripe 2022-04-12 -> 2023-09-12, whole process (at most 60 s, 8 GB):"
if out=$( (ulimit -v 8000000; timeout 60 /usr/bin/time -f '%e %M' "$v" diff "$s1" "$s2" --format json \
  --fail-on none 2>&1 >bench/out/stripe-diff.json) ); then
  read -r wall kb <<<"$(tail -1 <<<"$out")"
  a=$(secs "$v" inspect --format json "$s1")
  b=$(secs "$v" inspect --format json "$s2")
  changes=$(python3 -c 'import json; print(len(json.load(open("bench/out/stripe-diff.json"))["changes"]))')
  python3 -c "print(f'  diff {$wall:.2f} s, peak {$kb // 1024} MB, {$changes} changes; inspect both {$a:.2f} + {$b:.2f}: ratio {$wall / ($a + $b):.1f}')"
else
  echo "  did not finish (exit $?): $(tail -1 <<<"$out")"
fi
rm -f bench/out/stripe-diff.json

# Instructions (repeatable): one callgrind run of `vouch diff` per pair; the share of
# vouch::diff::diff, of Spec::load and of writing the JSON, inclusive.
if command -v valgrind >/dev/null; then
  for pair in "$g1 $g2" "$g2 $g3"; do
    set -- $pair
    out=bench/out/callgrind.diff.$(basename "$2" .json)
    valgrind --tool=callgrind --callgrind-out-file="$out" -q \
      "$v" diff "$1" "$2" --format json --fail-on none >/dev/null
    callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null | python3 -c '
import re, sys
total, parts = None, {"load": 0, "diff": 0}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(\S.*)", line)
    if not m:
        continue
    ir, fn = int(m.group(1).replace(",", "")), m.group(2)
    if total is None and "PROGRAM TOTALS" in line:
        total = ir
    if re.search(r"vouch::spec::Spec::load\b", fn) and not parts["load"]:
        parts["load"] = ir
    if re.search(r"vouch::diff::diff\b", fn) and not parts["diff"]:
        parts["diff"] = ir
total = total or max(parts.values())
load, diff = parts["load"], parts["diff"]
print(f"  instructions: total {total/1e9:.2f} G; Spec::load (both) {load/1e9:.2f} G; diff {diff/1e9:.2f} G; "
      f"diff / load both {diff/max(load,1):.2f}x, whole / load both {total/max(load,1):.2f}x")
' | sed "s|^|$(basename "$1") -> $(basename "$2"):|"
  done
fi
