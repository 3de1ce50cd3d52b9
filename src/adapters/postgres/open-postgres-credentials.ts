import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { CredentialSchema } from '../sqlite/credential-schema.ts';
import { CredentialStoreError } from '../sqlite/credential-store-error.ts';
import { migrateCredentialSchema } from '../sqlite/migrate-credential-schema.ts';

/** Connections one process keeps to PostgreSQL: authentication and the per-message name check. */
const POOL_SIZE = 4;

/**
 * Connects to the identity store shared by instances (`--credentials postgres://…`) and brings
 * its schema up to date with the same migrations as SQLite (Kysely's migrator takes a lock, so
 * instances starting together migrate once). Errors never repeat the URL: it may hold a password.
 */
export async function openPostgresCredentials(url: string): Promise<Kysely<CredentialSchema>> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 5_000 });
  // An idle connection dropped by the server: the pool replaces it at the next query.
  pool.on('error', () => undefined);
  const db = new Kysely<CredentialSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateCredentialSchema(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    if (error instanceof CredentialStoreError) throw error;
    throw new CredentialStoreError(`cannot use the PostgreSQL credential database: ${(error as Error).message}`);
  }
  return db;
}
