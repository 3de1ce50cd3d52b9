import type { DeviceId, DeviceRecord, KeyPackageHandout, PendingDevice } from '../../src/domain/devices.ts';
import type { OperatorName } from '../../src/domain/names.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { AddDeviceOutcome, DeviceDirectory, DeviceSlots } from '../../src/ports/device-directory.ts';
import type { KeyDirectory } from '../../src/ports/key-directory.ts';
import type { DeviceStock, KeyPackageStore, PublishPackagesOutcome } from '../../src/ports/key-package-store.ts';

interface HeldDevice {
  record: DeviceRecord;
  oneTime: string[];
  lastResort: string | undefined;
}

/** Devices and their key packages in Maps, for operators `credentials` knows: both ports in one, as they share a database. */
export class InMemoryDevices implements DeviceDirectory, KeyPackageStore {
  private readonly held = new Map<OperatorName, Map<DeviceId, HeldDevice>>();
  private readonly pending = new Map<OperatorName, { record: PendingDevice; since: number }>();
  constructor(private readonly credentials: CredentialRepository, private readonly identities: KeyDirectory, private readonly clock: Clock) {}

  async add(name: OperatorName, record: DeviceRecord, slots: DeviceSlots): Promise<AddDeviceOutcome> {
    if (!(await this.credentials.exists(name))) return 'no_such_operator';
    this.dropExpired(name, slots.pendingSince);
    const devices = this.devicesOf(name);
    const existing = devices.get(record.device);
    if (existing !== undefined) {
      if (existing.record.signing !== record.signing) return 'device_taken';
      existing.record = record;
      return 'published';
    }
    const pending = await this.findPending(name, slots.pendingSince);
    if (pending?.device === record.device) {
      if (pending.signing !== record.signing) return 'device_taken';
      this.pending.delete(name);
    } else if (devices.size + (pending === undefined ? 0 : 1) >= slots.maxDevices) {
      return 'too_many_devices';
    }
    devices.set(record.device, { record, oneTime: [], lastResort: undefined });
    return 'published';
  }
  async addPending(name: OperatorName, record: PendingDevice, slots: DeviceSlots): Promise<AddDeviceOutcome> {
    if (!(await this.credentials.exists(name))) return 'no_such_operator';
    this.dropExpired(name, slots.pendingSince);
    const devices = this.devicesOf(name);
    if (devices.has(record.device)) return 'device_taken';
    if (devices.size >= slots.maxDevices) return 'too_many_devices';
    this.pending.set(name, { record, since: this.clock.now() });
    return 'published';
  }
  async findPending(name: OperatorName, pendingSince: number) {
    const pending = this.pending.get(name);
    return pending !== undefined && pending.since >= pendingSince ? pending.record : undefined;
  }
  async find(name: OperatorName, device: DeviceId) {
    return this.held.get(name)?.get(device)?.record;
  }
  async list(name: OperatorName) {
    return [...(this.held.get(name)?.values() ?? [])].map((held) => held.record);
  }
  async certifiedDevices() {
    const devices = new Map<OperatorName, DeviceId[]>();
    for (const [name, held] of this.held) if (held.size > 0) devices.set(name, [...held.keys()]);
    return devices;
  }
  async revoke(name: OperatorName, device: DeviceId) {
    if (this.pending.get(name)?.record.device === device) return this.pending.delete(name);
    return this.held.get(name)?.delete(device) ?? false;
  }
  async reset(name: OperatorName) {
    if (!(await this.credentials.exists(name))) return false;
    this.held.delete(name);
    this.pending.delete(name);
    await this.identities.revoke(name);
    return true;
  }

  async publish(name: OperatorName, device: DeviceId, packages: readonly string[], lastResort: string | undefined, maxHeld: number): Promise<PublishPackagesOutcome> {
    const held = this.held.get(name)?.get(device);
    if (held === undefined) return { ok: false, code: 'no_such_device' };
    if (held.oneTime.length + packages.length > maxHeld) return { ok: false, code: 'too_many_key_packages' };
    held.oneTime.push(...packages);
    held.lastResort = lastResort ?? held.lastResort;
    return { ok: true, held: held.oneTime.length };
  }
  async take(name: OperatorName, oneTime: boolean, only?: DeviceId): Promise<KeyPackageHandout[]> {
    const devices = [...(this.held.get(name)?.values() ?? [])].filter((held) => only === undefined || held.record.device === only);
    return devices.flatMap(({ record: { device }, oneTime: packages, lastResort }): KeyPackageHandout[] => {
      const taken = oneTime ? packages.shift() : undefined;
      if (taken !== undefined) return [{ device, package: taken, lastResort: false }];
      return lastResort === undefined ? [] : [{ device, package: lastResort, lastResort: true }];
    });
  }
  private dropExpired(name: OperatorName, pendingSince: number): void {
    if ((this.pending.get(name)?.since ?? pendingSince) < pendingSince) this.pending.delete(name);
  }
  private devicesOf(name: OperatorName): Map<DeviceId, HeldDevice> {
    const devices = this.held.get(name) ?? new Map<DeviceId, HeldDevice>();
    this.held.set(name, devices);
    return devices;
  }

  async stock(only?: OperatorName): Promise<DeviceStock[]> {
    return [...this.held].filter(([name]) => only === undefined || name === only).flatMap(([name, devices]) => [...devices.values()].map((held) => ({ name, device: held.record.device, held: held.oneTime.length })))
      .sort((a, b) => (a.name === b.name ? a.device.localeCompare(b.device) : a.name.localeCompare(b.name)));
  }
}
