import type { DeviceId, DeviceRecord } from '../domain/devices.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/** Why a device was not stored. */
export type AddDeviceOutcome = 'published' | 'no_such_operator' | 'too_many_devices' | 'device_taken';

/** Operators' devices (docs/protocol.md "Devices and key packages"), kept with their credentials. */
export interface DeviceDirectory {
  /**
   * Stores the device unless the operator would then have more than `maxDevices`. The same id
   * with the same key is published again (its certificate replaced); with another key, `device_taken`.
   */
  add(name: OperatorName, device: DeviceRecord, maxDevices: number): Promise<AddDeviceOutcome>;
  find(name: OperatorName, device: DeviceId): Promise<DeviceRecord | undefined>;
  /** The operator's devices, oldest first (none for an unknown name). */
  list(name: OperatorName): Promise<DeviceRecord[]>;
  /** Removes the device and its key packages; false when it was not there. */
  revoke(name: OperatorName, device: DeviceId): Promise<boolean>;
  /**
   * Removes every device of the operator, their key packages and the published identity, all
   * at once (`operator reset-devices`, `operator passwd`); false when there is no such operator.
   */
  reset(name: OperatorName): Promise<boolean>;
}
export const DeviceDirectory = token<DeviceDirectory>('DeviceDirectory');
