import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import type { ReusedStatements } from './reused-statements.ts';

/** The better-sqlite3 database under a Kysely instance, and its statements prepared once. */
export interface SqliteHandle {
  readonly database: Database.Database;
  readonly statements: ReusedStatements;
}

const handles = new WeakMap<Kysely<CredentialSchema>, SqliteHandle>();

/** Called by whoever opens the database, so the dialect finds it under the Kysely it is given. */
export function rememberSqliteHandle(db: Kysely<CredentialSchema>, handle: SqliteHandle): void {
  handles.set(db, handle);
}

export function sqliteHandleOf(db: Kysely<CredentialSchema>): SqliteHandle | undefined {
  return handles.get(db);
}
