import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../../bench/server-process.ts';

/** What the young generation does under bin/node-options: its size at start and the largest it reached under pressure, in MiB. */
const PROBE = `
const v8 = require('node:v8');
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
const start = size();
const live = new Array(100000);
let largest = start;
for (let i = 0; i < 3e6; i++) {
  live[i % live.length] = { i, text: 'x' + i };
  if (i % 10000 === 0) largest = Math.max(largest, size());
}
process.stdout.write(JSON.stringify({ start, largest }));
`;

test('the young generation starts small (idle servers and idle connections touch little) and grows past Node\'s default under load', () => {
  const options = readFileSync(`${REPO_ROOT}/bin/node-options`, 'utf8').split(/\s+/).filter((o) => o !== '');
  const { start, largest } = JSON.parse(execFileSync(process.execPath, [...options, '-e', PROBE], { encoding: 'utf8' })) as { start: number; largest: number };
  // docs/performance.md § Startup and memory: fixed at 32 MiB it cost an idle connection 32 KB of resident
  // memory (4.3x the bare relay's) and a slow consumer 33 MB; growing from 1 MiB, 8.5 KB and 12 MB.
  assert.ok(start <= 2, `starts at ${start} MiB`);
  // Node's default stops at 16 MiB a semi-space; 32 keeps a message's objects dying young under load.
  assert.ok(largest > 32, `grew to ${largest} MiB`);
});

test('bin/litsxg gives bin/node-options to serve alone: a V8 flag costs every other command Node\'s code cache', async () => {
  const shims = mkdtempSync(join(tmpdir(), 'litsxg-node-shim-'));
  // Stands in for node: prints the arguments bin/litsxg execs it with.
  writeFileSync(join(shims, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(join(shims, 'node'), 0o755);
  const main = join(REPO_ROOT, 'dist', 'main.js');
  const argsOf = (command: string[]) => execFileSync(`${REPO_ROOT}/bin/litsxg`, command, { encoding: 'utf8', env: { ...process.env, PATH: `${shims}:${process.env.PATH}` } }).trim().split('\n').map((arg) => (arg.endsWith('.js') ? resolve(arg) : arg));
  const options = readFileSync(`${REPO_ROOT}/bin/node-options`, 'utf8').split(/\s+/).filter((o) => o !== '');
  assert.ok(options.length > 0);
  assert.equal(argsOf(['serve', '--port', '0']), [...options, main, 'serve', '--port', '0']);
  assert.equal(argsOf(['operator', 'list']), [main, 'operator', 'list']);
  assert.equal(argsOf([]), [main]);
  // Run by a relative path: node gets absolute ones (its --import reads a relative one as a package).
  const relative = execFileSync('bin/litsxg', ['version'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${shims}:${process.env.PATH}` } }).split('\n')[0]!;
  assert.ok(relative.startsWith('/') && resolve(relative) === main, relative);
  assert.match(execFileSync('bin/litsxg', ['bench', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' }), /^usage: litsxg bench/);
});

test.run();
