import type { MLSMessage } from 'ts-mls';
import type { ConversationEvent } from './conversation-events.ts';
import { refused } from './conversation-events.ts';
import { leavesOf } from './group-members.ts';
import type { Group } from './group-states.ts';
import { nameOf } from './trust-holds.ts';

export type PrivateMlsMessage = MLSMessage & { wireformat: 'mls_private_message' };

/** A message of an epoch this device has not reached, as it came. */
export interface EarlyMessage {
  readonly from: string;
  readonly message: PrivateMlsMessage;
}

/** Kept per group: far more than what waits behind one missed commit in a team's conversation. */
const PER_GROUP = 200;
/** Bytes of ciphertext kept per group: a body may be an upload of up to 1 MiB, 200 of them too much memory. */
export const BYTES_PER_GROUP = 8 * 1024 * 1024;

interface Waiting {
  waiting: EarlyMessage[];
  bytes: number;
  dropped: number;
}

function sizeOf(early: EarlyMessage): number {
  return early.message.privateMessage.ciphertext.length;
}

/**
 * Messages of an epoch this device has not reached yet (docs/protocol.md "Restarts"): a commit
 * lost with a restarted relay's queues comes again from its committer, but another member's
 * later commit, or a text of the epoch it starts, may come first (two committers are two
 * clients, each re-sending when it is back). Each waits here, in memory, until the commits
 * before it are processed; past PER_GROUP messages or BYTES_PER_GROUP the oldest go, counted.
 */
export class EarlyMessages {
  private readonly byGroup = new Map<string, Waiting>();

  /**
   * Keeps it if its sender could be a member (`from` is a mailbox or, for a commit sent again, an
   * operator's name: an operator with a device in the group); a `behind` event when nothing of
   * the group waited before. MLS cannot authenticate it before its epoch, so anyone could send it.
   */
  keep(group: string, current: Group, early: EarlyMessage): ConversationEvent[] {
    if (!leavesOf(current.state).some((leaf) => leaf.name === nameOf(early.from))) return [refused(early.from, 'a message of a later epoch from someone not in the conversation')];
    const kept = this.byGroup.get(group);
    if (kept === undefined) {
      this.byGroup.set(group, { waiting: [early], bytes: sizeOf(early), dropped: 0 });
      return [{ kind: 'behind', group, meta: current.meta, epoch: current.state.groupContext.epoch }];
    }
    kept.waiting.push(early);
    kept.bytes += sizeOf(early);
    while (kept.waiting.length > PER_GROUP || (kept.bytes > BYTES_PER_GROUP && kept.waiting.length > 1)) {
      kept.bytes -= sizeOf(kept.waiting.shift()!);
      kept.dropped += 1;
    }
    return [];
  }

  /**
   * Processes those of `epoch` (the one a commit just reached), in the order they came, while the
   * group lasts: a commit among them goes on to the next epoch's through `process`. Each on its
   * own: one that fails (a forgery, a device not certified) is refused alone, flagged as already
   * acknowledged, so the commit that released it stays read and the others still show.
   */
  async release(group: string, epoch: bigint, process: (early: EarlyMessage) => Promise<ConversationEvent[]>, lasts: () => boolean): Promise<ConversationEvent[]> {
    const kept = this.byGroup.get(group);
    if (kept === undefined) return [];
    const due = kept.waiting.filter((e) => e.message.privateMessage.epoch === epoch);
    kept.waiting = kept.waiting.filter((e) => e.message.privateMessage.epoch !== epoch);
    kept.bytes = kept.waiting.reduce((sum, e) => sum + sizeOf(e), 0);
    if (kept.waiting.length === 0) this.byGroup.delete(group);
    const results: ConversationEvent[] = [];
    for (const early of due) {
      if (!lasts()) break;
      try {
        results.push(...(await process(early)).map((e) => (e.kind === 'refused' ? { ...e, acknowledged: true } : e)));
      } catch (error) {
        results.push({ kind: 'refused', from: early.from, reason: error instanceof Error ? error.message : String(error), acknowledged: true });
      }
    }
    return results;
  }

  /** How many messages of the group wait, or went unread for waiting too long or too many. */
  count(group: string): number {
    const kept = this.byGroup.get(group);
    return kept === undefined ? 0 : kept.waiting.length + kept.dropped;
  }

  forget(group: string): void {
    this.byGroup.delete(group);
  }
}
