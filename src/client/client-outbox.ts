/** Receipts kept for a `sent` still on its way; a few suffice (one a message in flight). */
const EARLY_LIMIT = 256;

function received(outgoing: Outgoing): string {
  return `#${outgoing.number} to ${outgoing.to}: ✓ received`;
}

interface Outgoing {
  readonly number: number;
  readonly to: string;
}

/**
 * What the person sent, numbered `#1, #2…` for them: awaiting the server's `sent` (by ref),
 * then the recipient's receipt (by message id). Returns the lines to show at each step.
 */
export class ClientOutbox {
  private count = 0;
  private readonly awaitingSent = new Map<string, Outgoing>();
  private readonly awaitingReceipt = new Map<string, Outgoing>();
  /** Receipts that overtook the `sent` they answer (an MLS send's answer is read after its frame). */
  private readonly early = new Set<string>();

  /** Registers a message about to be sent; returns its `ref`. */
  add(to: string): string {
    const outgoing = { number: ++this.count, to };
    const ref = `c-${outgoing.number}`;
    this.awaitingSent.set(ref, outgoing);
    return ref;
  }

  /**
   * `copies`: the ids of the message's other copies (a send to an operator with devices goes to
   * each: docs/protocol.md "Devices and key packages"); the first receipt for any of them counts.
   */
  accepted(ref: string, id: string, status: string, copies: readonly string[] = []): string[] {
    const outgoing = this.take(this.awaitingSent, ref);
    if (!outgoing) return [];
    const line = `#${outgoing.number} to ${outgoing.to}: ${status}`;
    const ids = [id, ...copies.filter((copy) => copy !== id)];
    if (ids.some((copy) => this.early.delete(copy))) return [line, received(outgoing)];
    for (const copy of ids) this.awaitingReceipt.set(copy, outgoing);
    return [line];
  }

  receipt(id: string): string | undefined {
    const outgoing = this.take(this.awaitingReceipt, id);
    if (outgoing !== undefined) {
      for (const [copy, other] of this.awaitingReceipt) if (other === outgoing) this.awaitingReceipt.delete(copy);
      return received(outgoing);
    }
    if (this.awaitingSent.size > 0) {
      if (this.early.size >= EARLY_LIMIT) this.early.delete(this.early.values().next().value!);
      this.early.add(id);
    }
    return undefined;
  }

  /** A refusal for one of ours, or undefined when `ref` is not ours. */
  refused(ref: string, reason: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    return outgoing && `#${outgoing.number} to ${outgoing.to}: not sent (${reason})`;
  }

  /** Held until `/trust` (the reason says what to do), not sent: the line for it. */
  held(ref: string, reason: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    return outgoing && `#${outgoing.number} to ${outgoing.to}: ${reason}`;
  }

  /** The connection dropped: what the server never confirmed may or may not have arrived. */
  connectionLost(): string[] {
    const lines = [...this.awaitingSent.values()].map(
      (outgoing) => `#${outgoing.number} to ${outgoing.to}: connection lost before the server confirmed it; it may not have arrived`,
    );
    this.awaitingSent.clear();
    return lines;
  }

  private take(map: Map<string, Outgoing>, key: string): Outgoing | undefined {
    const outgoing = map.get(key);
    map.delete(key);
    return outgoing;
  }
}
