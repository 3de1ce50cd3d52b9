import type { Awaitable } from '../domain/awaitable.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/**
 * Each sender's send-rate bucket (PROTOCOL option `--send-rate`), kept across its sessions so a
 * new login is no new burst, and by every instance of a scaled-out relay alike.
 */
export interface SenderBuckets {
  /** Takes a token from the sender's bucket: 0 when the send may go, else the ms until one could. */
  take(name: OperatorName, ratePerSecond: number, now: number): Awaitable<number>;
}
export const SenderBuckets = token<SenderBuckets>('SenderBuckets');
