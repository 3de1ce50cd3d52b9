import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function imports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|require\(\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

/** Which folders of src/ a file in `layer` may import: the hexagon's rule, checked rather than hoped. */
function violations(layer: string, allowed: RegExp): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    imports(file)
      .filter((spec) => !spec.startsWith('.') || !allowed.test(relative(SRC, resolve(dirname(file), spec))))
      .map((spec) => `${relative(SRC, file)} imports ${spec}`),
  );
}

test('the domain imports only the domain and the ports: no package, no node: module', () => {
  assert.equal(violations('domain', /^(domain|ports)\//), []);
});

test('the ports import only the domain and other ports', () => {
  assert.equal(violations('ports', /^(domain|ports)\//), []);
});

test('the terminal client is an application of its own: the shared frames, text and key shapes, the failure log, its way out (tor), its exit statuses, the pid lock, @noble, ts-mls', () => {
  const allowed = /^(client\/|domain\/(frames|errors|visible-text|identity-keys|log-failure)\.ts$|ports\/logger\.ts$|adapters\/tor\/connect-through\.ts$|adapters\/cli\/exit-status\.ts$|adapters\/system\/pid-lock\.ts$)/;
  assert.equal(violations('client', allowed).filter((found) => !/ imports (node:|@noble\/|ts-mls(\/|$))/.test(found)), []);
});

test('the conversation core, shared with the browser, imports no node: module: only itself, the frames, ts-mls, @noble and the client\'s base64', () => {
  const allowed = /^(client\/(conversations\/|e2e\/base64\.ts$)|domain\/frames\.ts$)/;
  assert.equal(violations('client/conversations', allowed).filter((found) => !/ imports (@noble\/|ts-mls(\/|$))/.test(found)), []);
});

test('the client trust code, shared with the browser, imports no node: module', () => {
  assert.equal(violations('client/trust', /^client\/trust\//).filter((found) => / imports node:/.test(found)), []);
});

/** The terminal's device steps the browser takes as they are (issue 20): none may import a node: module, even for types. */
const SHARED_DEVICE_STEPS = /^(client\/(device-(setup|enrolment|approval|holder|management)|e2e\/(base64|envelope|key-requests))\.ts$|domain\/(identity-keys|visible-text)\.ts$)/;

test('the device steps the browser shares with the terminal import no node: module, nor the terminal\'s key store', () => {
  const steps = sourceFiles(SRC).filter((file) => SHARED_DEVICE_STEPS.test(relative(SRC, file)));
  assert.is(steps.length, 10);
  const found = steps.flatMap((file) => imports(file).filter((spec) => spec.startsWith('node:') || /key-store|end-to-end/.test(spec)).map((spec) => `${relative(SRC, file)} imports ${spec}`));
  assert.equal(found, []);
});

test('the web client runs in a browser: no node: module and no package but the conversation core\'s; only the client\'s shared code, the shared device steps and the text rules', () => {
  const allowed = new RegExp(`^client\\/(web|conversations|trust)\\/|${SHARED_DEVICE_STEPS.source}`);
  assert.equal(violations('client/web', allowed).filter((found) => !/ imports (@noble\/|ts-mls(\/|$))/.test(found)), []);
});

// The build leaves package.json's dependencies (native code) outside the bundle; both are CommonJS.
const NATIVE_PACKAGES = { 'better-sqlite3': 'adapters/sqlite/better-sqlite3.ts', 'sodium-native': 'adapters/crypto/sodium-ed25519-verifier.ts' };

test('each package left outside the bundle is required in one place, never imported as an ES module', () => {
  const { dependencies } = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(Object.keys(dependencies).sort(), Object.keys(NATIVE_PACKAGES).sort());
  for (const [name, requiredIn] of Object.entries(NATIVE_PACKAGES)) {
    const valueImport = new RegExp(`^import\\s+(?!type\\b)[^;]*?from\\s*['"]${name}['"]`, 'm');
    const found = sourceFiles(SRC).filter((file) => valueImport.test(readFileSync(file, 'utf8'))).map((file) => relative(SRC, file));
    assert.equal(found, [], name);
    const required = new RegExp(`require\\)?\\(['"]${name}['"]\\)|\\(import\\.meta\\.url\\)\\(['"]${name}['"]\\)`);
    const requiring = sourceFiles(SRC).filter((file) => required.test(readFileSync(file, 'utf8')));
    assert.equal(requiring.map((file) => relative(SRC, file)), [requiredIn], name);
  }
});

test('the domain carries no decorators', () => {
  const decorated = sourceFiles(join(SRC, 'domain')).filter((file) => /^\s*@\w+\(/m.test(readFileSync(file, 'utf8')));
  assert.equal(decorated, []);
});

test.run();
