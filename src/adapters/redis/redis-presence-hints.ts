import type { ConnectionId } from '../../domain/session.ts';
import type { OperatorName } from '../../domain/names.ts';

/**
 * Presence read by the buffer's scripts in the same atomic run as a send (its recipient) or an
 * acknowledgement (the senders to receipt): the lookup the core makes right after it is then
 * answered at once instead of with one more round trip. A hint lasts until the end of the
 * event-loop turn its reply arrived in, so it is never older than a lookup answered then.
 */
export class RedisPresenceHints {
  private readonly hints = new Map<OperatorName, ConnectionId | undefined>();

  note(name: OperatorName, connection: ConnectionId | undefined): void {
    if (this.hints.size === 0) setImmediate(() => this.hints.clear());
    this.hints.set(name, connection);
  }

  /** This instance changes the operator's presence: what was read before no longer holds. */
  forget(name: OperatorName): void {
    this.hints.delete(name);
  }

  /** The hint for `name`; `null` when there is none this turn. */
  get(name: OperatorName): ConnectionId | undefined | null {
    return this.hints.has(name) ? this.hints.get(name) : null;
  }
}
