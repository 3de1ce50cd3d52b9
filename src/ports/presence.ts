import type { ConnectionId } from '../domain/session.ts';
import type { OperatorName } from '../domain/names.ts';
import type { Awaitable } from '../domain/awaitable.ts';
import { token } from './token.ts';

/** Who is authenticated, and on which connection (connection ids are unique across instances). */
export interface Presence {
  /** Makes `connection` the operator's one session; returns the one it replaces, if any. */
  claim(name: OperatorName, connection: ConnectionId): Promise<ConnectionId | undefined>;
  /** Forgets the operator only while `connection` is still their session. */
  release(name: OperatorName, connection: ConnectionId): Promise<void>;
  /** On the message path: where to push a message, where to send a receipt. */
  lookup(name: OperatorName): Awaitable<ConnectionId | undefined>;
  /** Every authenticated operator, sorted. */
  online(): Promise<OperatorName[]>;
}
export const Presence = token<Presence>('Presence');
