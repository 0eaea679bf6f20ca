// Usage: node check-ui.mjs <url> <screenshot.png> <text> [<text> ...]
// Opens the page in Debian's Chromium, waits until every text is rendered (the Web UI
// keeps polling, so network idle never comes), saves a screenshot, and exits non-zero
// naming the first text that never appeared.
import { chromium } from 'playwright-core';

const [url, screenshot, ...texts] = process.argv.slice(2);
if (!url || !screenshot || texts.length === 0) {
  console.error('usage: node check-ui.mjs <url> <screenshot.png> <text> [<text> ...]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = '';
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  for (const text of texts) {
    try {
      await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 60000 });
      console.log(`found: ${text}`);
    } catch {
      failed = text;
      break;
    }
  }
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
if (failed) {
  console.error(`the page ${url} never showed ${JSON.stringify(failed)} (screenshot: ${screenshot})`);
  process.exit(1);
}
