import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileDurably } from '../../src/client/durable-file.ts';
import { tempDir } from '../support/temp-dir.ts';

test('a durable write replaces the file whole, 0600, and leaves no temporary file', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'state');
    writeFileDurably(path, 'old');
    writeFileDurably(path, new TextEncoder().encode('new'));
    assert.is(readFileSync(path, 'utf8'), 'new');
    assert.is(statSync(path).mode & 0o777, 0o600);
    assert.equal(readdirSync(dir.path), ['state']);
  } finally {
    dir.remove();
  }
});

test('a temporary file a crash left behind, readable by others, does not pass its mode on', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'state');
    writeFileSync(`${path}.tmp`, 'torn', { mode: 0o644 });
    writeFileDurably(path, 'whole');
    assert.is(readFileSync(path, 'utf8'), 'whole');
    assert.is(statSync(path).mode & 0o777, 0o600);
  } finally {
    dir.remove();
  }
});

test.run();
