import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { RecordingProxy } from '../support/recording-proxy.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { openApp, screenshot, submitField, unnamedControls, violations, waitForText } from '../support/web-app.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';
import { encodings } from '../support/secrets.ts';

// Issue 20: the browser as an MLS device (docs/client.md § The web client), in firefox-esr at Safer,
// talking with a terminal client; both go through recording proxies, and no text crosses either
// in clear, nor reaches the server's log. LITSXG_SCREENSHOTS=docs/screenshots saves the pictures.
let web: WebServer;
let browser: Browser;
let webProxy: RecordingProxy;
let tcpProxy: RecordingProxy;
const homes = tempDir();
const terminals: TmuxTerminal[] = [];
/** alice's browser page, kept from test to test (its IndexedDB holds her device). */
let alice: Page;
let bob: TmuxTerminal;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test.before(async () => {
  const proxied = await freePort();
  // The page is opened through the proxy, so its origin is the proxy's: allowed by --web-origin.
  [web, browser] = await Promise.all([startWebServer({ operators: ['alice', 'bob'], args: ['--web-origin', `http://127.0.0.1:${proxied}`] }), launchFirefox()]);
  [webProxy, tcpProxy] = await Promise.all([RecordingProxy.start(web.webPort, proxied), RecordingProxy.start(web.server.port)]);
});

test.after(async () => {
  await Promise.all(terminals.map((t) => t.stop()));
  await browser?.close();
  await webProxy?.stop();
  await tcpProxy?.stop();
  assert.is(await web?.server.stop(), 0);
  homes.remove();
});

