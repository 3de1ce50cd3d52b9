import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { PASSWORD, seedOperators } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { composerDisabled, logInAs, openApp, waitForText } from '../support/web-app.ts';

// docs/protocol.md "Restarts", in the browser: the page logs in again after a lost connection and
// keeps each server's boot id (in its sealed store); logged in to a server with a new one, it sends
// again the invitations not acknowledged, then, under the same message ids, every text of its own
// without a receipt (restart-resend.test.ts is the terminal's).
let server: RunningServer | undefined;
let browser: Browser;
const data = tempDir();
const homes = tempDir();
let bob: TmuxTerminal | undefined;

test.before(async () => {
  await seedOperators(data.path, ['alice', 'bob']);
  browser = await launchFirefox();
});

test.after(async () => {
  await bob?.stop();
  await browser?.close();
  await server?.stop();
  data.remove();
  homes.remove();
});

const TEXTS = ['first while you were away', 'second while you were away'];

/** The state shown beside the page's last `count` messages, oldest first. */
const states = (page: Page, count: number) => page.$$eval('.messages li .state', (spans, n) => spans.slice(-(n as number)).map((s) => s.textContent ?? ''), count);

test('a relay restart while a conversation waits for an offline member: the page logs in again by itself and sends his invitation, then the texts; he gets each once, in order', async () => {
  const [port, webPort] = [await freePort(), await freePort()];
  const serve = async () => {
    const started = await startServer({ dataDir: data.path, args: ['--port', String(port), '--web', '--web-port', String(webPort)] });
    // The web listener says so apart from the TCP one.
    for (const deadline = Date.now() + 5_000; !started.logs.some((entry) => entry.event === 'web_listening');) {
      assert.ok(Date.now() < deadline, 'the web listener is up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return started;
  };
  server = await serve();
  const { page } = await openApp(browser, `http://127.0.0.1:${webPort}/`);
  await logInAs(page, 'alice', 'alice passphrase');
  const startBob = () => TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${port}`], { TZ: 'UTC', XDG_CONFIG_HOME: join(homes.path, 'bob'), LITSXG_PASSWORD: PASSWORD });
  // bob makes himself a device, and leaves.
  bob = await startBob();
  await bob.waitFor('conversations ready on device', 60_000);
  await bob.line('/quit');
  assert.is(await bob.exitStatus(), 0);
  bob = undefined;

  // alice starts a conversation with him while he is away: his invitation and her texts wait in the relay.
  await page.type('#peer', 'bob');
  await page.keyboard.press('Enter');
  await waitForText(page, '.members', 'bob', 60_000);
  for (const text of TEXTS) {
    await page.focus('textarea[aria-label="Message"]');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => [...document.querySelectorAll('.messages li .state')].slice(-2).every((s) => s.textContent === 'queued'), { timeout: 30_000, polling: 250 });

  await server.stop();
  const dropped = server.logs.find((entry) => entry.event === 'messages_dropped');
  assert.is(dropped?.messages, 3, `the relay lost his invitation and the two texts: ${JSON.stringify(dropped)}`);
  await waitForText(page, '.chat header .status', 'Connection lost: logging in again', 30_000);
  server = await serve();
  await page.waitForFunction(() => [...document.querySelectorAll('.messages li .state')].slice(-2).every((s) => (s.textContent ?? '').startsWith('re-sent after the server restarted')), { timeout: 90_000, polling: 250 });
  assert.equal(await states(page, 2), ['re-sent after the server restarted: queued', 're-sent after the server restarted: queued']);
  assert.equal(await composerDisabled(page), [false, false], 'the conversation can be written to again');

  bob = await startBob();
  await bob.waitFor('(with alice) you are in', 60_000);
  const screen = await bob.waitFor(`alice: ${TEXTS[1]}`, 60_000);
  await page.waitForFunction(() => [...document.querySelectorAll('.messages li .state')].slice(-2).every((s) => s.textContent === 'received'), { timeout: 30_000, polling: 250 });
  // bob stays a while: a second copy coming late would show now.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const later = await bob.screen();
  assert.equal(TEXTS.map((text) => later.split(`alice: ${text}`).length - 1), [1, 1], 'each shown once');
  assert.ok(screen.indexOf(`alice: ${TEXTS[0]}`) < screen.indexOf(`alice: ${TEXTS[1]}`), 'in the order sent');
  assert.not.match(later, 'was not shown', 'bob could open both');
  await page.close();
});

runUnlessMissing(test, firefoxMissing() ?? commandMissing('tmux'));
