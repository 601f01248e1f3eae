// End to end: the real Vouch window (debug build) under Xvfb, driven through tauri-driver and
// WebKitWebDriver. It opens the FastAPI reference service's spec (given at start, as "Open
// with…" does), fills a form, sends, sees a drift finding, saves the request (and stays
// responsive while a save waits on the store's lock, held by another process), runs the
// collection, and exports it; at the end it mocks the spec and sends a request to the mock. A
// screenshot of each step goes to target/e2e/.
//
//     xvfb-run -a node tests/e2e/run.mjs   (./dev test does this)
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { remote } from "webdriverio";

import { heartbeat, setInput } from "./page.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const app = join(root, "target/debug/vouch-app");
// VOUCH_E2E_SHOTS: another folder (./dev test runs the journeys twice, painted two ways).
const shots = resolve(root, process.env.VOUCH_E2E_SHOTS ?? "target/e2e");
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "vouch-e2e-"));
const children = [];
let passed = 0;
let failed = 0;

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  return child;
}

const python = process.env.VOUCH_PYTHON ?? join(root, "tests/servers/.venv/bin/python");

/** The reference service on a free port (serve.py prints it). */
async function shop() {
  const child = start(python, [join(root, "tests/servers/serve.py"), "shop:app"]);
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (c) => reject(new Error(`the shop service exited (${c})`)));
  });
  return `http://127.0.0.1:${line.trim()}`;
}

/**
 * Another process (as the `vouch` CLI would be) holding a write transaction on the store for
 * `ms`: resolves once the lock is held; `released` resolves when it has committed.
 */
async function holdStoreLock(db, ms) {
  const script = [
    "import sqlite3, sys, time",
    "c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)",
    'c.execute("BEGIN IMMEDIATE")',
    'print("locked", flush=True)',
    "time.sleep(float(sys.argv[2]))",
    'c.execute("COMMIT")',
    'print("released", flush=True)',
  ].join("\n");
  const child = start(python, ["-c", script, db, String(ms / 1000)]);
  const lines = createInterface({ input: child.stdout });
  const released = new Promise((resolve, reject) => {
    lines.on("line", (l) => l.trim() === "released" && resolve());
    child.once("exit", (c) => (c === 0 ? resolve() : reject(new Error(`the lock holder exited (${c})`))));
  });
  await new Promise((resolve, reject) => {
    lines.on("line", (l) => l.trim() === "locked" && resolve());
    child.once("exit", (c) => reject(new Error(`the lock holder exited (${c}) before locking`)));
  });
  return { released };
}

async function waitPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

/** The session steps run in (a restart makes a new one). */
let session = null;

/**
 * A screenshot of the display (Xvfb) into `path`. Grabbed from X rather than asked of
 * WebKitWebDriver, which never answers for a window painted in software (src-tauri's
 * painting.rs: the choice on a machine without a GPU, as here). A failed grab fails no step.
 */
function shoot(path) {
  const grab = "import sys\nfrom PIL import ImageGrab\nImageGrab.grab().save(sys.argv[1])";
  const r = spawnSync(python, ["-c", grab, path], { stdio: ["ignore", "ignore", "pipe"], timeout: 20000 });
  if (r.status !== 0) console.log(`e2e: no screenshot ${path}: ${String(r.stderr ?? r.error).trim()}`);
}

async function step(_browser, n, name, f) {
  try {
    await f();
    passed++;
    console.log(`e2e: ok   ${n} ${name}`);
  } catch (e) {
    failed++;
    console.log(`e2e: FAIL ${n} ${name}: ${e.message}`);
  } finally {
    shoot(join(shots, `${n}-${name.replace(/\W+/g, "-")}.png`));
  }
}

