import { join } from 'node:path';
import { ScryptPasswordHasher } from '../../src/adapters/crypto/scrypt-password-hasher.ts';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { CREDENTIALS_FILE, prepareDataDirectory } from '../../src/adapters/system/data-directory.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { OperatorAccounts } from '../../src/domain/operator-accounts.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import { InMemoryKeyDirectory } from './fakes.ts';

/** Cheap scrypt for tests: stored hashes carry their parameters, so the server verifies these fast. */
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery';

/** Adds operators straight into a data dir's credential database (much faster than `operator add`). */
export async function seedOperators(dataDir: string, names: readonly string[], password = PASSWORD): Promise<void> {
  await addOperators(await sqliteRepository(dataDir), names, password);
}

/** Adds operators through the server's own accounts and hasher, then closes `repository`. */
export async function addOperators(repository: CredentialRepository, names: readonly string[], password = PASSWORD): Promise<void> {
  // Only `add` is used: no key is touched.
  const accounts = new OperatorAccounts(repository, new ScryptPasswordHasher(FAST_SCRYPT), new InMemoryKeyDirectory(repository));
  try {
    for (const name of names) {
      const outcome = await accounts.add(name, password);
      if (!outcome.ok) throw new Error(`seeding ${name}: ${outcome.code}`);
    }
  } finally {
    await repository.close();
  }
}

/** Stores `hash` as is for a new operator (a damaged or foreign record, say). */
export async function seedHash(dataDir: string, name: string, hash: string): Promise<void> {
  const repository = await sqliteRepository(dataDir);
  try {
    if (!(await repository.add(name, hash))) throw new Error(`seeding ${name}: name taken`);
  } finally {
    await repository.close();
  }
}

async function sqliteRepository(dataDir: string): Promise<CredentialRepository> {
  prepareDataDirectory(dataDir);
  const db = await openSqliteCredentials(join(dataDir, CREDENTIALS_FILE));
  return new KyselyCredentialRepository(db, new SystemClock(), new SqliteCredentialDialect(db));
}
