import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WEB_APP_DIRECTORY } from '../../src/adapters/web/web-app-directory.ts';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { runUnlessMissing } from '../support/missing-service.ts';
import { tempDir } from '../support/temp-dir.ts';

// The browser's ConversationStore (src/client/web/indexeddb-conversation-store.ts) in firefox-esr at Safer.
const dir = tempDir();
const server = createServer((request, response) => {
  const name = (request.url ?? '/').slice(1);
  const type = name.endsWith('.html') ? 'text/html' : 'text/javascript';
  let body: Buffer;
  try {
    body = readFileSync(join(dir.path, name.replace(/[^a-z.-]/g, '')));
  } catch {
    return void response.writeHead(404).end();
  }
  response.writeHead(200, { 'Content-Type': type }).end(body);
});
let browser: Browser | undefined;

test.before(async () => {
  await build({ entryPoints: ['test/fixtures/web/store-check.ts'], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir.path, 'store-check.js'), logLevel: 'warning' });
  copyFileSync('test/fixtures/web/store-check.html', join(dir.path, 'store-check.html'));
  copyFileSync(join(WEB_APP_DIRECTORY, 'seal-worker.js'), join(dir.path, 'seal-worker.js'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchFirefox();
});

test.after(async () => {
  await browser?.close();
  server.close();
  dir.remove();
});

test('values are sealed, bound to their key, and open only under the passphrase; scrypt leaves the page responsive', async () => {
  const page = await browser!.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/store-check.html`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', { timeout: 120_000 });
  const result = JSON.parse(await page.$eval('#result', (element) => element.textContent ?? '')) as Record<string, unknown>;
  console.log(`scrypt N=2^15 at Safer (no JIT), in the worker: create ${result.createMs} ms, open ${result.openMs} ms; longest gap on the page's thread ${result.longestGapMs} ms`);
  assert.equal({ ...result, createMs: 0, openMs: 0, longestGapMs: 0 }, {
    createMs: 0, openMs: 0, longestGapMs: 0, keys: ['group/ab'], value: [6, 7], missing: true, wrongPassphrase: true, rawLooksPlain: false, moved: 'refused',
  });
  assert.ok((result.longestGapMs as number) < 1_000, 'the page kept running while scrypt ran');
});

runUnlessMissing(test, firefoxMissing());
