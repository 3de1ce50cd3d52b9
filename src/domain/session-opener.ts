import type { Clock } from '../ports/clock.ts';
import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { MessageBuffer } from '../ports/message-buffer.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { DeviceId } from './devices.ts';
import { mailboxOf } from './mailbox.ts';
import type { OperatorName } from './names.ts';
import type { PresenceWatchers } from './presence-watchers.ts';
import type { Router } from './router.ts';
import type { ConnectionId, Session } from './session.ts';
import { endSession } from './session.ts';

/** PROTOCOL "Session" 3 and 6: an authenticated connection becomes its operator's one session. */
export class SessionOpener {
  constructor(
    private readonly presence: Presence,
    private readonly buffer: MessageBuffer,
    private readonly gateway: ConnectionGateway,
    private readonly sessions: SessionStore,
    private readonly router: Router,
    private readonly clock: Clock,
    private readonly watchers: PresenceWatchers,
  ) {}

  /**
   * Makes this connection the one session of its mailbox (the operator's name, or `name/device`
   * for a device), replacing an older one, then welcomes it and hands it everything waiting,
   * oldest first.
   */
  async open(session: Session, name: OperatorName, device?: DeviceId): Promise<void> {
    const mailbox = mailboxOf(name, device);
    const previous = await this.presence.claim(mailbox, session.id);
    if (previous !== undefined && previous !== session.id) this.replace(previous, mailbox);
    if (session.closing) {
      // Closed while claiming: its close found no name to release, so release it here.
      await this.presence.release(mailbox, session.id);
      return;
    }
    session.name = mailbox;
    session.operator = name;
    session.device = device;
    this.watchers.arrived(session);
    const pending = await this.buffer.take(mailbox, 0, Number.MAX_SAFE_INTEGER, this.clock.now());
    // Issue 24: closed or replaced while the take was under way, it stays closed; its close (or
    // its replacement's claim) released the presence, and what it took waits for the next login.
    if (session.closing) return;
    // docs/protocol.md "Devices and key packages": `welcome` names the device of a device session.
    this.gateway.send(session.id, device === undefined ? { op: 'welcome', name, pending: pending.length } : { op: 'welcome', name, pending: pending.length, device });
    await this.router.handOver(session, pending);
  }

  /** Called once the session has ended: it no longer holds its operator's presence. */
  async close(session: Session): Promise<void> {
    this.watchers.left(session);
    if (session.name !== undefined) await this.presence.release(session.name, session.id);
  }

  /**
   * PROTOCOL "Session" 6: the older connection gets `bye replaced` and is closed. One held by
   * another instance may have been written messages whose marks are still on their way to the
   * shared buffer, so everything waiting comes to the new one flagged `redelivered`
   * (docs/protocol.md, "Messages"); one held here has its marks in the buffer already.
   */
  private replace(previous: ConnectionId, mailbox: string): void {
    const older = this.sessions.get(previous);
    if (older === undefined) this.buffer.handedOutAll(mailbox);
    else endSession(older);
    this.gateway.send(previous, { op: 'bye', reason: 'replaced' });
    this.gateway.close(previous);
  }
}
