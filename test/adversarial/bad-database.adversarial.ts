import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CREDENTIALS_FILE } from '../../src/adapters/system/data-directory.ts';
import { seedOperators } from '../support/seed-operators.ts';
import { LITSXG } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

function run(args: readonly string[], stdin = ''): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(LITSXG, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stdin.end(stdin);
    child.once('exit', (status) => resolve({ status, stderr, stdout }));
  });
}

function fingerprint(path: string): string {
  if (statSync(path).isDirectory()) return `dir:${readdirSync(path).join(',')}`;
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Each way a credential database can be unusable, set up in a fresh data dir. */
const CASES: Record<string, (dataDir: string, file: string) => Promise<void>> = {
  // As root, chmod 000 would not stop us: a directory where the file should be is unreadable for anyone.
  async 'unreadable (a directory in its place)'(_dataDir, file) {
    mkdirSync(file);
  },
  async 'not a database (garbage bytes)'(_dataDir, file) {
    writeFileSync(file, randomBytes(8192), { mode: 0o600 });
  },
  async 'corrupt (a real database with its first page overwritten)'(dataDir, file) {
    await seedOperators(dataDir, ['alice']);
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(3996), 0, 3996, 100);
    closeSync(fd);
  },
  async 'from a newer schema'(dataDir, file) {
    await seedOperators(dataDir, ['alice']);
    const db = new Database(file);
    db.prepare('insert into litsxg_migration (name, timestamp) values (?, ?)').run('9999_from_the_future', new Date().toISOString());
    db.close();
  },
};

for (const [name, setUp] of Object.entries(CASES)) {
  test(`credential database ${name}: one clear line, exit 4, no stack trace, nothing overwritten`, async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, CREDENTIALS_FILE);
      await setUp(dir.path, file);
      const before = fingerprint(file);
      const served = await run(['serve', '--port', '0', '--data-dir', dir.path]);
      assert.is(served.status, 4, served.stderr);
      const lines = served.stderr.trim().split('\n');
      assert.is(lines.length, 1, served.stderr);
      const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.is(entry.event, 'credentials_unusable');
      assert.match(String(entry.reason), /credential database/);
      assert.not.match(served.stderr, /\n\s+at |Error: /, 'no stack trace');
      assert.not.ok(served.stderr.includes('"listening"'), 'never listened');
      assert.is(fingerprint(file), before, 'the file is untouched');

      const listed = await run(['operator', 'list', '--data-dir', dir.path]);
      assert.is(listed.status, 1, listed.stderr);
      assert.is(listed.stderr.trim().split('\n').length, 1, listed.stderr);
      assert.not.match(listed.stderr, /\n\s+at /);
      const added = await run(['operator', 'add', 'bob', '--data-dir', dir.path], 'correct horse battery\n');
      assert.is(added.status, 1, added.stderr);
      assert.is(fingerprint(file), before, 'the operator command did not touch it either');
    } finally {
      dir.remove();
    }
  });
}

test.run();
