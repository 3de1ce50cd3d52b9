import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CredentialSchema } from './credential-schema.ts';
import { CredentialStoreError } from './credential-store-error.ts';
import { migrateCredentialSchema } from './migrate-credential-schema.ts';

/** How long a writer waits for another process (the `operator` command, say) to let go. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating it 0600 when missing) and migrates the credential database. WAL lets the
 * `operator` command write while a server reads; SQLite gives the WAL and shared-memory files
 * the database file's mode.
 */
export async function openSqliteCredentials(path: string): Promise<Kysely<CredentialSchema>> {
  let database: Database.Database;
  try {
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    database = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    throw new CredentialStoreError(`cannot open the credential database ${path}: ${reason(error)}`);
  }
  const db = new Kysely<CredentialSchema>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateCredentialSchema(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    if (error instanceof CredentialStoreError) throw error;
    throw new CredentialStoreError(`cannot read the credential database ${path}: ${reason(error)}`);
  }
  // From here on a busy database is waited for by retryWhileBusy, off the event loop's back:
  // SQLite's own busy handler would sleep on the one thread and stall every connection.
  database.pragma('busy_timeout = 0');
  return db;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
