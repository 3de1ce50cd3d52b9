import { closeSync, existsSync, fchmodSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { openBetterSqlite3 } from './better-sqlite3.ts';
import { SqliteDialect } from 'kysely';
import type { Kysely } from 'kysely';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import { CredentialStoreError } from '../kysely/credential-store-error.ts';
import { openMigratedCredentials } from '../kysely/open-migrated-credentials.ts';
import { reusedStatements } from './reused-statements.ts';
import { rememberSqliteHandle } from './sqlite-handles.ts';

/** How long a writer waits for another process (the `operator` command, say) to let go. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating it 0600 when missing, tightening it to 0600 when not) and migrates the
 * credential database. WAL lets the `operator` command write while a server reads; SQLite gives
 * WAL and shared-memory files it creates the database file's mode.
 */
export async function openSqliteCredentials(path: string): Promise<Kysely<CredentialSchema>> {
  let database: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) if (file === path || existsSync(file)) restrictToOwner(file);
    }
    database = openBetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    throw new CredentialStoreError(`cannot open the credential database ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const statements = reusedStatements(database);
  const db = await openMigratedCredentials(new SqliteDialect({ database: statements }), `cannot read the credential database ${path}`);
  rememberSqliteHandle(db, { database, statements });
  // From here on a busy database is waited for by retryWhileBusy, off the event loop's back:
  // SQLite's own busy handler would sleep on the one thread and stall every connection.
  database.pragma('busy_timeout = 0');
  return db;
}

/** Creates the file if missing and makes it 0600; a directory in its place fails here. */
function restrictToOwner(file: string): void {
  const fd = openSync(file, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}
