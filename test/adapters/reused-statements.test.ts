import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { reusedStatements } from '../../src/adapters/sqlite/reused-statements.ts';

interface Schema {
  keys: { name: string; signing_key: string };
}

function database(): Database.Database {
  const db = new Database(':memory:');
  db.exec('create table keys (name text primary key, signing_key text not null)');
  return db;
}

test('a SQL text is prepared once: the same statement comes back, and it answers as a fresh one', () => {
  const db = database();
  const reused = reusedStatements(db);
  const insert = reused.prepare('insert into keys (name, signing_key) values (?, ?)');
  assert.equal(insert.run(['alice', 'A1']), { changes: 1, lastInsertRowid: 1 });
  assert.is(reused.prepare('insert into keys (name, signing_key) values (?, ?)'), insert);
  assert.equal(insert.run(['bob', 'B1']), { changes: 1, lastInsertRowid: 2 });
  const find = reused.prepare('select signing_key from keys where name = ?');
  assert.equal(find.all(['alice']), [{ signing_key: 'A1' }]);
  assert.is(reused.prepare('select signing_key from keys where name = ?'), find);
  assert.equal(find.all(['bob']), db.prepare('select signing_key from keys where name = ?').all(['bob']));
  assert.equal(find.all(['carol']), []);
});

test('a reused statement sees the changes made since it was prepared, the schema\'s too', () => {
  const db = database();
  const reused = reusedStatements(db);
  const find = reused.prepare('select * from keys where name = ?');
  assert.equal(find.all(['alice']), []);
  db.prepare('insert into keys values (?, ?)').run('alice', 'A1');
  db.exec('alter table keys add column device text');
  assert.equal(reused.prepare('select * from keys where name = ?').all(['alice']), [{ name: 'alice', signing_key: 'A1', device: null }]);
});

test('past the bound the least recently used text is dropped, and prepared again when asked for', () => {
  const reused = reusedStatements(database(), 2);
  const first = reused.prepare('select 1');
  const second = reused.prepare('select 2');
  assert.is(reused.prepare('select 1'), first, 'used again: now the most recent');
  reused.prepare('select 3');
  assert.is(reused.prepare('select 1'), first);
  assert.is.not(reused.prepare('select 2'), second, 'the least recently used was dropped');
});

test('a statement still being iterated is not handed out again', () => {
  const db = database();
  db.prepare('insert into keys values (?, ?), (?, ?)').run('alice', 'A1', 'bob', 'B1');
  const reused = reusedStatements(db);
  const select = reused.prepare('select name from keys order by name');
  const rows = select.iterate([]);
  assert.equal(rows.next().value, { name: 'alice' });
  const again = reused.prepare('select name from keys order by name');
  assert.is.not(again, select);
  assert.equal(again.all([]), [{ name: 'alice' }, { name: 'bob' }]);
  assert.equal(rows.next().value, { name: 'bob' });
});

test('Kysely on reused statements: a compiled query run again gives what it gave the first time', async () => {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: reusedStatements(database()) }) });
  await db.insertInto('keys').values([{ name: 'alice', signing_key: 'A1' }, { name: 'bob', signing_key: 'B1' }]).execute();
  const query = db.selectFrom('keys').select('signing_key').where('name', '=', '').compile();
  const find = async (name: string) => (await db.executeQuery({ ...query, parameters: [name] })).rows;
  assert.equal(await find('alice'), [{ signing_key: 'A1' }]);
  assert.equal(await find('bob'), [{ signing_key: 'B1' }]);
  assert.equal(await find('alice'), [{ signing_key: 'A1' }]);
  await db.destroy();
});

test.run();
