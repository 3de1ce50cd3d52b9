import type { DeviceRef } from './device-credential.ts';
import type { ServerFrame } from './frame-link.ts';

const EARLY_RECEIPTS = 256;

/**
 * A receipt for a group message of ours: `id` the relay's id of its first copy, as `say` answered
 * it; `unreadable` when the device `by` acknowledged its copy without opening it
 * (docs/protocol.md "Unreadable copies").
 */
export interface GroupReceipt {
  readonly group: string;
  readonly id: string;
  readonly by: DeviceRef;
  readonly unreadable?: true;
}

type Receipt = Extract<ServerFrame, { op: 'receipt' }>;

/**
 * Receipts for the copies of our group messages (docs/protocol.md "Groups": a receipt names a
 * copy's id), each told as a receipt of the message's first copy: from another person only,
 * unless the copy could not be opened, which is told from our own other devices too.
 */
export class GroupReceipts {
  /** Our sent messages' copies, by copy id. */
  private readonly copies = new Map<string, { group: string; id: string }>();
  /** Receipts for copies not yet known (see onReceipt), by copy id. */
  private readonly early = new Map<string, Receipt>();

  constructor(private readonly me: string, private readonly emit: (receipt: GroupReceipt) => void) {}

  /** The relay's answer to a group message of ours: its copies' receipts are now expected. */
  sent(group: string, sent: Extract<ServerFrame, { op: 'sent' }>): void {
    for (const copy of sent.copies ?? []) if ('id' in copy) this.copies.set(copy.id, { group, id: sent.id! });
    for (const [copy, receipt] of this.early) if (this.copies.has(copy)) this.receipt(receipt);
  }

  /** True when the receipt was for a copy of ours (and so is handled). */
  onReceipt(frame: Receipt): boolean {
    if (this.copies.has(frame.id)) {
      this.receipt(frame);
      return true;
    }
    // It may have overtaken our send's answer, read a turn after the frames that follow it.
    if (this.early.size >= EARLY_RECEIPTS) this.early.delete(this.early.keys().next().value!);
    this.early.set(frame.id, frame);
    return false;
  }

  private receipt({ id: copyId, to, unreadable }: Receipt): void {
    const copy = this.copies.get(copyId)!;
    this.copies.delete(copyId);
    this.early.delete(copyId);
    const [name = to, device = ''] = to.split('/');
    const by = { name, device };
    // Our own other devices acknowledge too: only another person's receipt says it was received.
    if (unreadable === true) this.emit({ group: copy.group, id: copy.id, by, unreadable });
    else if (name !== this.me) this.emit({ group: copy.group, id: copy.id, by });
  }
}
