// Usage: node .ci/check-ui.mjs <url> <screenshot.png> <text> [<text> ...]
//
// Loads the page in Debian's Chromium (driven by playwright-core), waits until the
// rendered page shows every text, saves a full-page screenshot, and exits 1 naming every
// text that never appeared. A text matches case-insensitively anywhere in the page's
// visible text; a text written "exact:T" matches only an element whose whole text is T
// (case-insensitive, spaces collapsed), e.g. "exact:Running" for the status badge. The
// Web UI keeps polling, so it waits for the text, never for network idle; a page fetched
// without running its scripts would not show the workflow at all.
//
// Environment: CHROMIUM (default /usr/bin/chromium), UI_TIMEOUT_MS (default 90000).
import { chromium } from 'playwright-core';

const [url, screenshot, ...texts] = process.argv.slice(2);
if (!url || !screenshot || texts.length === 0) {
  console.error('usage: node check-ui.mjs <url> <screenshot.png> <text> [<text> ...]');
  process.exit(2);
}
const timeout = Number(process.env.UI_TIMEOUT_MS || 90000);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let missing = [];
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  const started = Date.now();
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  if (!response || !response.ok()) {
    throw new Error(`GET ${url} answered ${response ? response.status() : 'nothing'}`);
  }
  // Runs in the page, so it is self-contained and passed as a function (the UI's CSP
  // forbids evaluating strings): the texts the page does not show yet, or with
  // `done` set, whether it shows them all.
  const absent = ({ texts, done }) => {
    const body = (document.body && document.body.innerText || '').toLowerCase();
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
  try {
    await page.waitForFunction(absent, { texts, done: true }, {
      timeout: Math.max(1000, timeout - (Date.now() - started)), polling: 250,
    });
  } catch (err) {
    // A timeout is reported below, with what the page did show.
    if (err.name !== 'TimeoutError') throw err;
  }
  missing = await page.evaluate(absent, { texts, done: false });
  for (const t of texts) {
    console.log(`${missing.includes(t) ? 'MISSING' : 'found  '} ${JSON.stringify(t)}`);
  }
  console.log(`rendered in ${Date.now() - started} ms`);
  await page.screenshot({ path: screenshot, fullPage: true });
  if (missing.length > 0) {
    console.error('--- visible text of the page ---');
    console.error((await page.evaluate(() => document.body ? document.body.innerText : '')).slice(0, 4000));
    for (const e of pageErrors) console.error(`page error: ${e}`);
  }
} finally {
  await browser.close();
}
if (missing.length > 0) {
  console.error(`the page ${url} never showed ${missing.map((t) => JSON.stringify(t)).join(', ')} (screenshot: ${screenshot})`);
  process.exit(1);
}
