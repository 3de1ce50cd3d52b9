import type { AcknowledgedMessage, BufferLimits, NewMessage, QueuedMessage } from '../domain/messages.ts';
import type { OperatorName } from '../domain/names.ts';
import type { Awaitable } from '../domain/awaitable.ts';
import { token } from './token.ts';

export type EnqueueResult = { ok: true; id: string; seq: number } | { ok: false; code: 'queue_full' };

/**
 * Per-recipient FIFO queues kept until acknowledged. Each message gets a sequence number,
 * increasing per recipient, so a session can resume pushing after the last one it pushed.
 */
export interface MessageBuffer {
  /**
   * Appends under a new message id, or refuses when the recipient's queue or the whole buffer is
   * at a limit. The buffer names the message so that it can find it again cheaply on ack.
   */
  enqueue(to: OperatorName, message: NewMessage, limits: BufferLimits): Awaitable<EnqueueResult>;
  /**
   * Up to `max` unexpired messages after `afterSeq`, oldest first, each marked as pushed;
   * `redelivered` tells whether it had been pushed before. Expired ones are dropped.
   */
  take(to: OperatorName, afterSeq: number, max: number, now: number): Awaitable<readonly QueuedMessage[]>;
  /** Removes the acknowledged messages and tells whom each was from; unknown ids are ignored. */
  acknowledge(to: OperatorName, ids: readonly string[]): Awaitable<readonly AcknowledgedMessage[]>;
  /** Drops every message older than its time-to-live; returns how many. */
  expire(now: number): Promise<number>;
}
export const MessageBuffer = token<MessageBuffer>('MessageBuffer');
