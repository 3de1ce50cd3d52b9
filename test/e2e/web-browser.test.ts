import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { runUnlessMissing } from '../support/missing-service.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { logInAs, openApp, screenshot, unnamedControls, violations, waitForText } from '../support/web-app.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';

// Issue 20 "Proof": the web client in firefox-esr at Tor Browser's Safer level, against the real server.
// LITSXG_SCREENSHOTS=docs/screenshots also saves the screenshots of README.md and docs/client.md.
const CANARY = 'canary-41c9 never in the log';
let web: WebServer;
let browser: Browser;

test.before(async () => {
  [web, browser] = await Promise.all([startWebServer({ operators: ['alice', 'bob', 'carol', 'dave'] }), launchFirefox()]);
});

test.after(async () => {
  await browser?.close();
  assert.is(await web?.server.stop(), 0);
});

/** A fresh profile's page (a new device of `name`: each test takes an operator of its own), logged in; the times to the first screen and to the conversations. */
async function logIn(name: string, shoot = false): Promise<{ page: Page; firstScreenMs: number; loggedInMs: number }> {
  const started = Date.now();
  const { page, firstScreenMs } = await openApp(browser, `${web.origin}/`);
  if (shoot) await screenshot(page, 'web-login');
  await logInAs(page, name, `${name}'s passphrase`);
  return { page, firstScreenMs, loggedInMs: Date.now() - started };
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

test('the app\'s first screen is usable at Safer within 10 s; a passphrase is required', async () => {
  const { page, firstScreenMs } = await openApp(browser, `${web.origin}/`);
  console.log(`first screen ${firstScreenMs} ms after the page was opened`);
  assert.ok(firstScreenMs < 10_000);
  // No session without a passphrase (the keys live sealed under it): the form does not submit.
  await page.type('#name', 'carol');
  await page.type('#password', PASSWORD);
  await page.keyboard.press('Enter');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await page.evaluate(() => [(document.querySelector('#passphrase') as HTMLInputElement).validity.valueMissing, document.querySelector('.chat') === null]), [true, true]);
  await page.close();
});

test('a wrong password is refused on the page, with the server\'s reason', async () => {
  const { page } = await openApp(browser, `${web.origin}/`);
  await page.type('#name', 'alice');
  await page.type('#password', 'not the password');
  await page.type('#passphrase', 'any passphrase');
  await page.keyboard.press('Enter');
  await waitForText(page, '.status', 'name or password', 60_000);
  await page.close();
});

test('XSS payloads in bodies and names are shown as text and never run; bidi controls are shown as the terminal shows them', async () => {
  const { page, loggedInMs } = await logIn('dave', true);
  console.log(`a new device ready ${loggedInMs} ms after the page was opened`);
  // A client without MLS sends plain text: shown apart, as not encrypted.
  const bob = await ProtocolClient.login(web.server.port, 'bob');
  const payloads = ['<img src=x onerror="window.pwned=1">', '<script>window.pwned=2</script>', '<svg onload="window.pwned=3">', '"><iframe src="javascript:window.pwned=4">'];
  for (const body of payloads) bob.send({ op: 'send', to: 'dave', body });
  bob.send({ op: 'send', to: 'dave', body: `abc\u202Edcba\u0007 ${CANARY}` });
  await waitForText(page, 'ul[aria-label="Conversations"]', 'bob (not encrypted) (5 unread)', 30_000);
  await page.focus('ul[aria-label="Conversations"] button');
  await page.keyboard.press('Enter');
  await waitForText(page, '.messages', 'abc<U+202E>dcba^G');
  const shown = await text(page, '.messages');
  for (const body of payloads) assert.ok(shown.includes(body), body);
  // A name: a group's, which only its members read, is text in the heading and the list.
  await page.type('#group-name', '<img src=y onerror="window.pwned=5">');
  await page.keyboard.press('Enter');
  await waitForText(page, '#conversation-title', '#<img src=y onerror="window.pwned=5">', 60_000);
  await waitForText(page, 'ul[aria-label="Conversations"]', '#<img src=y onerror="window.pwned=5">');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await page.evaluate(() => [(window as { pwned?: number }).pwned, document.querySelectorAll('#app img, #app script, #app svg, #app iframe').length]), [undefined, 0]);
  assert.equal(await violations(page), []);
  assert.equal(await unnamedControls(page), []);
  bob.close();
  await page.close();
});

test('the policy holds in the browser: a page of another origin cannot open the WebSocket; the app\'s own can (connect-src \'self\' covers ws:)', async () => {
  const other = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(`<script>const s = new WebSocket('ws://127.0.0.1:${web.webPort}/ws'); s.onopen = () => document.title = 'open'; s.onerror = () => document.title = 'refused';</script>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const page = await (await browser.createBrowserContext()).newPage();
  await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => document.title !== '', { timeout: 10_000 });
  assert.is(await page.title(), 'refused');
  other.close();
  await page.close();
});

test('the whole transfer, compressed, is within 300 KB', async () => {
  const { page } = await openApp(browser, `${web.origin}/`);
  const bytes = await page.evaluate(() => (performance.getEntries() as PerformanceResourceTiming[]).reduce((sum, entry) => sum + (entry.transferSize ?? 0), 0));
  console.log(`whole transfer of the first screen: ${bytes} bytes (gzip, headers included)`);
  assert.ok(bytes > 0 && bytes <= 300 * 1024);
  await page.close();
});

test('the log holds no message content', () => {
  assert.not.ok(JSON.stringify(web.server.logs).includes(CANARY));
});

test('at Safest (JavaScript off) the page says what to change', async () => {
  const safest = await launchFirefox({ safest: true });
  const page = await safest.newPage();
  await page.goto(`${web.origin}/`);
  const body = await page.evaluate(() => document.body.innerText);
  assert.match(body, /Safest/);
  assert.match(body, /Safer/);
  await screenshot(page, 'web-safest');
  await safest.close();
});

runUnlessMissing(test, firefoxMissing());
