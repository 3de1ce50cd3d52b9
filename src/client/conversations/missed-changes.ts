import type { ConversationEvent } from './conversation-events.ts';
import type { GroupMeta } from './group-meta.ts';

/** How long messages may wait for a commit this device missed before the person is told. */
export const MISSED_CHANGE_MS = 30_000;

/** Said once messages have waited that long: the group, and how many wait (or went unread). */
export interface MissedChange {
  readonly kind: 'missed';
  readonly group: string;
  readonly meta: GroupMeta;
  readonly count: number;
}

/** The same words in the terminal and the browser, after the conversation's label. */
export function missedChangeLine(change: MissedChange): string {
  const messages = change.count === 1 ? '1 message' : `${change.count} messages`;
  return `this device missed a change to the conversation (lost when the server restarted): ${messages} sent since cannot be read yet, not shown. `
    + 'They open once the member who made the change is back online; if they never do, this device must be removed from the conversation and invited again';
}

/**
 * Watches the groups where messages wait for a commit this device has not had (Conversations'
 * `behind` event, docs/protocol.md "Restarts"): its committer sends it again once back online,
 * so it may come late; when nothing has moved the group on for MISSED_CHANGE_MS, the person is
 * told, rather than left with a conversation gone silent.
 */
export class MissedChanges {
  private readonly watched = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly waiting: (group: string) => number,
    private readonly epochOf: (group: string) => bigint | undefined,
    private readonly emit: (change: MissedChange) => void,
    private readonly afterMs = MISSED_CHANGE_MS,
  ) {}

  behind(event: Extract<ConversationEvent, { kind: 'behind' }>): void {
    if (this.watched.has(event.group)) return;
    const timer = setTimeout(() => {
      this.watched.delete(event.group);
      const count = this.waiting(event.group);
      const epoch = this.epochOf(event.group);
      if (count === 0 || epoch === undefined) return;
      // Caught up part of the way: the rest gets its own wait.
      if (epoch !== event.epoch) return this.behind({ ...event, epoch });
      this.emit({ kind: 'missed', group: event.group, meta: event.meta, count });
    }, this.afterMs);
    // A terminal whose input ended does not stay for it.
    (timer as { unref?: () => void }).unref?.();
    this.watched.set(event.group, timer);
  }
}
