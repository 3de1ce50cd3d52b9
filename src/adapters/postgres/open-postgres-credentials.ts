import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import { openMigratedCredentials } from '../kysely/open-migrated-credentials.ts';
import { discardingPool } from './discarding-pool.ts';

/** Connections one process keeps to PostgreSQL: authentication and the per-message name check. */
const POOL_SIZE = 4;
/**
 * How long one statement may take before its frame gets `internal` (issue 24), as a Redis command
 * (redis-connections.ts): the server cancels it (`statement_timeout`), and the client gives up on
 * a socket that went silent (`query_timeout`), which the server's timeout cannot see. Getting a
 * connection from the pool has the same bound, so a call ends within twice this.
 */
export const STATEMENT_TIMEOUT_MS = 2_000;

/**
 * Connects to the identity store shared by instances (`--credentials postgres://…`) and brings
 * its schema up to date with the same migrations as SQLite (Kysely's migrator takes a lock, so
 * instances starting together migrate once). Migrations run on a pool of their own, without
 * the statement deadline: one instance may wait for another's migration lock. Errors never
 * repeat the URL: it may hold a password.
 */
export async function openPostgresCredentials(url: string): Promise<Kysely<CredentialSchema>> {
  const failure = 'cannot use the PostgreSQL credential database';
  await (await openMigratedCredentials(new PostgresDialect({ pool: newPool(url, { connectionTimeoutMillis: 5_000 }) }), failure)).destroy();
  const timeouts = { connectionTimeoutMillis: STATEMENT_TIMEOUT_MS, statement_timeout: STATEMENT_TIMEOUT_MS, query_timeout: STATEMENT_TIMEOUT_MS };
  return new Kysely<CredentialSchema>({ dialect: new PostgresDialect({ pool: discardingPool(newPool(url, timeouts)) }) });
}

function newPool(url: string, timeouts: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, keepAlive: true, ...timeouts });
  // An idle connection dropped by the server: the pool replaces it at the next query.
  pool.on('error', () => undefined);
  return pool;
}
