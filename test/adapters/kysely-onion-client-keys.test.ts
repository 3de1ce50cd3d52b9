import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyOnionClientKeys } from '../../src/adapters/kysely/kysely-onion-client-keys.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { generateOnionClientKey, publicKeyOf } from '../../src/adapters/tor/onion-client-key.ts';
import { credentialsMigratedTo } from '../support/old-credentials.ts';
import { tempDir } from '../support/temp-dir.ts';

async function open(path: string) {
  const db = await openSqliteCredentials(path);
  const dialect = new SqliteCredentialDialect(db);
  return { db, credentials: new KyselyCredentialRepository(db, new SystemClock(), dialect), keys: new KyselyOnionClientKeys(db, new SystemClock(), dialect) };
}

test('operators from before the keys get one when the database is migrated', async () => {
  const temp = tempDir();
  try {
    const path = join(temp.path, 'credentials.sqlite');
    const old = await credentialsMigratedTo(path, '0001_operators');
    await old.insertInto('operators').values({ name: 'alice', password_hash: 'x', created_at: 0, updated_at: 0 }).execute();
    await old.destroy();

    const { db, keys } = await open(path);
    const privateKey = await keys.privateKey('alice');
    assert.match(privateKey ?? '', /^[A-Z2-7]{52}$/);
    assert.equal(await keys.publicKeys(), [publicKeyOf(privateKey!)]);
    await db.destroy();
  } finally {
    temp.remove();
  }
});

test('put replaces, removing the operator forgets, and only existing operators\' keys are listed', async () => {
  const { db, credentials, keys } = await open(':memory:');
  await credentials.add('alice', 'hash');
  const [first, second, stray] = [generateOnionClientKey(), generateOnionClientKey(), generateOnionClientKey()];
  await keys.put('alice', first);
  await keys.put('alice', second);
  await keys.put('ghost', stray);
  assert.is(await keys.privateKey('alice'), second.privateKey);
  assert.equal(await keys.publicKeys(), [second.publicKey]);
  assert.ok(await credentials.remove('alice'));
  assert.is(await keys.privateKey('alice'), undefined);
  assert.equal(await keys.publicKeys(), []);
  await db.destroy();
});

// Issue 24: killed between its two writes, `operator remove` left tor-level access behind.
test('removing an operator is one transaction: a failure at either write leaves account and key both', async () => {
  const temp = tempDir();
  const path = join(temp.path, 'credentials.sqlite');
  const { db, credentials, keys } = await open(path);
  try {
    await credentials.add('alice', 'hash');
    const key = generateOnionClientKey();
    await keys.put('alice', key);
    // A second connection, as a crash would be seen: a trigger makes each write fail in turn.
    const other = new Database(path);
    for (const table of ['operators', 'operator_onion_auth_keys']) {
      other.exec(`create trigger killed before delete on ${table} begin select raise(abort, 'killed here'); end`);
      const failure = await credentials.remove('alice').then(() => undefined, (error: Error) => error.message);
      assert.match(failure ?? 'no failure', /killed here/);
      other.exec('drop trigger killed');
      assert.equal(await credentials.list(), ['alice'], `the account stays when the ${table} write fails`);
      assert.is(await keys.privateKey('alice'), key.privateKey, `the key stays when the ${table} write fails`);
    }
    other.close();
    assert.ok(await credentials.remove('alice'));
    assert.is(await keys.privateKey('alice'), undefined);
  } finally {
    await db.destroy();
    temp.remove();
  }
});

test.run();
