import { injectable } from 'inversify';
import type { Awaitable } from '../../ports/awaitable.ts';
import type { BufferLimits, QueuedMessage, StoredMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';
import type { EnqueueResult, MessageBuffer } from '../../ports/message-buffer.ts';
import { RecipientQueue } from './recipient-queue.ts';

/**
 * Queues in this process's memory: gone when it stops, as the operator manual says. An emptied
 * queue is kept for its recipient's next message (there is at most one per operator), so a
 * recipient who keeps up costs no queue allocation per message.
 */
@injectable()
export class InMemoryMessageBuffer implements MessageBuffer {
  private readonly queues = new Map<OperatorName, RecipientQueue>();
  private totalBytes = 0;
  // One counter for every queue: a sequence number is never reused, whatever happens to a queue.
  private lastSeq = 0;

  enqueue(to: OperatorName, message: StoredMessage, limits: BufferLimits): Awaitable<EnqueueResult> {
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
    queue.append(message, seq, message.ts + limits.ttlMs);
    return { ok: true, seq };
  }

  take(to: OperatorName, afterSeq: number, max: number, now: number): Awaitable<QueuedMessage[]> {
    const queue = this.queues.get(to);
    if (queue === undefined) return [];
    this.expireQueue(queue, now);
    return queue.take(afterSeq, max);
  }

  acknowledge(to: OperatorName, ids: readonly string[]): Awaitable<StoredMessage[]> {
    const queue = this.queues.get(to);
    if (queue === undefined) return [];
    const removed: StoredMessage[] = [];
    for (const id of ids) {
      const message = queue.remove(id);
      if (message === undefined) continue;
      this.totalBytes -= message.bytes;
      removed.push(message);
    }
    return removed;
  }

  expire(now: number): Awaitable<number> {
    let dropped = 0;
    for (const queue of this.queues.values()) dropped += this.expireQueue(queue, now);
    return dropped;
  }

  private expireQueue(queue: RecipientQueue, now: number): number {
    const bytesBefore = queue.bytes;
    const count = queue.expire(now);
    this.totalBytes -= bytesBefore - queue.bytes;
    return count;
  }
}
