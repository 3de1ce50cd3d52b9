import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nearestName } from '../../src/adapters/cli/nearest-name.ts';
import { COMMANDS } from '../../src/adapters/cli/help-command.ts';
import { SERVE_COMMAND } from '../../src/adapters/cli/serve-options.ts';
import { describeStray, strayVariables as straysAmong, strayVariablesFor } from '../../src/adapters/cli/stray-variables.ts';

const strayVariables = (env: Record<string, string>) => straysAmong(env, COMMANDS);

test('a LITSXG_ variable no command reads is named with the nearest one that is read (issue 22)', () => {
  const env = { LITSXG_PORTT: '1', LITSXG_DAT_DIR: 'x', LITSXG_PORT: '2', PATH: '/bin', litsxg_port: '3' };
  assert.equal(strayVariables(env), [{ variable: 'LITSXG_DAT_DIR', nearest: 'LITSXG_DATA_DIR' }, { variable: 'LITSXG_PORTT', nearest: 'LITSXG_PORT' }]);
  assert.is(describeStray({ variable: 'LITSXG_PORTT', nearest: 'LITSXG_PORT' }), 'LITSXG_PORTT is read by no litsxg command: did you mean LITSXG_PORT?');
});

test('variables any command reads, or that are read outside the options, are not strays', () => {
  const known = ['LITSXG_SERVER', 'LITSXG_KEYS_DIR', 'LITSXG_PASSWORD', 'LITSXG_KEY_PASSPHRASE', 'LITSXG_DATA_DIR', 'LITSXG_KEY_ONLY', 'LITSXG_TOR_PASSWORD'];
  assert.equal(strayVariables(Object.fromEntries(known.map((name) => [name, 'x']))), []);
});

test('for the running command: a variable another command reads is no stray, a typo is (every command consulted only then)', async () => {
  assert.equal(await strayVariablesFor(SERVE_COMMAND, { LITSXG_PORT: '1' }), []);
  assert.equal(await strayVariablesFor(SERVE_COMMAND, { LITSXG_PORT: '1', LITSXG_PROXY: 'socks5://127.0.0.1:9050' }), [], 'read by client');
  assert.equal(await strayVariablesFor(SERVE_COMMAND, { LITSXG_PROXY: 'x', LITSXG_PROXXY: 'x' }), [{ variable: 'LITSXG_PROXXY', nearest: 'LITSXG_PROXY' }]);
});

/** `env.LITSXG_X`, `'LITSXG_X'`: variables the code reads by name, beside the options' own. */
function variablesReadByName(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .flatMap((entry) => [...readFileSync(join(entry.parentPath, entry.name), 'utf8').matchAll(/(?:env\.|['"])(LITSXG_[A-Z0-9_]+)\b/g)].map((match) => match[1]!));
}

test('every variable the code or the test harness reads by name is known', () => {
  const named = ['src', 'bench', 'test/support'].flatMap(variablesReadByName);
  assert.ok(named.includes('LITSXG_PASSWORD'), named.join(' '));
  assert.equal(strayVariables(Object.fromEntries(named.map((name) => [name, 'x']))), []);
});

test('the nearest name counts edits', () => {
  assert.is(nearestName('prot', ['host', 'port', 'presence']), 'port');
  assert.is(nearestName('x', []), undefined);
});

test.run();
