#!/usr/bin/env bash
# vouch fuzz against Schemathesis (4.32.5, pinned in tests/servers/requirements.txt) on a real
# service: the backend of the FastAPI full-stack template (shared/corpus/apps/
# full-stack-fastapi-template, FastAPI + SQLModel + PostgreSQL, JWT login, users and items).
# Not part of CI: it needs PostgreSQL, a second Python venv and minutes of wall time.
#
# Measures, per tool: the unique failures it reports (listed as check, operation, short message),
# their count, wall time, time to its first failure, requests sent and the statuses the service
# answered (from the service's access log); then which of Schemathesis's failures vouch did not
# find (same operation, corresponding check) and which of vouch's Schemathesis did not.
# What each figure counts exactly: bench/fuzz_fullstack.py (its docstring).
#
# How: a private PostgreSQL 15 cluster (initdb in a scratch folder owned by `postgres` when run
# as root, on a free port, listening on 127.0.0.1 only; stopped and removed on exit, nothing
# system-wide changed), a copy of backend/ in bench/out/fullstack/ (the corpus is read-only)
# and its own venv bench/out/fullstack/.venv with bench/fullstack-requirements.txt (pinned from
# the backend's pyproject.toml). Each tool meets a fresh database (dropped, recreated, `alembic
# upgrade head`, `app/initial_data.py`) and a fresh uvicorn process, logs in as the first
# superuser (admin@example.com / changethis) and sends that bearer token: vouch through an
# environment file (auth: OAuth2PasswordBearer: token), checked first with one `vouch check
# GET /api/v1/users/me` that must answer 200; Schemathesis with -H Authorization.
#
#     bench/fuzz-fullstack.sh
#     SEED=1 BUDGET=60 (seconds: vouch's --time-budget; Schemathesis runs its own default
#     examples and is interrupted at ST_CAP=600 s) ST_FILL=1 (give Schemathesis --max-time
#     BUDGET instead, which it fills by repeating fuzzing and stateful testing)
#     MAX_EXAMPLES=N (pass --max-examples N to both; default each tool's own: 50 and 100)
#     bench/fuzz-fullstack.sh
# Output: a readable report on stdout; every figure in bench/out/fuzz-fullstack.json; the
# service logs and Schemathesis's JUnit report in bench/out/fullstack/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=bench/out/fullstack
app=${VOUCH_CORPUS:-../shared/corpus}/apps/full-stack-fastapi-template
[[ -d $app/backend ]] || app=/work/shared/corpus/apps/full-stack-fastapi-template
[[ -d $app/backend ]] || { echo "no full-stack template backend under $app" >&2; exit 2; }
mkdir -p "$out"

# --- PostgreSQL binaries (Debian's; the newest installed major, 15 preferred) ---
pgbin=/usr/lib/postgresql/15/bin
[[ -x $pgbin/initdb ]] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $pgbin || ! -x $pgbin/initdb ]]; then
  echo "PostgreSQL is missing: apt-get install -y postgresql" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# --- Schemathesis and vouch ---
[[ -x tests/servers/.venv/bin/schemathesis ]] || ./dev setup >/dev/null
cargo build --release --quiet --bin vouch

# --- the backend: a fresh copy, its own venv (reinstalled when the pins change) ---
rm -rf "$out/backend"
cp -r "$app/backend" "$out/backend"
chmod -R u+w "$out/backend"
stamp=$(sha256sum bench/fullstack-requirements.txt | cut -d' ' -f1)
if [[ ! -x $out/.venv/bin/python || $(cat "$out/.venv/.stamp" 2>/dev/null) != "$stamp" ]]; then
  echo "installing the backend's dependencies into $out/.venv" >&2
  rm -rf "$out/.venv"
  python3 -m venv "$out/.venv"
  "$out/.venv/bin/pip" install -q --disable-pip-version-check -r bench/fullstack-requirements.txt
  echo "$stamp" >"$out/.venv/.stamp"
fi

# --- a private PostgreSQL cluster on a free port ---
pgdir=$(mktemp -d /tmp/vouch-fullstack-pg.XXXXXX)
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { # runs "$@" as the owner of the cluster (postgres when we are root: initdb refuses root)
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "cd / && $(printf '%q ' "$@")"; else "$@"; fi
}
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] && chown postgres "$pgdir"
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 >"$pgdir/initdb.log" 2>&1 ||
  { cat "$pgdir/initdb.log" >&2; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null ||
  { cat "$pgdir/postgres.log" >&2; exit 1; }
"$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN SUPERUSER PASSWORD 'app'" >/dev/null
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $NF}') on 127.0.0.1:$pgport ($pgdir)" >&2

FS_PG_PORT=$pgport FS_PSQL=$pgbin/psql FS_PY=$root/$out/.venv/bin/python FS_BACKEND=$root/$out/backend \
  FS_OUT=$root/$out python3 bench/fuzz_fullstack.py
