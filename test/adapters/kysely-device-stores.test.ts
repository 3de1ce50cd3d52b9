import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { CredentialDialect } from '../../src/adapters/kysely/credential-dialect.ts';
import type { CredentialSchema } from '../../src/adapters/kysely/credential-schema.ts';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyDeviceDirectory } from '../../src/adapters/kysely/kysely-device-directory.ts';
import { KyselyKeyDirectory } from '../../src/adapters/kysely/kysely-key-directory.ts';
import { KyselyKeyPackageStore } from '../../src/adapters/kysely/kysely-key-package-store.ts';
import { openPostgresCredentials } from '../../src/adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialDialect } from '../../src/adapters/postgres/postgres-credential-dialect.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { deviceDirectoryContract } from '../contracts/device-directory-contract.ts';
import type { DeviceStoreHarness } from '../contracts/device-directory-contract.ts';
import { keyPackageStoreContract } from '../contracts/key-package-store-contract.ts';
import { reportMissingService } from '../support/missing-service.ts';
import { postgresMissing, startPostgresCluster } from '../support/postgres-cluster.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Every Kysely adapter over one open credential database, as the composition binds them. */
function storesOn(db: Kysely<CredentialSchema>, dialect: CredentialDialect) {
  const clock = new SystemClock();
  return {
    credentials: new KyselyCredentialRepository(db, clock, dialect),
    keys: new KyselyKeyDirectory(db, clock, dialect),
    devices: new KyselyDeviceDirectory(db, clock, dialect),
    packages: new KyselyKeyPackageStore(db, clock, dialect),
  };
}

async function sqliteAt(path: string) {
  const db = await openSqliteCredentials(path);
  return storesOn(db, new SqliteCredentialDialect(db));
}

async function sqliteInMemory(): Promise<DeviceStoreHarness> {
  const stores = await sqliteAt(':memory:');
  return { ...stores, dispose: () => stores.credentials.close() };
}

/** `other` opens the same file again: a second process (another instance, the operator command). */
async function sqliteOnDisk(): Promise<DeviceStoreHarness> {
  const dir = tempDir();
  const path = join(dir.path, 'credentials.sqlite');
  const stores = await sqliteAt(path);
  return {
    ...stores,
    async other() {
      const again = await sqliteAt(path);
      return { ...again, close: () => again.credentials.close() };
    },
    async dispose() {
      await stores.credentials.close();
      dir.remove();
    },
  };
}

for (const [name, make] of [['SQLite in memory', sqliteInMemory], ['SQLite on disk', sqliteOnDisk]] as const) {
  deviceDirectoryContract(name, make);
  keyPackageStoreContract(name, make);
}

const missing = postgresMissing();
if (missing !== undefined) {
  reportMissingService(missing);
} else {
  const cluster = await startPostgresCluster();
  const open = async (url: string) => storesOn(await openPostgresCredentials(url), new PostgresCredentialDialect());
  /** `other` is a second pool on the same database: another instance. */
  const postgres = async (): Promise<DeviceStoreHarness> => {
    const url = await cluster.createDatabase();
    const stores = await open(url);
    return {
      ...stores,
      async other() {
        const again = await open(url);
        return { ...again, close: () => again.credentials.close() };
      },
      dispose: () => stores.credentials.close(),
    };
  };
  deviceDirectoryContract('PostgreSQL', postgres);
  keyPackageStoreContract('PostgreSQL', postgres);
}
