import { join } from 'node:path';
import { SCRYPT_DEFAULTS, ScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher.ts';
import { KyselyCredentialRepository } from '../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyKeyDirectory } from '../src/adapters/kysely/kysely-key-directory.ts';
import { openSqliteCredentials } from '../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { CREDENTIALS_FILE, prepareDataDirectory } from '../src/adapters/system/data-directory.ts';
import { SystemClock } from '../src/adapters/system/system-clock.ts';
import { BenchConnection } from './bench-connection.ts';
import { benchIdentity } from './bench-keys.ts';
import type { Endpoint } from './endpoint.ts';
import { LoginRefused } from './login-refused.ts';

/**
 * Cheaper scrypt for the pool of idle connections and offline recipients: what those
 * workloads measure is memory and draining, not hashing. Stored hashes carry their own
 * parameters, so the server verifies each at the cost it was made with.
 */
const POOL_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

/**
 * Writes the bench operators (and their published keys) straight into a data dir's credential database through the
 * server's own repository and hasher: one hash per cost instead of one `operator add`
 * process (and one full hash) per name.
 */
export async function seedDataDir(dataDir: string, password: string, names: { timed: string[]; pool: string[] }): Promise<void> {
  prepareDataDirectory(dataDir);
  const db = await openSqliteCredentials(join(dataDir, CREDENTIALS_FILE));
  const dialect = new SqliteCredentialDialect(db);
  const repository = new KyselyCredentialRepository(db, new SystemClock(), dialect);
  const keys = new KyselyKeyDirectory(db, new SystemClock(), dialect);
  try {
    const timedHash = await new ScryptPasswordHasher(SCRYPT_DEFAULTS).hash(password);
    const poolHash = await new ScryptPasswordHasher(POOL_SCRYPT).hash(password);
    for (const name of names.timed) await repository.add(name, timedHash);
    for (const name of names.pool) await repository.add(name, poolHash);
    // Published keys too, for `--login key`.
    for (const name of [...names.timed, ...names.pool]) await keys.publish(name, benchIdentity(name).published);
  } finally {
    await repository.close();
  }
}

/** Registers the bench operators on a running server with open registration; existing names are kept. */
export async function registerAll(endpoint: Endpoint, password: string, names: readonly string[], timeoutMs: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      const { conn } = await BenchConnection.open(endpoint, timeoutMs);
      try {
        await conn.login('register', name, password, timeoutMs);
      } catch (error) {
        if (!(error instanceof LoginRefused && error.code === 'name_taken')) throw error;
      } finally {
        await conn.quit(timeoutMs);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, names.length) }, worker));
}
