import type { Browser, Page } from 'puppeteer-core';
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

/** Types the name and password and waits for the conversation list. */
export async function logInAs(page: Page, name: string, timeoutMs = 10_000): Promise<void> {
  await page.type('#name', name);
  await page.type('#password', PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('ul[aria-label="Conversations"]', { timeout: timeoutMs });
}

export async function waitForText(page: Page, selector: string, expected: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction((s: string, e: string) => (document.querySelector(s)?.textContent ?? '').includes(e), { timeout: timeoutMs }, selector, expected);
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
