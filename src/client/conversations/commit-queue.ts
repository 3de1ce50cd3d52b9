import type { ConversationEvent, OutgoingCommit } from './conversation-events.ts';
import { ConversationError } from './conversation-events.ts';
import { sendCommit } from './commit-sender.ts';
import type { Conversations } from './conversations.ts';
import { RelayRefusal } from './requests.ts';
import type { Requests } from './requests.ts';

/** How many times a commit is made again after losing its epoch to another member's. */
const COMMIT_ATTEMPTS = 5;
/** How long a retry waits for the winning commit to arrive before asking the relay. */
const CATCH_UP_MS = 10_000;

/**
 * Our commits, ordered by the relay (docs/protocol.md "Groups": the first commit for an epoch
 * wins): one group's one after the other, each made again on top of a winner that beat it.
 */
export class CommitQueue {
  /** Each group's commits, one after the other (see commit). */
  private readonly committing = new Map<string, Promise<unknown>>();
  /** Retries waiting for the winning commit to be processed. */
  private readonly processed = new Set<() => void>();

  constructor(
    private readonly core: Conversations,
    private readonly requests: Requests,
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

  private async commitNow(group: string, make: () => Promise<OutgoingCommit>, wanted: () => boolean): Promise<void> {
    for (let attempt = 1; wanted(); attempt++) {
      const commit = await make();
      try {
        await sendCommit(this.requests, commit);
      } catch (error) {
        const stale = error instanceof RelayRefusal && error.code === 'stale_epoch';
        // The link lost: the commit stays pending, settled by ready() after the reconnection.
        if (!(error instanceof RelayRefusal)) throw error;
        await this.core.commitRefused(group);
        if (!stale || attempt >= COMMIT_ATTEMPTS) throw error;
        await this.catchUp(group, BigInt((error.frame as { epoch?: number }).epoch ?? 0));
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
