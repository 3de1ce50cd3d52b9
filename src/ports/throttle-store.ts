import type { ThrottleRecord } from '../domain/throttle.ts';

/** Authentication attempts per operator name, shared by every connection (and instance). */
export interface ThrottleStore {
  get(key: string): Promise<ThrottleRecord | undefined>;
  /** Keeps the record until `expiresAt` (ms since the epoch), then forgets it. */
  set(key: string, record: ThrottleRecord, expiresAt: number): Promise<void>;
  delete(key: string): Promise<void>;
}
export const ThrottleStore = Symbol('ThrottleStore');
