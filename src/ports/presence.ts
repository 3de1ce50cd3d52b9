import type { ConnectionId } from '../domain/connection.ts';
import type { OperatorName } from '../domain/names.ts';

/** Who is authenticated, and on which connection (connection ids are unique across instances). */
export interface Presence {
  /** Makes `connection` the operator's one session; returns the one it replaces, if any. */
  claim(name: OperatorName, connection: ConnectionId): Promise<ConnectionId | undefined>;
  /** Forgets the operator only while `connection` is still their session. */
  release(name: OperatorName, connection: ConnectionId): Promise<void>;
  lookup(name: OperatorName): Promise<ConnectionId | undefined>;
  /** Every authenticated operator, sorted. */
  online(): Promise<OperatorName[]>;
}
export const Presence = Symbol('Presence');
