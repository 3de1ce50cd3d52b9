import { injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import type { ConnectionId } from '../../domain/session.ts';
import type { Presence } from '../../ports/presence.ts';

@injectable()
export class InMemoryPresence implements Presence {
  private readonly sessions = new Map<OperatorName, ConnectionId>();

  async claim(name: OperatorName, connection: ConnectionId): Promise<ConnectionId | undefined> {
    const previous = this.sessions.get(name);
    this.sessions.set(name, connection);
    return previous;
  }

  async release(name: OperatorName, connection: ConnectionId): Promise<void> {
    if (this.sessions.get(name) === connection) this.sessions.delete(name);
  }

  lookup(name: OperatorName): ConnectionId | undefined {
    return this.sessions.get(name);
  }

  async online(): Promise<OperatorName[]> {
    return [...this.sessions.keys()].sort();
  }
}
