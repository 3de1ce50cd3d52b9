import type { DeviceId, KeyPackageHandout } from '../domain/devices.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

export type PublishPackagesOutcome = { ok: true; held: number } | { ok: false; code: 'no_such_device' | 'too_many_key_packages' };

/** One device's stock of one-time key packages, for `operator list`. */
export interface DeviceStock {
  readonly name: OperatorName;
  readonly device: DeviceId;
  readonly held: number;
}

/** Devices' MLS key packages (docs/protocol.md "Devices and key packages"), removed with their device. */
export interface KeyPackageStore {
  /**
   * Adds one-time packages and, when given, replaces the last resort; nothing at all when the
   * device would then hold more than `maxHeld` one-time packages. `held`: how many it holds after.
   */
  publish(name: OperatorName, device: DeviceId, packages: readonly string[], lastResort: string | undefined, maxHeld: number): Promise<PublishPackagesOutcome>;
  /**
   * One package for each device of `name`, oldest device first: with `oneTime`, the oldest
   * one-time package, deleted as it is taken so that no two takers ever get the same one, even
   * taking at once from several instances; else, or when none is left, the last resort. A
   * device with neither is left out. With `device`, that device's package alone.
   */
  take(name: OperatorName, oneTime: boolean, device?: DeviceId): Promise<KeyPackageHandout[]>;
  /** Every device of every operator (of `name` only, when given) with its one-time count, by name then device. */
  stock(name?: OperatorName): Promise<DeviceStock[]>;
}
export const KeyPackageStore = token<KeyPackageStore>('KeyPackageStore');
