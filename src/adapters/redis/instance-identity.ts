import { randomBytes } from 'node:crypto';
import type { ConnectionId } from '../../domain/session.ts';

/**
 * Which server process of a scaled-out deployment holds a connection: every connection id this
 * process makes carries its instance (`c-<instance>.<random>`), so presence, which stores only
 * connection ids, also says where to reach one. Bound in the container under its own class.
 */
export class InstanceIdentity {
  constructor(readonly instance: string = randomBytes(5).toString('hex')) {}

  /** Stamps this instance on a connection id made by another generator. */
  stamp(connection: ConnectionId): ConnectionId {
    return `c-${this.instance}.${connection.replace(/^c-/, '')}`;
  }

  holds(connection: ConnectionId): boolean {
    return instanceOf(connection) === this.instance;
  }
}

export function instanceOf(connection: ConnectionId): string | undefined {
  return /^c-([0-9a-z]+)\./.exec(connection)?.[1];
}
