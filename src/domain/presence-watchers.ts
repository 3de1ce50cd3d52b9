import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { GroupDirectory } from '../ports/group-directory.ts';
import type { Presence } from '../ports/presence.ts';
import type { Awaitable } from './awaitable.ts';
import { errorFrame, withRef } from './frames.ts';
import type { Mailbox } from './mailbox.ts';
import { operatorOf } from './mailbox.ts';
import type { OperatorName } from './names.ts';
import type { ConnectionId, Session } from './session.ts';

/**
 * docs/protocol.md "Presence": who watches whom, and each operator's sessions on this instance,
 * so that an operator's first session and last one (not each device's) notify their watchers.
 * Kept per instance: with `--presence redis` an operator's sessions on other instances are not
 * counted, and a notice reaches only the watchers on the instance where the session began or ended.
 */
export class PresenceWatchers {
  /** A watching connection → the operators it watches, only those it shares a group with. */
  private readonly watched = new Map<ConnectionId, ReadonlySet<OperatorName>>();
  /** An operator → the connections watching them. */
  private readonly watchers = new Map<OperatorName, Set<ConnectionId>>();
  /** An operator → how many of their sessions are open on this instance. */
  private readonly sessions = new Map<OperatorName, number>();

  /** `frameWait`: the session's wait before another frame may go (Router.frameWait). */
  constructor(
    private readonly directory: GroupDirectory,
    private readonly presence: Presence,
    private readonly gateway: ConnectionGateway,
    private readonly frameWait: (from: Mailbox) => Awaitable<number>,
  ) {}

  /**
   * Replaces what the session watches with the names it shares a group with (the others are
   * dropped silently: whether they exist or are online is not told), then answers which are online.
   * Each `watch` reads the routing table, so it spends a send token: a flood of them is refused.
   */
  async watch(session: Session, names: readonly OperatorName[], ref: string | undefined): Promise<void> {
    const wait = await this.frameWait(session.name!);
    if (wait > 0) {
      this.gateway.send(session.id, errorFrame('rate_limited', ref, wait));
      return;
    }
    const self = session.operator!;
    const partners = new Set(await this.directory.partners(self));
    if (session.closing) return;
    this.unwatch(session.id);
    const kept = new Set(names.filter((name) => name !== self && partners.has(name)));
    this.watched.set(session.id, kept);
    for (const name of kept) {
      const watchers = this.watchers.get(name) ?? new Set<ConnectionId>();
      watchers.add(session.id);
      this.watchers.set(name, watchers);
    }
    const online = new Set((await this.presence.online()).map(operatorOf));
    if (session.closing) return;
    this.gateway.send(session.id, withRef({ op: 'online' as const, names: [...kept].filter((name) => online.has(name)).sort() }, ref));
  }

  /** The session has its name: its operator's first session here tells their watchers. */
  arrived(session: Session): void {
    const operator = session.operator!;
    const count = (this.sessions.get(operator) ?? 0) + 1;
    this.sessions.set(operator, count);
    if (count === 1) this.notify(operator, true);
  }

  /** The connection closed: it watches no more, and its operator's last session here tells their watchers. */
  left(session: Session): void {
    this.unwatch(session.id);
    const operator = session.operator;
    if (operator === undefined) return;
    const count = (this.sessions.get(operator) ?? 1) - 1;
    if (count > 0) {
      this.sessions.set(operator, count);
      return;
    }
    this.sessions.delete(operator);
    this.notify(operator, false);
  }

  private notify(name: OperatorName, online: boolean): void {
    for (const connection of this.watchers.get(name) ?? []) this.gateway.send(connection, { op: 'presence', name, online });
  }

  private unwatch(connection: ConnectionId): void {
    for (const name of this.watched.get(connection) ?? []) {
      const watchers = this.watchers.get(name)!;
      watchers.delete(connection);
      if (watchers.size === 0) this.watchers.delete(name);
    }
    this.watched.delete(connection);
  }
}
