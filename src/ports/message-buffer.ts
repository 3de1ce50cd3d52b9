import type { AcknowledgedMessage, BufferLimits, NewMessage, QueuedMessage } from '../domain/messages.ts';
import type { OperatorName } from '../domain/names.ts';
import type { Awaitable } from '../domain/awaitable.ts';
import { token } from './token.ts';

/**
 * `after`: no message queued for the recipient before this one is numbered above it (0: none
 * is queued), so a connection that was pushed every message through `after` can be handed
 * this one directly, in order, without a take.
 */
export type EnqueueResult = { ok: true; id: string; seq: number; after: number } | { ok: false; code: 'queue_full' };
export type QueuedResult = Extract<EnqueueResult, { ok: true }>;

/** What stopping the process takes with it: counts only, never who or what. */
export interface BufferLoss {
  readonly messages: number;
  /** Mailboxes those messages were queued for. */
  readonly recipients: number;
}

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
   * `redelivered` tells whether it had been pushed before. Expired ones are dropped. Fewer than
   * `max` means no more are queued: the push loop stops there.
   */
  take(to: OperatorName, afterSeq: number, max: number, now: number): Awaitable<readonly QueuedMessage[]>;
  /**
   * Counts message `seq`, written to its recipient's connection without a take (see
   * `EnqueueResult`), as pushed: taken again, it is redelivered. Nothing for a message no
   * longer queued.
   */
  handedOut(to: OperatorName, seq: number): void;
  /**
   * Counts every message queued for `to` as pushed: a login that replaced a session (PROTOCOL
   * "Session" 6) cannot know which of them the replaced connection was written, on this
   * instance or, a mark still on its way, on another.
   */
  handedOutAll(to: OperatorName): void;
  /** Removes the acknowledged messages and tells whom each was from; unknown ids are ignored. */
  acknowledge(to: OperatorName, ids: readonly string[]): Awaitable<readonly AcknowledgedMessage[]>;
  /** Drops every message older than its time-to-live; returns how many. */
  expire(now: number): Promise<number>;
  /** The unexpired messages that stopping this process loses (none where they outlive it). */
  lostOnExit(now: number): BufferLoss;
}
export const MessageBuffer = token<MessageBuffer>('MessageBuffer');
