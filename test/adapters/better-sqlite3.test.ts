import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { betterSqlite3Addon, openBetterSqlite3 } from '../../src/adapters/sqlite/better-sqlite3.ts';

test('the addon is found where npm installs it, so a start skips `bindings`\' search', () => {
  assert.ok(betterSqlite3Addon !== undefined, 'better-sqlite3 moved its addon: every start now pays for the search');
  assert.match(betterSqlite3Addon, /node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/);
  assert.ok(existsSync(betterSqlite3Addon));
});

test('a database opened through it works, and its options are kept', () => {
  const database = openBetterSqlite3(':memory:', { timeout: 1234 });
  try {
    assert.is((database.prepare('select 6 * 7 as answer').get() as { answer: number }).answer, 42);
    assert.is(database.pragma('busy_timeout', { simple: true }), 1234);
  } finally {
    database.close();
  }
});

test.run();