test('a browser device and a terminal device exchange a direct MLS message both ways, with receipts; no text in any relay byte or log line', async () => {
  const canary = (label: string) => `${label} canary ${randomBytes(6).toString('hex')}`;
  const started = Date.now();
  const { page: page, firstScreenMs } = await openApp(browser, `http://127.0.0.1:${webProxy.port}/`);
  await page.type('#name', 'alice');
  await page.type('#password', PASSWORD);
  await page.type('#passphrase', 'a passphrase for this browser');
  await page.keyboard.press('Enter');
  // scrypt at Safer, the identity and device published, the key packages made without JIT.
  await waitForText(page, '.chat header .status', 'Conversations ready on device', 150_000);
  const readyMs = Date.now() - started;
  console.log(`first screen ${firstScreenMs} ms; conversations ready ${readyMs} ms after the page was opened (a new device, at Safer)`);

  alice = page;
  bob = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${tcpProxy.port}`], { TZ: 'UTC', XDG_CONFIG_HOME: join(homes.path, 'bob'), LITSXG_PASSWORD: PASSWORD });
  terminals.push(bob);
  await bob.waitFor('conversations ready on device', 60_000);

  const toBob = canary('from the browser');
  await page.bringToFront();
  await submitField(page, '#peer', 'bob');
  await waitForText(page, '#conversation-title', 'Conversation with bob', 60_000);
  await waitForText(page, '.members', 'bob', 10_000);
  await page.keyboard.type(toBob);
  await page.keyboard.press('Enter');
  await bob.waitFor(`alice: ${toBob}`, 60_000);
  await waitForText(page, '.messages li:last-child .state', 'received', 60_000);

  const toAlice = canary('from the terminal');
  await bob.line(`@alice ${toAlice}`);
  await waitForText(page, '[aria-live="polite"]', `New message from bob: ${toAlice}`, 60_000);
  await waitForText(page, '.messages', toAlice);
  // The safety number on the page is the terminal's `/verify alice`.
  await page.click('#verify');
  await page.waitForFunction(() => /\d{5}( \d{5}){11}/.test(document.querySelector('.safety')?.textContent ?? ''), { timeout: 30_000 });
  const onPage = /(\d{5}( \d{5}){11})/.exec(await page.$eval('.safety', (e) => e.textContent ?? ''))![1]!;
  await bob.line('/verify alice');
  await bob.waitFor(`safety number with alice: ${onPage}`, 30_000);
  await screenshot(page, 'web-mls-direct');
  assert.equal(await violations(page), []);
  assert.equal(await unnamedControls(page), []);

  const wire = Buffer.concat([webProxy.bytes(), tcpProxy.bytes()]).toString('latin1');
  const log = JSON.stringify(web.server.logs);
  for (const secret of [toBob, toAlice]) {
    for (const encoded of encodings(secret)) {
      assert.not.ok(wire.includes(encoded), `a relay byte holds ${encoded}`);
      assert.not.ok(log.includes(encoded), `the log holds ${encoded}`);
    }
  }
  // The browser's send is masked on its way in (RFC 6455 §5.3): its text is looked for where it
  // comes out, in clear framing, to the terminal; the terminal's where it comes out to the page.
  assert.match(tcpProxy.bytes().toString('latin1'), '"body":"mls1.', 'the terminal got MLS messages');
  assert.match(webProxy.bytes().toString('latin1'), '"body":"mls1.', 'the page got MLS messages');
});

test('after a reload the browser logs in by its device key with the passphrase alone, and its conversation is there', async () => {
  const started = Date.now();
  await alice.reload();
  await alice.waitForSelector('#name');
  await alice.type('#name', 'alice');
  await alice.type('#passphrase', 'a passphrase for this browser');
  await alice.keyboard.press('Enter');
  await waitForText(alice, '.chat header .status', 'Conversations ready on device', 60_000);
  await waitForText(alice, '.chat header .status', ': 1');
  console.log(`a known device: conversations ready ${Date.now() - started} ms after the reload (scrypt at Safer, login by device key)`);
  await waitForText(alice, 'ul[aria-label="Conversations"]', 'bob');
  // What was said is kept (sealed in IndexedDB) and shown again.
  await alice.focus('ul[aria-label="Conversations"] button');
  await alice.keyboard.press('Enter');
  await waitForText(alice, '.messages', 'from the terminal canary');
  await waitForText(alice, '.messages', 'from the browser canary');
  // No password was typed: without the device key's login the page would have said the password is needed.
});


test('a browser becomes bob\'s second device by the code his terminal approves; a group made in alice\'s browser reaches both of bob\'s devices', async () => {
  const { page: phone } = await openApp(browser, `http://127.0.0.1:${webProxy.port}/`);
  await phone.type('#name', 'bob');
  await phone.type('#password', PASSWORD);
  await phone.type('#passphrase', 'bob\'s browser passphrase');
  await phone.keyboard.press('Enter');
  await phone.waitForFunction(() => /\/devices approve [a-z2-7]{5}-[a-z2-7]{5}/.test(document.querySelector('.status')?.textContent ?? ''), { timeout: 60_000 });
  await screenshot(phone, 'web-mls-approval-code');
  const code = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/.exec(await phone.$eval('.status', (e) => e.textContent ?? ''))![1]!;
  // bob verified alice on his terminal: the grant brings that pin to his browser (docs/protocol.md "Approval").
  await bob.line('/verify alice');
  await bob.waitFor('if equal, /trust alice');
  await bob.line('/trust alice');
  await bob.waitFor('alice\'s key is pinned as verified');
  await bob.line(`/devices approve ${code}`);
  await waitForText(phone, '.chat header .status', 'Conversations ready on device', 120_000);
  await bob.waitFor(/device \w+ added to 1 conversation/, 120_000);
  await waitForText(phone, 'ul[aria-label="Conversations"]', 'alice', 60_000);

  // alice's browser writes to bob: his terminal and his browser both show it.
  const toBob = `to both of bob's devices ${randomBytes(4).toString('hex')}`;
  await alice.bringToFront();
  await alice.focus('ul[aria-label="Conversations"] button');
  await alice.keyboard.press('Enter');
  await alice.keyboard.type(toBob);
  await alice.keyboard.press('Enter');
  await bob.waitFor(`alice: ${toBob}`, 60_000);
  await waitForText(phone, '[aria-live="polite"]', `New message from alice: ${toBob}`, 60_000);
  await waitForText(phone, 'ul[aria-label="Conversations"]', 'alice (1 unread)');
  // The pin bob's terminal verified: alice is verified in his browser too.
  await phone.bringToFront();
  await phone.focus('ul[aria-label="Conversations"] button');
  await phone.keyboard.press('Enter');
  await phone.click('#verify');
  await waitForText(phone, '.safety', 'alice is verified.', 30_000);
  await alice.bringToFront();

  // A group from the browser's controls: alice creates #ops and invites bob.
  await submitField(alice, '#group-name', 'ops');
  await waitForText(alice, '#conversation-title', 'Group #ops', 60_000);
  await submitField(alice, '#invitees', 'bob');
  await bob.waitFor('#ops you are in', 60_000);
  await waitForText(phone, 'ul[aria-label="Conversations"]', '#ops', 60_000);
  await waitForText(alice, '.members', 'alice, bob', 30_000);
  const toGroup = `to the group ${randomBytes(4).toString('hex')}`;
  await bob.line(`#ops ${toGroup}`);
  await waitForText(alice, '.messages', toGroup, 60_000);
  await waitForText(alice, '[aria-live="polite"]', `New message from bob: ${toGroup}`);
  await waitForText(phone, 'ul[aria-label="Conversations"]', '#ops (1 unread)', 60_000);
  await screenshot(alice, 'web-mls-group');
  await phone.bringToFront();
  await screenshot(phone, 'web-mls-second-device');
  const wire = Buffer.concat([webProxy.bytes(), tcpProxy.bytes()]).toString('latin1');
  for (const secret of [toBob, toGroup]) {
    for (const encoded of encodings(secret)) assert.not.ok(wire.includes(encoded) || JSON.stringify(web.server.logs).includes(encoded), encoded);
  }
  await phone.close();
});

runUnlessMissing(test, firefoxMissing() ?? commandMissing('tmux'));
