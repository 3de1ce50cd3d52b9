import { unawaited } from '../domain/log-failure.ts';
import type { Logger } from '../ports/logger.ts';
import type { ServerFrame } from './client-frame-channel.ts';
import type { ClientLogin } from './client-login.ts';
import type { ClientFrame } from './conversations/frame-link.ts';
import { ackFrame } from './conversations/frame-link.ts';

/** Ids of plain deliveries seen, against redeliveries: far more than can be in flight. */
const SEEN_LIMIT = 10_000;

/**
 * Plain `msg` deliveries (v1 envelopes, plain text): opened one at a time, in the order they
 * came, shown once. One not shown (it did not open, or was refused) is acknowledged flagged
 * `unreadable`, so its sender is not told it was received (docs/protocol.md "Unreadable copies").
 */
export class IncomingMessages {
  /** By id: whether it was unreadable. */
  private readonly seen = new Map<string, boolean>();
  private incoming: Promise<void> = Promise.resolve();

  /** `failures`: where a message's showing failed is said; the next goes on (failures-said.ts). */
  constructor(private readonly login: ClientLogin, private readonly send: (frame: Extract<ClientFrame, { op: 'ack' }>) => void, private readonly failures: Logger) {}

  receive(frame: Extract<ServerFrame, { op: 'msg' }>): void {
    const id = String(frame.id);
    const message = { from: String(frame.from), body: String(frame.body), ts: Number(frame.ts) };
    this.incoming = unawaited(this.incoming.then(async () => {
      // PROTOCOL "Messages": a redelivery of something already seen is acknowledged as before, not shown again.
      // One that could not be opened for want of a connection is not acknowledged: it comes again.
      let unreadable = this.seen.get(id);
      if (unreadable === undefined) {
        const outcome = await this.login.e2e!.receive(message);
        if (outcome === 'later') return;
        unreadable = outcome === 'unreadable';
        this.remember(id, unreadable);
      }
      this.send(ackFrame([id], unreadable));
    }), this.failures, { op: 'msg' });
  }

  /** Resolves once what was received so far is processed. */
  received(): Promise<void> {
    return this.incoming;
  }

  private remember(id: string, unreadable: boolean): void {
    this.seen.set(id, unreadable);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.keys().next().value as string);
  }
}
