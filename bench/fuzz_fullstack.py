"""vouch fuzz against Schemathesis on the FastAPI full-stack template backend (see bench/fuzz-fullstack.sh,
which sets up PostgreSQL, the backend's copy and venv, and calls this; stdlib only).

What is counted:
- Each tool meets a fresh database (dropped, recreated, migrated, first superuser created) and a
  fresh uvicorn process, and sends the superuser's bearer token. One worker each, seed SEED,
  every check. Wall time: from launching the tool to its exit, spec loading included.
- Vouch (`vouch fuzz --format json --time-budget BUDGET`, its default phases and examples): a
  unique failure is a distinct (check, METHOD /path) pair; "distinct" counts (check, operation,
  location, status) (several negative-data failures on one operation, one per broken location,
  count once as a pair). Time to the first failure: its stats.first_failure_ms (fuzzer start,
  after the spec is loaded, to the failing response, before shrinking).
- Schemathesis (`st run --checks all --max-response-time 5`, default phases and examples; with
  ST_FILL=1 `--max-time BUDGET`, otherwise interrupted at ST_CAP seconds): its NDJSON event stream
  (a JUnit and a JSON report are written too). Each failed check of each recorded case is a
  failure; a unique failure is a distinct (check, operation) pair, operation as its failure record
  names it (stateful failures name the step's operation); "distinct" counts (check, operation,
  first line of the message), e.g. status_code_conformance's "Received: 403" and "Received: 404"
  apart. Its own figure ("N unique failures", JSON report) is shown too. Time to the first
  failure: EngineStarted (after the spec is loaded) to the earliest timestamp among the failing
  interactions; the recorded case is the shrunk one, so an upper bound.
- Time to the other's set: the moment vouch had found every Schemathesis failure it finds (for each
  such Schemathesis pair, the earliest `found_ms` among vouch's corresponding pairs; the latest of
  those), beside Schemathesis's own last new pair (its earliest failing interaction per pair, the
  latest of those). This is "finds it too, in no more time" when the two tools stop at different
  moments: vouch keeps generating until its examples or budget are spent.
- Requests and statuses: the service's access log (uvicorn), per tool, by operation.
- Correspondence (MAP): a Schemathesis failure is found by vouch when vouch failed the corresponding
  check on the same operation; for the checks about a path's methods (unsupported_method,
  allow_header_conformance) on the same path; for sequence checks (use_after_free,
  ensure_resource_availability) on the same resource (the path without trailing {parameters}).
  status_code_conformance is compared per received status: found when vouch reported that status
  on that operation, or got it there (its access log; not 401/403, which its credential probes
  get and it excuses) and reported response-conformance there (or server-error for a 5xx), since
  vouch reports one response-conformance failure per operation and location. The reverse (pairs
  only) gives vouch's failures Schemathesis did not report.
- A missed failure is tagged when its answer is this service's reaction to the token's own user
  having been demoted (403 "doesn't have enough privileges") or deleted (404 "User not found" on
  an operation without a user id) earlier in the run: state the other tool never created.
- Server-side causes: the exceptions in the service's log (type and first message line; a chained
  exception counted once), per tool: the 5xx root causes each tool provoked, whatever it blamed.
"""
import base64, json, os, re, secrets, shlex, signal, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request, xml.etree.ElementTree as ET

SEED, BUDGET = int(os.environ.get("SEED", "1")), int(os.environ.get("BUDGET", "60"))
ST_FILL, ST_CAP = os.environ.get("ST_FILL") == "1", int(os.environ.get("ST_CAP", "600"))
EXAMPLES = os.environ.get("MAX_EXAMPLES")
ROOT = os.getcwd()
ST, VOUCH = f"{ROOT}/tests/servers/.venv/bin/schemathesis", f"{ROOT}/target/release/vouch"
PG_PORT, PSQL, PY = os.environ["FS_PG_PORT"], os.environ["FS_PSQL"], os.environ["FS_PY"]
BACKEND, OUTDIR = os.environ["FS_BACKEND"], os.environ["FS_OUT"]
OUT = f"{ROOT}/bench/out/fuzz-fullstack.json"
ADMIN, ADMIN_PASSWORD = "admin@example.com", "changethis"
SETTINGS = {"PROJECT_NAME": "app", "SECRET_KEY": secrets.token_urlsafe(32), "POSTGRES_SERVER": "127.0.0.1",
            "POSTGRES_PORT": PG_PORT, "POSTGRES_USER": "app", "POSTGRES_PASSWORD": "app", "POSTGRES_DB": "app",
            "FIRST_SUPERUSER": ADMIN, "FIRST_SUPERUSER_PASSWORD": ADMIN_PASSWORD, "ENVIRONMENT": "local",
            "PYTHONPATH": BACKEND, "PYTHONWARNINGS": "ignore"}
