#!/usr/bin/env bash
# Speed and weight of the desktop app; see bench/app-weight.mjs for what is measured.
#
#     bench/app-weight.sh            (VOUCH_BENCH_ONLY=pss: the memory figures alone;
#                                     BENCH_ENV=K=V,K2=V2: environment of both windows)
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && npm run --silent build >/dev/null)
# Release builds by default (what users run); VOUCH_PROFILE=debug measures the debug ones.
if [[ "${VOUCH_PROFILE:-release}" == release ]]; then
  cargo build --quiet --release -p vouch-app --bin vouch-app --example bare_window
else
  cargo build --quiet -p vouch-app --bin vouch-app --example bare_window
fi
cargo build --quiet --release --example bench_server
[[ -d tests/e2e/node_modules ]] || (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
xvfb-run -a -s '-screen 0 1400x900x24' node bench/app-weight.mjs
