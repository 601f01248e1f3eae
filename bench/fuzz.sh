#!/usr/bin/env bash
# Fuzzes the spec loader and the contract checker (not part of CI).
# Usage: bench/fuzz.sh [SECONDS] [TARGET]  (default 300 s, spec_load; or contract_check,
# importers: arbitrary files through every collection importer)
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
target=${2:-spec_load}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=${VOUCH_CORPUS:-../shared/corpus}
seeds=fuzz/corpus/spec_load
mkdir -p "$seeds"
# Seeds: the small real documents of the corpus (JSON and YAML, 2.0 to 3.2).
find "$corpus/specs/oai-examples" "$corpus/specs/oai-schema-tests" "$corpus/specs/nasty" -type f \
  \( -name '*.json' -o -name '*.yaml' \) -size -64k -exec cp -t "$seeds" {} + 2>/dev/null || true
if [[ $target == contract_check ]]; then
  seeds=fuzz/corpus/contract_check
  mkdir -p "$seeds"
  printf '\x00\x00\x00{"id": "x", "email": "a@b.co"}' >"$seeds/item.bin"
  export VOUCH_CORPUS=$(cd "$corpus" && pwd)
fi
if [[ $target == importers ]]; then
  seeds=fuzz/corpus/importers
  mkdir -p "$seeds"
  # Seeds: the corpus's Postman/Insomnia/HAR files, each behind its selector byte.
  i=0
  while IFS= read -r f; do
    { printf "\\x0$((i % 5))"; cat "$f"; } >"$seeds/seed-$i" 2>/dev/null || true
    i=$((i + 1))
  done < <(find "$corpus/collections" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.har' \) -size -64k | head -200)
fi
RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$seeds" -- -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096