# Schemathesis check -> vouch check (the brief's table, plus allow_header_conformance: Allow on
# 405 names the path's methods, and missing_required_header: a request without a required
# header is accepted, negative data). None: vouch has no counterpart.
MAP = {"not_a_server_error": "server-error", "status_code_conformance": "response-conformance",
       "content_type_conformance": "response-conformance",
       "response_headers_conformance": "response-conformance",
       "response_schema_conformance": "response-conformance",
       "negative_data_rejection": "negative-data-rejected",
       "positive_data_acceptance": "positive-data-accepted", "unsupported_method": "allow-on-405",
       "allow_header_conformance": "allow-on-405", "ignored_auth": "auth-enforced",
       "use_after_free": "use-after-delete", "ensure_resource_availability": "created-readable",
       "max_response_time": "response-time", "missing_required_header": "negative-data-rejected",
       "object_level_authorization": None}
PATH_LEVEL, SEQUENCE = {"unsupported_method", "allow_header_conformance"}, {"use_after_free", "ensure_resource_availability"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-3000:]}")
    return p


def fresh_database():
    """Drops and recreates the app's database, migrates it and creates the first superuser."""
    psql = [PSQL, "-q", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
    sh(psql + ["-c", "DROP DATABASE IF EXISTS app WITH (FORCE)"])
    sh(psql + ["-c", "CREATE DATABASE app OWNER app"])
    env = {**os.environ, **SETTINGS}
    sh([PY, "-m", "alembic", "upgrade", "head"], cwd=BACKEND, env=env)
    sh([PY, "app/initial_data.py"], cwd=BACKEND, env=env)


def start_service(tool):
    """A fresh uvicorn on a free port, its access log in OUTDIR/uvicorn-TOOL.log; (proc, base, log path)."""
    port, path = free_port(), f"{OUTDIR}/uvicorn-{tool}.log"
    out = open(path, "w")
    proc = subprocess.Popen([PY, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=BACKEND, env={**os.environ, **SETTINGS}, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"uvicorn exited ({proc.returncode}); see {path}")
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5).read()
            return proc, base, path
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"no answer from {base}; see {path}")


