import type { ConversationEvent, OutgoingCommit } from './conversation-events.ts';
import { ConversationError } from './conversation-events.ts';
import { sendCommit } from './commit-sender.ts';
import type { Conversations } from './conversations.ts';
import { mailboxOf } from './device-credential.ts';
import type { ServerFrame } from './frame-link.ts';
import type { UnacknowledgedHandshakes } from './unacknowledged-handshakes.ts';
import { RelayRefusal, staleEpoch } from './requests.ts';
import type { Requests } from './requests.ts';

/** How many times a commit (or a group message) is made again after the group moved on without it. */
const COMMIT_ATTEMPTS = 5;
/** How long a retry waits for the winning commit to arrive before asking the relay. */
const CATCH_UP_MS = 10_000;

/**
 * What this device sends at a group's epoch, ordered by the relay (docs/protocol.md "Groups": the
 * first commit for an epoch wins): our commits, one group's one after the other, each made again
 * on top of a winner that beat it; group messages made again at the epoch that moved on; and the
 * commits a crash left pending, settled.
 */
export class CommitQueue {
  /** Each group's commits, one after the other (see commit). */
  private readonly committing = new Map<string, Promise<unknown>>();
  /** Retries waiting for the winning commit to be processed. */
  private readonly processed = new Set<() => void>();

  constructor(
    private readonly core: Conversations,
    private readonly requests: Requests,
    /** What our commits sent, kept until each member acknowledges its copy. */
    private readonly handshakes: UnacknowledgedHandshakes,
    private readonly accepted: (events: ConversationEvent[]) => void,
  ) {}

  /** A delivery was processed (or held): a retry waiting for the winner looks again. */
  processedOne(): void {
    for (const wake of this.processed) wake();
    this.processed.clear();
  }

  /**
   * Makes a commit and has the relay order it, again on a new epoch while another member's wins
   * (and it is still wanted). One at a time a group: a second made while the first waits would
   * be made from the epoch the first leaves.
   */
  commit(group: string, make: () => Promise<OutgoingCommit>, wanted = () => true): Promise<void> {
    const turn = (this.committing.get(group) ?? Promise.resolve()).then(() => this.commitNow(group, make, wanted));
    this.committing.set(group, turn.catch(() => undefined));
    return turn;
  }

  /**
   * Has the relay take a `group_send` made by `make` at the group's epoch. `stale_epoch` means
   * commits this device has not processed yet moved the group on: once they have, it is made
   * again at the new epoch (as many times as a commit is).
   */
  async groupSend(group: string, make: () => Promise<string>): Promise<Extract<ServerFrame, { op: 'sent' }>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requests.ask<Extract<ServerFrame, { op: 'sent' }>>({ op: 'group_send', body: await make() });
      } catch (error) {
        const epoch = staleEpoch(error);
        if (epoch === undefined || attempt >= COMMIT_ATTEMPTS) throw error;
        await this.catchUp(group, epoch);
      }
    }
  }

  /**
   * A commit of ours, sent before a crash, for epoch E: the relay still at E never took it; at
   * E + 1 its `committer` says whose won. Further on, it stays pending, and the first delivery of
   * the group says: a commit for E (another's won) or a message of E + 1 (ours did; see
   * Conversations.handle).
   */
  async settle(group: string): Promise<void> {
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'group' }>>({ op: 'group_info', group })
      .catch((error: unknown) => { if (error instanceof RelayRefusal) return undefined; throw error; });
    const at = answer === undefined ? undefined : BigInt(answer.epoch);
    const epoch = this.core.epoch(group);
    if (at === epoch) return this.core.commitRefused(group);
    if (at !== epoch + 1n || answer?.committer === undefined) return;
    if (answer.committer === mailboxOf(this.core.me)) this.accepted(await this.core.commitAccepted(group));
    else await this.core.commitRefused(group);
  }

  private async commitNow(group: string, make: () => Promise<OutgoingCommit>, wanted: () => boolean): Promise<void> {
    for (let attempt = 1; wanted(); attempt++) {
      const commit = await make();
      try {
        this.handshakes.committed(commit, this.core.members(group).map(mailboxOf), await sendCommit(this.requests, commit));
      } catch (error) {
        // The link lost: the commit stays pending, settled by ready() after the reconnection.
        if (!(error instanceof RelayRefusal)) throw error;
        await this.core.commitRefused(group);
        const epoch = staleEpoch(error);
        if (epoch === undefined || attempt >= COMMIT_ATTEMPTS) throw error;
        await this.catchUp(group, epoch);
        continue;
      }
      this.accepted(await this.core.commitAccepted(group));
      return;
    }
  }

  /** Waits until the winning commits have reached this device (they come in order). */
  private async catchUp(group: string, epoch: bigint): Promise<void> {
    const deadline = Date.now() + CATCH_UP_MS;
    while (this.core.epoch(group) < epoch) {
      if (Date.now() > deadline) throw new ConversationError('the conversation moved on and its commits did not arrive: try again');
      await new Promise<void>((resolve) => {
        this.processed.add(resolve);
        setTimeout(resolve, 250);
      });
    }
  }
}
