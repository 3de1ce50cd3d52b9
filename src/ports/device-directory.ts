import type { DeviceId, DeviceRecord, PendingDevice } from '../domain/devices.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/** Why a device was not stored. */
export type AddDeviceOutcome = 'published' | 'no_such_operator' | 'too_many_devices' | 'device_taken';

/** What an operator may hold when a device is added. */
export interface DeviceSlots {
  /** Certified devices and the pending one together. */
  readonly maxDevices: number;
  /** A pending device published before this time (ms since the epoch) has expired: it holds no slot and is never found. */
  readonly pendingSince: number;
}

/** Operators' devices (docs/protocol.md "Devices and key packages"), kept with their credentials. */
export interface DeviceDirectory {
  /**
   * Stores the certified device unless the operator would then hold more than `maxDevices`. The
   * same id with the same key is published again (its certificate replaced), or certified when
   * it is the pending device (taking over its slot); with another key, `device_taken`.
   */
  add(name: OperatorName, device: DeviceRecord, slots: DeviceSlots): Promise<AddDeviceOutcome>;
  /**
   * Stores the operator's one pending device, replacing the one before (whatever its id), unless
   * the certified devices fill every slot. The id of a certified device is `device_taken`.
   */
  addPending(name: OperatorName, device: PendingDevice, slots: DeviceSlots): Promise<AddDeviceOutcome>;
  /** A certified device; never the pending one. */
  find(name: OperatorName, device: DeviceId): Promise<DeviceRecord | undefined>;
  /** The operator's certified devices, oldest first (none for an unknown name). */
  list(name: OperatorName): Promise<DeviceRecord[]>;
  /**
   * Every operator's certified devices, oldest first, by name (operators without any left out):
   * the view of all instances' devices each instance reloads once a second.
   */
  certifiedDevices(): Promise<Map<OperatorName, DeviceId[]>>;
  /** The operator's pending device, unless published before `pendingSince`. */
  findPending(name: OperatorName, pendingSince: number): Promise<PendingDevice | undefined>;
  /** Removes the device, certified (with its key packages) or pending; false when it was not there. */
  revoke(name: OperatorName, device: DeviceId): Promise<boolean>;
  /**
   * Removes every device of the operator (the pending one too), their key packages and the
   * published identity, all at once (`operator reset-devices`, `operator passwd`); false when
   * there is no such operator.
   */
  reset(name: OperatorName): Promise<boolean>;
}
export const DeviceDirectory = token<DeviceDirectory>('DeviceDirectory');
