import type { ConnectionId } from '../domain/connection.ts';
import type { OperatorName } from '../domain/names.ts';
import type { Awaitable } from './awaitable.ts';

/** Who is authenticated, and on which connection (connection ids are unique across instances). */
export interface Presence {
  /** Makes `connection` the operator's one session; returns the one it replaces, if any. */
  claim(name: OperatorName, connection: ConnectionId): Awaitable<ConnectionId | undefined>;
  /** Forgets the operator only while `connection` is still their session. */
  release(name: OperatorName, connection: ConnectionId): Awaitable<void>;
  lookup(name: OperatorName): Awaitable<ConnectionId | undefined>;
  /** Every authenticated operator, sorted. */
  online(): Awaitable<OperatorName[]>;
}
export const Presence = Symbol('Presence');
