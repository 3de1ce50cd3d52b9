import { randomBytes } from 'node:crypto';
import type { ConnectionId } from '../../domain/session.ts';

/**
 * Which server process of a scaled-out deployment holds a connection: every connection id this
 * process makes carries its instance (`c-<instance>.<local id>`), so presence, which stores only
 * connection ids, also says where to reach one. Bound in the container under its own class.
 */
export class InstanceIdentity {
  /** What this instance's connection ids start with: checked for every frame sent, so no pattern. */
  private readonly stampPrefix: string;

  constructor(readonly instance: string = randomBytes(5).toString('hex')) {
    this.stampPrefix = `c-${instance}.`;
  }

  /** Stamps this instance on a connection id made by another generator. */
  stamp(connection: ConnectionId): ConnectionId {
    return `${this.stampPrefix}${connection.replace(/^c-/, '')}`;
  }

  holds(connection: ConnectionId): boolean {
    return connection.startsWith(this.stampPrefix);
  }
}

export function instanceOf(connection: ConnectionId): string | undefined {
  return /^c-([0-9a-z]+)\./.exec(connection)?.[1];
}
