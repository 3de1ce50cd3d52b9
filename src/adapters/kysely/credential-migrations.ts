import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { generateOnionClientKey } from '../tor/onion-client-key.ts';

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
  // Named for onion client authorization: other public keys an operator may get live elsewhere.
  '0003_operator_onion_auth_keys': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('operator_onion_auth_keys')
        .addColumn('name', 'varchar(32)', (column) => column.primaryKey())
        .addColumn('public_key', 'varchar(52)', (column) => column.notNull())
        .addColumn('private_key', 'varchar(52)', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      // Operators added before get their key now, so `--onion-client-auth` admits every one.
      const operators: { name: string }[] = await db.selectFrom('operators').select('name').execute();
      for (const { name } of operators) {
        const key = generateOnionClientKey();
        await db.insertInto('operator_onion_auth_keys')
          .values({ name, public_key: key.publicKey, private_key: key.privateKey, created_at: Date.now() })
          .execute();
      }
    },
  },
  // docs/protocol.md "Devices and key packages": devices and their MLS key packages, public
  // material only; a device goes with its operator, its packages with it.
  '0004_operator_devices': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('operator_devices')
        .addColumn('name', 'varchar(32)', (column) => column.notNull().references('operators.name').onDelete('cascade'))
        .addColumn('device', 'varchar(16)', (column) => column.notNull())
        .addColumn('signing_key', 'varchar(44)', (column) => column.notNull())
        .addColumn('certificate', 'varchar(88)', (column) => column.notNull())
        .addColumn('last_resort_package', 'text')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('operator_devices_pk', ['name', 'device'])
        .execute();
      await db.schema
        .createTable('device_key_packages')
        .addColumn('id', 'varchar(36)', (column) => column.primaryKey())
        .addColumn('name', 'varchar(32)', (column) => column.notNull())
        .addColumn('device', 'varchar(16)', (column) => column.notNull())
        .addColumn('package', 'text', (column) => column.notNull())
        .addColumn('published_at', 'bigint', (column) => column.notNull())
        .addColumn('position', 'integer', (column) => column.notNull())
        .addForeignKeyConstraint('device_key_packages_device_fk', ['name', 'device'], 'operator_devices', ['name', 'device'], (key) => key.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('device_key_packages_by_device').on('device_key_packages').columns(['name', 'device', 'published_at', 'position']).execute();
    },
  },
  // docs/protocol.md "Groups": the MLS delivery service's routing table, never content.
  '0005_groups': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('groups')
        .addColumn('group_id', 'varchar(44)', (column) => column.primaryKey())
        .addColumn('epoch', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'varchar(44)', (column) => column.notNull().references('groups.group_id').onDelete('cascade'))
        .addColumn('mailbox', 'varchar(49)', (column) => column.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'mailbox'])
        .execute();
    },
  },
  // docs/protocol.md "Devices and key packages", "Approval": the one device an operator has
  // awaiting approval. A table of its own rather than a nullable `certificate`: the name as key
  // holds it to one, and SQLite would have to rebuild `operator_devices`, whose drop would cascade
  // to `device_key_packages`.
  '0006_pending_devices': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pending_devices')
        .addColumn('name', 'varchar(32)', (column) => column.primaryKey().references('operators.name').onDelete('cascade'))
        .addColumn('device', 'varchar(16)', (column) => column.notNull())
        .addColumn('signing_key', 'varchar(44)', (column) => column.notNull())
        .addColumn('agreement_key', 'varchar(44)', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
  // docs/protocol.md "Groups", `group_info`: whose commit made the current epoch, so that a
  // client that crashed before the relay's answer learns whether its commit won.
  '0007_group_committer': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('groups').addColumn('committer', 'varchar(49)').execute();
    },
  },
  // docs/protocol.md "Presence": `watch` asks which operators share a group with the watcher's
  // operator, whatever its devices. The operator part of each mailbox, indexed, answers it
  // without reading every member row (a LIKE on `mailbox` could use no index).
  '0008_group_member_operator': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('group_members').addColumn('operator', 'varchar(32)').execute();
      const mailboxes = await db.selectFrom('group_members').select('mailbox').distinct().execute();
      for (const { mailbox } of mailboxes as { mailbox: string }[]) {
        await db.updateTable('group_members').set({ operator: mailbox.split('/')[0] }).where('mailbox', '=', mailbox).execute();
      }
      await db.schema.createIndex('group_members_by_operator').on('group_members').columns(['operator', 'group_id']).execute();
    },
  },
};

export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS);

export const credentialMigrations: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
