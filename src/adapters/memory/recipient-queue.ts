import type { QueuedMessage, StoredMessage } from '../../domain/messages.ts';

/** One flat object per message, handed out as it is: nothing is copied per push. */
interface Entry extends QueuedMessage {
  readonly expiresAt: number;
  redelivered: boolean;
  pushed: boolean;
  removed: boolean;
}

/**
 * One recipient's FIFO. Entries are appended in sequence order and removed in place (an ack may
 * hit any of them), the array being compacted as removed entries reach its head.
 */
export class RecipientQueue {
  private entries: Entry[] = [];
  private head = 0;
  private readonly byId = new Map<string, Entry>();
  bytes = 0;

  get count(): number {
    return this.byId.size;
  }

  /** `seq` must be greater than every sequence number appended before. */
  append(message: StoredMessage, seq: number, expiresAt: number): void {
    const { id, from, body, ts, bytes } = message;
    const entry: Entry = { id, from, body, ts, bytes, seq, expiresAt, redelivered: false, pushed: false, removed: false };
    this.entries.push(entry);
    this.byId.set(id, entry);
    this.bytes += bytes;
  }

  take(afterSeq: number, max: number): QueuedMessage[] {
    const taken: QueuedMessage[] = [];
    for (let i = this.firstAfter(afterSeq); i < this.entries.length && taken.length < max; i++) {
      const entry = this.entries[i]!;
      if (entry.removed) continue;
      entry.redelivered = entry.pushed;
      entry.pushed = true;
      taken.push(entry);
    }
    return taken;
  }

  remove(id: string): StoredMessage | undefined {
    const entry = this.byId.get(id);
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
    this.byId.delete(entry.id);
    this.bytes -= entry.bytes;
  }

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
    const live = this.byId.size;
    if (live === 0) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.entries.length > 64 && live * 2 < this.entries.length) {
      this.entries = this.entries.filter((entry) => !entry.removed);
      this.head = 0;
    }
  }
}
