import { PostgresDialect } from 'kysely';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import { openMigratedCredentials } from '../kysely/open-migrated-credentials.ts';

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
  return openMigratedCredentials(new PostgresDialect({ pool }), 'cannot use the PostgreSQL credential database');
}
