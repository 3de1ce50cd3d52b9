/**
 * Bench message bodies: `TAG STREAM SEQ SENT_AT_US ` padded to the body size, so a receiver can
 * check loss, duplication and order per stream and measure latency (sender and receiver share
 * the load generator's clock). Only ASCII, so a body goes into a frame without escaping.
 */
export class MessageBody {
  private readonly padding: string;

  constructor(readonly tag: string, readonly bytes: number) {
    this.padding = '.'.repeat(bytes);
  }

  /** `sentAt` in milliseconds of `performance.now()`. */
  encode(stream: number, seq: number, sentAt: number): string {
    const head = `${this.tag} ${stream} ${seq} ${Math.round(sentAt * 1000)} `;
    return head.length >= this.bytes ? head : head + this.padding.slice(head.length);
  }

  /** The stream, sequence number and send time of one of this run's bodies; undefined otherwise. */
  decode(body: string): { stream: number; seq: number; sentAt: number } | undefined {
    const parts = body.split(' ', 4);
    if (parts[0] !== this.tag || parts.length < 4) return undefined;
    return { stream: Number(parts[1]), seq: Number(parts[2]), sentAt: Number(parts[3]) / 1000 };
  }
}

export function runTag(): string {
  return Math.random().toString(36).slice(2, 8);
}
