import type { ThrottleRecord } from '../domain/throttle.ts';
import { token } from './token.ts';

export type AttemptStart = { started: true; previous: ThrottleRecord | undefined } | { started: false; record: ThrottleRecord };

/** Authentication attempts per operator name, shared by every connection (and instance). */
export interface ThrottleStore {
  /**
   * Atomically: unless the record of `key` blocks attempts at `now`, counts one more failure
   * in flight (`verifying`, blocked until `now + guardMs`) and returns the record it replaced.
   */
  startAttempt(key: string, now: number, guardMs: number, expiresAt: number): Promise<AttemptStart>;
  /** Keeps the record until `expiresAt` (ms since the epoch), then forgets it. */
  set(key: string, record: ThrottleRecord, expiresAt: number): Promise<void>;
  delete(key: string): Promise<void>;
}
export const ThrottleStore = token<ThrottleStore>('ThrottleStore');
