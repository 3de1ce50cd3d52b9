import { closeSync, openSync, unlinkSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { openBetterSqlite3 } from './better-sqlite3.ts';
import { CredentialStoreError } from '../kysely/credential-store-error.ts';
import { BUSY_TIMEOUT_MS } from './open-sqlite-credentials.ts';

/**
 * `operator backup FILE`: a consistent copy of the credential database through SQLite's online
 * backup API, so a running server keeps reading and writing meanwhile. The copy holds password
 * hashes and onion client-authorization private keys, so FILE is created here, 0600 and only if
 * it does not exist (SQLite gives its journal the same mode); a failed copy removes it again.
 */
export async function backupSqliteDatabase(source: string, destination: string): Promise<void> {
  try {
    closeSync(openSync(destination, 'wx', 0o600));
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new CredentialStoreError(exists ? `${destination} already exists: a backup never overwrites, give a new file` : `cannot create ${destination}: ${(error as Error).message}`);
  }
  let database: BetterSqlite3.Database | undefined;
  try {
    database = openBetterSqlite3(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    await database.backup(destination);
  } catch (error) {
    unlinkSync(destination);
    throw new CredentialStoreError(`cannot back up the credential database ${source}: ${(error as Error).message}`);
  } finally {
    database?.close();
  }
}
