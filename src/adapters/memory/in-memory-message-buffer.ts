import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { AcknowledgedMessage, BufferLimits, NewMessage, QueuedMessage, StoredMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';
import type { BufferLoss, EnqueueResult, MessageBuffer } from '../../ports/message-buffer.ts';
import { RecipientQueue } from './recipient-queue.ts';

/** Base-36 digits of the largest safe integer: a longer id names no message of ours. */
const MAX_SEQ_DIGITS = Number.MAX_SAFE_INTEGER.toString(36).length;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;

/**
 * Queues in this process's memory: gone when it stops, as the operator manual says. It answers
 * at once, so a message crosses the core without a promise. An emptied queue is kept for its
 * recipient's next message (there is at most one per operator), so a recipient who keeps up
 * costs no queue allocation per message.
 *
 * A message id is a random per-process prefix and the message's sequence number, so it is
 * unique across restarts and an ack finds its message without an index. That a neighbour's id
 * can be guessed gives nothing away: an id only ever acts on its recipient's own queue.
 */
@injectable()
export class InMemoryMessageBuffer implements MessageBuffer {
  private readonly queues = new Map<OperatorName, RecipientQueue>();
  private totalBytes = 0;
  // One counter for every queue: a sequence number is never reused, whatever happens to a queue.
  private lastSeq = 0;
  private readonly idPrefix = `m-${randomBytes(9).toString('base64url')}`;

  enqueue(to: OperatorName, message: NewMessage, limits: BufferLimits): EnqueueResult {
    const queue = this.queues.get(to) ?? new RecipientQueue();
    this.expireQueue(queue, message.ts);
    const full =
      queue.count + 1 > limits.maxMessagesPerRecipient ||
      queue.bytes + message.bytes > limits.maxBytesPerRecipient ||
      this.totalBytes + message.bytes > limits.maxBytesTotal;
    if (full) return { ok: false, code: 'queue_full' };
    this.queues.set(to, queue);
    this.totalBytes += message.bytes;
    const seq = ++this.lastSeq;
    const id = this.idPrefix + seq.toString(36);
    const after = queue.newestSeq;
    queue.append(message, id, seq, message.ts + limits.ttlMs);
    return { ok: true, id, seq, after };
  }

  handedOut(to: OperatorName, seq: number): void {
    this.queues.get(to)?.markPushed(seq);
  }

  handedOutAll(to: OperatorName): void {
    this.queues.get(to)?.markAllPushed();
  }

  take(to: OperatorName, afterSeq: number, max: number, now: number): readonly QueuedMessage[] {
    const queue = this.queues.get(to);
    if (queue === undefined) return [];
    this.expireQueue(queue, now);
    return queue.take(afterSeq, max);
  }

  acknowledge(to: OperatorName, ids: readonly string[]): readonly AcknowledgedMessage[] {
    const queue = this.queues.get(to);
    if (queue === undefined) return [];
    const removed = new Array<StoredMessage>(ids.length);
    let count = 0;
    for (const id of ids) {
      const seq = this.seqOf(id);
      const message = seq === undefined ? undefined : queue.remove(seq);
      if (message === undefined) continue;
      this.totalBytes -= message.bytes;
      removed[count++] = message;
    }
    if (count < removed.length) removed.length = count;
    return removed;
  }

  async expire(now: number): Promise<number> {
    let dropped = 0;
    for (const queue of this.queues.values()) dropped += this.expireQueue(queue, now);
    return dropped;
  }

  lostOnExit(now: number): BufferLoss {
    let messages = 0;
    let recipients = 0;
    for (const queue of this.queues.values()) {
      this.expireQueue(queue, now);
      messages += queue.count;
      if (queue.count > 0) recipients++;
    }
    return { messages, recipients };
  }

  /**
   * The sequence number an id of ours carries; undefined for any other string, including other
   * spellings of the number (capitals, leading zeros), so that one message has one id.
   */
  private seqOf(id: string): number | undefined {
    const start = this.idPrefix.length;
    if (id.length <= start || id.length > start + MAX_SEQ_DIGITS || !id.startsWith(this.idPrefix) || id.charCodeAt(start) === ZERO) {
      return undefined;
    }
    let seq = 0;
    for (let i = start; i < id.length; i++) {
      const digit = base36Digit(id.charCodeAt(i));
      if (digit < 0) return undefined;
      seq = seq * 36 + digit;
    }
    return seq;
  }

  private expireQueue(queue: RecipientQueue, now: number): number {
    const bytesBefore = queue.bytes;
    const count = queue.expire(now);
    this.totalBytes -= bytesBefore - queue.bytes;
    return count;
  }
}

/** The value of a lowercase base-36 digit, or -1. */
function base36Digit(code: number): number {
  if (code >= ZERO && code <= NINE) return code - ZERO;
  if (code >= LOWER_A && code <= LOWER_Z) return code - LOWER_A + 10;
  return -1;
}
