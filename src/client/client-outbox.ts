import type { InboundFrame } from '../domain/frames.ts';

/** Receipts kept for a `sent` still on its way; a few suffice (one a message in flight). */
const EARLY_LIMIT = 256;
/** Messages kept for re-sending until their receipt: as many as a recipient's queue holds by default. */
const UNRECEIVED_LIMIT = 1000;
/** Copies of received messages kept for a late receipt that could not open one: a few groups' worth. */
const RECEIVED_COPIES_LIMIT = 4096;

/**
 * How a message goes again once the server lost it (docs/protocol.md "Restarts"): the very same
 * envelope (its id lets the recipient drop a second copy), or the text on MLS under the same id.
 */
export type Resend =
  | { readonly kind: 'envelope'; readonly frame: Extract<InboundFrame, { op: 'send' }> }
  | { readonly kind: 'mls'; readonly group: string; readonly id: string; readonly text: string };

export interface Outgoing {
  readonly number: number;
  readonly to: string;
  resend?: Resend;
  /** Sent again after the server restarted. */
  resent?: boolean;
  /** Its receipt was shown: one sent twice may earn two. */
  received?: boolean;
  /** The mailboxes said to have acknowledged it unopened (docs/protocol.md "Unreadable copies"). */
  unopened?: Set<string>;
}


/**
 * What the person sent, numbered `#1, #2…` for them: awaiting the server's `sent` (by ref),
 * then the recipient's receipt (by message id). Returns the lines to show at each step. What
 * has no receipt yet is kept, in order, for re-sending should the server lose it.
 */
export class ClientOutbox {
  private count = 0;
  private readonly awaitingSent = new Map<string, Outgoing>();
  private readonly awaitingReceipt = new Map<string, Outgoing>();
  /** Sent, and no receipt yet, by number (so in the order sent). */
  private readonly unreceived = new Map<number, Outgoing>();
  /** Copies received, kept a while for a receipt of another copy that could not open it. */
  private readonly receivedCopies = new Map<string, Outgoing>();
  /**
   * Receipts that overtook the `sent` they answer (an MLS send's answer is read after its frame),
   * by id: each the mailbox that could not open it, or undefined for one received.
   */
  private readonly early = new Map<string, (string | undefined)[]>();
  private readonly whenAnswered: (() => void)[] = [];
  /** Messages refused, or lost with a connection before the server confirmed them, and the last such line. */
  failures = 0;
  lastFailure: string | undefined;

  /** Registers a message about to be sent; returns its `ref`. */
  add(to: string): string {
    const outgoing = { number: ++this.count, to };
    this.awaitingSent.set(refOf(outgoing), outgoing);
    return refOf(outgoing);
  }

  /** How the message `ref` would go again; false when `ref` is not one of ours awaiting `sent`. */
  keep(ref: string, resend: Resend): boolean {
    const outgoing = this.awaitingSent.get(ref);
    if (outgoing === undefined) return false;
    outgoing.resend = resend;
    this.unreceived.delete(outgoing.number);
    this.unreceived.set(outgoing.number, outgoing);
    if (this.unreceived.size > UNRECEIVED_LIMIT) this.unreceived.delete(this.unreceived.keys().next().value!);
    return true;
  }

  /**
   * `copies`: the ids of the message's other copies (a send to an operator with devices goes to
   * each: docs/protocol.md "Devices and key packages"); the first receipt for any of them counts.
   */
  accepted(ref: string, id: string, status: string, copies: readonly string[] = []): string[] {
    const outgoing = this.take(this.awaitingSent, ref);
    if (!outgoing) return [];
    const line = `#${outgoing.number} to ${outgoing.to}: ${outgoing.resent ? 're-sent after the server restarted' : status}`;
    const ids = [id, ...copies.filter((copy) => copy !== id)];
    for (const copy of ids) this.awaitingReceipt.set(copy, outgoing);
    const lines = [line];
    for (const copy of ids) {
      const early = this.early.get(copy) ?? [];
      this.early.delete(copy);
      for (const unopenedBy of early) {
        const said = this.receipt(copy, unopenedBy);
        if (said !== undefined) lines.push(said);
      }
    }
    return lines;
  }

