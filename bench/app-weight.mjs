// Speed and weight of the desktop app (release builds, as users run it; VOUCH_PROFILE=debug for
// the debug ones), under Xvfb, through tauri-driver:
//   - launch → interactive window (the explorer's filter is on screen and usable)
//   - time to show the operation list of GitHub's 13 MB spec (Open clicked → rows drawn)
//   - memory (PSS) of all the app's processes with that spec open, vs a bare Tauri window
//     measured the same way
//   - the longest UI stall (gap between animation frames) while a 10 MB response is shown
// Run by bench/app-weight.sh, which builds what it needs.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { remote } from "../tests/e2e/node_modules/webdriverio/build/node.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const github = process.env.GITHUB_SPEC ?? join(root, "../shared/corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json");
const profile = process.env.VOUCH_PROFILE ?? "release";
const children = [];

function start(cmd, args, env = {}) {
  const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  children.push(c);
  return c;
}

async function firstLine(child) {
  return new Promise((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
}

/** PIDs of a process and all its descendants. */
function tree(pid) {
  const parent = new Map();
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(p), ppid);
    } catch {}
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, pp] of parent) if (pp === out[i]) out.push(c);
  return out;
}

/** PSS of the processes, MB, in total and per process (by name). */
function pssMb(pids) {
  let kb = 0;
  const each = [];
  for (const p of pids) {
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+)/m);
      const name = readFileSync(`/proc/${p}/comm`, "utf8").trim();
      if (m) {
        kb += Number(m[1]);
        each.push(`${name} ${(Number(m[1]) / 1024).toFixed(0)}`);
      }
    } catch {}
  }
  const total = kb / 1024;
  return { total, each: each.join(", "), toFixed: (n) => total.toFixed(n) };
}

/** The PID of the running binary `name` (the newest). */
function pidOf(name) {
  const found = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0].endsWith(name);
      } catch {
        return false;
      }
    })
    .map(Number);
  return Math.max(...found);
}

async function session(port, application, args) {
  return remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: { browserName: "wry", "tauri:options": { application, args }, "wdio:enforceWebDriverClassic": true },
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  const server = start(join(root, "target/release/examples/bench_server"), []);
  const base = `http://127.0.0.1:${(await firstLine(server)).trim()}`;
  const port = 5444 + Math.floor(Math.random() * 1000);
  start("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], { VOUCH_DATA_DIR: "/tmp/vouch-app-weight" });
  await sleep(1500);

  // The bare window, measured as the app will be: settled, then PSS of its process tree.
  let b = await session(port, join(root, `target/${profile}/examples/bare_window`), []);
  await (await b.$("#ready")).waitForDisplayed({ timeout: 20000 });
  await sleep(3000);
  const barePss = pssMb(tree(pidOf("bare_window")));
  await b.deleteSession();

  const t0 = Date.now();
  const app = await session(port, join(root, `target/${profile}/vouch-app`), []);
  const $t = (id) => app.$(`[data-testid="${id}"]`);
  await (await $t("op-filter")).waitForClickable({ timeout: 20000 });
  const launchMs = Date.now() - t0;
  await sleep(3000);
  const launchPss = pssMb(tree(pidOf("vouch-app")));

  await (await $t("spec-source")).setValue(github);
  const t1 = Date.now();
  await (await $t("open")).click();
  await app.waitUntil(async () => (await app.$$('[data-testid="op"]')).length > 10, { timeout: 60000, interval: 20 });
  const githubMs = Date.now() - t1;
  const count = await (await $t("spec-title")).getText();
  await sleep(3000);
  const appPss = pssMb(tree(pidOf("vouch-app")));

  // 10 MB response: watch the gaps between animation frames while it is fetched and shown.
  await (await $t("spec-source")).setValue(`${base}/openapi.json`);
  await (await $t("open")).click();
  await (await app.$('[data-op="GET /big"]')).waitForClickable({ timeout: 20000 });
  await (await app.$('[data-op="GET /big"]')).click();
  await (await $t("send")).waitForClickable({ timeout: 5000 });
  await app.execute(() => {
    const w = window;
    w.__gap = 0;
    let last = performance.now();
    const tick = (t) => {
      w.__gap = Math.max(w.__gap, t - last);
      last = t;
      w.__raf = requestAnimationFrame(tick);
    };
    w.__raf = requestAnimationFrame(tick);
  });
  const t2 = Date.now();
  await (await $t("send")).click();
  await app.waitUntil(async () => (await app.$$(".line")).length > 10, { timeout: 120000, interval: 50 });
  const bigMs = Date.now() - t2;
  await sleep(500);
  const stall = await app.execute(() => {
    cancelAnimationFrame(window.__raf);
    return window.__gap;
  });
  await app.deleteSession();

  console.log(`${profile} builds`);
  console.log(`launch to interactive window: ${launchMs} ms`);
  console.log(`GitHub spec (${count}): Open → operation list shown in ${githubMs} ms`);
  console.log(`PSS at launch, nothing open: ${launchPss.toFixed(0)} MB (${launchPss.each})`);
  console.log(`PSS with GitHub's spec open: ${appPss.toFixed(0)} MB (${appPss.each}); bare Tauri window: ${barePss.toFixed(0)} MB (${barePss.each}) → ${(appPss.total / barePss.total).toFixed(2)}x`);
  console.log(`10 MB response: shown in ${bigMs} ms; longest UI stall ${Math.round(stall)} ms`);
} finally {
  for (const c of children) c.kill();
}
process.exit(0);
