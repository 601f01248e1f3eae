#!/usr/bin/env bash
# vouch mock: time from start to the first answered request against a bare serde_json parse
# of the same spec (bench/bare-parse) and against Prism (the pinned test service), the mock's
# peak RSS against the spec's size, and requests/s on one GET route against Prism (oha).
# The figures and how they are taken: bench/mock.py.
#
#     bench/mock.sh [SPEC...]   (default: GitHub's 13 MB spec, Stripe's, MS Graph beta's 47 MB)
#     RUNS=3 PRISM_WAIT=120 DURATION=10 PRISM=0 (skip Prism's start-up) bench/mock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${VOUCH_CORPUS:-../shared/corpus}
specs=("$@")
if ((${#specs[@]} == 0)); then
  [[ -f bench/out/msgraph-beta.json ]] || bench/spec-load.sh >/dev/null
  specs=("$corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json"
    "$corpus/specs/stripe/spec3.2022-04-12.json" bench/out/msgraph-beta.json)
fi
cargo build --release --quiet --bin vouch
CARGO_TARGET_DIR=target/bare-parse cargo build --release --quiet --locked \
  --manifest-path bench/bare-parse/Cargo.toml
[[ -x tests/servers/node_modules/.bin/prism ]] || ./dev setup >/dev/null
oha=${OHA:-$(command -v oha || true)}
if [[ -z "$oha" ]]; then
  [[ -x bench/oha/bin/oha ]] || cargo install --quiet --locked oha --version 1.16.0 --root bench/oha >/dev/null
  oha=bench/oha/bin/oha
fi
OHA=$oha RATE_SPEC="$corpus/specs/oai-examples/v3.0/petstore-expanded.yaml" \
  python3 bench/mock.py "${specs[@]}"
