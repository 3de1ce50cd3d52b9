import type { OperatorName } from './names.ts';

/** A message accepted for queueing; the buffer gives it its id. `ts` is when the server accepted it. */
export interface NewMessage {
  readonly from: OperatorName;
  readonly body: string;
  readonly ts: number;
  /** UTF-8 bytes of the body: what the byte limits count. */
  readonly bytes: number;
}

/** A message as the buffer keeps it. */
export interface StoredMessage extends NewMessage {
  /** Opaque to clients, unique across instances and restarts. */
  readonly id: string;
}

/** What acknowledging a message tells: whom its receipt is for. */
export type AcknowledgedMessage = Pick<StoredMessage, 'id' | 'from'>;

/** A message handed out for pushing. */
export interface QueuedMessage extends StoredMessage {
  readonly seq: number;
  /** Pushed to a connection before this time. */
  readonly redelivered: boolean;
}

export interface BufferLimits {
  readonly maxMessagesPerRecipient: number;
  readonly maxBytesPerRecipient: number;
  readonly maxBytesTotal: number;
  readonly ttlMs: number;
}