def stop_service(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill(), proc.wait()


def http(method, url, token=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def login(base):
    status, body = http("POST", f"{base}/api/v1/login/access-token", form={"username": ADMIN, "password": ADMIN_PASSWORD})
    if status != 200:
        raise SystemExit(f"login: {status} {body}")
    token = body["access_token"]
    status, me = http("GET", f"{base}/api/v1/users/me", token)
    if status != 200 or not me.get("is_superuser"):
        raise SystemExit(f"GET /api/v1/users/me with the token: {status} {me}")
    return token


def admin_state(base, token):
    """What became of the superuser the token belongs to, after the run."""
    status, me = http("GET", f"{base}/api/v1/users/me", token)
    if status != 200:
        return f"GET /users/me answers {status}: {str(me)[:120]}"
    return f"email {me.get('email')!r}, is_superuser {me.get('is_superuser')}, is_active {me.get('is_active')}"


def templates(spec):
    out = []
    for p, item in spec.get("paths", {}).items():
        rx = re.compile("^" + re.sub(r"\\\{[^/]*?\\\}", "[^/]*", re.escape(p)) + "$")
        out.append((p, rx, {m.upper() for m in item if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace")}))
    return out


def access_log(path, spec):
    """Requests by operation and by status from a uvicorn access log."""
    tpl, by_op, by_status, op_status, n = templates(spec), {}, {}, {}, 0
    for line in open(path, errors="replace"):
        m = re.search(r'"([A-Z]+) (\S*) HTTP/[\d.]+" (\d{3})', line)
        if not m:
            continue
        method, target, status = m.group(1), m.group(2).split("?", 1)[0], m.group(3)
        n += 1
        by_status[status] = by_status.get(status, 0) + 1
        key = f"{method} (not an operation: the spec, or no such path)"
        for p, rx, methods in sorted(tpl, key=lambda t: t[0].count("{")):  # literal paths first
            if rx.match(target):
                key = f"{method} {p}" + ("" if method in methods else " (undeclared method)")
                break
        by_op[key] = by_op.get(key, 0) + 1
        op_status.setdefault(key, {}).setdefault(status, 0)
        op_status[key][status] += 1
    return {"requests": n, "by_status": dict(sorted(by_status.items())),
            "by_operation": dict(sorted(by_op.items(), key=lambda kv: -kv[1])),
            "statuses_by_operation": {k: dict(sorted(v.items())) for k, v in sorted(op_status.items())}}


def server_errors(path):
    """The exceptions the service logged: 'Type: first message line' -> count (a chained one once)."""
    causes, seen_in_trace = {}, set()
    for line in open(path, errors="replace"):
        if line.startswith("ERROR:"):  # uvicorn's "Exception in ASGI application": a new one
            seen_in_trace = set()
        m = re.match(r"^([A-Za-z_][\w.]*(?:Error|Exception|Violation)\w*)(?::\s*(.*))?$", line.rstrip())
        if not m:
            continue
        msg = re.sub(r"^\([\w.]+\)\s*", "", (m.group(2) or "").strip())[:160]
        if msg in seen_in_trace:  # the same failure re-raised as another type
            continue
        seen_in_trace.add(msg)
        key = f"{m.group(1).rsplit('.', 1)[-1]}: {msg}"
        causes[key] = causes.get(key, 0) + 1
    return dict(sorted(causes.items(), key=lambda kv: -kv[1]))


def run_vouch(base, token, tmp):
    spec_url = f"{base}/api/v1/openapi.json"
    env_file = f"{tmp}/fullstack.yaml"
    with open(env_file, "w") as f:  # the scheme's name: components.securitySchemes of the spec
        f.write(f"name: fullstack\nauth:\n  OAuth2PasswordBearer:\n    token: {json.dumps(token)}\n")
    common = ["--base-url", base, "--env", env_file, "--data-dir", f"{tmp}/vouch-data"]
    probe = subprocess.run([VOUCH, "check", spec_url, "GET", "/api/v1/users/me", *common, "--format", "json",
                            "--no-history"], capture_output=True, text=True)
    try:
        got = json.loads(probe.stdout)
        auth_ok = got["response"]["status"] == 200 and not got.get("findings")
    except (ValueError, KeyError, TypeError):
        got, auth_ok = probe.stdout + probe.stderr, False
    if not auth_ok:
        raise SystemExit(f"vouch check GET /api/v1/users/me with the environment's token did not pass: {got}")
    cmd = [VOUCH, "fuzz", spec_url, *common, "--seed", str(SEED), "--time-budget", f"{BUDGET}s", "--format", "json"]
    cmd += ["--max-examples", EXAMPLES] if EXAMPLES else []
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t
    open(f"{OUTDIR}/vouch-stderr.txt", "w").write(p.stderr)
    if p.returncode not in (0, 1):
        raise SystemExit(f"vouch fuzz exited {p.returncode}: {p.stderr[-3000:]}")
    d = json.loads(p.stdout)
    open(f"{OUTDIR}/vouch-fuzz.json", "w").write(json.dumps(d, indent=1))
    unique, distinct = {}, set()
    for f in d.get("failures", []):
        op = f"{f['method']} {f['path']}"
        unique.setdefault((f["check"], op), []).append(f)
        distinct.add((f["check"], op, f.get("location"), f.get("status")))
    ffm = d.get("stats", {}).get("first_failure_ms")
    return {"command": " ".join(shlex.quote(c) for c in cmd).replace(token, "$TOKEN"), "wall_s": wall,
            "first_failure_s": ffm / 1000 if ffm is not None else None, "exit_code": p.returncode,
            "failures": len(d.get("failures", [])), "distinct": len(distinct), "stats": d.get("stats"),
            "auth_probe": "vouch check GET /api/v1/users/me: 200, no findings",
            "unique": [{"check": c, "operation": o, "statuses": sorted({g.get("status") for g in fs if g.get("status")}),
                        "locations": sorted({g.get("location") or "" for g in fs}),
                        "message": fs[0].get("message"), "curl": fs[0].get("curl"),
                        "found_s": min((g.get("found_ms") or 0) for g in fs) / 1000}
                       for (c, o), fs in sorted(unique.items())]}


def curl(req):
    body = req.get("body")
    if isinstance(body, dict):
        body = base64.b64decode(body.get("$base64", "")).decode("utf-8", "replace")
    heads = [f"-H {shlex.quote(f'{k}: {x}')}" for k, v in (req.get("headers") or {}).items()
             for x in (v if isinstance(v, list) else [v])]
    data = [f"-d {shlex.quote(body)}"] if body else []
    return " ".join(["curl -X", req.get("method", "?"), *heads, *data, shlex.quote(req.get("uri", ""))])


def own_user_lost(op, response):
    """This service's answers when the token's own user was demoted (403 from its superuser
    dependency) or deleted (404 from its current-user dependency, on an operation without a
    user id) earlier in the same run: reachable only through that state."""
    return "doesn't have enough privileges" in response or (
        '"User not found"' in response and "{user_id}" not in op)


def received(message):
    m = re.match(r"Received: (\d{3})", message or "")
    return int(m.group(1)) if m else None


def run_schemathesis(base, token, tmp):
    rep = f"{tmp}/st-report"
    cmd = [ST, "run", f"{base}/api/v1/openapi.json", "--url", base, "-H", f"Authorization: Bearer {token}",
           "--seed", str(SEED), "--checks", "all", "--workers", "1", "--max-response-time", "5",
           "--report", "junit,ndjson,json", "--report-dir", rep, "--output-sanitize", "false", "--no-color"]
    cmd += ["--max-time", str(BUDGET)] if ST_FILL else []
    cmd += ["--max-examples", EXAMPLES] if EXAMPLES else []
    t, interrupted = time.time(), False
    with open(f"{OUTDIR}/schemathesis-stdout.txt", "w") as out:  # --output-sanitize false: exact reproductions  # cwd tmp: .schemathesis/ lands there
        p = subprocess.Popen(cmd, cwd=tmp, stdout=out, stderr=subprocess.STDOUT)
        try:
            p.wait(timeout=(BUDGET + 120) if ST_FILL else ST_CAP)
        except subprocess.TimeoutExpired:
            interrupted = True
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill(), p.wait()
    wall = time.time() - t
    files = sorted(os.listdir(rep)) if os.path.isdir(rep) else []
    scrub = lambda s: s.replace(token, "$TOKEN")
    out_path = f"{OUTDIR}/schemathesis-stdout.txt"  # unsanitized output: the token scrubbed
    open(out_path, "w").write(scrub(open(out_path, errors="replace").read()))
    engine, stamps, unique, distinct, raw = None, [], {}, set(), 0
    for name in (f for f in files if f.endswith(".ndjson")):
        for line in open(f"{rep}/{name}", errors="replace"):
            try:
                kind, ev = next(iter(json.loads(line).items()))
            except (ValueError, StopIteration, AttributeError):
                continue
            if kind == "EngineStarted":
                engine = ev.get("timestamp")
            if kind != "ScenarioFinished" or ev.get("status") != "failure":
                continue
            rec = ev.get("recorder") or {}
            for cid, checks in (rec.get("checks") or {}).items():
                inter = (rec.get("interactions") or {}).get(cid) or {}
                for c in checks or []:
                    if c.get("status") != "failure":
                        continue
                    f = ((c.get("failure_info") or {}).get("failure")) or {}
                    raw += 1
                    stamps.append(inter.get("timestamp") or ev.get("timestamp"))
                    name_, op = c.get("name", "?"), f.get("operation") or rec.get("label", "?")
                    msg = (f.get("message") or "").strip()
                    first = msg.splitlines()[0] if msg else f.get("title", "")
                    distinct.add((name_, op, first))
                    resp = inter.get("response") or {}
                    content = resp.get("content")
                    if isinstance(content, dict):
                        content = base64.b64decode(content.get("$base64", "")).decode("utf-8", "replace")
                    entry = unique.setdefault((name_, op), {"title": f.get("title"), "code": f.get("code"),
                                                            "phase": ev.get("phase"), "variants": []})
                    entry.setdefault("stamps", []).append(inter.get("timestamp") or ev.get("timestamp"))
                    if first not in [v["first_line"] for v in entry["variants"]]:
                        entry["variants"].append({
                            "first_line": first, "message": scrub(msg), "received": received(msg),
                            "status": resp.get("status_code"), "response": scrub((content or "")[:300]),
                            "curl": scrub(curl(inter.get("request") or {})), "phase": ev.get("phase")})
    first_failure = (min(s for s in stamps if s) - engine) if engine and any(stamps) else None
    for entry in unique.values():  # when each pair was first failed, seconds after EngineStarted
        got = [s for s in entry.pop("stamps", []) if s]
        entry["found_s"] = (min(got) - engine) if engine and got else None
    own = {}
    for name in (f for f in files if f.endswith(".json")):
        try:
            own = json.load(open(f"{rep}/{name}"))
        except (ValueError, OSError):
            pass
    for name in (f for f in files if f.endswith(".xml")):  # the JUnit report, token scrubbed
        open(f"{OUTDIR}/schemathesis-junit.xml", "w").write(scrub(open(f"{rep}/{name}", errors="replace").read()))
    junit_failed = None
    try:
        junit_failed = sum(1 for tc in ET.parse(f"{OUTDIR}/schemathesis-junit.xml").iter("testcase")
                           if tc.find("failure") is not None)
    except (ET.ParseError, OSError):
        pass
    tc = own.get("test_cases") or {}
    return {"command": scrub(" ".join(shlex.quote(c) for c in cmd)), "wall_s": wall, "exit_code": p.returncode,
            "interrupted": interrupted, "running_time_s": own.get("running_time"),
            "first_failure_s": first_failure, "failures": raw, "distinct": len(distinct),
            "own_unique_failures": tc.get("unique_failures"), "test_cases": tc.get("generated"),
            "junit_operations_failed": junit_failed,
            "unique": [{"check": c, "operation": o, **v} for (c, o), v in sorted(unique.items())]}


def path_of(op):
    return op.split(" ", 1)[-1]


def resource(op):
    parts = path_of(op).rstrip("/").split("/")
    while parts and parts[-1].startswith("{"):
        parts.pop()
    return "/".join(parts)


def same_place(st_check, st_op, v_op):
    if st_check in SEQUENCE:
        return resource(st_op) == resource(v_op)
    if st_check in PATH_LEVEL:
        return path_of(st_op).rstrip("/") == path_of(v_op).rstrip("/")
    return st_op == v_op


def vouch_found(f, variant, v):
    want = MAP.get(f["check"])
    if want is None:
        return None
    if f["check"] == "status_code_conformance" and variant.get("received") is not None:
        # vouch checks every response and reports one response-conformance failure per
        # operation and location (a 5xx as server-error): the status counts as found when vouch
        # got it on that operation (its access log) and failed the operation for it.
        # 401/403 count only when vouch reported them: it excuses them to its credential probes.
        r, got = variant["received"], v["log"]["statuses_by_operation"].get(f["operation"], {})
        mine = [g for g in v["unique"] if g["operation"] == f["operation"]
                and g["check"] in ({"server-error", "response-conformance"} if r >= 500 else {"response-conformance"})]
        return any(r in g["statuses"] for g in mine) or (bool(mine) and str(r) in got and r not in (401, 403))
    return any(g["check"] == want and same_place(f["check"], f["operation"], g["operation"]) for g in v["unique"])


def compare(v, s):
    missed = []
    for f in s["unique"]:
        f["vouch_check"] = MAP.get(f["check"])
        for var in f["variants"]:
            var["found_by_vouch"] = vouch_found(f, var, v)
            if var["found_by_vouch"] is False:
                missed.append({"check": f["check"], "operation": f["operation"], "vouch_check": f["vouch_check"], **var,
                               "title": f["title"], "own_user_lost": own_user_lost(f["operation"], var["response"]),
                               "vouch_requests": v["log"]["by_operation"].get(f["operation"], 0),
                               "vouch_statuses": v["log"]["statuses_by_operation"].get(f["operation"], {}),
                               "vouch_on_operation": sorted({f"{g['check']} {g['statuses']}" for g in v["unique"]
                                                             if g["operation"] == f["operation"]})})
        f["found_by_vouch"] = None if f["vouch_check"] is None else all(x["found_by_vouch"] for x in f["variants"])
    for g in v["unique"]:
        g["found_by_schemathesis"] = any(
            MAP.get(f["check"]) == g["check"] and same_place(f["check"], f["operation"], g["operation"])
            for f in s["unique"])
    return missed, [g for g in v["unique"] if not g["found_by_schemathesis"]]


def last_found(v, s):
    """(seconds until vouch had found every Schemathesis failure it finds, Schemathesis's
    seconds until its own last unique failure): for each Schemathesis pair vouch found, the
    earliest of vouch's pairs of the corresponding check at that place (server-error too for a
    5xx status), then the latest of those."""
    times = []
    for f in s["unique"]:
        if not f.get("found_by_vouch"):
            continue
        want = {MAP.get(f["check"])}
        if any((x.get("received") or 0) >= 500 for x in f["variants"]):
            want.add("server-error")
        got = [g["found_s"] for g in v["unique"] if g["check"] in want
               and same_place(f["check"], f["operation"], g["operation"]) and g.get("found_s") is not None]
        if got:
            times.append(min(got))
    own = [f["found_s"] for f in s["unique"] if f.get("found_s") is not None]
    return (max(times) if times else None), (max(own) if own else None)


def secs(x):
    return "-" if x is None else f"{x:.1f} s"


def short(msg, n=110):
    msg = " ".join((msg or "").split())
    return msg if len(msg) <= n else msg[: n - 1] + "…"


def report(r):
    v, s = r["vouch"], r["schemathesis"]
    print(f"\n== FastAPI full-stack template backend: seed {SEED}, vouch budget {BUDGET} s, "
          f"Schemathesis {'--max-time ' + str(BUDGET) if ST_FILL else 'its default examples'}"
          f"{', ' + EXAMPLES + ' examples/operation' if EXAMPLES else ''}")
    b = r["build"]
    print(f"{b['version']} at {b['commit']}" + (f" + uncommitted changes to {', '.join(b['changed_since'])}"
                                                  if b["changed_since"] else ""))
    rows = [("unique failures (check, operation)", len(v["unique"]), len(s["unique"])),
            ("distinct (+status / message line)", v["distinct"], s["distinct"]),
            ("failures reported / its own count", v["failures"], f"{s['failures']} / {s['own_unique_failures']}"),
            ("server-error pairs", sum(g["check"] == "server-error" for g in v["unique"]),
             sum(f["check"] == "not_a_server_error" for f in s["unique"])),
            ("requests (access log)", v["log"]["requests"], s["log"]["requests"]),
            ("  tool's own count", (v.get("stats") or {}).get("requests"), f"{s['test_cases']} test cases"),
            ("  of them shrinking (requests, time)", "{} / {}".format((v.get("stats") or {}).get("shrink_requests", "-"),
             secs(((v.get("stats") or {}).get("shrink_ms") or 0) / 1000)), "-"),
            ("wall time", secs(v["wall_s"]), secs(s["wall_s"])),
            ("time to first failure", secs(v["first_failure_s"]), secs(s["first_failure_s"])),
            ("time to the other's set / own last", secs(r["vouch_covers_st_s"]), secs(r["st_last_s"])),
            ("operations that got a request", len([k for k in v["log"]["by_operation"] if "(" not in k]),
             len([k for k in s["log"]["by_operation"] if "(" not in k]))]
    print(f"{'':38} {'vouch':>12} {'schemathesis':>18}")
    for label, a, b in rows:
        print(f"{label:38} {str(a):>12} {str(b):>18}")
    print(f"statuses answered: vouch {v['log']['by_status']}\n                   schemathesis {s['log']['by_status']}")
    print(f"the superuser after the run: vouch: {v['admin_after']}; schemathesis: {s['admin_after']}")
    if s.get("interrupted"):
        print(f"(Schemathesis was interrupted at {ST_CAP} s)")
    print("server-side causes of its 5xx answers (exceptions in the service's log, count):")
    for tool, t in (("vouch", v), ("schemathesis", s)):
        print(f"  {tool}:")
        for cause, n in t["server_causes"].items():
            print(f"    {n:4} {short(cause, 120)}")
    only = [c for c in s["server_causes"] if c not in v["server_causes"]]
    print(f"  causes only Schemathesis provoked: {'; '.join(short(c, 100) for c in only) or 'none'}")
    print(f"\nvouch's unique failures ({len(v['unique'])}):  [found by Schemathesis?]")
    for g in v["unique"]:
        print(f"  {g['check']:24} {g['operation']:52} {'yes' if g['found_by_schemathesis'] else 'NO '} "
              f"{','.join(map(str, g['statuses']))} {short(g['message'], 90)}")
    print(f"\nSchemathesis's unique failures ({len(s['unique'])}):  [found by vouch?]")
    for f in s["unique"]:
        state = {True: "yes", False: "NO ", None: "n/a"}[f["found_by_vouch"]]
        lines = "; ".join(short(x["first_line"], 60) for x in f["variants"])
        print(f"  {f['check']:30} {f['operation']:52} {state} {lines}")
    lost = sum(m["own_user_lost"] for m in r["vouch_missed"])
    print(f"\nSchemathesis failures vouch MISSED ({len(r['vouch_missed'])} by check, operation and status; "
          f"{len({(m['check'], m['operation']) for m in r['vouch_missed']})} pairs; {lost} of them answered only "
          f"after Schemathesis demoted or deleted its own superuser):")
    for m in r["vouch_missed"]:
        other = f"; its failures there: {', '.join(m['vouch_on_operation'])}" if m["vouch_on_operation"] else ""
        tag = " [token's user demoted/deleted earlier in the run]" if m["own_user_lost"] else ""
        print(f"  * {m['check']} -> {m['vouch_check']} on {m['operation']} [{m['phase']}]{tag} (vouch sent "
              f"{m['vouch_requests']} requests there, statuses {m['vouch_statuses'] or '-'}{other})\n"
              f"      {short(m['title'] + ': ' + m['message'], 300)}\n      answered {m['status']}: {short(m['response'], 160)}\n"
              f"      {short(m['curl'], 600)}")
    print(f"\nvouch failures Schemathesis did not report ({len(r['schemathesis_missed'])}):")
    for g in r["schemathesis_missed"]:
        print(f"  * {g['check']} on {g['operation']}: {short(g['message'], 200)}\n      {short(g['curl'], 400)}")


def build():
    """Which vouch was measured: its version, the commit, and the engine files changed since."""
    git = ["git", "--no-optional-locks"]
    run = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    return {"version": run([VOUCH, "--version"]), "commit": run(git + ["rev-parse", "--short", "HEAD"]),
            "changed_since": run(git + ["diff", "--name-only", "HEAD", "--", "src"]).split()}


def main():
    os.makedirs(OUTDIR, exist_ok=True)
    res = {"build": build()}
    for tool, fn in (("vouch", run_vouch), ("schemathesis", run_schemathesis)):
        log(f"{tool}: fresh database")
        fresh_database()
        proc, base, logpath = start_service(tool)
        try:
            token = login(base)
            spec = json.loads(urllib.request.urlopen(f"{base}/api/v1/openapi.json").read())
            log(f"{tool}: running against {base}")
            with tempfile.TemporaryDirectory() as tmp:
                res[tool] = fn(base, token, tmp)
            res[tool]["admin_after"] = admin_state(base, token)
        finally:
            stop_service(proc)
        res[tool]["log"] = access_log(logpath, spec)
        res[tool]["server_causes"] = server_errors(logpath)
    res["vouch_missed"], res["schemathesis_missed"] = compare(res["vouch"], res["schemathesis"])
    res["vouch_covers_st_s"], res["st_last_s"] = last_found(res["vouch"], res["schemathesis"])
    res.update({"seed": SEED, "budget_s": BUDGET, "st_fill": ST_FILL, "max_examples": EXAMPLES,
                "service": "full-stack-fastapi-template backend", "operations": len(
                    [1 for item in spec["paths"].values() for m in item if m in ("get", "put", "post", "delete", "patch")])})
    report(res)
    with open(OUT, "w") as f:
        json.dump(res, f, indent=1)
    print(f"\nall figures: {os.path.relpath(OUT, ROOT)}; logs and reports: {os.path.relpath(OUTDIR, ROOT)}/")


if __name__ == "__main__":
    main()