  /** `unopenedBy`: the mailbox that acknowledged its copy without opening it (docs/protocol.md "Unreadable copies"). */
  receipt(id: string, unopenedBy?: string): string | undefined {
    const outgoing = this.awaitingReceipt.get(id) ?? this.receivedCopies.get(id);
    if (outgoing !== undefined) return unopenedBy === undefined ? this.received(outgoing) : this.unopened(outgoing, unopenedBy);
    if (this.awaitingSent.size > 0) {
      if (this.early.size >= EARLY_LIMIT) this.early.delete(this.early.keys().next().value!);
      this.early.set(id, [...this.early.get(id) ?? [], unopenedBy]);
    }
    return undefined;
  }

  /** A refusal for one of ours, or undefined when `ref` is not ours. */
  refused(ref: string, reason: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    if (outgoing === undefined) return undefined;
    this.unreceived.delete(outgoing.number);
    this.failures += 1;
    return (this.lastFailure = `#${outgoing.number} to ${outgoing.to}: ${outgoing.resent ? 'lost when the server restarted, and could not be re-sent' : 'not sent'} (${reason})`);
  }

  /** The server restarted and lost its queues: every message without a receipt, oldest first. */
  toResend(): Outgoing[] {
    return [...this.unreceived.values()];
  }

  /** One of `toResend` goes again: it awaits its `sent` again, under its old `ref` (returned). */
  again(outgoing: Outgoing): string {
    outgoing.resent = true;
    this.awaitingSent.set(refOf(outgoing), outgoing);
    return refOf(outgoing);
  }

  /** Held until `/trust` (the reason says what to do), not sent: the line for it. */
  held(ref: string, reason: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    if (outgoing === undefined) return undefined;
    // The holds send it after `/trust`: a later restart does not send it again.
    this.unreceived.delete(outgoing.number);
    // For the end of piped input it failed: a script cannot trust a changed key.
    this.failures += 1;
    return (this.lastFailure = `#${outgoing.number} to ${outgoing.to}: ${reason}`);
  }

  /** The connection dropped: what the server never confirmed may or may not have arrived. */
  connectionLost(): string[] {
    const lines = [...this.awaitingSent.values()].map(
      (outgoing) => `#${outgoing.number} to ${outgoing.to}: connection lost before the server confirmed it; it may not have arrived`,
    );
    this.failures += lines.length;
    this.lastFailure = lines.at(-1) ?? this.lastFailure;
    for (const ref of [...this.awaitingSent.keys()]) this.take(this.awaitingSent, ref);
    return lines;
  }

  private received(outgoing: Outgoing): string | undefined {
    this.unreceived.delete(outgoing.number);
    // Its copies are kept a while longer: another may yet come back unopened (a group's other member).
    for (const [copy, other] of this.awaitingReceipt) {
      if (other !== outgoing) continue;
      this.awaitingReceipt.delete(copy);
      this.receivedCopies.set(copy, outgoing);
    }
    while (this.receivedCopies.size > RECEIVED_COPIES_LIMIT) this.receivedCopies.delete(this.receivedCopies.keys().next().value!);
    if (outgoing.received) return undefined;
    outgoing.received = true;
    return `#${outgoing.number} to ${outgoing.to}: ✓ received`;
  }

  /** Not a receipt of reading: it stays awaited, and kept for re-sending (a copy made afresh may open). */
  private unopened(outgoing: Outgoing, mailbox: string): string | undefined {
    outgoing.unopened ??= new Set();
    if (outgoing.unopened.has(mailbox)) return undefined;
    outgoing.unopened.add(mailbox);
    return `#${outgoing.number} to ${outgoing.to}: ${mailbox} could not open it`;
  }

  /** How many messages await the server's answer. */
  get unanswered(): number {
    return this.awaitingSent.size;
  }

  /** Resolves once no message awaits the server's answer. */
  answered(): Promise<void> {
    if (this.awaitingSent.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenAnswered.push(resolve));
  }

  private take(map: Map<string, Outgoing>, key: string): Outgoing | undefined {
    const outgoing = map.get(key);
    map.delete(key);
    if (this.awaitingSent.size === 0) for (const wake of this.whenAnswered.splice(0)) wake();
    return outgoing;
  }
}

function refOf(outgoing: Outgoing): string {
  return `c-${outgoing.number}`;
}
