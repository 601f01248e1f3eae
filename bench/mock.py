"""vouch mock against a bare parse and against Prism, one machine, one run (see bench/mock.sh).

- Start-up: wall time from starting `vouch mock SPEC` to the first answered request (polled
  every 5 ms), median of RUNS, against the wall time of a process that reads the same file and
  parses it with default-features serde_json (bench/bare-parse), median of RUNS; and against
  Prism 5 (tests/servers, the pinned test service) where it is ready within PRISM_WAIT s.
- Peak RSS of the mock once it answered (VmHWM), against the spec's size on disk and against
  the bare parse's peak RSS (a DOM of the spec alone is 6-9x its size on disk).
- Requests/s on one GET route (petstore-expanded's GET /pets), oha, 50 connections, DURATION s,
  vouch mock against Prism.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

RUNS = int(os.environ.get("RUNS", "3"))
PRISM_WAIT = float(os.environ.get("PRISM_WAIT", "120"))
DURATION = os.environ.get("DURATION", "10")
VOUCH = "./target/release/vouch"
BARE = "./target/bare-parse/release/bare-parse"
PRISM = "tests/servers/node_modules/.bin/prism"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(cmd, port, path, wait):
    """Seconds from start to the first HTTP answer on `path` (None: not within `wait`), and
    the process (still running)."""
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.time() - start < wait:
        try:
            # Credentials, so that an operation that needs some is answered, not refused.
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Authorization": "Bearer t0k3n"}
            )
            urllib.request.urlopen(req, timeout=wait).read()
            return time.time() - start, proc
        except urllib.error.HTTPError:
            return time.time() - start, proc  # any status is an answer
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            if proc.poll() is not None:
                return None, proc
            time.sleep(0.005)
    return None, proc


def peak_rss_mb(proc):
    try:
        with open(f"/proc/{proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def stop(proc):
    proc.kill()
    proc.wait()


def bare(spec):
    """Median wall time of the bare parse process, and its peak RSS in MB."""
    times, rss = [], 0.0
    for _ in range(RUNS):
        t = time.time()
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%M", BARE, spec, "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        times.append(time.time() - t)
        rss = max(rss, int(out.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), rss


def first_get(spec):
    """The first GET of the spec without path parameters: a real operation to answer, whose
    answer is generated and checked (a 404 would skip both)."""
    try:
        with open(spec) as f:
            doc = json.load(f)
        for path, item in doc.get("paths", {}).items():
            if "{" not in path and "get" in item:
                return path
    except (OSError, ValueError):
        pass
    return "/"


def mock_startup(spec, path):
    times, rss = [], []
    for _ in range(RUNS):
        port = free_port()
        t, proc = first_answer([VOUCH, "mock", spec, "--port", str(port)], port, path, 120)
        rss.append(peak_rss_mb(proc))
        stop(proc)
        times.append(t)
    return statistics.median(times), max(rss)


def prism_startup(spec, path):
    port = free_port()
    t, proc = first_answer(
        [PRISM, "mock", spec, "-p", str(port), "-h", "127.0.0.1"], port, path, PRISM_WAIT
    )
    rss = peak_rss_mb(proc) if t else float("nan")
    # Prism runs as node: its RSS is the node process's (the wrapper is a shell script).
    stop(proc)
    subprocess.run(["pkill", "-f", f"prism.*-p {port}"], check=False)
    return t, rss


def oha_rate(url):
    oha = os.environ.get("OHA", "bench/oha/bin/oha")
    out = subprocess.run(
        [oha, "-z", f"{DURATION}s", "-c", "50", "--no-tui", "--output-format", "json", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    summary = json.loads(out)["summary"]
    return summary["requestsPerSec"], summary["successRate"]


def main():
    specs = sys.argv[1:]
    print(f"start-up (median of {RUNS}); Prism given {PRISM_WAIT:.0f} s")
    for spec in specs:
        size = os.path.getsize(spec) / 1048576
        path = os.environ.get("FIRST_PATH") or first_get(spec)
        b, brss = bare(spec)
        m, rss = mock_startup(spec, path)
        line = (
            f"{os.path.basename(spec)} ({size:.0f} MB), GET {path}: first answer {m:.3f} s, "
            f"bare parse {b:.3f} s, ratio {m / b:.2f}x; peak RSS {rss:.0f} MB = "
            f"{rss / size:.1f}x the file, {rss / brss:.2f}x the bare parse's {brss:.0f} MB"
        )
        if os.environ.get("PRISM", "1") == "1":
            p, prss = prism_startup(spec, path)
            line += (
                f"; Prism: first answer {p:.1f} s ({p / m:.0f}x vouch), RSS {prss:.0f} MB"
                if p
                else f"; Prism: no answer within {PRISM_WAIT:.0f} s"
            )
        print(line, flush=True)
    petstore = os.environ.get("RATE_SPEC")
    if petstore and os.path.exists(os.environ.get("OHA", "bench/oha/bin/oha")):
        rates = {}
        for name, cmd in [
            ("vouch mock", lambda port: [VOUCH, "mock", petstore, "--port", str(port)]),
            ("Prism", lambda port: [PRISM, "mock", petstore, "-p", str(port), "-h", "127.0.0.1"]),
        ]:
            port = free_port()
            t, proc = first_answer(cmd(port), port, "/pets", 120)
            rates[name] = oha_rate(f"http://127.0.0.1:{port}/pets")
            stop(proc)
            subprocess.run(["pkill", "-f", f"prism.*-p {port}"], check=False)
            print(f"{name}: GET /pets {rates[name][0]:.0f} requests/s (success {rates[name][1]:.3f})")
        print(f"ratio: {rates['vouch mock'][0] / rates['Prism'][0]:.1f}x Prism")


if __name__ == "__main__":
    main()
