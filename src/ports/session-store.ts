import type { ConnectionId, Session } from '../domain/session.ts';
import { token } from './token.ts';

/** The state of this process's connections: the core keeps none of its own between events. */
export interface SessionStore {
  open(connection: ConnectionId): Session;
  get(connection: ConnectionId): Session | undefined;
  delete(connection: ConnectionId): void;
  count(): number;
  connections(): Iterable<ConnectionId>;
}
export const SessionStore = token<SessionStore>('SessionStore');
