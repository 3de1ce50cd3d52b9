import type { OperatorName } from '../domain/names.ts';
import type { TokenBucket } from '../domain/send-rate.ts';
import { token } from './token.ts';

/** Each sender's send-rate bucket, kept across its sessions so a new login is no new burst. */
export interface SenderBuckets {
  get(name: OperatorName): TokenBucket | undefined;
  set(name: OperatorName, bucket: TokenBucket): void;
}
export const SenderBuckets = token<SenderBuckets>('SenderBuckets');
