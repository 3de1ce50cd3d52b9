import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { composerDisabled, logInAs, openApp, openListed, openVerified, screenshot, waitForText } from '../support/web-app.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';

// docs/protocol.md "Holds", in the browser as in the terminal (trust-holds.test.ts): a reset
// contact's deliveries wait unprocessed and unacknowledged until Verify and Trust; a verified
// contact's new device is announced, and holds what is sent until Trust.
// LITSXG_SCREENSHOTS=docs/screenshots saves the conversation as the reset is said and its message held.
let web: WebServer;
let browser: Browser;
const homes = tempDir();
const terminals: TmuxTerminal[] = [];

test.before(async () => {
  [web, browser] = await Promise.all([startWebServer({ operators: ['alice', 'bob'] }), launchFirefox()]);
});

test.after(async () => {
  await Promise.all(terminals.map((t) => t.stop()));
  await browser?.close();
  assert.is(await web?.server.stop(), 0);
  homes.remove();
});

/** bob's terminal client with a key store of its own (`home`). */
async function bobClient(home: string, ready = true): Promise<TmuxTerminal> {
  const terminal = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${web.server.port}`], { TZ: 'UTC', XDG_CONFIG_HOME: join(homes.path, home), LITSXG_PASSWORD: PASSWORD });
  terminals.push(terminal);
  if (ready) await terminal.waitFor('conversations ready on device', 60_000);
  return terminal;
}

const pageText = (page: Page) => page.evaluate(() => document.body.textContent ?? '');

async function send(page: Page, text: string): Promise<void> {
  await page.focus('textarea[aria-label="Message"]');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('a reset contact\'s message is held, unacknowledged, until Verify and Trust, then shown; a verified contact\'s new device is announced and holds the input until Trust', async () => {
  const { page } = await openApp(browser, `${web.origin}/`);
  await logInAs(page, 'alice', 'alice passphrase');
  const bob = await bobClient('bob');
  await openVerified(page, 'bob');
  await send(page, 'hello bob');
  await bob.waitFor('alice: hello bob', 60_000);

  // bob loses his only device: the operator resets him, and he writes from a new one.
  await bob.stop();
  assert.is((await runLitsxg(['operator', 'reset-devices', 'bob', '--data-dir', web.server.dataDir])).status, 0);
  const newBob = await bobClient('bob-new');
  await newBob.line('@alice it is me, on a new phone');
  await waitForText(page, '.messages', 'bob\'s devices were reset: bob has a new safety number', 60_000);
  await waitForText(page, '.messages', 'is held, not shown, until you Verify bob and Trust', 30_000);
  await newBob.waitFor(/#1 to alice: (queued|delivered)/, 30_000);
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement).disabled, { timeout: 20_000 });
  assert.equal(await composerDisabled(page), [true, true]);
  // Held, not acknowledged: bob hears of no receipt, and nothing of it shows.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.not.ok((await newBob.screen()).includes('✓ received'), 'no receipt while it is held');
  assert.not.ok((await pageText(page)).includes('it is me, on a new phone'), 'nothing of the new identity shown before Trust');
  await screenshot(page, 'web-holds-reset');

  await page.click('#verify');
  await waitForText(page, '.safety', 'NEW key', 30_000);
  await page.click('#trust');
  await waitForText(page, '.safety', 'bob\'s key is pinned as verified', 60_000);
  await newBob.waitFor('#1 to alice: ✓ received', 60_000);
  // The held welcome opened a conversation of its own, its text unread there.
  await page.waitForFunction(() => (document.querySelector('ul[aria-label="Conversations"]')?.textContent ?? '').includes('bob (1 unread)'), { timeout: 30_000, polling: 250 });
  await openListed(page, 'bob (1 unread)');
  await waitForText(page, '.messages', 'it is me, on a new phone', 10_000);
  assert.is((await page.$eval('.messages', (e) => e.textContent ?? '')).split('it is me, on a new phone').length - 1, 1, 'shown once');
  assert.equal(await composerDisabled(page), [false, false]);

  // bob, verified again, approves a second device: alice's browser says so, and holds her input until Trust.
  const phone = await bobClient('bob-phone', false);
  const code = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/.exec(await phone.waitFor(/\/devices approve [a-z2-7]{5}-[a-z2-7]{5}/, 60_000))![1]!;
  await newBob.line(`/devices approve ${code}`);
  const phoneId = /approved device (\w+)/.exec(await newBob.waitFor(/approved device \w+/, 60_000))![1]!;
  await waitForText(page, '.messages', `bob added a new device ${phoneId}: messages to bob are held until you Verify bob and Trust`, 90_000);
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement).disabled, { timeout: 20_000 });
  await waitForText(page, '.warning', 'bob has a new device you have not trusted');
  await page.click('#verify');
  await waitForText(page, '.safety', 'bob is verified, and has a new device', 30_000);
  await page.click('#trust');
  await waitForText(page, '.safety', 'bob\'s key is pinned as verified', 60_000);
  await page.waitForFunction(() => !(document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement).disabled, { timeout: 20_000 });
  await send(page, 'and your phone?');
  await phone.waitFor('alice: and your phone?', 60_000);
  await page.close();
});

runUnlessMissing(test, firefoxMissing() ?? commandMissing('tmux'));
