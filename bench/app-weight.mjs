// Speed and weight of the desktop app (release builds, as users run it; VOUCH_PROFILE=debug for
// the debug ones), under Xvfb, through tauri-driver:
//   - launch → interactive window (the explorer's filter is on screen and usable)
//   - time to show the operation list of GitHub's 13 MB spec (Open clicked → rows drawn)
//   - memory (PSS) of all the app's processes with that spec open, vs a bare Tauri window
//     measured the same way
//   - the same PSS with 10 operations of it open in tabs of their own
//   - the explorer with a spec of 22,000 operations (made here, like MS Graph beta's):
//     open, filter, scroll — the longest gap in a 10 ms heartbeat of the page; and the
//     platform's floor: the same rows redrawn by plain DOM code, scrolled the same way
//   - the Collections tree with 5,000 saved requests (a collection folder made here): shown,
//     filtered, scrolled — the same gap
//   - a 10 MB response (shown pretty) and a 100 MB one (shown raw): time to the first lines,
//     the same gap
// Launch and PSS are compared with a bare Tauri window measured the same way, in the same
// run. Without a GPU (Xvfb) the app paints in software (src-tauri/src/painting.rs);
// BENCH_ENV=VOUCH_GPU=1 measures it composited, as with a GPU. Run by bench/app-weight.sh, which builds what it needs.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { remote } from "../tests/e2e/node_modules/webdriverio/build/node.js";
import { heartbeat, setInput } from "../tests/e2e/page.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const github = process.env.GITHUB_SPEC ?? join(root, "../shared/corpus/specs/github/octokit-openapi-23.0.2.api.github.com.json");
const profile = process.env.VOUCH_PROFILE ?? "release";
const children = [];

/** How the app paints its window here (the rule of src-tauri/src/painting.rs). */
function painting() {
  const forced = (process.env.BENCH_ENV ?? "").match(/VOUCH_GPU=([01])/)?.[1] ?? process.env.VOUCH_GPU;
  const gpu = forced ? forced === "1" : (() => { try { return readdirSync("/dev/dri").some((f) => f.startsWith("renderD")); } catch { return false; } })();
  return gpu ? "composited with OpenGL (as with a GPU)" : "painted in software (no GPU render node)";
}

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

/** Scrolls the element `selector` down by `by` px, 20 times, 30 ms apart. */
async function scrollDown(app, selector, by) {
  for (let i = 0; i < 20; i++) {
    await app.execute(
      (sel, px) => {
        const el = document.querySelector(sel);
        if (el) el.scrollTop += px;
      },
      selector,
      by,
    );
    await sleep(30);
  }
}

/** The platform's floor for a scrolled list: the same 45 rows of the explorer (method, path,
 *  summary), redrawn by plain DOM code on each scroll, in a list of `selector`'s size and
 *  position, scrolled as `scrollDown` does. The longest heartbeat gap while it scrolls. */
async function plainDomScroll(app, selector, beat) {
  await app.execute((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    const box = document.createElement("div");
    box.id = "plain-dom-floor";
    box.style.cssText = `position:fixed;left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px;overflow:auto;background:white;z-index:99`;
    const inner = document.createElement("div");
    inner.style.cssText = "position:relative;height:616000px";
    box.append(inner);
    document.body.append(box);
    const rows = [];
    for (let i = 0; i < 45; i++) {
      const b = document.createElement("button");
      b.className = "op";
      b.style.cssText = "position:absolute;left:0;right:0;height:28px";
      b.innerHTML = '<span class="method m-get">GET</span><span class="path"></span><span class="summary muted small"></span>';
      inner.append(b);
      rows.push(b);
    }
    const draw = () => {
      const first = Math.floor(box.scrollTop / 28);
      rows.forEach((b, k) => {
        b.style.transform = `translateY(${(first + k) * 28}px)`;
        b.children[1].textContent = `/resources/r${first + k}/items/{id}`;
        b.children[2].textContent = `Get item of resource ${first + k}`;
      });
    };
    box.addEventListener("scroll", draw);
    draw();
  }, selector);
  await beat.take();
  await scrollDown(app, "#plain-dom-floor", 4000);
  const gap = await beat.take();
  await app.execute(() => document.getElementById("plain-dom-floor")?.remove());
  return gap;
}

/** A spec of `n` operations in 200 tags, with summaries (the shape of MS Graph beta's). */
function manyOperations(n) {
  const paths = {};
  for (let i = 0; i < n; i++) {
    paths[`/group${i % 200}/resource${i}/{id}`] = {
      get: {
        operationId: `op${i}`,
        tags: [`group${i % 200}`],
        summary: `Get resource ${i} of group ${i % 200}`,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
      },
    };
  }
  return JSON.stringify({ openapi: "3.0.3", info: { title: `${n} operations`, version: "1" }, paths });
}

