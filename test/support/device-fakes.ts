import type { DeviceId, DeviceRecord, KeyPackageHandout } from '../../src/domain/devices.ts';
import type { OperatorName } from '../../src/domain/names.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { AddDeviceOutcome, DeviceDirectory } from '../../src/ports/device-directory.ts';
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
  constructor(private readonly credentials: CredentialRepository, private readonly identities: KeyDirectory) {}

  async add(name: OperatorName, record: DeviceRecord, maxDevices: number): Promise<AddDeviceOutcome> {
    if (!(await this.credentials.exists(name))) return 'no_such_operator';
    const devices = this.held.get(name) ?? new Map<DeviceId, HeldDevice>();
    this.held.set(name, devices);
    const existing = devices.get(record.device);
    if (existing !== undefined) {
      if (existing.record.signing !== record.signing) return 'device_taken';
      existing.record = record;
      return 'published';
    }
    if (devices.size >= maxDevices) return 'too_many_devices';
    devices.set(record.device, { record, oneTime: [], lastResort: undefined });
    return 'published';
  }
  async find(name: OperatorName, device: DeviceId) {
    return this.held.get(name)?.get(device)?.record;
  }
  async list(name: OperatorName) {
    return [...(this.held.get(name)?.values() ?? [])].map((held) => held.record);
  }
  async revoke(name: OperatorName, device: DeviceId) {
    return this.held.get(name)?.delete(device) ?? false;
  }
  async reset(name: OperatorName) {
    if (!(await this.credentials.exists(name))) return false;
    this.held.delete(name);
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
  async take(name: OperatorName, oneTime: boolean): Promise<KeyPackageHandout[]> {
    return [...(this.held.get(name)?.values() ?? [])].flatMap(({ record: { device }, oneTime: packages, lastResort }): KeyPackageHandout[] => {
      const taken = oneTime ? packages.shift() : undefined;
      if (taken !== undefined) return [{ device, package: taken, lastResort: false }];
      return lastResort === undefined ? [] : [{ device, package: lastResort, lastResort: true }];
    });
  }
  async stock(): Promise<DeviceStock[]> {
    return [...this.held].flatMap(([name, devices]) => [...devices.values()].map((held) => ({ name, device: held.record.device, held: held.oneTime.length })))
      .sort((a, b) => (a.name === b.name ? a.device.localeCompare(b.device) : a.name.localeCompare(b.name)));
  }
}
