import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import * as assert from 'uvu/assert';
import { PASSWORD } from './seed-operators.ts';

/** A fresh browser context (its own IndexedDB, as another person's browser) with the app's page at `url`; the time its first screen took. */
export async function openApp(browser: Browser, url: string, timeoutMs = 10_000): Promise<{ page: Page; firstScreenMs: number }> {
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({ width: 1000, height: 760 });
  // Whatever the Content-Security-Policy blocks on the app's page is recorded, for `violations`.
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const started = Date.now();
  await page.goto(url, { timeout: timeoutMs });
  await page.waitForSelector('#name', { timeout: timeoutMs });
  return { page, firstScreenMs: Date.now() - started };
}

/** Types the name, password (when given: a browser not yet a device of `name` needs it once) and passphrase on the login form. */
export async function fillLogin(page: Page, name: string, passphrase: string, password: string | undefined = PASSWORD): Promise<void> {
  await page.type('#name', name);
  if (password !== undefined) await page.type('#password', password);
  await page.type('#passphrase', passphrase);
}

/** Submits the filled login form and waits until this device's conversations are ready: scrypt at Safer, and for a new device its identity, certificate and key packages, made without JIT. */
export async function submitLogin(page: Page, timeoutMs = 150_000): Promise<void> {
  await page.keyboard.press('Enter');
  await waitForText(page, '.chat header .status', 'Conversations ready on device', timeoutMs);
}

export async function logInAs(page: Page, name: string, passphrase: string, password: string | undefined = PASSWORD, timeoutMs = 150_000): Promise<void> {
  await fillLogin(page, name, passphrase, password);
  await submitLogin(page, timeoutMs);
}

/** Types `text` into the field at `selector` from the keyboard and presses Enter, as a person submits it. */
export async function submitField(page: Page, selector: string, text: string): Promise<void> {
  await page.focus(selector);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Opens the conversation listed as `title` (its button's text starts so) from the keyboard. */
export async function openListed(page: Page, title: string): Promise<void> {
  await page.bringToFront();
  const index = await page.$$eval('ul[aria-label="Conversations"] button', (buttons, t) => buttons.findIndex((b) => (b.textContent ?? '').startsWith(t as string)), title);
  assert.ok(index >= 0, `${title} is listed`);
  await page.focus(`ul[aria-label="Conversations"] li:nth-child(${index + 1}) button`);
  await page.keyboard.press('Enter');
}

/**
 * Until the element at `selector` holds `expected`, looked at every 250 ms (animation frames, the
 * default, do not come to a page in the background); a timeout says what it and the page's
 * status lines held instead.
 */
export async function waitForText(page: Page, selector: string, expected: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction((s: string, e: string) => (document.querySelector(s)?.textContent ?? '').includes(e), { timeout: timeoutMs, polling: 250 }, selector, expected).catch(async (error: Error) => {
    const [held, status] = await page.evaluate((s: string) => [document.querySelector(s)?.textContent ?? '(no such element)', [...document.querySelectorAll('.status')].map((e) => e.textContent).join(' | ')], selector).catch(() => ['?', '?']);
    throw new Error(`${error.message}: ${selector} holds ${JSON.stringify(held)}, not ${JSON.stringify(expected)}; status: ${status}`);
  });
}

/** What the page's Content-Security-Policy blocked since it opened. */
export function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? ['(no recorder)']);
}

/** Controls of the app without an accessible name: a label, aria-label(ledby) or their own text. */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('#app input, #app textarea, #app button, #app select')]
    .filter((control) => {
      const labelled = control.getAttribute('aria-label') ?? control.getAttribute('aria-labelledby') ?? (control as HTMLInputElement).labels?.[0]?.textContent;
      return !(labelled ?? control.textContent ?? '').trim();
    })
    .map((control) => control.outerHTML));
}

/** With LITSXG_SCREENSHOTS=docs/screenshots, the README's pictures: `page` saved as `<dir>/<file>.png`; else nothing. */
export async function screenshot(page: Page, file: string): Promise<void> {
  const dir = process.env.LITSXG_SCREENSHOTS;
  if (dir === undefined) return;
  mkdirSync(dir, { recursive: true });
  await page.bringToFront();
  await page.screenshot({ path: `${dir}/${file}.png` });
}

/** Opens the direct conversation with `name` and pins their key as verified: Verify, then Trust, as `/verify NAME` and `/trust NAME`. */
export async function openVerified(page: Page, name: string): Promise<void> {
  await page.type('#peer', name);
  await page.keyboard.press('Enter');
  await waitForText(page, '.members', name, 60_000);
  await page.click('#verify');
  await waitForText(page, '.safety', 'if equal, Trust', 30_000);
  await page.click('#trust');
  await waitForText(page, '.safety', `${name}'s key is pinned as verified`);
}

/** Whether the message input and its Send button are disabled (a hold until Trust, or no connection). */
export function composerDisabled(page: Page): Promise<boolean[]> {
  return page.evaluate(() => [
    (document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement).disabled,
    (document.querySelector('.composer button') as HTMLButtonElement).disabled,
  ]);
}
