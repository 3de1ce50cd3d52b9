import { injectable } from 'inversify';
import type { ConnectionId } from '../../domain/session.ts';
import type { TcpConnection } from './tcp-connection.ts';

/** This process's open sockets by connection id, and their flushes: after a data event, after a tick, or after the turn. */
@injectable()
export class TcpConnectionRegistry {
  private readonly connections = new Map<ConnectionId, TcpConnection>();
  private dirty: TcpConnection[] = [];
  private flushScheduled = false;
  private flushing = false;

  add(connection: TcpConnection): void {
    this.connections.set(connection.id, connection);
  }

  get(id: ConnectionId): TcpConnection | undefined {
    return this.connections.get(id);
  }

  delete(id: ConnectionId): void {
    this.connections.delete(id);
  }

  all(): IterableIterator<TcpConnection> {
    return this.connections.values();
  }

  get size(): number {
    return this.connections.size;
  }

  /**
   * Frames sent outside a data event leave after a tick: once the callback that sent them and the
   * promise continuations queued before the tick are done, not after every other socket's
   * callback of the event loop's turn. A key login's welcome, sent after awaits on ports, waited
   * for the whole turn, and the client with it (issue 21: `bench conns --login key`, 30
   * alternating rounds, 0.705× the bare relay's logins/s against 0.692×, the server's rate the
   * higher in 25; `pairs --pin` and Redis unchanged). A refill sent while flushing (a drained
   * connection's next round of its backlog) waits for the turn, so other sockets get in between.
   */
  scheduleFlush(connection: TcpConnection): void {
    this.dirty.push(connection);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    if (this.flushing) setImmediate(flushRegistry, this);
    else process.nextTick(flushRegistry, this);
  }

  /**
   * Writes what every connection was sent. Called after each received chunk too: its frames
   * leave while they are still in the CPU's cache rather than a turn later with every other
   * connection's (bench pairs --pin, issue 21: about 5 % less CPU a message).
   */
  flushAll(): void {
    const dirty = this.dirty;
    this.dirty = [];
    this.flushScheduled = false;
    this.flushing = true;
    try {
      for (const connection of dirty) connection.flush();
    } finally {
      this.flushing = false;
    }
  }
}

function flushRegistry(registry: TcpConnectionRegistry): void {
  registry.flushAll();
}
