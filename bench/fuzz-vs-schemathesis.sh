#!/usr/bin/env bash
# vouch fuzz against Schemathesis (4.32.5, pinned in tests/servers/requirements.txt) on the
# planted-bug service (tests/servers/library.py) and the reference shop whose /drift/*
# endpoints break their contract (tests/servers/shop.py): per tool, the unique failures
# (check, operation), their count, wall time and time to the first failure; then which of
# Schemathesis's failures vouch found (same operation, corresponding check) and which it
# missed, and the reverse. Same seed, examples per operation and budget for both; each tool
# meets a fresh service process. How each figure is taken: bench/fuzz_vs_schemathesis.py.
#
#     bench/fuzz-vs-schemathesis.sh [SERVICE...]   (default: library shop)
#     SEED=1 MAX_EXAMPLES=30 BUDGET=60 (seconds) ST_FILL=1 (give Schemathesis --max-time BUDGET,
#     which it fills by repeating its fuzzing and stateful phases) bench/fuzz-vs-schemathesis.sh
# Output: a table on stdout, every figure in bench/out/fuzz-vs-schemathesis.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x tests/servers/.venv/bin/schemathesis ]] || ./dev setup >/dev/null
cargo build --release --quiet --bin vouch
python3 bench/fuzz_vs_schemathesis.py "$@"
