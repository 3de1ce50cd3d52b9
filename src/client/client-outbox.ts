interface Outgoing {
  readonly number: number;
  readonly to: string;
}

/**
 * What the person sent, numbered `#1, #2…` for them: awaiting the server's `sent` (by ref),
 * then the recipient's receipt (by message id). Returns the line to show at each step.
 */
export class ClientOutbox {
  private count = 0;
  private readonly awaitingSent = new Map<string, Outgoing>();
  private readonly awaitingReceipt = new Map<string, Outgoing>();

  /** Registers a message about to be sent; returns its `ref`. */
  add(to: string): string {
    const outgoing = { number: ++this.count, to };
    const ref = `c-${outgoing.number}`;
    this.awaitingSent.set(ref, outgoing);
    return ref;
  }

  accepted(ref: string, id: string, status: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    if (!outgoing) return undefined;
    this.awaitingReceipt.set(id, outgoing);
    return `#${outgoing.number} to ${outgoing.to}: ${status}`;
  }

  receipt(id: string): string | undefined {
    const outgoing = this.take(this.awaitingReceipt, id);
    return outgoing && `#${outgoing.number} to ${outgoing.to}: ✓ received`;
  }

  /** A refusal for one of ours, or undefined when `ref` is not ours. */
  refused(ref: string, reason: string): string | undefined {
    const outgoing = this.take(this.awaitingSent, ref);
    return outgoing && `#${outgoing.number} to ${outgoing.to}: not sent (${reason})`;
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
