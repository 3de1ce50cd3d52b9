import type { ConnectionId } from '../domain/session.ts';
import type { OutboundFrame } from '../domain/frames.ts';
import { token } from './token.ts';

/** How the core reaches a connection, wherever the transport holds it. */
export interface ConnectionGateway {
  send(connection: ConnectionId, frame: OutboundFrame): void;
  /** Closes after everything sent so far has been flushed. */
  close(connection: ConnectionId): void;
  /** False past the connection's high-water mark: stop pushing until it drains. */
  canTakeMore(connection: ConnectionId): boolean;
  /**
   * Asks whoever holds the connection (another instance, say) to push what is queued for it,
   * message `seq` (just queued for it) included.
   */
  wake(connection: ConnectionId, seq: number): void;
}
export const ConnectionGateway = token<ConnectionGateway>('ConnectionGateway');
