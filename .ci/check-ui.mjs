// Usage: node .ci/check-ui.mjs <url> <screenshot.png> <step> [<step> ...]
//
// Loads the page in Debian's Chromium (driven by playwright-core) and runs the steps in
// order, then saves a full-page screenshot. It exits 1 naming every text that never
// appeared (and still saves the screenshot). A step is one of:
//
//   T           wait until the page's visible text contains T (case-insensitive)
//   exact:T     wait until some element's whole text is T (case-insensitive, spaces
//               collapsed), e.g. "exact:Running" for the status badge
//   click:T     click the first element whose whole text is T (e.g. a tab), after the
//               texts before it appeared
//
// The Web UI keeps polling, so it waits for the texts, never for network idle; a page
// fetched without running its scripts would not show the workflow at all.
//
// Environment: CHROMIUM (default /usr/bin/chromium), UI_TIMEOUT_MS (default 90000, for
// the whole check).
import { chromium } from 'playwright-core';

const [url, screenshot, ...steps] = process.argv.slice(2);
if (!url || !screenshot || steps.length === 0) {
  console.error('usage: node check-ui.mjs <url> <screenshot.png> <text|exact:text|click:text> ...');
  process.exit(2);
}
const timeout = Number(process.env.UI_TIMEOUT_MS || 90000);

// Runs in the page, so it is self-contained and passed as a function (the UI's CSP
// forbids evaluating strings): the texts the page does not show yet or, with `done`
// set, whether it shows them all.
const absent = ({ texts, done }) => {
  const body = ((document.body && document.body.innerText) || '').toLowerCase();
  let elements = null;
  const out = texts.filter((w) => {
    const t = w.toLowerCase();
    if (!t.startsWith('exact:')) return !body.includes(t);
    elements ??= new Set([...document.querySelectorAll('body *')]
      .map((el) => (el.textContent || '').replace(/\s+/g, ' ').trim().toLowerCase()));
    return !elements.has(t.slice('exact:'.length));
  });
  return done ? out.length === 0 : out;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const started = Date.now();
const left = () => Math.max(1000, timeout - (Date.now() - started));
const missing = [];
let page;
try {
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: left() });
  if (!response || !response.ok()) {
    throw new Error(`GET ${url} answered ${response ? response.status() : 'nothing'}`);
  }
  // Wait for each run of texts, then do the click that ends it.
  let texts = [];
  for (const step of [...steps, 'click:']) {
    if (!step.startsWith('click:')) {
      texts.push(step);
      continue;
    }
    if (texts.length > 0) {
      try {
        await page.waitForFunction(absent, { texts, done: true }, { timeout: left(), polling: 250 });
      } catch (err) {
        if (err.name !== 'TimeoutError') throw err;
      }
      const notShown = await page.evaluate(absent, { texts, done: false });
      for (const t of texts) console.log(`${notShown.includes(t) ? 'MISSING' : 'found  '} ${JSON.stringify(t)}`);
      missing.push(...notShown);
      if (notShown.length > 0) break;
      texts = [];
    }
    const target = step.slice('click:'.length);
    if (target) {
      await page.getByText(target, { exact: true }).first().click({ timeout: left() });
      console.log(`clicked ${JSON.stringify(target)}`);
    }
  }
  console.log(`checked in ${Date.now() - started} ms; page ${page.url()}`);
  if (missing.length > 0) {
    console.error('--- visible text of the page ---');
    console.error((await page.evaluate(() => (document.body ? document.body.innerText : ''))).slice(0, 4000));
    for (const e of pageErrors) console.error(`page error: ${e}`);
  }
} finally {
  if (page) await page.screenshot({ path: screenshot, fullPage: true }).catch((err) => console.error(`screenshot: ${err}`));
  await browser.close();
}
if (missing.length > 0) {
  console.error(`the page ${url} never showed ${missing.map((t) => JSON.stringify(t)).join(', ')} (screenshot: ${screenshot})`);
  process.exit(1);
}
