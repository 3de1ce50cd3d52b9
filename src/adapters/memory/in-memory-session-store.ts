import { injectable } from 'inversify';
import type { ConnectionId, Session } from '../../domain/session.ts';
import { newSession } from '../../domain/session.ts';
import type { SessionStore } from '../../ports/session-store.ts';

@injectable()
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<ConnectionId, Session>();

  open(connection: ConnectionId): Session {
    const session = newSession(connection);
    this.sessions.set(connection, session);
    return session;
  }

  get(connection: ConnectionId): Session | undefined {
    return this.sessions.get(connection);
  }

  delete(connection: ConnectionId): void {
    this.sessions.delete(connection);
  }

  count(): number {
    return this.sessions.size;
  }

  connections(): Iterable<ConnectionId> {
    return this.sessions.keys();
  }
}
