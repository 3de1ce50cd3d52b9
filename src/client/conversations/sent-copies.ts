import type { DeviceRef } from './device-credential.ts';

/** How many receipts are kept for copies not yet known. */
const EARLY_RECEIPTS = 256;

/** A receipt matched to the text it answers: the relay's id of that text's first copy. */
export interface Receipt {
  readonly group: string;
  readonly id: string;
  readonly by: DeviceRef;
}

/**
 * Our sent texts' copies, by copy id (docs/protocol.md "Groups": a receipt names a copy), and the
 * receipts that came before the copy was known: one may overtake our send's answer, read a turn
 * after the frames that follow it.
 */
export class SentCopies {
  private readonly copies = new Map<string, { group: string; id: string }>();
  /** By copy id: the mailbox that acknowledged. */
  private readonly early = new Map<string, string>();

  /** The receipt for `copy` from mailbox `to`; undefined (and kept) when the copy is not known yet. */
  receipt(copy: string, to: string): Receipt | undefined {
    const sent = this.copies.get(copy);
    if (sent === undefined) {
      if (this.early.size >= EARLY_RECEIPTS) this.early.delete(this.early.keys().next().value!);
      this.early.set(copy, to);
      return undefined;
    }
    this.copies.delete(copy);
    this.early.delete(copy);
    const [name = to, device = ''] = to.split('/');
    return { group: sent.group, id: sent.id, by: { name, device } };
  }

  /** A text went out as `copies`, the first one's id `id`: the receipts that had come for them already. */
  sent(group: string, id: string, copies: readonly string[]): Receipt[] {
    for (const copy of copies) this.copies.set(copy, { group, id });
    return [...this.early].flatMap(([copy, to]) => (this.copies.has(copy) ? [this.receipt(copy, to)!] : []));
  }
}
