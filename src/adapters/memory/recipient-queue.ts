import type { NewMessage, QueuedMessage, StoredMessage } from '../../domain/messages.ts';

/**
 * One flat object per message, handed out as it is (nothing is copied per push) but typed
 * read-only outside this file: only the queue marks it pushed or removed.
 */
interface Entry extends QueuedMessage {
  readonly expiresAt: number;
  redelivered: boolean;
  pushed: boolean;
  removed: boolean;
}

/**
 * One recipient's FIFO, in sequence order. Entries are found by sequence number with a binary
 * search, not through a map: a map keyed by id costs more per message than all the rest of the
 * queue (measured). An ack may hit any entry: it is marked removed, and the array is compacted
 * as removed entries reach its head.
 */
export class RecipientQueue {
  private entries: Entry[] = [];
  private head = 0;
  private messages = 0;
  private totalBytes = 0;

  get count(): number {
    return this.messages;
  }

  /** UTF-8 bytes of the bodies queued. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The sequence number last appended (0 when none is kept): no message here is numbered above it. */
  get newestSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  /** `seq` must be greater than every sequence number appended before. */
  append(message: NewMessage, id: string, seq: number, expiresAt: number): void {
    const { from, body, ts, bytes } = message;
    this.entries.push({ id, from, body, ts, bytes, seq, expiresAt, redelivered: false, pushed: false, removed: false });
    this.messages++;
    this.totalBytes += bytes;
  }

  take(afterSeq: number, max: number): readonly QueuedMessage[] {
    const first = this.firstAfter(afterSeq);
    // Sized up front: a push usually takes one message, and a grown array would hold seventeen.
    const taken = new Array<QueuedMessage>(Math.min(max, this.entries.length - first));
    let count = 0;
    for (let i = first; i < this.entries.length && count < taken.length; i++) {
      const entry = this.entries[i]!;
      if (entry.removed) continue;
      entry.redelivered = entry.pushed;
      entry.pushed = true;
      taken[count++] = entry;
    }
    if (count < taken.length) taken.length = count;
    return taken;
  }

  /** Marks message `seq`, handed out without a take, as pushed. */
  markPushed(seq: number): void {
    const entry = this.find(seq);
    if (entry !== undefined) entry.pushed = true;
  }

  markAllPushed(): void {
    for (let i = this.head; i < this.entries.length; i++) this.entries[i]!.pushed = true;
  }

  remove(seq: number): StoredMessage | undefined {
    const entry = this.find(seq);
    if (entry === undefined) return undefined;
    this.drop(entry);
    this.compact();
    return entry;
  }

  /** Drops expired entries from the head (they expire in the order they were accepted); returns how many. */
  expire(now: number): number {
    let count = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry.removed) continue;
      if (entry.expiresAt > now) break;
      this.drop(entry);
      count++;
    }
    if (count > 0) this.compact();
    return count;
  }

  private drop(entry: Entry): void {
    entry.removed = true;
    this.messages--;
    this.totalBytes -= entry.bytes;
  }

  /** The entry numbered `seq`, unless removed. */
  private find(seq: number): Entry | undefined {
    const entry = this.entries[this.firstAfter(seq - 1)];
    return entry === undefined || entry.seq !== seq || entry.removed ? undefined : entry;
  }

  /** Index of the first entry with a sequence number above `seq`. */
  private firstAfter(seq: number): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Drops removed entries from the head, and rebuilds the array once removed ones make up half
   * of it: acknowledging all but the oldest message must not keep the others' bodies alive.
   */
  private compact(): void {
    while (this.head < this.entries.length && this.entries[this.head]!.removed) this.head++;
    if (this.messages === 0) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.entries.length > 64 && this.messages * 2 < this.entries.length) {
      this.entries = this.entries.filter((entry) => !entry.removed);
      this.head = 0;
    }
  }
}
