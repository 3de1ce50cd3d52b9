import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { CredentialDialect } from '../../src/adapters/kysely/credential-dialect.ts';
import type { CredentialSchema } from '../../src/adapters/kysely/credential-schema.ts';
import { KyselyGroupDirectory } from '../../src/adapters/kysely/kysely-group-directory.ts';
import { openPostgresCredentials } from '../../src/adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialDialect } from '../../src/adapters/postgres/postgres-credential-dialect.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { groupDirectoryContract } from '../contracts/group-directory-contract.ts';
import { postgresMissing, startPostgresCluster } from '../support/postgres-cluster.ts';
import { reportMissingService } from '../support/missing-service.ts';
import { tempDir } from '../support/temp-dir.ts';

function directory(db: Kysely<CredentialSchema>, dialect: CredentialDialect) {
  return { groups: new KyselyGroupDirectory(db, new SystemClock(), dialect), close: () => db.destroy() };
}

const sqliteAt = async (path: string) => {
  const db = await openSqliteCredentials(path);
  return directory(db, new SqliteCredentialDialect(db));
};

groupDirectoryContract('SQLite in memory', async () => {
  const store = await sqliteAt(':memory:');
  // One database, one connection: the other client is the same one.
  return { groups: store.groups, other: async () => ({ groups: store.groups, close: async () => undefined }), dispose: store.close };
});

groupDirectoryContract('SQLite on disk, two processes\' connections', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'credentials.sqlite');
  const store = await sqliteAt(path);
  return {
    groups: store.groups,
    other: () => sqliteAt(path),
    async dispose() {
      await store.close();
      dir.remove();
    },
  };
});

const missing = postgresMissing();
if (missing !== undefined) {
  reportMissingService(missing);
} else {
  const cluster = await startPostgresCluster();
  const postgresAt = async (url: string) => directory(await openPostgresCredentials(url), new PostgresCredentialDialect());
  groupDirectoryContract('PostgreSQL, two instances\' pools', async () => {
    const url = await cluster.createDatabase();
    const store = await postgresAt(url);
    return { groups: store.groups, other: () => postgresAt(url), dispose: store.close };
  });
}
