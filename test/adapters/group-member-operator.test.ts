import { join } from 'node:path';
import { sql } from 'kysely';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KyselyGroupDirectory, partnersQuery } from '../../src/adapters/kysely/kysely-group-directory.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { credentialsMigratedTo } from '../support/old-credentials.ts';
import { tempDir } from '../support/temp-dir.ts';

const G = `${'G'.repeat(42)}A=`;

test('members routed before migration 0008 get their operator, so presence finds the partners they had', async () => {
  const temp = tempDir();
  try {
    const path = join(temp.path, 'credentials.sqlite');
    const old = await credentialsMigratedTo(path, '0007_group_committer');
    await old.insertInto('groups').values({ group_id: G, epoch: 3, updated_at: 0, committer: 'alice' }).execute();
    await old.insertInto('group_members').values(['alice', 'bob/dev1', 'bob/dev2', 'a_b/dev3'].map((mailbox) => ({ group_id: G, mailbox }))).execute();
    await old.destroy();

    const db = await openSqliteCredentials(path);
    const groups = new KyselyGroupDirectory(db, new SystemClock(), new SqliteCredentialDialect(db));
    assert.equal(await groups.partners('bob'), ['a_b', 'alice']);
    assert.equal(await groups.partners('a_b'), ['alice', 'bob']);
    await db.destroy();
  } finally {
    temp.remove();
  }
});

test('watch\'s query reads the members of the watcher\'s groups through indexes, never the whole table', async () => {
  const db = await openSqliteCredentials(':memory:');
  try {
    const { sql: text, parameters } = partnersQuery(db, 'alice').compile();
    const plan = await sql.raw<{ detail: string }>(`explain query plan ${text.replaceAll('?', () => `'alice'`)}`).execute(db);
    const steps = plan.rows.map((row) => row.detail);
    assert.is(parameters.length, 1);
    assert.ok(steps.some((step) => /SEARCH mine USING (COVERING )?INDEX group_members_by_operator/.test(step)), steps.join('; '));
    assert.not.ok(steps.some((step) => /^SCAN (mine|theirs)\b/.test(step)), steps.join('; '));
  } finally {
    await db.destroy();
  }
});

test.run();
