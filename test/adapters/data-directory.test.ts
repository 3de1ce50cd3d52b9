import { spawn } from 'node:child_process';
import { statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataDirectoryError, lockDataDirectory, prepareDataDirectory } from '../../src/adapters/system/data-directory.ts';
import { tempDir } from '../support/temp-dir.ts';

test('the data directory is created 0700, and tightened when it exists', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'a', 'b');
    prepareDataDirectory(path);
    assert.is(statSync(path).mode & 0o777, 0o700);
    prepareDataDirectory(dir.path);
    assert.is(statSync(dir.path).mode & 0o777, 0o700);
  } finally {
    dir.remove();
  }
});

test('one lock per data directory; released, it can be taken again', () => {
  const dir = tempDir();
  try {
    const release = lockDataDirectory(dir.path);
    assert.is(statSync(join(dir.path, 'litsxg.lock')).mode & 0o777, 0o600);
    assert.throws(() => lockDataDirectory(dir.path), (error: Error) => error instanceof DataDirectoryError && /in use by another Litsxg server/.test(error.message));
    release();
    assert.not.ok(existsSync(join(dir.path, 'litsxg.lock')));
    lockDataDirectory(dir.path)();
  } finally {
    dir.remove();
  }
});

test('a lock left by a process that died (kill -9) is taken over', async () => {
  const dir = tempDir();
  try {
    const child = spawn('sleep', ['0']);
    await new Promise((resolve) => child.once('exit', resolve));
    writeFileSync(join(dir.path, 'litsxg.lock'), `${child.pid}\n`);
    const release = lockDataDirectory(dir.path);
    release();
  } finally {
    dir.remove();
  }
});

test.run();