/** A collection folder of `n` requests in 50 folders, with the spec it names (a folder
 *  naming none is not opened). */
function manyRequests(dir, n) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "collection.yaml"), "version: 2\nname: big tree\nspec: openapi.json\n");
  const spec = { openapi: "3.0.3", info: { title: "big tree", version: "1" }, paths: { "/things/{id}": { get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { 200: { description: "ok" } } } } } };
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(spec));
  for (let f = 0; f < 50; f++) {
    const sub = join(dir, `folder-${f}`);
    mkdirSync(sub);
    writeFileSync(join(sub, "folder.yaml"), `name: folder ${f}\nseq: ${f}\n`);
    for (let i = 0; i < n / 50; i++) {
      writeFileSync(join(sub, `request-${i}.yaml`), `name: request ${f}-${i}\nseq: ${i}\nmethod: GET\npath: /things/${i}\n`);
    }
  }
}

try {
  const server = start(join(root, "target/release/examples/bench_server"), []);
  const base = `http://127.0.0.1:${(await firstLine(server)).trim()}`;
  const port = 5444 + Math.floor(Math.random() * 1000);
  // A fresh store each run: a launch restores the last run's tabs, which would be measured too.
  const dataDir = join(tmpdir(), "vouch-app-weight");
  rmSync(dataDir, { recursive: true, force: true });
  start("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], { VOUCH_DATA_DIR: dataDir, ...(process.env.BENCH_ENV ? Object.fromEntries(process.env.BENCH_ENV.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])) : {}) });
  await sleep(1500);

  // The bare window, measured as the app will be: settled, then PSS of its process tree.
  const tb = Date.now();
  let b = await session(port, join(root, `target/${profile}/examples/bare_window`), []);
  await (await b.$("#ready")).waitForDisplayed({ timeout: 20000 });
  const bareLaunchMs = Date.now() - tb;
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

  // Ten operations in tabs of their own (double-click pins a tab).
  const ops = await app.$$('[data-testid="op"]');
  for (const o of ops.slice(0, 10)) await o.doubleClick();
  await app.waitUntil(async () => (await app.$$('[data-testid="tab"]')).length >= 10, { timeout: 30000, timeoutMsg: "10 tabs did not open" });
  await sleep(3000);
  const tabsPss = pssMb(tree(pidOf("vouch-app")));
  if (process.env.VOUCH_BENCH_ONLY === "pss") {
    // The memory figures alone (a quicker run while working on them).
    console.log(`the app ${painting()}`);
    console.log(`PSS at launch, nothing open: ${launchPss.toFixed(0)} MB (${launchPss.each})`);
    console.log(`PSS with GitHub's spec open: ${appPss.toFixed(0)} MB (${appPss.each}); bare Tauri window: ${barePss.toFixed(0)} MB (${barePss.each}) → ${(appPss.total / barePss.total).toFixed(2)}x`);
    console.log(`PSS with GitHub's spec and 10 tabs: ${tabsPss.toFixed(0)} MB (${tabsPss.each}) → ${(tabsPss.total / barePss.total).toFixed(2)}x the bare window`);
    await app.deleteSession();
    for (const c of children) c.kill();
    process.exit(0);
  }

  // 22,000 operations: opened, filtered, scrolled.
  const manySpec = join(tmpdir(), "vouch-bench-22k.json");
  writeFileSync(manySpec, manyOperations(22000));
  await (await $t("spec-source")).setValue(manySpec);
  let beat = await heartbeat(app);
  await (await $t("open")).click();
  await app.waitUntil(async () => (await (await $t("spec-title")).getText()).includes("22000"), { timeout: 60000, interval: 50 });
  const openGap = await beat.stop();
  await sleep(1000);
  beat = await heartbeat(app);
  await setInput(app, await $t("op-filter"), "resource 2199");
  const shownOps = () => app.execute(() => document.querySelector(".explorer .count")?.textContent ?? "");
  await app.waitUntil(async () => /^1\d of /.test(await shownOps()), { timeout: 20000, interval: 50, timeoutMsg: `the filter did not narrow the list: ${await shownOps()}` });
  await setInput(app, await $t("op-filter"), "");
  await scrollDown(app, '[data-testid="op-list"]', 4000);
  const exploreGap = await beat.take();
  const floorGap = await plainDomScroll(app, '[data-testid="op-list"]', beat);
  await beat.stop();

  // 10 MB response: the page's heartbeat while it is fetched, laid out and shown.
  await (await $t("spec-source")).setValue(`${base}/openapi.json`);
  await (await $t("open")).click();
  await (await app.$('[data-op="GET /big"]')).waitForClickable({ timeout: 20000 });
  await (await app.$('[data-op="GET /big"]')).click();
  await (await $t("send")).waitForClickable({ timeout: 5000 });
  beat = await heartbeat(app);
  const t2 = Date.now();
  await (await $t("send")).click();
  await app.waitUntil(async () => (await (await app.$(".line .code")).getText().catch(() => "")) === "[", { timeout: 120000, interval: 50 });
  const bigMs = Date.now() - t2;
  await sleep(500);
  const stall = await beat.stop();

  // 100 MB: opened raw (over the pretty-printing limit), the page's heartbeat watched.
  await (await app.$('[data-op="GET /huge"]')).click();
  beat = await heartbeat(app);
  const t3 = Date.now();
  await (await $t("send")).click();
  await app.waitUntil(async () => (await (await $t("body-lines")).getText().catch(() => "")).includes("shown raw"), { timeout: 300000, interval: 100 });
  const hugeMs = Date.now() - t3;
  const hugeLines = await (await $t("body-lines")).getText();
  await scrollDown(app, '[data-testid="body"]', 200000);
  const hugeGap = await beat.stop();
  const hugePss = pssMb(tree(pidOf("vouch-app")));
  await app.deleteSession();

  // 5,000 saved requests: the app opened on their folder; the tree shown, filtered, scrolled.
  const treeDir = join(tmpdir(), "vouch-bench-tree");
  manyRequests(treeDir, 5000);
  const treeApp = await session(port, join(root, `target/${profile}/vouch-app`), [treeDir]);
  const $u = (id) => treeApp.$(`[data-testid="${id}"]`);
  await (await $u("sidebar-collections")).waitForClickable({ timeout: 60000 });
  beat = await heartbeat(treeApp);
  const t4 = Date.now();
  await (await $u("sidebar-collections")).click();
  // Over 500 requests: the folders start closed; one is opened.
  await treeApp.waitUntil(async () => (await treeApp.$$('[data-testid^="folder-big tree/"]')).length > 0, { timeout: 120000, interval: 50 });
  const treeMs = Date.now() - t4;
  const treePhases = [`shown ${await beat.take()}`];
  await (await $u("folder-big tree/folder 7")).click();
  await treeApp.waitUntil(async () => (await treeApp.$$('[data-testid^="req-big tree/"]')).length > 0, { timeout: 20000, interval: 50 });
  const treeRows = (await treeApp.$$('[data-testid^="req-big tree/"]')).length;
  treePhases.push(`folder opened ${await beat.take()}`);
  await setInput(treeApp, await $u("tree-filter"), "request 7-1");
  await sleep(500);
  treePhases.push(`filtered ${await beat.take()}`);
  await setInput(treeApp, await $u("tree-filter"), "");
  await sleep(500);
  treePhases.push(`filter cleared ${await beat.take()}`);
  await scrollDown(treeApp, '[data-testid="collections"]', 3000);
  treePhases.push(`scrolled ${await beat.take()}`);
  await beat.stop();
  const treeGap = Math.max(...treePhases.map((p) => Number(p.split(" ").pop())));
  await treeApp.deleteSession();

  console.log(`${profile} builds; the app ${painting()}`);
  console.log(`launch to interactive window: ${launchMs} ms; bare Tauri window: ${bareLaunchMs} ms → ${(launchMs / bareLaunchMs).toFixed(2)}x`);
  console.log(`GitHub spec (${count}): Open → operation list shown in ${githubMs} ms`);
  console.log(`PSS at launch, nothing open: ${launchPss.toFixed(0)} MB (${launchPss.each})`);
  console.log(`PSS with GitHub's spec open: ${appPss.toFixed(0)} MB (${appPss.each}); bare Tauri window: ${barePss.toFixed(0)} MB (${barePss.each}) → ${(appPss.total / barePss.total).toFixed(2)}x`);
  console.log(`PSS with GitHub's spec and 10 tabs: ${tabsPss.toFixed(0)} MB (${tabsPss.each}) → ${(tabsPss.total / barePss.total).toFixed(2)}x the bare window`);
  console.log(`22,000 operations: longest gap while opening ${openGap} ms; while filtering and scrolling ${exploreGap} ms; the same rows redrawn by plain DOM code, scrolled the same way: ${floorGap} ms (the platform's floor) → ${(exploreGap / floorGap).toFixed(2)}x`);
  console.log(`10 MB response: first lines shown pretty in ${bigMs} ms; longest gap ${stall} ms`);
  console.log(`100 MB response: shown (${hugeLines}) in ${hugeMs} ms; longest gap ${hugeGap} ms; PSS then ${hugePss.toFixed(0)} MB`);
  console.log(`5,000 saved requests: tree shown in ${treeMs} ms (${treeRows} rows in the page); longest gap while showing, filtering, scrolling ${treeGap} ms (${treePhases.join(", ")})`);
} finally {
  for (const c of children) c.kill();
}
process.exit(0);
