// What the end-to-end test and bench/app-weight.mjs both do to the page through WebDriver.

/** Sets a React-controlled input's value as a paste would: the whole text, one input event
 *  (WebDriver's typing drops repeated characters in WebKitWebDriver). */
export async function setInput(browser, el, value) {
  await browser.execute(
    (e, v) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(e, v);
      e.dispatchEvent(new Event("input", { bubbles: true }));
    },
    el,
    value,
  );
}

/** Starts a 10 ms heartbeat in the page: a task blocking the page shows as a gap between
 *  beats (WebKitGTK has no long-task observer). `take` returns the longest gap since the
 *  start or the last `take` (ms); `stop` ends it and returns the same. */
export async function heartbeat(browser) {
  await browser.execute(() => {
    let last = performance.now();
    window.__gap = 0;
    window.__beat = setInterval(() => {
      const t = performance.now();
      window.__gap = Math.max(window.__gap, t - last);
      last = t;
    }, 10);
  });
  const take = async () =>
    Math.round(
      await browser.execute(() => {
        const g = window.__gap;
        window.__gap = 0;
        return g;
      }),
    );
  return {
    take,
    stop: async () => {
      const g = await take();
      await browser.execute(() => clearInterval(window.__beat));
      return g;
    },
  };
}