async function main() {
  if (!existsSync(app)) throw new Error(`${app} is missing: cargo build -p vouch-app`);
  const base = await shop();
  const spec = `${base}/openapi.json`;
  const port = 4444 + Math.floor(Math.random() * 1000);
  const dataDir = join(work, "data");
  start("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], {
    VOUCH_DATA_DIR: dataDir,
  });
  await waitPort(port, 20000);
  const launch = () =>
    remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      capabilities: {
        browserName: "wry",
        "tauri:options": { application: app, args: [spec] },
        // WebKitWebDriver speaks classic WebDriver only (no BiDi).
        "wdio:enforceWebDriverClassic": true,
      },
    });
  let browser = await launch();
  session = browser;
  /** The element of a test id. WebKitWebDriver fails a find that races a re-render with
   *  "Stale element found when trying to create the node handle": the find is tried again. */
  const $t = async (id) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await browser.$(`[data-testid="${id}"]`);
      } catch (e) {
        if (attempt >= 20 || !/Stale element/i.test(String(e))) throw e;
        await browser.pause(50);
      }
    }
  };
  /** Clicks an element after scrolling it into view (tree rows, tabs of a long tab bar). */
  const press = async (id) => {
    await browser.waitUntil(
      async () => {
        try {
          const el = await $t(id);
          await el.scrollIntoView({ block: "center", inline: "center" });
          await el.click();
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 5000, timeoutMsg: `cannot click ${id}` },
    );
  };
  /** Replaces a controlled input's value as a user would (select all, type), and waits for it. */
  const fill = async (id, text) => {
    const el = await $t(id);
    await el.waitForDisplayed({ timeout: 5000 });
    await el.click();
    await browser.keys(["Control", "a"]);
    await browser.keys(text);
    await browser.waitUntil(async () => (await el.getValue()) === text, { timeout: 3000, timeoutMsg: `${id} is not ${text}` });
  };
  /** Pastes text into an input (as a clipboard paste: the whole text at once). */
  const paste = async (id, text) => {
    const el = await $t(id);
    await el.waitForDisplayed({ timeout: 5000 });
    await el.click();
    await setInput(browser, el, text);
    await browser.waitUntil(async () => (await el.getValue()) === text, { timeout: 3000, timeoutMsg: `${id} did not take the paste` });
  };
  /** Clicks an operation of the explorer (a virtualised list: re-found when re-rendered). */
  const op = async (which) => {
    const [, path] = which.split(" ");
    await browser.waitUntil(
      async () => {
        try {
          await (await browser.$(`[data-op="${which}"]`)).click();
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 5000, timeoutMsg: `no operation ${which}` },
    );
    // Its tab is open (the side panel follows the active tab).
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector(".request h2")?.textContent ?? "")).includes(path), { timeout: 5000, timeoutMsg: `${which} did not open` });
  };
  /** Shows a tab of the left sidebar: spec, collections or history. */
  const pane = async (p) => (await $t(`sidebar-${p}`)).click();
  try {
    await step(browser, "01", "spec opened from the command line", async () => {
      await (await $t("spec-title")).waitForDisplayed({ timeout: 20000 });
      const title = await (await $t("spec-title")).getText();
      if (!/operations/.test(title)) throw new Error(`title: ${title}`);
      const ops = await browser.$$('[data-testid="op"]');
      if (ops.length < 10) throw new Error(`${ops.length} operations shown`);
    });
    await step(browser, "02", "filter and pick an operation", async () => {
      await fill("op-filter", "price-string");
      const op = await browser.$('[data-op="GET /drift/price-string"]');
      await op.waitForDisplayed({ timeout: 5000 });
      await op.click();
      await (await $t("send")).waitForDisplayed({ timeout: 5000 });
    });
    await step(browser, "03", "send and see the drift finding", async () => {
      await (await $t("send")).click();
      const verdict = await $t("verdict");
      await verdict.waitForDisplayed({ timeout: 15000 });
      const text = await verdict.getText();
      if (!/finding/.test(text)) throw new Error(`verdict: ${text}`);
      const findings = await (await $t("findings")).getText();
      if (!findings.includes("/price")) throw new Error(`findings: ${findings}`);
      // The finding's location, shown in the body (the line found by the engine).
      await (await $t("finding")).click();
      await browser.waitUntil(async () => (await (await browser.$(".line.hl .code")).getText().catch(() => "")).includes('"price"'), { timeout: 5000, timeoutMsg: "the finding's line was not shown" });
    });
    await step(browser, "04", "fill a form and send it", async () => {
      await fill("op-filter", "items");
      await (await browser.$('[data-op="GET /items/{item_id}"]')).click();
      const param = await $t("param-item_id");
      await param.waitForDisplayed({ timeout: 5000 });
      await param.setValue("3");
      await (await $t("send")).click();
      await browser.waitUntil(async () => (await (await $t("status-line")).getText()).includes("200"), {
        timeout: 15000,
        timeoutMsg: "no 200",
      });
      const verdict = await (await $t("verdict")).getText();
      if (!/honours/.test(verdict)) throw new Error(`verdict: ${verdict}`);
    });
    await step(browser, "04b", "copy the request as cURL", async () => {
      await (await $t("copy-curl")).click();
      const curl = await $t("curl");
      await curl.waitForDisplayed({ timeout: 5000 });
      const text = await curl.getText();
      if (!text.startsWith("curl -X 'GET'") || !text.includes("/items/3")) throw new Error(`curl: ${text}`);
      await pane("history");
      const history = await (await $t("history")).getText();
      if (!history.includes("/drift/price-string")) throw new Error(`history: ${history}`);
    });
    await step(browser, "04d", "open a call of the history again, with bearer auth", async () => {
      let entry = null;
      for (const li of await browser.$$('[data-testid="history"] li')) {
        if ((await li.getText()).includes("/drift/price-string")) entry = li;
      }
      if (!entry) throw new Error("the drift call is not in the history");
      await entry.click();
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("/drift/price-string"), {
        timeout: 5000,
        timeoutMsg: "history entry not reopened",
      });
      await (await $t("editor-tab-auth")).click();
      await (await $t("auth-kind")).selectByAttribute("value", "bearer");
      await (await $t("auth-token")).setValue("abc");
      await (await $t("send")).click();
      await browser.waitUntil(async () => (await (await $t("status-line")).getText()).includes("200"), { timeout: 15000, timeoutMsg: "no 200" });
    });
    await step(browser, "04c", "the raw body is linted against the contract", async () => {
      await pane("spec");
      await fill("op-filter", "items");
      await (await browser.$('[data-op="POST /items"]')).click();
      await (await $t("raw-toggle")).waitForClickable({ timeout: 5000 });
      await (await $t("raw-toggle")).click();
      const editor = await browser.$('[data-testid="raw-body"] .cm-content');
      await editor.waitForDisplayed({ timeout: 5000 });
      await editor.click();
      await browser.keys(["Control", "a"]);
      await browser.keys("Delete");
      await browser.keys('{"name": 3, "price": 1}');
      await browser.waitUntil(async () => (await (await $t("raw-lint")).getText()).includes("/name"), {
        timeout: 5000,
        timeoutMsg: "no lint finding",
      });
      // And marked in the editor itself, on the offending key.
      await (await browser.$(".cm-lintRange-error")).waitForExist({ timeout: 5000 });
      shoot(join(shots, "04c-raw-editor-lint.png"));
      // Back to the item read for the next steps.
      await (await browser.$('[data-op="GET /items/{item_id}"]')).click();
      await (await $t("param-item_id")).setValue("3");
    });
    await step(browser, "05", "save the request", async () => {
      await (await $t("save-collection")).setValue("e2e");
      await (await $t("save-name")).setValue("read item");
      await (await $t("save")).click();
      await (await $t("notice")).waitForDisplayed({ timeout: 5000 });
      await pane("collections");
      const cols = await (await $t("collections")).getText();
      if (!cols.includes("read item")) throw new Error(`collections: ${cols}`);
      await pane("spec");
    });
    await step(browser, "05b", "the window stays responsive while a save waits on the store's lock", async () => {
      // The CLI (another process) holds a write transaction on vouch.db for 3 s; a save waits
      // on it (the store's busy timeout is 5 s). A synchronous command would wait on the main
      // thread and freeze the window for those seconds: here another operation's form must
      // render within 1 s of the click (a frozen window takes the lock's 3 s; a debug build on
      // two busy cores takes 100-200 ms), while the save is still waiting.
      const next = await browser.$('[data-op="POST /items"]');
      await next.waitForDisplayed({ timeout: 5000 });
      // One round trip each (the elements are re-rendered).
      const heading = () => browser.execute(() => (document.querySelector(".request h2")?.textContent ?? "").replace("●", "").trim());
      const notice = () => browser.execute(() => document.querySelector('[data-testid="notice"]')?.textContent ?? "");
      if ((await heading()) === "POST /items") throw new Error("the form already shows POST /items");
      await (await $t("save-collection")).setValue("locked");
      await (await $t("save-name")).setValue("saved under lock");
      const saved = (text) => text.includes("“saved under lock” in locked");
      const lock = await holdStoreLock(join(dataDir, "vouch.db"), 3000);
      let lockHeld = true;
      lock.released.then(() => (lockHeld = false), () => {});
      const t0 = Date.now();
      await (await $t("save")).click();
      const t1 = Date.now();
      await next.click();
      await browser.waitUntil(async () => (await heading()) === "POST /items", {
        timeout: 10000,
        interval: 5,
        timeoutMsg: "the form of POST /items did not render",
      });
      const t2 = Date.now();
      const savedAlready = saved(await notice());
      console.log(`e2e:      save click ${t1 - t0} ms, click on POST /items to its form ${t2 - t1} ms (lock still held: ${lockHeld}, save done: ${savedAlready})`);
      // A save on the main thread freezes the window: then the Save click itself only returns
      // once the lock is gone (and the next click is fast again, the save being done).
      if (t1 - t0 >= 1000) throw new Error(`the Save click took ${t1 - t0} ms: the window froze while the save waited`);
      if (!lockHeld || savedAlready) throw new Error("the window did nothing until the save was done (a command on the main thread?)");
      if (t2 - t1 >= 1000) throw new Error(`the form rendered ${t2 - t1} ms after the click (limit 1 s): the window is blocked`);
      await lock.released;
      await browser.waitUntil(async () => saved(await notice()), {
        timeout: 10000,
        timeoutMsg: "the save did not complete once the lock was released",
      });
      await pane("collections");
      const cols = await (await $t("collections")).getText();
      if (!cols.includes("saved under lock")) throw new Error(`collections: ${cols}`);
    });
    await step(browser, "06", "run the collection", async () => {
      await (await $t("run-e2e")).click();
      const result = await $t("run-result");
      await result.waitForDisplayed({ timeout: 20000 });
      const text = await result.getText();
      if (!/1 step: 1 passed/.test(text)) throw new Error(`run: ${text}`);
    });
    await step(browser, "06b", "compose a suite, run it twice, see the chart", async () => {
      await (await $t("new-suite-e2e")).click();
      await (await $t("pick-read item")).click();
      await (await $t("suite-name")).setValue("smoke");
      await (await $t("create-suite")).click();
      const run = await $t("run-e2e/smoke");
      await run.waitForClickable({ timeout: 5000 });
      for (let i = 0; i < 2; i++) {
        await run.click();
        await browser.waitUntil(async () => (await (await $t("run-chart")).isExisting()) && (await (await $t("run-chart")).getText()).includes(i === 0 ? "1 run ·" : "2 runs ·"), {
          timeout: 20000,
          timeoutMsg: `chart after run ${i + 1}`,
        });
      }
    });
    await step(browser, "06c", "the runner's Load tab: a load run with live figures, charts and thresholds, then one stopped early", async () => {
      await press("view-runner");
      await press("runner-mode-load");
      const target = await $t("runner-target");
      await target.selectByAttribute("value", "e2e/smoke");
      await fill("load-rate", "20");
      await fill("load-duration", "2");
      await press("load-start");
      await (await $t("load-live")).waitForDisplayed({ timeout: 10000 });
      const result = await $t("load-result");
      await result.waitForDisplayed({ timeout: 30000 });
      const summary = await (await $t("load-summary")).getText();
      // 2 s at 20 calls/s of a healthy service: every call answered and checked.
      if (!/^passed: 40 calls/.test(summary) || !/0 errors, 0 findings/.test(summary)) throw new Error(`summary: ${summary}`);
      const held = await (await $t("load-thresholds-result")).getText();
      if (!/held p99<200ms/.test(held) || !/held findings==0/.test(held)) throw new Error(`thresholds: ${held}`);
      const steps = await (await $t("load-steps")).getText();
      if (!/read item/.test(steps) || !/total/.test(steps)) throw new Error(`steps: ${steps}`);
      for (const chart of ["load-chart-throughput", "load-chart-latency"]) {
        const lines = await browser.$$(`[data-testid="${chart}"] polyline`);
        if (lines.length === 0) throw new Error(`${chart} has no line`);
      }
      // A long run stopped with Stop keeps what it measured.
      await fill("load-duration", "60");
      await press("load-start");
      await (await $t("load-stop")).waitForDisplayed({ timeout: 10000 });
      await browser.pause(1500);
      // Leaving the runner does not lose the run: back in it, the Load tab shows it live.
      await press("view-request");
      await browser.pause(1200);
      await press("view-runner");
      await (await $t("load-stop")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the running load was lost on return" });
      await browser.waitUntil(async () => /\d+ s · \d+ calls\/s/.test(await (await $t("load-live")).getText()), {
        timeout: 5000,
        timeoutMsg: "no live figures on return",
      });
      await press("load-stop");
      await result.waitForDisplayed({ timeout: 15000 });
      const stopped = await (await $t("load-summary")).getText();
      if (!/stopped early/.test(stopped) || !/^failed:/.test(stopped)) throw new Error(`stopped run: ${stopped}`);
      shoot(join(shots, "06c-load-tab.png"));
      await press("runner-mode-run");
    });
    await step(browser, "07", "export the collection", async () => {
      const out = join(work, "exported");
      await (await $t("export-dir")).setValue(out);
      await (await $t("export-e2e")).click();
      await browser.waitUntil(async () => existsSync(join(out, "collection.yaml")), { timeout: 5000, timeoutMsg: "no export" });
      if (!readFileSync(join(out, "collection.yaml"), "utf8").includes("name: e2e")) throw new Error("wrong collection");
    });
    await step(browser, "08", "create an environment with a secret, which is never shown again", async () => {
      await (await $t("edit-env")).click();
      await (await $t("env-name")).setValue("dev");
      await (await browser.$("button=Add variable")).click();
      const inputs = await browser.$$('[data-testid="env-editor"] tbody input');
      await inputs[0].setValue("token");
      await inputs[1].setValue("s3cr3t-e2e");
      await inputs[2].click(); // secret
      await (await $t("env-save")).click();
      await browser.waitUntil(async () => (await (await $t("env")).getValue()) === "dev", { timeout: 5000, timeoutMsg: "env not selected" });
      await (await $t("edit-env")).click();
      await (await $t("env-editor")).waitForDisplayed({ timeout: 5000 });
      await browser.pause(500);
      const values = [];
      for (const input of await browser.$$('[data-testid="env-editor"] tbody input')) values.push(await input.getValue());
      if (values.includes("s3cr3t-e2e")) throw new Error(`secret shown: ${values}`);
      if (!values.includes("token")) throw new Error(`variable missing: ${values}`);
      // Another environment, made and deleted (asked twice) from the Environments view.
      await press("env-new");
      await paste("env-name", "scratch");
      await press("env-save");
      await (await $t("env-item-scratch")).waitForDisplayed({ timeout: 5000, timeoutMsg: "scratch not listed" });
      await press("env-rename");
      await paste("env-rename-input", "sandbox");
      await press("env-rename-ok");
      await (await $t("env-item-sandbox")).waitForDisplayed({ timeout: 5000, timeoutMsg: "scratch not renamed" });
      if (await (await $t("env-item-scratch")).isExisting()) throw new Error("old name still listed");
      await press("env-delete");
      await press("env-delete-yes");
      await (await $t("env-item-sandbox")).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "sandbox not deleted" });
      await (await $t("env")).selectByAttribute("value", "dev");
      await browser.waitUntil(async () => (await (await $t("env")).getValue()) === "dev", { timeout: 5000, timeoutMsg: "dev not picked again" });
    });
    await step(browser, "09", "a collection folder stays linked: a save writes its file, a conflict is shown, kept apart, restored", async () => {
      const folder = join(work, "shop");
      cpSync(join(root, "collections/shop"), folder, { recursive: true });
      await (await $t("spec-source")).setValue(folder);
      await (await $t("open")).click();
      await pane("collections");
      await (await $t("folder-shop")).waitForDisplayed({ timeout: 20000 });
      await pane("spec");
      await fill("op-filter", "/rate");
      await (await browser.$('[data-op="GET /rate"]')).click();
      await (await $t("save-collection")).setValue("shop");
      await (await $t("save-name")).setValue("e2e rate");
      await (await $t("save")).waitForEnabled({ timeout: 5000 });
      await (await $t("save")).click();
      const file = join(folder, "e2e-rate.yaml");
      await browser.waitUntil(async () => existsSync(file), { timeout: 5000, timeoutMsg: "the save wrote no file into the linked folder" });
      await pane("collections");
      // The folder changes (a pull) while the window holds its own version, which is saved
      // again: a conflict. (A periodic sync may take the pull first: then try again.)
      const conflict = await $t("conflict-request:e2e rate");
      for (let i = 0; i < 3 && !(await conflict.isExisting()); i++) {
        writeFileSync(file, readFileSync(file, "utf8").replace(/path: \/rate.*/, `path: /rate?pulled=${i}`));
        await (await $t("save")).click();
        await browser.pause(1500);
      }
      await conflict.waitForDisplayed({ timeout: 5000, timeoutMsg: "no conflict shown" });
      if (!readFileSync(file, "utf8").includes("pulled=")) throw new Error("the folder's version was overwritten");
      await (await $t("keep-theirs-request:e2e rate")).click();
      await conflict.waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the conflict stayed" });
      const trash = await $t("trash-shop");
      await trash.waitForDisplayed({ timeout: 5000, timeoutMsg: "this machine's version is not in the trash" });
      await (await trash.$("summary")).click();
      await (await trash.$("button=Restore")).click();
      const restored = join(folder, "e2e-rate-restored.yaml");
      await browser.waitUntil(async () => existsSync(restored), { timeout: 5000, timeoutMsg: "restoring wrote no file" });
    });
    await step(browser, "09b", "a pulled file part is approved before a run uploads it", async () => {
      const folder = join(work, "shop");
      mkdirSync(join(folder, "fixtures"), { recursive: true });
      writeFileSync(join(folder, "fixtures/note.txt"), "eleven byte");
      const upload = join(folder, "upload.yaml");
      writeFileSync(upload, readFileSync(upload, "utf8").replace("  - name: file\n    value:\n      text: a\n", "  - name: file\n    value:\n      file:\n        path: fixtures/note.txt\n"));
      // The window's periodic sync takes the change (a pull) and says so.
      await browser.waitUntil(async () => (await (await $t("notice")).getText().catch(() => "")).includes("taken from the folder"), {
        timeout: 10000,
        timeoutMsg: "the change on disk was not picked up",
      });
      await (await $t("run-shop")).click();
      const ask = await $t("approve-files");
      await ask.waitForDisplayed({ timeout: 10000, timeoutMsg: "the run did not ask about the file" });
      const text = await ask.getText();
      if (!text.includes("fixtures/note.txt") || !text.includes("Upload")) throw new Error(`asked: ${text}`);
      await (await $t("approve-files-run")).click();
      await ask.waitForExist({ reverse: true, timeout: 10000, timeoutMsg: "still asking" });
      await (await $t("run-result")).waitForDisplayed({ timeout: 60000, timeoutMsg: "the approved run did not run" });
    });
    await step(browser, "10", "a saved request from the tree: edit a header and a check, save, rename, duplicate, move, delete and undo", async () => {
      const folder = join(work, "shop");
      await pane("collections");
      // The tree's filter narrows it to the request.
      await paste("tree-filter", "create item");
      await browser.waitUntil(async () => (await browser.$$('[data-testid^="req-shop/"]')).length === 1, { timeout: 5000, timeoutMsg: "the filter did not narrow the tree" });
      await (await $t("req-shop/items/Create Item")).waitForDisplayed({ timeout: 10000 });
      await press("req-shop/items/Create Item");
      await paste("tree-filter", "");
      await browser.waitUntil(async () => (await (await $t("saved-at")).getText().catch(() => "")).includes("shop/items/Create Item"), { timeout: 5000, timeoutMsg: "the saved request did not open" });
      await press("editor-tab-headers");
      await press("add-header");
      await paste("header-name-0", "X-Trace");
      await paste("header-value-0", "e2e-10");
      await press("editor-tab-checks");
      const before = (await browser.$$('[data-testid^="check-on-"]')).length;
      await press("add-check");
      await (await $t(`check-on-${before}`)).selectByAttribute("value", "json");
      await paste(`check-target-${before}`, "$.price");
      await paste(`check-expected-${before}`, "1.0");
      await (await $t("dirty")).waitForDisplayed({ timeout: 2000 });
      await press("save-tab");
      const file = join(folder, "items/create-item.yaml");
      await browser.waitUntil(async () => readFileSync(file, "utf8").includes("X-Trace") && readFileSync(file, "utf8").includes("$.price"), { timeout: 5000, timeoutMsg: "the header and the check were not saved to the request's file" });
      await (await $t("dirty")).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "still marked unsaved" });
      // Rename.
      await press("menu-shop/items/Create Item");
      await press("action-rename");
      await paste("action-input", "Make Item");
      await press("action-ok");
      await (await $t("req-shop/items/Make Item")).waitForDisplayed({ timeout: 5000, timeoutMsg: "not renamed" });
      await browser.waitUntil(async () => existsSync(join(folder, "items/make-item.yaml")) && !existsSync(file), { timeout: 5000, timeoutMsg: "the file was not renamed" });
      // Duplicate, and move the copy to a new folder.
      await press("menu-shop/items/Make Item");
      await press("action-duplicate");
      const copy = await $t("req-shop/items/Make Item (copy)");
      await copy.waitForDisplayed({ timeout: 5000, timeoutMsg: "not duplicated" });
      await press("menu-shop/items/Make Item (copy)");
      await press("action-move");
      await paste("action-input", "archive");
      await press("action-ok");
      const moved = await $t("req-shop/archive/Make Item (copy)");
      await moved.waitForDisplayed({ timeout: 5000, timeoutMsg: "not moved" });
      await browser.waitUntil(async () => existsSync(join(folder, "archive/folder.yaml")), { timeout: 5000, timeoutMsg: "no folder on disk" });
      // Delete, then undo.
      await press("menu-shop/archive/Make Item (copy)");
      await press("action-delete");
      await moved.waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "not deleted" });
      await press("undo-delete");
      await (await $t("req-shop/archive/Make Item (copy)")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the delete was not undone" });
    });
    await step(browser, "11", "two tabs with unsaved changes survive a restart", async () => {
      await pane("spec");
      await fill("op-filter", "items");
      // A fresh tab each: the active one is saved, so a click opens another.
      await (await browser.$('[data-op="GET /items/{item_id}"]')).click();
      await fill("param-item_id", "42");
      await (await browser.$('[data-op="DELETE /items/{item_id}"]')).click();
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("DELETE"), { timeout: 5000, timeoutMsg: "DELETE not opened" });
      await fill("param-item_id", "43");
      await browser.pause(1000); // kept in the store a moment after each change
      await browser.deleteSession();
      await new Promise((r) => setTimeout(r, 2000)); // the old window gone first
      browser = await launch();
      session = browser;
      await (await $t("tab-bar")).waitForDisplayed({ timeout: 20000 });
      await browser.waitUntil(async () => (await (await $t("param-item_id")).getValue().catch(() => "")) === "43", { timeout: 10000, timeoutMsg: "the active tab's value is gone" });
      let found = false;
      for (const tab of await browser.$$('[data-testid="tab"]')) {
        if (!(await tab.getText()).includes("GET /items/{item_id}")) continue;
        // (A click through the page: WebKitWebDriver calls a tab of a scrolled tab bar not
        // interactable.)
        await browser.execute((el) => el.click(), tab);
        await browser.pause(200);
        if ((await (await $t("param-item_id")).getValue()) === "42") {
          found = true;
          if (!(await (await $t("dirty")).isExisting())) throw new Error("the restored tab is not marked unsaved");
          break;
        }
      }
      if (!found) throw new Error("the other unsaved tab did not come back");
    });
    await step(browser, "12", "paste a cURL command and send it; the command palette opens an operation and switches environment", async () => {
      await paste("url-bar", `curl -X GET '${base}/items/2' -H 'X-Trace: pasted'`);
      await browser.keys("Enter");
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("GET /items/2"), { timeout: 5000, timeoutMsg: "the pasted request did not open" });
      const note = await (await $t("no-contract")).getText();
      if (!note.includes("checked against operation")) throw new Error(`not matched: ${note}`);
      // Its URL can be edited: item 3 instead of 2.
      await paste("free-url", `${base}/items/3`);
      await (await $t("editor-tab-headers")).click();
      if ((await (await $t("header-value-0")).getValue()) !== "pasted") throw new Error("the pasted header is missing");
      await (await $t("send")).click();
      await browser.waitUntil(async () => (await (await $t("status-line")).getText()).includes("200") && (await (await browser.$(".response .url")).getText()).includes("/items/3"), { timeout: 15000, timeoutMsg: "no 200 from the edited URL" });
      // The body filtered by a JSONPath, by the engine.
      await paste("body-filter", "$.tags[*]");
      await browser.waitUntil(async () => (await (await $t("body-filtered")).getText().catch(() => "")).includes('"a"'), { timeout: 5000, timeoutMsg: "the JSONPath filter showed nothing" });
      // The response's timeline shows the request as sent; its code tab the request as httpx.
      await (await $t("response-tab-timeline")).click();
      const sent = await (await $t("request-headers")).getText();
      if (!sent.includes("X-Trace")) throw new Error(`sent headers: ${sent}`);
      // Where the time went, phase by phase.
      const phases = await (await $t("phases")).getText();
      if (!phases.includes("waiting for the first byte") || !phases.includes("total")) throw new Error(`phases: ${phases}`);
      await (await $t("response-tab-code")).click();
      await (await $t("code-httpx")).click();
      await browser.waitUntil(async () => (await (await $t("code")).getText()).includes("httpx.request("), { timeout: 5000, timeoutMsg: "no httpx snippet" });
      // The palette: switch environment, then open an operation.
      await browser.keys(["Control", "k"]);
      await (await $t("palette")).waitForDisplayed({ timeout: 5000 });
      const choose = async (text) => {
        await paste("palette-input", text);
        await browser.waitUntil(async () => (await (await browser.$('[cmdk-item][data-selected="true"]')).getText().catch(() => "")).includes(text), { timeout: 5000, timeoutMsg: `the palette does not offer ${text}` });
        await browser.keys("Enter");
      };
      await choose("Use dev");
      await browser.waitUntil(async () => (await (await $t("env")).getValue()) === "dev", { timeout: 5000, timeoutMsg: "the environment did not switch" });
      // The response beside the request, then back below it.
      await browser.keys(["Control", "k"]);
      await choose("Response beside the request");
      await browser.waitUntil(async () => (await (await browser.$(".work")).getAttribute("data-panel-group-direction")) === "horizontal", { timeout: 5000, timeoutMsg: "the split did not turn" });
      await browser.keys(["Control", "k"]);
      await choose("Response below the request");
      await browser.waitUntil(async () => (await (await browser.$(".work")).getAttribute("data-panel-group-direction")) === "vertical", { timeout: 5000, timeoutMsg: "the split did not turn back" });
      await browser.keys(["Control", "k"]);
      await choose("GET /drift/price-string");
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("/drift/price-string"), { timeout: 5000, timeoutMsg: "the operation did not open" });
    });
    await step(browser, "12b", "a pasted cURL command's JSON body is edited as text, then as form fields", async () => {
      await paste("url-bar", `curl -X POST '${base}/items' -H 'Content-Type: application/json' -d '{"name": "pasted", "price": 2}'`);
      await browser.keys("Enter");
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("POST /items"), { timeout: 5000, timeoutMsg: "the pasted request did not open" });
      await press("editor-tab-body");
      const text = await $t("body-raw-text");
      await text.waitForDisplayed({ timeout: 5000 });
      if (!(await text.getValue()).includes('"pasted"')) throw new Error(`body: ${await text.getValue()}`);
      await browser.execute(
        (e, v) => {
          Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(e, v);
          e.dispatchEvent(new Event("input", { bubbles: true }));
        },
        text,
        '{"name": "edited", "price": 3}',
      );
      await press("send");
      await browser.waitUntil(async () => (await (await $t("status-line")).getText().catch(() => "")).includes("201"), { timeout: 15000, timeoutMsg: "the edited body was not created (201)" });
      // As form fields instead: rows.
      await press("body-mode-form");
      await press("add-form-field");
      await paste("form-name-0", "grant_type");
      await paste("form-value-0", "password");
      if ((await (await $t("form-value-0")).getValue()) !== "password") throw new Error("the form field did not take");
    });
    await step(browser, "13", "a suite of three requests chaining an id: built, run, a failed step drilled into", async () => {
      const saveAs = async (name) => {
        await paste("save-collection", "e2e");
        await paste("save-name", name);
        await (await $t("save")).click();
        await browser.waitUntil(async () => (await (await $t("notice")).getText().catch(() => "")).includes(`“${name}”`), { timeout: 5000, timeoutMsg: `${name} not saved` });
      };
      await pane("spec");
      await paste("op-filter", "items");
      await op("POST /items");
      await (await $t("editor-tab-checks")).waitForDisplayed({ timeout: 5000 });
      await (await $t("editor-tab-checks")).click();
      await (await $t("add-extraction")).click();
      await paste("extract-var-0", "id");
      await saveAs("create item");
      await op("GET /items/{item_id}");
      await paste("param-item_id", "{{id}}");
      // A variable the environment lacks (it comes from the chain) is marked and explained.
      const field = await $t("param-item_id");
      if (!(await field.getAttribute("class")).includes("missing-var") || !(await field.getAttribute("title")).includes("id: not in the environment")) throw new Error("the variable is not marked");
      await saveAs("read created");
      await paste("op-filter", "price-string");
      await op("GET /drift/price-string");
      await (await $t("send")).waitForDisplayed({ timeout: 5000 });
      await saveAs("drift");
      await pane("collections");
      await press("new-suite-e2e");
      for (const r of ["create item", "read created", "drift"]) await press(`pick-${r}`);
      await paste("suite-name", "chain3");
      await press("create-suite");
      await press("run-e2e/chain3");
      const result = await $t("run-result");
      await browser.waitUntil(async () => (await result.getText().catch(() => "")).includes("3 steps"), { timeout: 20000, timeoutMsg: "the suite did not run" });
      const text = await result.getText();
      if (!/3 steps: 2 passed, 1 failed/.test(text) || !text.includes("coverage")) throw new Error(`run: ${text}`);
      // Coverage: each exercised operation with its declared responses, the seen ones marked.
      const seen = await browser.$$('[data-testid="coverage"] .cov.seen');
      if (seen.length < 3) throw new Error(`coverage marks ${seen.length} responses seen`);
      await press("step-2");
      const detail = await $t("step-detail");
      await detail.waitForDisplayed({ timeout: 5000 });
      const shown = await detail.getText();
      if (!shown.includes("/price") || !shown.includes("/drift/price-string") || !shown.includes("curl")) throw new Error(`detail: ${shown}`);
      // The explorer marks the operations the run covered.
      await pane("spec");
      await paste("op-filter", "price-string");
      await browser.waitUntil(async () => (await (await $t("cov-mark")).getText().catch(() => "")) === "1/1", { timeout: 5000, timeoutMsg: "no coverage mark in the explorer" });
    });
    await step(browser, "14", "a form-encoded body (OAuth2 password) is sent as a form, not as JSON", async () => {
      await pane("spec");
      await paste("op-filter", "token");
      await op("POST /token");
      for (const [id, value] of [["root_username", "alice"], ["root_password", "wonderland"]]) {
        const el = await browser.$(`#${id}`);
        await el.waitForDisplayed({ timeout: 5000 });
        await setInput(browser, el, value);
      }
      await press("send");
      await browser.waitUntil(async () => (await (await $t("status-line")).getText().catch(() => "")).includes("200"), { timeout: 15000, timeoutMsg: "the token endpoint did not answer 200" });
    });
    await step(browser, "15", "a 10 MB body: pretty, folded, searched, raw, and the window never stalls", async () => {
      const beat = await heartbeat(browser);
      await paste("url-bar", `${base}/catalog?mb=10`);
      await browser.keys("Enter");
      await browser.waitUntil(async () => (await (await browser.$(".request h2")).getText()).includes("/catalog"), { timeout: 5000, timeoutMsg: "the typed URL did not open" });
      await press("send");
      await browser.waitUntil(async () => (await (await $t("status-line")).getText().catch(() => "")).includes("MB"), { timeout: 30000, timeoutMsg: "no 10 MB response" });
      await browser.waitUntil(async () => /^[\d,.]+ lines$/.test(await (await $t("body-lines")).getText().catch(() => "")), { timeout: 30000, timeoutMsg: "the body was not laid out pretty" });
      const phase = beat.take;
      const gaps = [`sent and laid out ${await phase()} ms`];
      const lines = Number((await (await $t("body-lines")).getText()).replace(/\D/g, ""));
      if (lines < 400000) throw new Error(`only ${lines} lines`);
      await browser.waitUntil(async () => (await (await browser.$(".line .code")).getText().catch(() => "")) === "[", { timeout: 10000, timeoutMsg: "the first line was not drawn" });
      // The first item folded.
      const folds = await browser.$$('[data-testid="fold"]');
      await folds[1].click();
      await browser.waitUntil(async () => (await (await $t("body")).getText()).includes("… 10 lines"), { timeout: 5000, timeoutMsg: "the item did not fold" });
      gaps.push(`folded ${await phase()} ms`);
      // Searched: the one match, 20,000 items down, scrolled into view.
      await paste("body-search", '"item 20000"');
      await browser.waitUntil(async () => (await (await $t("body-hits")).getText().catch(() => "")) === "1 of 1", { timeout: 15000, timeoutMsg: "the search found nothing" });
      await browser.waitUntil(async () => (await (await browser.$(".line.hl .code")).getText().catch(() => "")).includes('"item 20000"'), { timeout: 10000, timeoutMsg: "the match was not shown" });
      gaps.push(`searched ${await phase()} ms`);
      shoot(join(shots, "15a-a-10-MB-body-searched.png"));
      // Raw: the minified line, cut into rows.
      await press("body-raw");
      await browser.waitUntil(async () => /shown raw|lines/.test(await (await $t("body-lines")).getText().catch(() => "")) && (await (await $t("body-lines")).getText()) !== `${lines.toLocaleString()} lines`, { timeout: 15000, timeoutMsg: "no raw layout" });
      gaps.push(`raw ${await beat.stop()} ms`);
      const gap = Math.max(...gaps.map((g) => Number(g.match(/(\d+) ms/)[1])));
      console.log(`e2e:      10 MB body (${lines} lines pretty): the longest gap in the page's heartbeat was ${gap} ms (${gaps.join(", ")})`);
      // A freeze, not a benchmark (bench/app-weight.sh measures release builds): a debug
      // build on a busy CI machine still must not block the page for a quarter second.
      if (gap > 250) throw new Error(`the page was blocked for ${Math.round(gap)} ms`);
    });
    await step(browser, "16", "the tree: a new folder and request, a request dragged into the folder, moved up, a suite deleted and undone", async () => {
      const folder = join(work, "shop");
      await pane("collections");
      // A new folder from the collection's menu.
      await press("collection-menu-shop");
      await press("collection-new-folder");
      await paste("name-input", "smoke");
      await press("name-ok");
      await (await $t("folder-shop/smoke")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no new folder" });
      // A new request in it, from the folder's right-click menu: opened in a tab.
      await browser.execute((el) => el.dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true })), await $t("folder-shop/smoke"));
      await press("folder-new-request");
      await (await $t("req-shop/smoke/New request")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no new request" });
      await browser.waitUntil(async () => (await (await $t("saved-at")).getText().catch(() => "")).includes("shop/smoke/New request"), { timeout: 5000, timeoutMsg: "the new request did not open" });
      await browser.waitUntil(async () => existsSync(join(folder, "smoke/new-request.yaml")), { timeout: 5000, timeoutMsg: "the new request's file was not written" });
      // Dragged: Read Item onto New request (before it, in smoke). The drag's events are the
      // browser's own, dispatched on the rows.
      await browser.execute(
        (from, to) => {
          const data = new DataTransfer();
          from.dispatchEvent(new DragEvent("dragstart", { bubbles: true, dataTransfer: data }));
          return new Promise((done) =>
            setTimeout(() => {
              to.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: data }));
              to.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data }));
              done(null);
            }, 50),
          );
        },
        await $t("req-shop/items/Read Item"),
        await $t("req-shop/smoke/New request"),
      );
      await (await $t("req-shop/smoke/Read Item")).waitForDisplayed({ timeout: 5000, timeoutMsg: "not dropped into smoke" });
      await browser.waitUntil(async () => existsSync(join(folder, "smoke/read-item.yaml")) && !existsSync(join(folder, "items/read-item.yaml")), { timeout: 5000, timeoutMsg: "the file did not move" });
      const order = async () => browser.execute(() => [...document.querySelectorAll('[data-testid^="req-shop/smoke/"]')].map((e) => e.dataset.testid.slice("req-shop/smoke/".length)));
      let names = await order();
      if (names.join(",") !== "Read Item,New request") throw new Error(`order in smoke: ${names}`);
      // Moved down again from its menu (the keyboard's way).
      await press("menu-shop/smoke/Read Item");
      await press("action-down");
      await browser.waitUntil(async () => (await order()).join(",") === "New request,Read Item", { timeout: 5000, timeoutMsg: `not moved down: ${await order()}` });
      // A suite deleted, then undone.
      await press("delete-suite-shop/chain");
      await (await $t("run-shop/chain")).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the suite was not deleted" });
      await press("undo-delete");
      await (await $t("run-shop/chain")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the suite delete was not undone" });
    });
    await step(browser, "17", "a folder hands its auth down; a collection renamed, then deleted (asked twice)", async () => {
      const folder = join(work, "shop");
      await pane("collections");
      // The folder's auth, from its menu: a bearer token by variable, written to its folder.yaml.
      await browser.execute((el) => el.dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true })), await $t("folder-shop/smoke"));
      await press("folder-auth");
      const dialog = await $t("inherited-auth");
      await dialog.waitForDisplayed({ timeout: 5000, timeoutMsg: "no auth dialog" });
      await (await dialog.$('[data-testid="auth-kind"]')).selectByAttribute("value", "bearer");
      await (await dialog.$('[data-testid="auth-token"]')).setValue("{{token}}");
      await press("inherited-auth-save");
      await dialog.waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the auth dialog stayed" });
      await browser.waitUntil(async () => readFileSync(join(folder, "smoke/folder.yaml"), "utf8").includes("{{token}}"), { timeout: 5000, timeoutMsg: "the folder's auth was not written" });
      // A request of the folder setting none says what it inherits.
      await press("req-shop/smoke/New request");
      await browser.waitUntil(async () => (await (await $t("saved-at")).getText().catch(() => "")).includes("shop/smoke/New request"), { timeout: 5000, timeoutMsg: "the request did not open" });
      await press("editor-tab-auth");
      await browser.waitUntil(async () => (await (await browser.$('[data-testid="auth-kind"] option[value="env"]')).getText()).includes("bearer token from folder smoke"), { timeout: 5000, timeoutMsg: "the inherited auth is not shown" });
      // A collection renamed from its menu, then deleted after a second click.
      await press("collection-menu-locked");
      await press("collection-rename");
      await paste("name-input", "archive");
      await press("name-ok");
      await (await $t("collection-menu-archive")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the collection was not renamed" });
      if (await (await $t("collection-menu-locked")).isExisting()) throw new Error("the old name is still listed");
      await press("collection-menu-archive");
      await press("collection-delete");
      await press("collection-delete-yes");
      await (await $t("collection-menu-archive")).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the collection was not deleted" });
    });
    await step(browser, "18", "the Mock tab: a mock of the open spec, requests pointed at it, each one logged, stopped", async () => {
      // One click from the spec: the sidebar's Mock tab, then Start.
      await pane("mock");
      await press("mock-start");
      const url = await $t("mock-url");
      await url.waitForDisplayed({ timeout: 10000, timeoutMsg: "the mock did not start" });
      const at = await url.getText();
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(at)) throw new Error(`mock URL: ${at}`);
      const before = await (await $t("base-url")).getValue();
      await press("mock-use");
      await browser.waitUntil(async () => (await (await $t("base-url")).getValue()) === at, { timeout: 5000, timeoutMsg: "the base URL was not pointed at the mock" });
      await (await $t("mock-pointed")).waitForDisplayed({ timeout: 5000 });
      // An operation sent from its form: the mock answers it, by the contract.
      await pane("spec");
      await paste("op-filter", "items");
      await op("GET /items/{item_id}");
      await paste("param-item_id", "7");
      await press("send");
      await browser.waitUntil(
        async () => (await (await $t("status-line")).getText().catch(() => "")).includes("200") && (await (await browser.$(".response .url")).getText().catch(() => "")).includes(`${at}/items/7`),
        { timeout: 15000, timeoutMsg: "no 200 from the mock" },
      );
      const verdict = await (await $t("verdict")).getText();
      if (!/honours/.test(verdict)) throw new Error(`verdict: ${verdict}`);
      // Back in the Mock tab (left meanwhile): still serving, the request at the top of its log.
      await pane("mock");
      await (await $t("mock-url")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the mock was lost on return" });
      // (Read as the page has it: WebKitWebDriver leaves the ellipsised path out of getText.)
      const newest = () => browser.execute(() => document.querySelector('[data-testid="mock-entry"]')?.textContent ?? "");
      await (await $t("mock-entry")).waitForDisplayed({ timeout: 5000, timeoutMsg: "the request is not in the mock's log" });
      const logged = await newest();
      if (!/200/.test(logged) || !/GET/.test(logged) || !logged.includes("/items/7")) throw new Error(`log: ${logged}`);
      // A request that breaks the contract: logged with where it broke it.
      const bad = await fetch(`${at}/items/not-a-number`);
      if (bad.status < 400 || bad.status >= 500) throw new Error(`the broken request got ${bad.status}`);
      await browser.waitUntil(async () => (await (await $t("mock-count")).getText()) === "2", { timeout: 5000, timeoutMsg: "the broken request was not logged" });
      const top = await newest();
      if (!top.includes("/items/not-a-number") || !/request: /.test(top)) throw new Error(`log: ${top}`);
      shoot(join(shots, "18a-mock-log.png"));
      // Stopped: its port closes, and requests go where they went before.
      await press("mock-stop");
      await (await $t("mock-start")).waitForDisplayed({ timeout: 10000, timeoutMsg: "the mock did not stop" });
      await browser.waitUntil(async () => (await (await $t("base-url")).getValue()) === before, { timeout: 5000, timeoutMsg: "the base URL was not given back" });
      const closed = await fetch(at).then(
        () => false,
        () => true,
      );
      if (!closed) throw new Error(`${at} still answers after Stop`);
      await press("mock-clear");
      await browser.waitUntil(async () => (await (await $t("mock-count")).getText()) === "0", { timeout: 5000, timeoutMsg: "the log was not cleared" });
    });
    await step(browser, "19", "the Fuzz tab: one operation fuzzed, its failure shown shrunk, opened in a tab and saved", async () => {
      await pane("spec");
      await paste("op-filter", "price-string");
      await op("GET /drift/price-string");
      await pane("fuzz");
      await (await $t("fuzz-scope")).selectByAttribute("value", "operation");
      await fill("fuzz-examples", "5");
      await press("fuzz-start");
      const summary = await $t("fuzz-summary");
      await summary.waitForDisplayed({ timeout: 60000, timeoutMsg: "the fuzz run did not finish" });
      const said = await summary.getText();
      if (!/^1 unique failure\(s\) in \d+ requests to 1 operation/.test(said)) throw new Error(`summary: ${said}`);
      const failure = await browser.execute(() => {
        const li = document.querySelector('[data-testid="fuzz-failure"]');
        return li ? `${li.getAttribute("data-check")} ${li.textContent}` : "";
      });
      if (!failure.startsWith("response-conformance") || !failure.includes("at /price") || !failure.includes("curl -X 'GET'")) throw new Error(`failure: ${failure}`);
      shoot(join(shots, "19a-fuzz.png"));
      // The shrunk request in a tab of its own.
      await press("fuzz-open");
      await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[data-testid="tab-bar"] [role=tab][aria-selected=true]')?.getAttribute("title") ?? "")).includes("response-conformance"), {
        timeout: 5000,
        timeoutMsg: "the failure did not open in a tab",
      });
      // Saved with the assertion that failed, into a collection of its own.
      await paste("fuzz-collection", "e2e fuzz");
      await press("fuzz-save");
      const saved = await $t("fuzz-saved");
      await saved.waitForDisplayed({ timeout: 5000, timeoutMsg: "the failure was not saved" });
      if (!(await saved.getText()).includes("e2e fuzz / fuzz failures (seed 1)")) throw new Error(`saved: ${await saved.getText()}`);
    });
    await step(browser, "20", "spec changes: a collection made from v1 compared with v2, the saved work it breaks, re-synced", async () => {
      const [v1, v2] = [join(work, "catalog-v1.yaml"), join(work, "catalog-v2.yaml")];
      writeFileSync(v1, catalog(1));
      writeFileSync(v2, catalog(2));
      await pane("collections");
      await paste("import-path", v1);
      await press("import");
      await (await $t("collection-menu-Catalog")).waitForExist({ timeout: 10000, timeoutMsg: "the v1 collection was not imported" });
      await (await $t("spec-source")).setValue(v2);
      await (await $t("open")).click();
      await pane("spec");
      await fill("op-filter", "/search");
      await (await browser.$('[data-op="GET /search"]')).waitForExist({ timeout: 10000, timeoutMsg: "v2 did not open" });
      await pane("collections");
      await press("collection-menu-Catalog");
      await press("collection-spec-changes");
      const headline = await $t("spec-changes-headline");
      // (Headings are shown in capitals.)
      const said = async () => (await headline.getText()).toLowerCase();
      await browser.waitUntil(async () => (await said()).startsWith("catalog: 3 breaking"), { timeout: 10000, timeoutMsg: `headline: ${await headline.getText()}` });
      const impact = await (await $t("spec-impact")).getText();
      for (const want of ["breaks request Search", "breaks request List reviews"]) if (!impact.includes(want)) throw new Error(`impact: ${impact}`);
      shoot(join(shots, "20a-spec-changes.png"));
      await press("resync");
      await (await $t("resync-done")).waitForDisplayed({ timeout: 10000, timeoutMsg: "the re-sync did not finish" });
      await browser.waitUntil(async () => (await said()) === "catalog: no changes", { timeout: 10000, timeoutMsg: `after the re-sync: ${await headline.getText()}` });
    });
    await step(browser, "20b", "the open spec saved over on disk: reloaded, the window tells which collection it changes", async () => {
      // Catalog now keeps v2 (the re-sync took the open spec's source); v2's file goes back to v1.
      writeFileSync(join(work, "catalog-v2.yaml"), catalog(1));
      const banner = await $t("spec-linked");
      await banner.waitForDisplayed({ timeout: 15000, timeoutMsg: "the reload told nothing" });
      const text = await banner.getText();
      if (!text.includes("“Catalog”") || !/\d+ breaking, \d+ warning, \d+ info/.test(text)) throw new Error(`banner: ${text}`);
      shoot(join(shots, "20b-spec-changed-on-disk.png"));
      await press("spec-linked-review-Catalog");
      const headline = await $t("spec-changes-headline");
      await browser.waitUntil(async () => {
        const h = (await headline.getText()).toLowerCase();
        return h.startsWith("catalog: ") && !h.endsWith("no changes");
      }, { timeout: 10000, timeoutMsg: `review: ${await headline.getText()}` });
      const changes = await browser.$$('[data-testid="spec-change"]');
      if (changes.length === 0) throw new Error("no change listed");
    });
    await step(browser, "20c", "a field both the user and the spec changed: shown side by side, picked, re-synced", async () => {
      // Synced with the file as it is now, then the user's value for `q`, saved.
      await press("resync");
      await (await $t("resync-done")).waitForDisplayed({ timeout: 10000, timeoutMsg: "the re-sync did not finish" });
      await pane("collections");
      await press("req-Catalog/Search");
      await browser.waitUntil(async () => (await (await $t("saved-at")).getText().catch(() => "")).includes("Catalog/Search"), { timeout: 5000, timeoutMsg: "Search did not open" });
      await paste("param-q", "lamp");
      await (await $t("dirty")).waitForDisplayed({ timeout: 2000 });
      await press("save-tab");
      await (await $t("dirty")).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "Search was not saved" });
      // The spec now gives `q` a default: the spec and the user changed the same field.
      writeFileSync(join(work, "catalog-v2.yaml"), catalog(1).replace("{name: q, in: query, required: true, schema: {type: string}}", "{name: q, in: query, required: true, schema: {type: string, default: shoes}}"));
      await (await $t("spec-linked")).waitForDisplayed({ timeout: 15000, timeoutMsg: "the reload told nothing" });
      await press("spec-linked-review-Catalog");
      const table = await $t("resync-conflicts");
      await table.waitForDisplayed({ timeout: 10000, timeoutMsg: "no conflict shown" });
      const row = await table.getText();
      if (!row.includes("query.q") || !row.includes('"lamp"') || !row.includes('"shoes"')) throw new Error(`conflict: ${row}`);
      shoot(join(shots, "20c-conflict-side-by-side.png"));
      await press("conflict-theirs");
      await press("resync-picked");
      await (await $t("resync-done")).waitForDisplayed({ timeout: 10000, timeoutMsg: "the picked re-sync did not finish" });
      const headline = await $t("spec-changes-headline");
      await browser.waitUntil(async () => (await headline.getText()).toLowerCase() === "catalog: no changes", { timeout: 10000, timeoutMsg: `after the picked re-sync: ${await headline.getText()}` });
    });
  } finally {
    await browser.deleteSession().catch(() => {});
  }
}

/** A small catalogue API: v2 drops the reviews, needs a category to search, returns a new status. */
function catalog(v) {
  const status = v === 1 ? "[active, retired]" : "[active, retired, draft]";
  const category = v === 1 ? "" : "\n        - {name: category, in: query, required: true, schema: {type: string}}";
  const reviews =
    v === 1
      ? `
  /products/{id}/reviews:
    get:
      operationId: list_reviews
      summary: List reviews
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}}`
      : "";
  return `openapi: 3.0.3
info: {title: Catalog, version: "${v}.0"}
paths:
  /search:
    get:
      operationId: search
      summary: Search
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}${category}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Product"}}}}}${reviews}
components:
  schemas:
    Product:
      type: object
      required: [id, status]
      properties:
        id: {type: integer}
        status: {type: string, enum: ${status}}
`;
}

try {
  await main();
} catch (e) {
  failed++;
  console.log(`e2e: FAIL setup: ${e.stack ?? e}`);
} finally {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
}
console.log(`e2e: ${passed} passed, ${failed} failed (screenshots in ${relative(root, shots)})`);
process.exit(failed === 0 ? 0 : 1);
