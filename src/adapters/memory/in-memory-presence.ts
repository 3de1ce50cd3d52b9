import { injectable } from 'inversify';
import type { Awaitable } from '../../ports/awaitable.ts';
import type { ConnectionId } from '../../domain/connection.ts';
import type { OperatorName } from '../../domain/names.ts';
import type { Presence } from '../../ports/presence.ts';

@injectable()
export class InMemoryPresence implements Presence {
  private readonly sessions = new Map<OperatorName, ConnectionId>();

  claim(name: OperatorName, connection: ConnectionId): Awaitable<ConnectionId | undefined> {
    const previous = this.sessions.get(name);
    this.sessions.set(name, connection);
    return previous;
  }

  release(name: OperatorName, connection: ConnectionId): Awaitable<void> {
    if (this.sessions.get(name) === connection) this.sessions.delete(name);
  }

  lookup(name: OperatorName): Awaitable<ConnectionId | undefined> {
    return this.sessions.get(name);
  }

  online(): Awaitable<OperatorName[]> {
    return [...this.sessions.keys()].sort();
  }
}
