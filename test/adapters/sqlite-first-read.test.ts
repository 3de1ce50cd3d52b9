import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyKeyDirectory } from '../../src/adapters/kysely/kysely-key-directory.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';

const ALICE = { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` };

async function open() {
  const db = await openSqliteCredentials(':memory:');
  const dialect = new SqliteCredentialDialect(db);
  const credentials = new KyselyCredentialRepository(db, new SystemClock(), dialect);
  await credentials.add('alice', 'hash');
  return { db, credentials, keys: new KyselyKeyDirectory(db, new SystemClock(), dialect) };
}

test('a key lookup is read at once, not queued behind Kysely\'s connection lock', async () => {
  const { db, credentials, keys } = await open();
  await keys.publish('alice', ALICE);
  const order: string[] = [];
  const queued = db.selectFrom('operators').select('name').execute().then(() => order.push('kysely'));
  const found = keys.find('alice').then((identity) => order.push(identity === undefined ? 'none' : 'lookup'));
  await Promise.all([queued, found]);
  assert.equal(order, ['lookup', 'kysely']);
  await credentials.close();
});

test('a lookup during a transaction sees none of its writes, and none once it rolls back', async () => {
  const { db, credentials, keys } = await open();
  let seen: unknown = 'not looked up';
  const rolledBack = db.transaction().execute(async (trx) => {
    await trx.insertInto('operator_identity_keys')
      .values({ name: 'alice', agreement_key: ALICE.agreement, signing_key: ALICE.signing, published_at: 0 }).execute();
    // Another login looks alice up while the transaction holds the one connection.
    const lookup = keys.find('alice').then((identity) => (seen = identity));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(seen, 'not looked up', 'the lookup waits for the transaction to end');
    void lookup;
    throw new Error('rolled back');
  });
  assert.match(String(await rolledBack.catch((error: unknown) => error)), /rolled back/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(seen, undefined, 'the rolled-back key was never found');
  assert.is(await keys.find('alice'), undefined);
  await credentials.close();
});

test.run();
