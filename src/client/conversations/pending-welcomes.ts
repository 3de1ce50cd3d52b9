import type { OutgoingCommit } from './conversation-events.ts';
import type { Requests } from './requests.ts';
import type { RelayCopies } from './resent-copies.ts';
import { copiesTo, sendToOperator } from './resent-copies.ts';
import { nameOf } from './trust-holds.ts';

interface Pending {
  readonly group: string;
  /** The epoch the welcome starts its member in. */
  readonly epoch: bigint;
  readonly welcome: string;
  readonly mailbox: string;
  /** The copies that went to it: one it acknowledges says it joined. */
  readonly copies: Set<string>;
}

/** Welcomes kept for their new member's acknowledgement, the oldest forgotten first. */
const LIMIT = 256;

/**
 * Welcomes a new member has not acknowledged yet (docs/protocol.md "Restarts"): a relay that
 * restarts while one waits in its queue loses it, and the member can open nothing of the
 * conversation after it. Each goes again on a plain `send` to the member's operator (the relay
 * takes a welcome only with the commit it comes with), while the conversation is still in the
 * epoch the welcome starts it in.
 */
export class PendingWelcomes {
  private readonly pending: Pending[] = [];

  /** After `committed`: the copies that went to mailboxes not in the group `before` carried its welcome. */
  committed(commit: OutgoingCommit, before: readonly string[], answer: RelayCopies): void {
    const { group, welcome } = commit;
    if (welcome === undefined) return;
    for (const copy of answer.copies ?? []) {
      if ('id' in copy && !before.includes(copy.to)) this.pending.push({ group, epoch: commit.epoch + 1n, welcome, mailbox: copy.to, copies: new Set([copy.id]) });
    }
    if (this.pending.length > LIMIT) this.pending.splice(0, this.pending.length - LIMIT);
  }

  /**
   * A receipt: the conversation whose welcome it was the new member's for, if it was one. The
   * member joined, or, the receipt flagged `unreadable`, could not open it: sent again, it would not either.
   */
  confirmed(id: string, to: string): string | undefined {
    const at = this.pending.findIndex((p) => p.mailbox === to && p.copies.has(id));
    return at === -1 ? undefined : this.pending.splice(at, 1)[0]!.group;
  }

  /**
   * Sends each again whose conversation is still in its epoch (`epochOf`), oldest first; returns
   * a line for each member that cannot be helped so, for the person.
   */
  async resend(requests: Requests, epochOf: (group: string) => bigint | undefined): Promise<string[]> {
    const problems: string[] = [];
    for (const p of [...this.pending]) {
      const epoch = epochOf(p.group);
      const drop = () => this.pending.splice(this.pending.indexOf(p), 1);
      if (epoch !== p.epoch) {
        drop();
        if (epoch !== undefined) problems.push(`${p.mailbox} may not have had its invitation, lost when the server restarted; the conversation has moved on since`);
        continue;
      }
      try {
        const answer = await sendToOperator(requests, nameOf(p.mailbox), p.welcome);
        for (const id of copiesTo(answer, p.mailbox)) p.copies.add(id);
      } catch (error) {
        drop();
        problems.push(`${p.mailbox}'s invitation, lost when the server restarted, could not be sent again (${(error as Error).message})`);
      }
    }
    return problems;
  }
}
