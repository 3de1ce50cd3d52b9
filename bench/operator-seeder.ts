import { join } from 'node:path';
import { ScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher.ts';
import { KyselyCredentialRepository } from '../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyKeyDirectory } from '../src/adapters/kysely/kysely-key-directory.ts';
import { openSqliteCredentials } from '../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { CREDENTIALS_FILE, prepareDataDirectory } from '../src/adapters/system/data-directory.ts';
import { SystemClock } from '../src/adapters/system/system-clock.ts';
import type { CredentialRepository } from '../src/ports/credential-repository.ts';
import { BenchConnection } from './bench-connection.ts';
import type { Endpoint } from './endpoint.ts';
import { LoginRefused } from './login-refused.ts';

/**
 * Cheap scrypt, for tests and for the bench's idle connections and offline recipients, whose
 * figures are memory and draining, not hashing. Stored hashes carry their own parameters, so
 * the server verifies each at the cost it was made with.
 */
type ScryptParameters = ConstructorParameters<typeof ScryptPasswordHasher>[0];

export const FAST_SCRYPT: ScryptParameters = { N: 2 ** 10, r: 8, p: 1 };

type PublishedKeys = Parameters<KyselyKeyDirectory['publish']>[1];

/** A password (hashed once) or a hash as is; `keys`, into a data dir only: each name's published keys too. */
export type Seed = ({ readonly password: string; readonly scrypt?: ScryptParameters } | { readonly hash: string })
  & { readonly keys?: (name: string) => PublishedKeys };

/**
 * Writes operators straight into a credential store (a data dir's SQLite database, or an open
 * repository, closed afterwards) through the server's own repository and hasher: one hash for
 * all the names instead of one `operator add` process and one hash each. Existing names are kept.
 */
export async function seedOperators(store: string | CredentialRepository, names: readonly string[], seed: Seed): Promise<void> {
  const { repository, keys } = typeof store === 'string' ? await sqliteStore(store) : { repository: store, keys: undefined };
  try {
    const hash = 'hash' in seed ? seed.hash : await new ScryptPasswordHasher(seed.scrypt ?? FAST_SCRYPT).hash(seed.password);
    for (const name of names) await repository.add(name, hash);
    if (seed.keys !== undefined) for (const name of names) await keys!.publish(name, seed.keys(name));
  } finally {
    await repository.close();
  }
}

async function sqliteStore(dataDir: string): Promise<{ repository: CredentialRepository; keys: KyselyKeyDirectory }> {
  prepareDataDirectory(dataDir);
  const db = await openSqliteCredentials(join(dataDir, CREDENTIALS_FILE));
  const dialect = new SqliteCredentialDialect(db);
  return { repository: new KyselyCredentialRepository(db, new SystemClock(), dialect), keys: new KyselyKeyDirectory(db, new SystemClock(), dialect) };
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
