import type { ClientFrame } from './frame-link.ts';
import { ackFrame } from './frame-link.ts';

/**
 * Deliveries that came in one read are acknowledged together, after one write of the group
 * states they moved on. A 100-member X-Wing group's state takes about 4 ms to encode, twice to
 * four times what decrypting a message does, so writing it for each message of a backlog was
 * most of the cost of draining one. Acknowledged only once written: a crash loses none. Those
 * that could not be opened go in an ack of their own, flagged (docs/protocol.md "Unreadable copies").
 */
export class BurstAcknowledgements {
  /** Received and not yet processed. */
  private waiting = 0;
  /** Processed, waiting for the write and their acknowledgement. */
  private readonly processed: string[] = [];
  /** Of those, the ones that could not be opened. */
  private readonly unreadable: string[] = [];

  constructor(private readonly writeStates: () => Promise<void>, private readonly ack: (frame: Extract<ClientFrame, { op: 'ack' }>) => void) {}

  received(): void {
    this.waiting++;
  }

  processedOne(id: string, unreadable = false): void {
    (unreadable ? this.unreadable : this.processed).push(id);
  }

  /** One received delivery is done with (processed, held or failed): the last of a burst settles it. */
  async doneWithOne(): Promise<void> {
    if (--this.waiting === 0) await this.settle();
  }

  async settle(): Promise<void> {
    if (this.processed.length + this.unreadable.length === 0) return;
    await this.writeStates();
    if (this.processed.length > 0) this.ack(ackFrame(this.processed.splice(0)));
    if (this.unreadable.length > 0) this.ack(ackFrame(this.unreadable.splice(0), true));
  }
}
