import { unawaited } from '../domain/log-failure.ts';
import type { Logger } from '../ports/logger.ts';
import type { ServerFrame } from './client-frame-channel.ts';
import type { ClientLogin } from './client-login.ts';

/** Ids of plain deliveries shown, against redeliveries: far more than can be in flight. */
const SEEN_LIMIT = 10_000;

/** Plain `msg` deliveries (v1 envelopes, plain text): opened one at a time, in the order they came, shown once. */
export class IncomingMessages {
  private readonly seen = new Set<string>();
  private incoming: Promise<void> = Promise.resolve();

  /** `failures`: where a message's showing failed is said; the next goes on (failures-said.ts). */
  constructor(private readonly login: ClientLogin, private readonly ack: (id: string) => void, private readonly failures: Logger) {}

  receive(frame: Extract<ServerFrame, { op: 'msg' }>): void {
    const id = String(frame.id);
    const message = { from: String(frame.from), body: String(frame.body), ts: Number(frame.ts) };
    this.incoming = unawaited(this.incoming.then(async () => {
      // PROTOCOL "Messages": a redelivery of something already shown is acknowledged, not shown again.
      // One that could not be opened for want of a connection is not acknowledged: it comes again.
      if (!this.seen.has(id) && !(await this.login.e2e!.receive(message))) return;
      this.remember(id);
      this.ack(id);
    }), this.failures, { op: 'msg' });
  }

  /** Resolves once what was received so far is processed. */
  received(): Promise<void> {
    return this.incoming;
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
  }
}
