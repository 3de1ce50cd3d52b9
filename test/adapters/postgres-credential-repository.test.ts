import { KNOWN_MIGRATIONS } from '../../src/adapters/kysely/credential-migrations.ts';
import { sql } from 'kysely';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CredentialStoreError } from '../../src/adapters/kysely/credential-store-error.ts';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyKeyDirectory } from '../../src/adapters/kysely/kysely-key-directory.ts';
import { openPostgresCredentials } from '../../src/adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialDialect } from '../../src/adapters/postgres/postgres-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { credentialRepositoryContract } from '../contracts/credential-repository-contract.ts';
import { keyDirectoryContract } from '../contracts/key-directory-contract.ts';
import { postgresMissing, startPostgresCluster } from '../support/postgres-cluster.ts';
import { reportMissingService } from '../support/missing-service.ts';

async function repositoryAt(url: string) {
  return new KyselyCredentialRepository(await openPostgresCredentials(url), new SystemClock(), new PostgresCredentialDialect());
}

const missing = postgresMissing();
if (missing !== undefined) {
  reportMissingService(missing);
} else {
  const cluster = await startPostgresCluster();

  credentialRepositoryContract('PostgreSQL', async () => {
    const url = await cluster.createDatabase();
    const repository = await repositoryAt(url);
    return { repository, other: () => repositoryAt(url), dispose: () => repository.close() };
  });

  keyDirectoryContract('PostgreSQL', async () => {
    const url = await cluster.createDatabase();
    const open = async () => {
      const db = await openPostgresCredentials(url);
      const dialect = new PostgresCredentialDialect();
      return { credentials: new KyselyCredentialRepository(db, new SystemClock(), dialect), keys: new KyselyKeyDirectory(db, new SystemClock(), dialect) };
    };
    const { credentials, keys } = await open();
    return {
      credentials,
      keys,
      async reopen() {
        const again = await open();
        return { keys: again.keys, close: () => again.credentials.close() };
      },
      dispose: () => credentials.close(),
    };
  });

  test('instances starting together on one database migrate it once, with the SQLite migrations', async () => {
    const url = await cluster.createDatabase();
    const [first, second] = await Promise.all([openPostgresCredentials(url), openPostgresCredentials(url)]);
    try {
      const applied = await sql<{ name: string }>`select name from litsxg_migration`.execute(first);
      assert.equal(applied.rows.map((row) => row.name), KNOWN_MIGRATIONS);
      const columns = (await first.introspection.getTables()).find((table) => table.name === 'operators')?.columns.map((column) => column.name);
      assert.equal(columns?.sort(), ['created_at', 'name', 'password_hash', 'updated_at']);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
    }
  });

  test('refuses a database that a newer Litsxg migrated further', async () => {
    const url = await cluster.createDatabase();
    const db = await openPostgresCredentials(url);
    await sql`insert into litsxg_migration (name, timestamp) values ('9999_future', 'now')`.execute(db);
    await db.destroy();
    try {
      await openPostgresCredentials(url);
      assert.unreachable('opened a database from the future');
    } catch (error) {
      assert.instance(error, CredentialStoreError);
      assert.match((error as Error).message, /newer schema/);
    }
  });

  test('an unreachable server is a CredentialStoreError that does not repeat the URL', async () => {
    try {
      await openPostgresCredentials(`postgres://litsxg:s3cret-pw@127.0.0.1:${cluster.port + 1}/nothing`);
      assert.unreachable('connected to nothing');
    } catch (error) {
      assert.instance(error, CredentialStoreError);
      assert.not.match((error as Error).message, /s3cret-pw/);
    }
  });

  test.after(() => cluster.stop());
  test.run();
}
