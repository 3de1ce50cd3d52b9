import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { runUnlessMissing } from '../support/missing-service.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { logInAs, openApp, unnamedControls, violations, waitForText } from '../support/web-app.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';

// Issue 20 "Proof": the web client in firefox-esr at Tor Browser's Safer level, against the real server.
// LITSXG_SCREENSHOTS=docs/screenshots also saves the screenshots of README.md and docs/client.md.
const SCREENSHOTS = process.env.LITSXG_SCREENSHOTS;
const CANARY = 'canary-41c9 never in the log';
let web: WebServer;
let browser: Browser;

test.before(async () => {
  [web, browser] = await Promise.all([startWebServer({ operators: ['alice', 'bob', 'carol'] }), launchFirefox()]);
});

test.after(async () => {
  await browser?.close();
  assert.is(await web?.server.stop(), 0);
});

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS === undefined) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/web-${name}.png` });
}

/** A fresh profile's page, logged in as `name`; the times to the first screen and to the chat. */
async function logIn(name: string, shoot = false): Promise<{ page: Page; firstScreenMs: number; loggedInMs: number }> {
  const started = Date.now();
  const { page, firstScreenMs } = await openApp(browser, `${web.origin}/`);
  if (shoot) await screenshot(page, 'login');
  await logInAs(page, name);
  return { page, firstScreenMs, loggedInMs: Date.now() - started };
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

test('the app loads at Safer and logs in by password within 10 s', async () => {
  const { page, firstScreenMs, loggedInMs } = await logIn('carol', true);
  console.log(`first screen ${firstScreenMs} ms, logged in ${loggedInMs} ms after the page was opened`);
  assert.ok(loggedInMs < 10_000);
  await page.close();
});

test('a wrong password is refused on the page, with the server\'s reason', async () => {
  const { page } = await openApp(browser, `${web.origin}/`);
  await page.type('#name', 'alice');
  await page.type('#password', 'not the password');
  await page.keyboard.press('Enter');
  await waitForText(page, '.status', 'name or password');
  await page.close();
});

test('two browser users and a terminal user exchange direct messages, with receipts, from the keyboard; nothing is blocked by the policy and every control has a name', async () => {
  const [{ page: alice }, { page: carol }] = await Promise.all([logIn('alice'), logIn('carol')]);
  const bob = await ProtocolClient.login(web.server.port, 'bob');
  bob.send({ op: 'send', to: 'alice', body: 'hello from the terminal' });
  await waitForText(alice, 'ul[aria-label="Conversations"]', 'bob (1 unread)');
  await waitForText(alice, '[aria-live="polite"]', 'New message from bob: hello from the terminal');
  // From here the keyboard only: Enter on bob's entry opens it and puts the focus in the input.
  // Keys go to the page in front, as to a person's window.
  await alice.bringToFront();
  await alice.focus('ul[aria-label="Conversations"] button');
  await alice.keyboard.press('Enter');
  await waitForText(alice, '.messages', 'hello from the terminal');
  assert.is(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message');
  await alice.keyboard.type(CANARY);
  await alice.keyboard.press('Enter');
  const delivered = await bob.next('msg');
  assert.equal([delivered.from, delivered.body], ['alice', CANARY]);
  bob.send({ op: 'ack', id: delivered.id });
  await waitForText(alice, '.messages li:last-child .state', 'received');
  await screenshot(alice, 'chat');

  // Browser to browser: alice opens a conversation with carol by name; carol's page shows it, which acknowledges it.
  await alice.focus('#peer');
  await alice.keyboard.type('carol');
  await alice.keyboard.press('Enter');
  await alice.keyboard.type('hello carol, from a browser');
  await alice.keyboard.press('Enter');
  await waitForText(carol, 'ul[aria-label="Conversations"]', 'alice (1 unread)');
  await carol.bringToFront();
  await carol.focus('ul[aria-label="Conversations"] button');
  await carol.keyboard.press('Enter');
  await waitForText(carol, '.messages', 'hello carol, from a browser');
  await waitForText(alice, '.messages li:last-child .state', 'received');
  await carol.keyboard.type('hello alice');
  await carol.keyboard.press('Enter');
  await waitForText(alice, '[aria-live="polite"]', 'New message from carol: hello alice');
  await screenshot(carol, 'chat-carol');
  for (const page of [alice, carol]) {
    assert.equal(await violations(page), []);
    assert.equal(await unnamedControls(page), []);
    await page.close();
  }
  bob.close();
});

test('XSS payloads in bodies and names are shown as text and never run; bidi controls are shown as the terminal shows them', async () => {
  const { page } = await logIn('alice');
  const bob = await ProtocolClient.login(web.server.port, 'bob');
  const payloads = ['<img src=x onerror="window.pwned=1">', '<script>window.pwned=2</script>', '<svg onload="window.pwned=3">', '"><iframe src="javascript:window.pwned=4">'];
  for (const body of payloads) bob.send({ op: 'send', to: 'alice', body });
  bob.send({ op: 'send', to: 'alice', body: 'abc\u202Edcba\u0007' });
  await waitForText(page, 'ul[aria-label="Conversations"]', 'bob (5 unread)');
  await page.focus('ul[aria-label="Conversations"] button');
  await page.keyboard.press('Enter');
  await waitForText(page, '.messages', 'abc<U+202E>dcba^G');
  const shown = await text(page, '.messages');
  for (const body of payloads) assert.ok(shown.includes(body), body);
  // A name: whatever is typed as the peer is text in the heading too (the server then refuses it as invalid).
  await page.type('#peer', '<img src=y onerror="window.pwned=5">');
  await page.keyboard.press('Enter');
  await waitForText(page, '#conversation-title', '<img src=y onerror="window.pwned=5">');
  await page.keyboard.type('hi');
  await page.keyboard.press('Enter');
  await waitForText(page, '.messages', 'not sent');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await page.evaluate(() => [(window as { pwned?: number }).pwned, document.querySelectorAll('#app img, #app script, #app svg, #app iframe').length]), [undefined, 0]);
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
  await screenshot(page, 'safest');
  await safest.close();
});

runUnlessMissing(test, firefoxMissing());
