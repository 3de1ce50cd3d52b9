import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialDialect } from '../../src/adapters/kysely/credential-dialect.ts';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';

/** SQLite's dialect, but a check of the names can be held (a store slow to answer) and then let go or failed. */
async function repositoryWithHeldCheck() {
  const db = await openSqliteCredentials(':memory:');
  const sqlite = new SqliteCredentialDialect(db);
  let held: { resolve: () => void; reject: (error: Error) => void } | undefined;
  let holding = false;
  const dialect: CredentialDialect = {
    run: (statement) => sqlite.run(statement),
    first: (on, query) => sqlite.first(on, query),
    async namesChanged() {
      if (holding) await new Promise<void>((resolve, reject) => (held = { resolve, reject }));
      return sqlite.namesChanged();
    },
  };
  const repository = new KyselyCredentialRepository(db, new SystemClock(), dialect);
  await repository.add('bob', 'hash');
  assert.is(await repository.exists('bob'), true);
  // The names are checked again once they are a second old.
  await new Promise((resolve) => setTimeout(resolve, 1_050));
  holding = true;
  return { repository, held: () => held!, close: () => repository.close() };
}

// Issue 24: a store slow to reload the names stalled every sender, whatever their recipient.
test('while a check of the names hangs, names the cache has are answered from it after a moment; others wait, in order', async () => {
  const { repository, held, close } = await repositoryWithHeldCheck();
  try {
    const carol = repository.exists('carol');
    const bob = repository.exists('bob');
    assert.instance(bob, Promise, 'a check that answers quickly is waited for: a removal applies within a second');
    assert.is(await bob, true, 'the hung check is waited for only a moment');
    assert.is(repository.exists('bob'), true, 'then answered at once from the cache');
    await repository.add('carol', 'hash');
    const carolAgain = repository.exists('carol');
    assert.instance(carolAgain, Promise, 'a name that waited keeps waiting: its messages keep their order');
    held().resolve();
    assert.equal(await Promise.all([carol, carolAgain]), [true, true]);
  } finally {
    await close();
  }
});

test('a failed check: the cache answers for the names it has, lookups of others fail, and the next lookup checks again', async () => {
  const { repository, held, close } = await repositoryWithHeldCheck();
  try {
    const bob = repository.exists('bob');
    held().reject(new Error('store gone'));
    assert.is(await bob, true, 'a failed check leaves the cache to answer for the names it has');
    const carol = repository.exists('carol');
    held().reject(new Error('store gone'));
    const failure = await Promise.resolve(carol).then(() => 'answered', (error: Error) => error.message);
    assert.is(failure, 'store gone');
  } finally {
    await close();
  }
});

test.run();
