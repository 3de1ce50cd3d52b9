import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { assertOneLineFailure, runLitsxg } from '../support/run-litsxg.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// Issue 24 "Data that must not leak or half-change", through bin/litsxg beside a running server.
const temp = tempDir();
const dataDir = join(temp.path, 'data');
let server: RunningServer;

test.before(async () => {
  server = await startServer({ dataDir, operators: ['alice'] });
});

test.after(async () => {
  await server?.stop();
  temp.remove();
});

test('operator backup: a 0600 copy made while the server runs, never over an existing file', async () => {
  const file = join(temp.path, 'backup.sqlite');
  const made = await runLitsxg(['operator', 'backup', file, '--data-dir', dataDir]);
  assert.equal([made.status, made.stdout, made.stderr], [0, `backed up the credential database to ${file}\n`, '']);
  assert.is(statSync(file).mode & 0o777, 0o600);
  const copy = new Database(file, { readonly: true });
  assert.equal(copy.prepare('select name from operators').pluck().all(), ['alice']);
  assert.ok(copy.prepare("select name from sqlite_master where name = 'operator_onion_auth_keys'").get(), 'every table is copied');
  copy.close();

  const before = readFileSync(file);
  assertOneLineFailure(await runLitsxg(['operator', 'backup', file, '--data-dir', dataDir]), 1, /already exists/);
  assert.ok(readFileSync(file).equals(before), 'the existing file is untouched');

  const client = await ProtocolClient.connect(server.port);
  assert.is((await client.next()).op, 'hello', 'the server kept serving');
  client.close();
});

test('operator backup with --credentials postgres://… points to pg_dump and creates nothing', async () => {
  const file = join(temp.path, 'never.sqlite');
  const refused = await runLitsxg(['operator', 'backup', file, '--credentials', 'postgres://127.0.0.1:1/litsxg']);
  assertOneLineFailure(refused, 1, /pg_dump/);
  assert.not.ok(existsSync(file));
});

test('operator passwd on an unknown name says so before reading a password', async () => {
  // Standard input is empty: reading a password first would fail with another reason.
  assertOneLineFailure(await runLitsxg(['operator', 'passwd', 'ghost', '--data-dir', dataDir]), 1, /^litsxg operator: no operator named ghost\n$/);
  assertOneLineFailure(await runLitsxg(['operator', 'passwd', 'ghost', '--data-dir', dataDir], { input: 'short\n' }), 1, /no operator named ghost/);
});

test('operator add without a usable password creates no data directory', async () => {
  const fresh = join(temp.path, 'never-created');
  assertOneLineFailure(await runLitsxg(['operator', 'add', 'bob', '--data-dir', fresh]), 1, /no password on standard input/);
  assertOneLineFailure(await runLitsxg(['operator', 'add', 'bob', '--data-dir', fresh], { input: 'short\n' }), 1, /weak password/);
  assertOneLineFailure(await runLitsxg(['operator', 'add', 'bob', '--data-dir', fresh], { input: '\n' }), 1, /empty password/);
  assert.not.ok(existsSync(fresh));
});

test.run();
