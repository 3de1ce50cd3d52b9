import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { CredentialStoreError } from './credential-store-error.ts';
import { KNOWN_MIGRATIONS, credentialMigrations } from './credential-migrations.ts';

const MIGRATION_TABLE = 'litsxg_migration';

/** Brings the schema up to date, refusing a database that a newer Litsxg has migrated further. */
export async function migrateCredentialSchema(db: Kysely<unknown>): Promise<void> {
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new CredentialStoreError(`the credential database has a newer schema (${unknown.join(', ')}) than this Litsxg knows; upgrade Litsxg`);
  }
  // Every start but the first after an upgrade: the migrator's lock and introspection would find nothing to do.
  if (applied.length === KNOWN_MIGRATIONS.length) return;
  const migrator = new Migrator({
    db,
    provider: credentialMigrations,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    // Names are ASCII and numbered; the default localeCompare loads ICU's collation, 8 ms at start.
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw new CredentialStoreError(`migrating the credential database failed: ${String(error)}`);
}

async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.rows.map((row) => row.name);
}
