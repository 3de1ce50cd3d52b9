import type { MLSMessage } from 'ts-mls';

export type PrivateMlsMessage = MLSMessage & { wireformat: 'mls_private_message' };

/** A message of an epoch this device has not reached, as it came. */
export interface EarlyMessage {
  readonly from: string;
  readonly message: PrivateMlsMessage;
}

/** Kept per group: far more than what waits behind one missed commit in a team's conversation. */
const PER_GROUP = 200;

/**
 * Messages of an epoch this device has not reached yet (docs/protocol.md "Restarts"): a commit
 * lost with a restarted relay's queues comes again from its committer, but another member's
 * later commit, or a text of the epoch it starts, may come first (two committers are two
 * clients, each re-sending when it is back). Each waits here, in memory, until the commits
 * before it are processed; past PER_GROUP the oldest go, counted.
 */
export class EarlyMessages {
  private readonly byGroup = new Map<string, { waiting: EarlyMessage[]; dropped: number }>();

  /** Keeps it; true when nothing of the group waited before. */
  keep(group: string, early: EarlyMessage): boolean {
    const kept = this.byGroup.get(group);
    if (kept === undefined) {
      this.byGroup.set(group, { waiting: [early], dropped: 0 });
      return true;
    }
    kept.waiting.push(early);
    if (kept.waiting.length > PER_GROUP) {
      kept.waiting.shift();
      kept.dropped += 1;
    }
    return false;
  }

  /**
   * Processes those of `epoch` (the one a commit just reached), in the order they came, while the
   * group lasts: a commit among them goes on to the next epoch's through `process`.
   */
  async release<T>(group: string, epoch: bigint, process: (early: EarlyMessage) => Promise<T[]>, lasts: () => boolean): Promise<T[]> {
    const kept = this.byGroup.get(group);
    if (kept === undefined) return [];
    const due = kept.waiting.filter((e) => e.message.privateMessage.epoch === epoch);
    kept.waiting = kept.waiting.filter((e) => e.message.privateMessage.epoch !== epoch);
    if (kept.waiting.length === 0) this.byGroup.delete(group);
    const results: T[] = [];
    for (const early of due) if (lasts()) results.push(...await process(early));
    return results;
  }

  /** How many messages of the group wait, or went unread for waiting too long in numbers. */
  count(group: string): number {
    const kept = this.byGroup.get(group);
    return kept === undefined ? 0 : kept.waiting.length + kept.dropped;
  }

  forget(group: string): void {
    this.byGroup.delete(group);
  }
}
