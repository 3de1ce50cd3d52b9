import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { credentialMigrations } from '../../src/adapters/kysely/credential-migrations.ts';

/** A SQLite credential database at `path` migrated only up to `migration`, as an older Litsxg left it; the caller fills it, then destroys it. */
export async function credentialsMigratedTo(path: string, migration: string): Promise<Kysely<any>> {
  const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  await new Migrator({ db: old, provider: credentialMigrations, migrationTableName: 'litsxg_migration', migrationLockTableName: 'litsxg_migration_lock' }).migrateTo(migration);
  return old;
}
