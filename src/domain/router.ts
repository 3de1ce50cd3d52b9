import type { Clock } from '../ports/clock.ts';
import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { MessageBuffer } from '../ports/message-buffer.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { ConnectionId, Session } from './connection.ts';
import { endSession } from './connection.ts';
import type { OutboundFrame } from './frames.ts';
import type { QueuedMessage } from './messages.ts';
import type { OperatorName } from './names.ts';
import type { RelayConfig } from './relay-config.ts';
import { utf8ByteLength } from './text.ts';

export type RouteOutcome =
  | { ok: true; id: string; status: 'delivered' | 'queued' }
  | { ok: false; code: 'no_such_recipient' | 'body_too_large' | 'queue_full' };

/** Messages fetched from the buffer per round of pushing to one connection. */
const PUSH_BATCH = 64;

/** Routing and buffering: queue every message, push it while the recipient keeps up, receipts. */
export class Router {
  constructor(
    private readonly buffer: MessageBuffer,
    private readonly presence: Presence,
    private readonly gateway: ConnectionGateway,
    private readonly sessions: SessionStore,
    private readonly credentials: CredentialRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly config: RelayConfig,
  ) {}

  /** PROTOCOL "Messages": every message is queued first and stays there until acknowledged. */
  async route(from: OperatorName, to: OperatorName, body: string): Promise<RouteOutcome> {
    const bytes = utf8ByteLength(body);
    if (bytes > this.config.maxBodyBytes) return { ok: false, code: 'body_too_large' };
    if (!(await this.credentials.exists(to))) return { ok: false, code: 'no_such_recipient' };
    const message = { id: this.ids.messageId(), from, body, ts: this.clock.now(), bytes };
    const queued = await this.buffer.enqueue(to, message, this.config.buffer);
    if (!queued.ok) return queued;
    const recipient = await this.presence.lookup(to);
    if (recipient === undefined) return { ok: true, id: message.id, status: 'queued' };
    const local = this.sessions.get(recipient);
    if (local === undefined) {
      // Held by another instance: it pushes from the shared buffer when woken.
      this.gateway.wake(recipient);
      return { ok: true, id: message.id, status: 'delivered' };
    }
    await this.push(local);
    return { ok: true, id: message.id, status: local.pushedThrough >= queued.seq ? 'delivered' : 'queued' };
  }

  /**
   * PROTOCOL "Session" 3 and 6: make this connection the operator's session, replacing an older
   * one, then hand it everything waiting, oldest first, right after the welcome.
   */
  async open(session: Session, name: OperatorName): Promise<void> {
    const previous = await this.presence.claim(name, session.id);
    if (previous !== undefined && previous !== session.id) this.replace(previous);
    if (session.closing) {
      // Closed while claiming: its close found no name to release, so release it here.
      await this.presence.release(name, session.id);
      return;
    }
    session.name = name;
    const pending = await this.buffer.take(name, 0, Number.MAX_SAFE_INTEGER, this.clock.now());
    this.gateway.send(session.id, { op: 'welcome', name, pending: pending.length });
    this.deliver(session, pending);
    session.ready = true;
    await this.push(session);
  }

  /** Called once the session has ended: it no longer holds its operator's presence. */
  async close(session: Session): Promise<void> {
    if (session.name !== undefined) await this.presence.release(session.name, session.id);
  }

  /** PROTOCOL "Messages", acknowledgement and receipt: receipts go to senders still connected. */
  async acknowledge(recipient: OperatorName, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const acknowledged = await this.buffer.acknowledge(recipient, ids);
    // Acks usually name messages of one sender: their connection is looked up once in a row.
    let from: OperatorName | undefined;
    let sender: ConnectionId | undefined;
    for (const message of acknowledged) {
      if (message.from !== from) {
        from = message.from;
        sender = await this.presence.lookup(from);
      }
      // Nothing may come between a welcome and its pending messages: a sender still logging in
      // here goes without (receipts are not queued). One on another instance is ready by then.
      if (sender !== undefined && this.sessions.get(sender)?.ready !== false) {
        this.gateway.send(sender, { op: 'receipt', id: message.id, to: recipient });
      }
    }
  }

  /**
   * PROTOCOL "Slow consumers": push queued messages while the connection stays under its
   * high-water mark; the transport calls again once it drains. One loop per connection at a
   * time, so nothing is pushed twice or out of order.
   */
  async push(session: Session): Promise<void> {
    if (!session.ready || session.name === undefined) return;
    if (session.pushing) {
      session.pushAgain = true;
      return;
    }
    session.pushing = true;
    try {
      do {
        session.pushAgain = false;
        while (session.ready && this.gateway.canTakeMore(session.id)) {
          const batch = await this.buffer.take(session.name, session.pushedThrough, PUSH_BATCH, this.clock.now());
          this.deliver(session, batch);
          if (batch.length < PUSH_BATCH) break;
        }
      } while (session.pushAgain && session.ready);
    } finally {
      session.pushing = false;
    }
  }

  private deliver(session: Session, messages: readonly QueuedMessage[]): void {
    for (const message of messages) {
      this.gateway.send(session.id, messageFrame(message));
      session.pushedThrough = message.seq;
    }
  }

  private replace(previous: ConnectionId): void {
    const older = this.sessions.get(previous);
    if (older !== undefined) endSession(older);
    this.gateway.send(previous, { op: 'bye', reason: 'replaced' });
    this.gateway.close(previous);
  }
}

function messageFrame(message: QueuedMessage): OutboundFrame {
  const frame: OutboundFrame = { op: 'msg', id: message.id, from: message.from, body: message.body, ts: message.ts };
  if (message.redelivered) frame.redelivered = true;
  return frame;
}
