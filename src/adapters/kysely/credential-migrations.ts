import type { Kysely, Migration, MigrationProvider } from 'kysely';

/** Every schema change, in order; only ever appended to (upgrades migrate at start). */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_operators': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('operators')
        .addColumn('name', 'varchar(32)', (column) => column.primaryKey())
        .addColumn('password_hash', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
  // docs/protocol.md "Keys": public identities only; removed with their operator.
  '0002_operator_identity_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('operator_identity_keys')
        .addColumn('name', 'varchar(32)', (column) => column.primaryKey().references('operators.name').onDelete('cascade'))
        .addColumn('agreement_key', 'varchar(44)', (column) => column.notNull())
        .addColumn('signing_key', 'varchar(44)', (column) => column.notNull())
        .addColumn('published_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
};

export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS);

export const credentialMigrations: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
