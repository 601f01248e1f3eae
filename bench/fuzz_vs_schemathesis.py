"""vouch fuzz against Schemathesis: same services, seed, examples (bench/fuzz-vs-schemathesis.sh).

- Each tool meets a fresh service process (tests/servers/serve.py), one worker each, the same
  --seed and --max-examples, every check, every phase. Wall time: from launching the tool to
  its exit, spec loading included.
- Vouch: `--format json`; a unique failure is a distinct (check, METHOD /path) pair (its
  several negative-data failures on one operation, one per broken location, count once).
  Time to the first failure: stats.first_failure_ms (fuzzer start, after the spec is loaded,
  to the failing response, before shrinking).
- Schemathesis: its NDJSON event stream (--report ndjson), read defensively (an unreadable
  line or a missing key is skipped). Each failed check of each recorded case is a failure;
  a unique failure is a distinct (check, operation) pair, operation as its failure record
  names it (stateful failures name the step's operation). Its own figure, deduplicated per
  operation by check and message, is shown too ("its own count", JSON report). Time to the
  first failure: EngineStarted (after the spec is loaded) to the earliest timestamp among the
  failing cases' interactions of the first failing scenario, else that scenario's end. The
  recorded case is the shrunk one, so this is an upper bound (shrinking included).
- Budget: Vouch's --time-budget caps generation. Schemathesis's --max-time is a fill (its
  fuzzing and stateful phases repeat until it is spent), so it is passed only with ST_FILL=1;
  otherwise Schemathesis runs its max-examples and is interrupted (SIGINT) if still running
  at the budget. --max-response-time 5 matches Vouch's 5000 ms response-time default.
- Mapping: each Schemathesis failure is "found" when Vouch failed the corresponding check
  (MAP) on the same operation; for checks about a path's methods, on the same path; for
  sequence checks, on the same resource (the path without trailing {parameters}), since
  the tools blame different steps of the sequence. The reverse gives what Schemathesis missed.
"""
import base64, json, os, re, shlex, signal, subprocess, sys, tempfile, time, urllib.request

SEED, EXAMPLES = int(os.environ.get("SEED", "1")), int(os.environ.get("MAX_EXAMPLES", "30"))
BUDGET = int(os.environ.get("BUDGET", "60"))
ROOT = os.getcwd()
PY, ST = f"{ROOT}/tests/servers/.venv/bin/python", f"{ROOT}/tests/servers/.venv/bin/schemathesis"
VOUCH, OUT = f"{ROOT}/target/release/vouch", f"{ROOT}/bench/out/fuzz-vs-schemathesis.json"
APPS = {"library": "library:app", "shop": "shop:app"}
# Schemathesis check -> Vouch checks. The brief's table, plus two checks of 4.32 it lacks:
# allow_header_conformance (Allow on 405 names the path's methods) and missing_required_header
# (a request without a required header is accepted: negative data). None: no counterpart.
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
PATH_LEVEL = {"unsupported_method", "allow_header_conformance"}
SEQUENCE = {"use_after_free", "ensure_resource_availability"}


def start(app):
    """A fresh service; its port once it answers its spec."""
    proc = subprocess.Popen([PY, "tests/servers/serve.py", app], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(proc.stdout.readline())
    for _ in range(500):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=5).read()
            return proc, port
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"{app}: no answer on port {port}")


def stop(proc):
    proc.stdin.close()  # serve.py exits when its stdin closes
    proc.wait(timeout=10)


def run_vouch(port, tmp):
    base = f"http://127.0.0.1:{port}"
    t = time.time()
    p = subprocess.run([VOUCH, "fuzz", f"{base}/openapi.json", "--base-url", base, "--seed", str(SEED),
                        "--max-examples", str(EXAMPLES), "--time-budget", f"{BUDGET}s", "--format",
                        "json", "--data-dir", f"{tmp}/vouch-data"], capture_output=True, text=True)
    wall = time.time() - t
    if p.returncode not in (0, 1):
        return {"error": p.stderr.strip()[-2000:], "wall_s": wall, "unique": []}
    d = json.loads(p.stdout)
    unique, names = {}, {c.replace("-", ""): c for c in MAP.values() if c}
    for f in d.get("failures", []):  # builds before the serde rename spelt `allow-on405`
        check = names.get(f["check"].replace("-", ""), f["check"])
        unique.setdefault((check, f"{f['method']} {f['path']}"), f)
    ffm = d["stats"].get("first_failure_ms")
    return {"wall_s": wall, "first_failure_s": ffm / 1000 if ffm is not None else None,
            "failures": len(d.get("failures", [])), "requests": d["stats"].get("requests"),
            "unique": [{"check": c, "operation": o, "message": f.get("message"), "curl": f.get("curl")}
                       for (c, o), f in sorted(unique.items())]}


