import { injectable } from 'inversify';
import type { ConnectionId } from '../../domain/session.ts';

/**
 * What the registry, the gateway and the sweep ask of a connection: a TCP socket's, or a
 * WebSocket's (`serve --web`), so both transports share one gateway, one flush per turn and
 * one sweep of timeouts.
 */
export interface RelayConnection {
  readonly id: ConnectionId;
  /** When the last complete frame arrived (PROTOCOL "Other frames"). */
  readonly lastActivity: number;
  /** Queues one frame's JSON text until the turn's flush. */
  send(frame: string): void;
  flush(): void;
  canTakeMore(): boolean;
  /** Flushes, then closes. */
  close(): void;
  checkAuthDeadline(now: number): void;
  destroy(): void;
}

/** This process's open connections by id, whatever their transport, and the one flush per event-loop turn. */
@injectable()
export class TcpConnectionRegistry {
  private readonly connections = new Map<ConnectionId, RelayConnection>();
  private dirty: RelayConnection[] = [];
  private flushScheduled = false;

  add(connection: RelayConnection): void {
    this.connections.set(connection.id, connection);
  }

  get(id: ConnectionId): RelayConnection | undefined {
    return this.connections.get(id);
  }

  delete(id: ConnectionId): void {
    this.connections.delete(id);
  }

  all(): IterableIterator<RelayConnection> {
    return this.connections.values();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Everything sent during this turn leaves in one write per connection, after the turn. */
  scheduleFlush(connection: RelayConnection): void {
    this.dirty.push(connection);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushAll());
  }

  private flushAll(): void {
    const dirty = this.dirty;
    this.dirty = [];
    this.flushScheduled = false;
    for (const connection of dirty) connection.flush();
  }
}
