# Shared by the bench scripts, sourced from the project root after the release build.

# Starts examples/bench_server with a fresh folder $work; sets $base; on exit stops the
# service and removes $work.
start_bench_server() {
  work=$(mktemp -d)
  ./target/release/examples/bench_server >"$work/port" &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 50); do [[ -s "$work/port" ]] && break; sleep 0.1; done
  base="http://127.0.0.1:$(cat "$work/port")"
}

# A collection folder $work/c: one request, GET /things with the contract check and a status
# assertion, and (CALLS > 0) a suite `many` of CALLS steps naming it.
things_collection() {
  local calls=${1:-0}
  mkdir -p "$work/c/suites"
  printf 'version: 1\nname: bench\nspec: %s/openapi.json\n' "$base" >"$work/c/collection.yaml"
  cat >"$work/c/things.yaml" <<YAML
name: things
seq: 0
operation: listThings
method: GET
path: /things
base_url: $base
assertions:
- on: status
  equals: 200
YAML
  if ((calls > 0)); then
    {
      echo "name: many"
      echo "steps:"
      for _ in $(seq 1 "$calls"); do echo "- request: things"; done
    } >"$work/c/suites/many.yaml"
  fi
}
