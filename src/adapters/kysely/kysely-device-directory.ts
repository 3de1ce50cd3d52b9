import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { inject, injectable } from 'inversify';
import type { DeviceId, DeviceRecord, PendingDevice } from '../../domain/devices.ts';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { AddDeviceOutcome, DeviceDirectory, DeviceSlots } from '../../ports/device-directory.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

interface DeviceRow {
  readonly device: string;
  readonly signing_key: string;
  readonly certificate: string;
}

/**
 * Devices in the credential database, beside their operator (a foreign key removes them with
 * it, and their key packages with them). Read afresh at every device login, so a revocation
 * applies at once, on every instance.
 */
@injectable()
export class KyselyDeviceDirectory implements DeviceDirectory {
  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {
    this.findQuery = db.selectFrom('operator_devices').select(['device', 'signing_key', 'certificate']).where('name', '=', '').where('device', '=', '').compile();
  }

  /** Compiled once, run with each name and device: a device's key login waits on it. */
  private readonly findQuery: CompiledQuery<DeviceRow>;

  add(name: OperatorName, { device, signing, certificate }: DeviceRecord, { maxDevices, pendingSince }: DeviceSlots): Promise<AddDeviceOutcome> {
    return this.dialect.run(() => this.db.transaction().execute(async (trx): Promise<AddDeviceOutcome> => {
      if (!(await lockOperator(trx, name))) return 'no_such_operator';
      await dropExpiredPending(trx, name, pendingSince);
      const existing = await trx.selectFrom('operator_devices').select('signing_key').where('name', '=', name).where('device', '=', device).executeTakeFirst();
      if (existing !== undefined) {
        if (existing.signing_key !== signing) return 'device_taken';
        await trx.updateTable('operator_devices').set({ certificate }).where('name', '=', name).where('device', '=', device).execute();
        return 'published';
      }
      const pending = await trx.selectFrom('pending_devices').select(['device', 'signing_key']).where('name', '=', name).executeTakeFirst();
      if (pending?.device === device) {
        if (pending.signing_key !== signing) return 'device_taken';
        // Certified: the pending device's slot becomes the certified one's.
        await trx.deleteFrom('pending_devices').where('name', '=', name).execute();
      } else if ((await countCertified(trx, name)) + (pending === undefined ? 0 : 1) >= maxDevices) {
        return 'too_many_devices';
      }
      await trx.insertInto('operator_devices')
        .values({ name, device, signing_key: signing, certificate, last_resort_package: null, created_at: this.clock.now() })
        .execute();
      return 'published';
    }));
  }

  addPending(name: OperatorName, { device, signing, agreement }: PendingDevice, { maxDevices, pendingSince }: DeviceSlots): Promise<AddDeviceOutcome> {
    return this.dialect.run(() => this.db.transaction().execute(async (trx): Promise<AddDeviceOutcome> => {
      if (!(await lockOperator(trx, name))) return 'no_such_operator';
      await dropExpiredPending(trx, name, pendingSince);
      const certified = await trx.selectFrom('operator_devices').select('device').where('name', '=', name).where('device', '=', device).executeTakeFirst();
      if (certified !== undefined) return 'device_taken';
      // The pending device this one replaces holds no slot of its own here.
      if ((await countCertified(trx, name)) >= maxDevices) return 'too_many_devices';
      await trx.deleteFrom('pending_devices').where('name', '=', name).execute();
      await trx.insertInto('pending_devices')
        .values({ name, device, signing_key: signing, agreement_key: agreement, created_at: this.clock.now() })
        .execute();
      return 'published';
    }));
  }

  async find(name: OperatorName, device: DeviceId): Promise<DeviceRecord | undefined> {
    const row = await this.dialect.first<DeviceRow>(this.db, { ...this.findQuery, parameters: [name, device] });
    return row === undefined ? undefined : { device: row.device, signing: row.signing_key, certificate: row.certificate };
  }

  async list(name: OperatorName): Promise<DeviceRecord[]> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operator_devices')
      .select(['device', 'signing_key', 'certificate']).where('name', '=', name).orderBy('created_at').orderBy('device').execute());
    return rows.map((row) => ({ device: row.device, signing: row.signing_key, certificate: row.certificate }));
  }

  async certifiedDevices(): Promise<Map<OperatorName, DeviceId[]>> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operator_devices')
      .select(['name', 'device']).orderBy('name').orderBy('created_at').orderBy('device').execute());
    const devices = new Map<OperatorName, DeviceId[]>();
    for (const { name, device } of rows) {
      const ids = devices.get(name);
      if (ids === undefined) devices.set(name, [device]);
      else ids.push(device);
    }
    return devices;
  }

  async findPending(name: OperatorName, pendingSince: number): Promise<PendingDevice | undefined> {
    const row = await this.dialect.run(() => this.db.selectFrom('pending_devices')
      .select(['device', 'signing_key', 'agreement_key']).where('name', '=', name).where('created_at', '>=', pendingSince).executeTakeFirst());
    return row === undefined ? undefined : { device: row.device, signing: row.signing_key, agreement: row.agreement_key };
  }

  async revoke(name: OperatorName, device: DeviceId): Promise<boolean> {
    const removed = await this.dialect.run(() => this.db.transaction().execute(async (trx) => {
      const certified = await trx.deleteFrom('operator_devices').where('name', '=', name).where('device', '=', device).executeTakeFirst();
      const pending = await trx.deleteFrom('pending_devices').where('name', '=', name).where('device', '=', device).executeTakeFirst();
      return Number(certified.numDeletedRows) + Number(pending.numDeletedRows);
    }));
    return removed > 0;
  }

  reset(name: OperatorName): Promise<boolean> {
    return this.dialect.run(() => this.db.transaction().execute(async (trx) => {
      if (!(await lockOperator(trx, name))) return false;
      await trx.deleteFrom('device_key_packages').where('name', '=', name).execute();
      await trx.deleteFrom('operator_devices').where('name', '=', name).execute();
      await trx.deleteFrom('pending_devices').where('name', '=', name).execute();
      await trx.deleteFrom('operator_identity_keys').where('name', '=', name).execute();
      return true;
    }));
  }
}

async function countCertified(trx: Transaction<CredentialSchema>, name: OperatorName): Promise<number> {
  const { count } = await trx.selectFrom('operator_devices').select((eb) => eb.fn.countAll<number | string>().as('count')).where('name', '=', name).executeTakeFirstOrThrow();
  return Number(count);
}

/** docs/protocol.md "Approval": a pending device not certified in time is gone, and frees its slot. */
async function dropExpiredPending(trx: Transaction<CredentialSchema>, name: OperatorName, pendingSince: number): Promise<void> {
  await trx.deleteFrom('pending_devices').where('name', '=', name).where('created_at', '<', pendingSince).execute();
}

/**
 * Takes the operator's row for the rest of the transaction (an update that changes nothing: a
 * row lock on PostgreSQL, the write lock on SQLite), so that devices added at once from several
 * instances are counted one after another. False when there is no such operator.
 */
async function lockOperator(trx: Transaction<CredentialSchema>, name: OperatorName): Promise<boolean> {
  const result = await trx.updateTable('operators').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('name', '=', name).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
