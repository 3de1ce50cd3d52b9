import { injectable } from 'inversify';
import type { ConnectionId } from '../../domain/session.ts';
import type { TcpConnection } from './tcp-connection.ts';

/** This process's open sockets by connection id, and the one flush per callback and its continuations. */
@injectable()
export class TcpConnectionRegistry {
  private readonly connections = new Map<ConnectionId, TcpConnection>();
  private dirty: TcpConnection[] = [];
  private flushScheduled = false;

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
   * What a callback and its promise continuations send leaves in one write per connection once
   * they are done (a tick runs after the microtasks), not after every other socket's callback of
   * the event loop's turn: a key login's welcome waited for the whole turn, and the client with
   * it (issue 21: `bench conns --login key`, 9 alternating rounds, 0.762× the bare relay's
   * logins/s against 0.728×; `pairs --pin` and Redis unchanged).
   */
  scheduleFlush(connection: TcpConnection): void {
    this.dirty.push(connection);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flushAll());
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
    for (const connection of dirty) connection.flush();
  }
}
