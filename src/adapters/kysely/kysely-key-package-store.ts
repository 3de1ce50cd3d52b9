import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { DeviceId, KeyPackageHandout } from '../../domain/devices.ts';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { DeviceStock, KeyPackageStore, PublishPackagesOutcome } from '../../ports/key-package-store.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

/**
 * Key packages in the credential database: one-time ones in their own table, each device's last
 * resort on its device's row. The same queries on SQLite and PostgreSQL.
 */
@injectable()
export class KyselyKeyPackageStore implements KeyPackageStore {
  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {}

  publish(name: OperatorName, device: DeviceId, packages: readonly string[], lastResort: string | undefined, maxHeld: number): Promise<PublishPackagesOutcome> {
    return this.dialect.run(() => this.db.transaction().execute(async (trx): Promise<PublishPackagesOutcome> => {
      // The device's row taken first (an update that changes nothing): publications at once are counted one after another.
      const locked = await trx.updateTable('operator_devices').set((eb) => ({ created_at: eb.ref('created_at') }))
        .where('name', '=', name).where('device', '=', device).executeTakeFirst();
      if (Number(locked.numUpdatedRows) !== 1) return { ok: false, code: 'no_such_device' };
      const { count } = await trx.selectFrom('device_key_packages').select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('name', '=', name).where('device', '=', device).executeTakeFirstOrThrow();
      const held = Number(count) + packages.length;
      if (held > maxHeld) return { ok: false, code: 'too_many_key_packages' };
      const now = this.clock.now();
      if (packages.length > 0) {
        await trx.insertInto('device_key_packages')
          .values(packages.map((text, position) => ({ id: randomUUID(), name, device, package: text, published_at: now, position })))
          .execute();
      }
      if (lastResort !== undefined) {
        await trx.updateTable('operator_devices').set({ last_resort_package: lastResort }).where('name', '=', name).where('device', '=', device).execute();
      }
      return { ok: true, held };
    }));
  }

  async take(name: OperatorName, oneTime: boolean, only?: DeviceId): Promise<KeyPackageHandout[]> {
    const devices = await this.dialect.run(() => this.db.selectFrom('operator_devices')
      .select(['device', 'last_resort_package']).where('name', '=', name)
      .$if(only !== undefined, (query) => query.where('device', '=', only!))
      .orderBy('created_at').orderBy('device').execute());
    const handouts: KeyPackageHandout[] = [];
    for (const { device, last_resort_package: lastResort } of devices) {
      const taken = oneTime ? await this.takeOneTime(name, device) : undefined;
      if (taken !== undefined) handouts.push({ device, package: taken, lastResort: false });
      else if (lastResort !== null) handouts.push({ device, package: lastResort, lastResort: true });
    }
    return handouts;
  }

  async stock(name?: OperatorName): Promise<DeviceStock[]> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operator_devices')
      .leftJoin('device_key_packages', (join) => join
        .onRef('device_key_packages.name', '=', 'operator_devices.name')
        .onRef('device_key_packages.device', '=', 'operator_devices.device'))
      .$if(name !== undefined, (query) => query.where('operator_devices.name', '=', name!))
      .select((eb) => ['operator_devices.name', 'operator_devices.device', eb.fn.count<number | string>('device_key_packages.id').as('held')])
      .groupBy(['operator_devices.name', 'operator_devices.device'])
      .orderBy('operator_devices.name').orderBy('operator_devices.device')
      .execute());
    return rows.map((row) => ({ name: row.name, device: row.device, held: Number(row.held) }));
  }

  /**
   * The oldest one-time package, deleted as it is taken. Only the taker whose delete removed the
   * row hands it out; one that lost it to another taker (on this instance or another) tries the
   * next, so none is handed out twice and none is skipped while some remain. Plain statements,
   * each atomic, on either database.
   */
  private async takeOneTime(name: OperatorName, device: DeviceId): Promise<string | undefined> {
    for (;;) {
      const oldest = await this.dialect.run(() => this.db.selectFrom('device_key_packages').select(['id', 'package'])
        .where('name', '=', name).where('device', '=', device).orderBy('published_at').orderBy('position').limit(1).executeTakeFirst());
      if (oldest === undefined) return undefined;
      const deleted = await this.dialect.run(() => this.db.deleteFrom('device_key_packages').where('id', '=', oldest.id).executeTakeFirst());
      if (Number(deleted.numDeletedRows) === 1) return oldest.package;
    }
  }
}