def curl(req):
    body = req.get("body")
    if isinstance(body, dict):
        body = base64.b64decode(body.get("$base64", "")).decode("utf-8", "replace")
    heads = [f"-H {shlex.quote(f'{k}: {x}')}" for k, v in (req.get("headers") or {}).items()
             for x in (v if isinstance(v, list) else [v])]
    data = [f"-d {shlex.quote(body)}"] if body else []
    return " ".join(["curl -X", req.get("method", "?"), *heads, *data, shlex.quote(req.get("uri", ""))])


def run_schemathesis(port, tmp):
    base, rep = f"http://127.0.0.1:{port}", f"{tmp}/st-report"
    cmd = [ST, "run", f"{base}/openapi.json", "--url", base, "--seed", str(SEED), "-n", str(EXAMPLES),
           "-c", "all", "--mode", "all", "--phases", "examples,coverage,fuzzing,stateful", "--workers",
           "1", "--max-response-time", "5", "--report", "ndjson,json", "--report-dir", rep, "--no-color"]
    cmd += ["--max-time", str(BUDGET)] if os.environ.get("ST_FILL") == "1" else []
    t, cut = time.time(), False
    with open(f"{tmp}/st-stdout.txt", "w") as log:  # cwd tmp: .schemathesis/ lands there
        p = subprocess.Popen(cmd, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
        try:
            p.wait(timeout=BUDGET + (30 if os.environ.get("ST_FILL") == "1" else 0))
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT)
            cut = True
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill(), p.wait()
    wall = time.time() - t
    files = os.listdir(rep) if os.path.isdir(rep) else []
    engine, first, unique, raw = None, None, {}, 0
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
            rec, stamps = ev.get("recorder") or {}, []
            for cid, checks in (rec.get("checks") or {}).items():
                inter = (rec.get("interactions") or {}).get(cid) or {}
                for c in checks or []:
                    f = ((c.get("failure_info") or {}).get("failure")) or {}
                    if c.get("status") != "failure":
                        continue
                    raw += 1
                    stamps.append(inter.get("timestamp") or ev.get("timestamp"))
                    unique.setdefault((c.get("name", "?"), f.get("operation") or rec.get("label", "?")), {
                        "message": (f.get("title", "") + ": " + f.get("message", "")).strip(": "),
                        "curl": curl(inter.get("request") or {}), "phase": ev.get("phase")})
            if first is None and engine and stamps:
                first = min(s for s in stamps if s) - engine
    own = None
    for name in (f for f in files if f.endswith(".json")):
        try:
            own = json.load(open(f"{rep}/{name}"))["test_cases"]
        except (ValueError, KeyError, OSError):
            pass
    own = own or {}
    return {"wall_s": wall, "first_failure_s": first, "failures": raw, "exit_code": p.returncode,
            "interrupted": cut, "own_unique_failures": own.get("unique_failures"),
            "requests": own.get("generated"),
            "unique": [{"check": c, "operation": o, **v} for (c, o), v in sorted(unique.items())]}


def place(st_check, op):
    """Where a failure of this Schemathesis check is compared: its operation, its path, or its
    resource (the path without trailing {parameters})."""
    path = op.split(" ", 1)[-1]
    if st_check in SEQUENCE:
        return re.sub(r"(/\{[^}]*\})+/?$", "", path)
    return path if st_check in PATH_LEVEL else op


