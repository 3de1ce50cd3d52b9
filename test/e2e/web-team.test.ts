import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { fillLogin, logInAs, openApp, openListed, screenshot, submitField, submitLogin, unnamedControls, violations, waitForText } from '../support/web-app.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';

// Issue 20 "Proof": two browser users (firefox-esr at Safer) and one terminal user hold a direct
// and a group conversation on MLS, with receipts; the group's members are removed and leave; a
// browser approves, lists and removes a device of its operator. LITSXG_SCREENSHOTS=docs/screenshots
// saves a picture of each step (web-team-*.png) and the terminal's screen (web-team-terminal.txt).
const SCREENSHOTS = process.env.LITSXG_SCREENSHOTS;
let web: WebServer;
let browser: Browser;
const homes = tempDir();
let bob: TmuxTerminal;
let alice: Page;
let carol: Page;

test.before(async () => {
  [web, browser] = await Promise.all([startWebServer({ operators: ['alice', 'bob', 'carol'] }), launchFirefox()]);
});

test.after(async () => {
  await bob?.stop();
  await browser?.close();
  assert.is(await web?.server.stop(), 0);
  homes.remove();
});

const MESSAGE = 'textarea[aria-label="Message"]';
const LIST = 'ul[aria-label="Conversations"]';

async function write(page: Page, text: string): Promise<void> {
  await page.bringToFront();
  await page.focus(MESSAGE);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('two browser users and a terminal user: a direct conversation and a group on MLS, with receipts; a member removed, another leaves', async () => {
  const opened = await Promise.all([openApp(browser, `${web.origin}/`), openApp(browser, `${web.origin}/`)]);
  [alice, carol] = opened.map((o) => o.page) as [Page, Page];
  await fillLogin(alice, 'alice', 'alice passphrase');
  await screenshot(alice, 'web-team-1-login');
  await alice.focus('#passphrase');
  await Promise.all([submitLogin(alice), logInAs(carol, 'carol', 'carol passphrase')]);
  bob = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${web.server.port}`], { TZ: 'UTC', XDG_CONFIG_HOME: join(homes.path, 'bob'), LITSXG_PASSWORD: PASSWORD });
  await bob.waitFor('conversations ready on device', 60_000);

  // Direct, browser to browser: carol's list counts it unread; opening it sends alice the receipt.
  await alice.bringToFront();
  await submitField(alice, '#peer', 'carol');
  await waitForText(alice, '.members', 'carol', 60_000);
  // A direct conversation shows no group controls (shown for #team below).
  assert.is(await alice.$eval('#leave', (e) => (e as HTMLElement).getClientRects().length), 0);
  await write(alice, 'hello carol, from my browser');
  await waitForText(carol, LIST, 'alice (1 unread)', 60_000);
  await waitForText(carol, '[aria-live="polite"]', 'New message from alice: hello carol, from my browser');
  await openListed(carol, 'alice');
  await waitForText(alice, '.messages li:last-child .state', 'received', 60_000);
  await write(carol, 'hello alice');
  await waitForText(alice, '.messages', 'hello alice', 60_000);
  await screenshot(alice, 'web-team-2-direct-alice');
  await screenshot(carol, 'web-team-3-direct-carol');

  // Direct, browser to terminal.
  await submitField(alice, '#peer', 'bob');
  await waitForText(alice, '.members', 'bob', 60_000);
  await write(alice, 'hello bob, from a browser');
  await bob.waitFor('alice: hello bob, from a browser', 60_000);
  await waitForText(alice, '.messages li:last-child .state', 'received', 60_000);

  // A group: alice makes #team from her browser and invites carol and bob.
  await submitField(alice, '#group-name', 'team');
  await waitForText(alice, '#conversation-title', 'Group #team', 60_000);
  assert.is(await alice.$eval('#leave', (e) => (e as HTMLElement).getClientRects().length), 1);
  await submitField(alice, '#invitees', 'carol, bob');
  await bob.waitFor('#team you are in', 60_000);
  await waitForText(carol, LIST, '#team', 60_000);
  await waitForText(alice, '.members', 'Members: alice, bob, carol', 30_000);
  await bob.line('#team hello team, from the terminal');
  await bob.waitFor('to #team: ✓ received', 60_000);
  await waitForText(alice, '.messages', 'hello team, from the terminal', 60_000);
  await waitForText(carol, LIST, '#team (1 unread)', 60_000);
  await write(alice, 'hello team, from a browser');
  await bob.waitFor('#team alice: hello team, from a browser', 60_000);
  await waitForText(alice, '.messages li:last-child .state', 'received', 60_000);
  await openListed(carol, '#team');
  await waitForText(carol, '.messages', 'hello team, from a browser');
  await write(carol, 'and from the other browser');
  await bob.waitFor('#team carol: and from the other browser', 60_000);
  await waitForText(alice, '.messages', 'and from the other browser', 60_000);
  await screenshot(alice, 'web-team-4-group-alice');
  await screenshot(carol, 'web-team-5-group-carol');

  // Member controls: alice removes bob; carol leaves.
  await alice.bringToFront();
  await submitField(alice, '#removed', 'bob');
  await bob.waitFor('#team alice removed you', 60_000);
  await waitForText(alice, '.members', 'Members: alice, carol', 30_000);
  await waitForText(carol, '.messages', 'removed bob', 60_000);
  await carol.bringToFront();
  await carol.click('#leave');
  await waitForText(carol, '.chat header .status', 'You left #team', 30_000);
  assert.not.ok((await carol.$eval(LIST, (e) => e.textContent ?? '')).includes('#team'));
  await waitForText(alice, '.messages', 'carol left', 60_000);
  await alice.waitForFunction(() => document.querySelector('.members')?.textContent === 'Members: alice', { timeout: 30_000 });
  await screenshot(alice, 'web-team-6-group-after-remove-and-leave');
  for (const page of [alice, carol]) {
    assert.equal(await violations(page), []);
    assert.equal(await unnamedControls(page), []);
  }
  if (SCREENSHOTS !== undefined) {
    writeFileSync(`${SCREENSHOTS}/web-team-terminal.txt`, `${(await bob.screen()).trimEnd()}\n`);
  }
});

test('alice\'s browser lists her devices, approves a new one by its code, and removes it', async () => {
  await alice.bringToFront();
  await alice.click('details.devices summary');
  await waitForText(alice, 'ul[aria-label="Devices"]', '(this browser)', 30_000);
  assert.is(await alice.$$eval('ul[aria-label="Devices"] li', (items) => items.length), 1);

  // alice verifies carol in this browser: the grant brings that pin to her phone (docs/protocol.md "Approval").
  await openListed(alice, 'carol');
  await alice.click('#verify');
  await waitForText(alice, '.safety', 'if equal, Trust', 30_000);
  await alice.click('#trust');
  await waitForText(alice, '.safety', 'carol\'s key is pinned as verified');

  const { page: phone } = await openApp(browser, `${web.origin}/`);
  await fillLogin(phone, 'alice', 'alice\'s phone passphrase');
  await phone.keyboard.press('Enter');
  await phone.waitForFunction(() => /[a-z2-7]{5}-[a-z2-7]{5}/.test(document.querySelector('.status')?.textContent ?? ''), { timeout: 120_000 });
  const code = /([a-z2-7]{5}-[a-z2-7]{5})/.exec(await phone.$eval('.status', (e) => e.textContent ?? ''))![1]!;
  await alice.bringToFront();
  await alice.click('#refresh-devices');
  await waitForText(alice, 'ul[aria-label="Devices"]', '(waiting for approval)', 30_000);
  await screenshot(alice, 'web-team-7-devices-pending');
  // Typed as one reads it out, without the separator.
  await alice.type('#approval-code', code.replace('-', ''));
  await alice.keyboard.press('Enter');
  await waitForText(phone, '.chat header .status', 'Conversations ready on device', 150_000);
  // alice's browser adds the new device to her conversations (the direct ones with carol and bob, #team).
  await waitForText(alice, 'details.devices .status', 'added to 3 conversations', 150_000);
  await waitForText(phone, LIST, 'carol', 60_000);
  await openListed(phone, 'carol');
  await phone.click('#verify');
  await waitForText(phone, '.safety', 'carol is verified.', 30_000);
  const phoneDevice = /on device (\w+)/.exec(await phone.$eval('.chat header .status', (e) => e.textContent ?? ''))![1]!;
  await waitForText(alice, 'ul[aria-label="Devices"]', phoneDevice, 30_000);
  assert.is(await alice.$$eval('ul[aria-label="Devices"] li', (items) => items.length), 2);
  await screenshot(alice, 'web-team-8-devices-approved');

  await alice.click(`button[aria-label="Remove device ${phoneDevice}"]`);
  await waitForText(alice, 'details.devices .status', `device ${phoneDevice} removed from every conversation and revoked`, 60_000);
  await alice.waitForFunction(() => document.querySelectorAll('ul[aria-label="Devices"] li').length === 1, { timeout: 30_000 });
  assert.not.ok((await alice.$eval('ul[aria-label="Devices"]', (e) => e.textContent ?? '')).includes(phoneDevice));
  await screenshot(alice, 'web-team-9-devices-removed');
  await phone.close();
});

runUnlessMissing(test, firefoxMissing() ?? commandMissing('tmux'));