def compare(name):
    res = {}
    for tool, fn in (("vouch", run_vouch), ("schemathesis", run_schemathesis)):
        with tempfile.TemporaryDirectory() as tmp:
            proc, port = start(APPS[name])
            try:
                res[tool] = fn(port, tmp)
            finally:
                stop(proc)
    v, s = res["vouch"], res["schemathesis"]

    def same(f, g):  # a Schemathesis failure f and a Vouch one g: same check and place
        c = f["check"]
        want = {MAP.get(c)}
        # A request without its credentials header accepted: Vouch's auth-enforced.
        if c in ("missing_required_header", "negative_data_rejection") and "Authorization" in (f.get("message") or ""):
            want.add("auth-enforced")
        return g["check"] in want and place(c, f["operation"]) == place(c, g["operation"])

    for f in s["unique"]:
        f["vouch_check"] = MAP.get(f["check"])
        f["found_by_vouch"] = f["vouch_check"] and any(same(f, g) for g in v["unique"])
        on_op = {g["check"] for g in v["unique"] if g["operation"] == f["operation"]}
        f["vouch_on_operation"] = sorted(on_op)
    for g in v["unique"]:
        g["found_by_schemathesis"] = any(same(f, g) for f in s["unique"])
    res["vouch_missed"] = [f for f in s["unique"] if f["found_by_vouch"] is False]
    res["schemathesis_missed"] = [g for g in v["unique"] if not g["found_by_schemathesis"]]
    return res


def secs(x):
    return "-" if x is None else f"{x:.2f} s"


def report(name, r):
    v, s = r["vouch"], r["schemathesis"]
    print(f"\n== {name} ({APPS[name]}): seed {SEED}, {EXAMPLES} examples/operation, budget {BUDGET} s")
    if "error" in v:
        print(f"vouch fuzz failed: {v['error']}")
    rows = [("unique failures (check, operation)", len(v["unique"]), len(s["unique"])),
            ("failures reported / its own count", v.get("failures"),
             f"{s['failures']} / {s['own_unique_failures']}"),
            ("requests / test cases", v.get("requests"), s["requests"]),
            ("wall time", secs(v["wall_s"]), secs(s["wall_s"]) + " (cut)" * s["interrupted"]),
            ("time to first failure", secs(v.get("first_failure_s")), secs(s["first_failure_s"]))]
    print(f"{'':36} {'vouch':>12} {'schemathesis':>16}")
    for label, a, b in rows:
        print(f"{label:36} {str(a):>12} {str(b):>16}")
    print("vouch's unique failures:                                   (found by Schemathesis?)")
    for g in v["unique"]:
        print(f"  {g['check']:30} {g['operation']:32} {'yes' if g['found_by_schemathesis'] else 'NO'}")
    print("schemathesis's unique failures -> vouch:")
    for f in s["unique"]:
        state = {True: f"found ({f['vouch_check']})", False: f"MISSED ({f['vouch_check']})",
                 None: "no counterpart check"}[f["found_by_vouch"]]
        other = f"; vouch on this operation: {', '.join(f['vouch_on_operation'])}" if (
            f["found_by_vouch"] is False and f["vouch_on_operation"]) else ""
        print(f"  {f['check']:30} {f['operation']:32} {state}{other}")
    print(f"Schemathesis failures vouch MISSED ({len(r['vouch_missed'])}):")
    for f in r["vouch_missed"]:
        curl = f["curl"][:300].replace("\n", "\\n")
        print(f"  * {f['check']} on {f['operation']} ({f['phase']} phase): {f['message'][:300]!r}")
        print(f"      {curl}")
    print(f"vouch failures Schemathesis missed ({len(r['schemathesis_missed'])}):")
    for g in r["schemathesis_missed"]:
        print(f"  * {g['check']} on {g['operation']}: {(g['message'] or '')[:200]}")


def main():
    results = {"seed": SEED, "max_examples": EXAMPLES, "budget_s": BUDGET, "services": {}}
    for name in sys.argv[1:] or ["library", "shop"]:
        if name not in APPS:
            raise SystemExit(f"unknown service {name} (known: {', '.join(APPS)})")
        results["services"][name] = compare(name)
        report(name, results["services"][name])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nall figures: {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
