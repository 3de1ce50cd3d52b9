import type { Awaitable } from '../ports/awaitable.ts';
import type { Clock } from '../ports/clock.ts';
import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { EnqueueResult, MessageBuffer } from '../ports/message-buffer.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import { whenResolved } from './awaitable.ts';
import type { ConnectionId, Session } from './connection.ts';
import { endSession } from './connection.ts';
import type { OutboundFrame } from './frames.ts';
import type { QueuedMessage, StoredMessage } from './messages.ts';
import type { OperatorName } from './names.ts';
import type { RelayConfig } from './relay-config.ts';
import { utf8ByteLength } from './text.ts';

export type RouteOutcome =
  | { ok: true; id: string; status: 'delivered' | 'queued' }
  | { ok: false; code: 'no_such_recipient' | 'body_too_large' | 'queue_full' };

/** Messages fetched from the buffer per round of pushing to one connection. */
const PUSH_BATCH = 64;
const BODY_TOO_LARGE: RouteOutcome = { ok: false, code: 'body_too_large' };
const NO_SUCH_RECIPIENT: RouteOutcome = { ok: false, code: 'no_such_recipient' };

/** Routing and buffering: queue every message, push it while the recipient keeps up, receipts. */
export class Router {
  constructor(
    private readonly buffer: MessageBuffer,
    private readonly presence: Presence,
    private readonly gateway: ConnectionGateway,
    private readonly sessions: SessionStore,
    private readonly credentials: CredentialRepository,
    private readonly clock: Clock,
    private readonly config: RelayConfig,
  ) {}

  /**
   * PROTOCOL "Messages": every message is queued first and stays there until acknowledged.
   * Each step below gets what the one before found as plain arguments: on ports that answer at
   * once, a message goes through them without a promise, a closure or a heap context.
   */
  route(from: OperatorName, to: OperatorName, body: string): Awaitable<RouteOutcome> {
    const bytes = utf8ByteLength(body);
    if (bytes > this.config.maxBodyBytes) return BODY_TOO_LARGE;
    const known = this.credentials.exists(to);
    if (known instanceof Promise) return whenResolved(known, this.enqueue, this, from, to, body, bytes);
    return this.enqueue(known, from, to, body, bytes);
  }

  private enqueue(known: boolean, from: OperatorName, to: OperatorName, body: string, bytes: number): Awaitable<RouteOutcome> {
    if (!known) return NO_SUCH_RECIPIENT;
    const queued = this.buffer.enqueue(to, { from, body, ts: this.clock.now(), bytes }, this.config.buffer);
    if (queued instanceof Promise) return whenResolved(queued, this.findRecipient, this, to);
    return this.findRecipient(queued, to);
  }

  private findRecipient(queued: EnqueueResult, to: OperatorName): Awaitable<RouteOutcome> {
    if (!queued.ok) return queued;
    const recipient = this.presence.lookup(to);
    if (recipient instanceof Promise) return whenResolved(recipient, this.pushTo, this, queued.id, queued.seq);
    return this.pushTo(recipient, queued.id, queued.seq);
  }

  /** Pushes a message just queued (sequence number `seq`) to its recipient's connection, if any. */
  private pushTo(recipient: ConnectionId | undefined, id: string, seq: number): Awaitable<RouteOutcome> {
    if (recipient === undefined) return { ok: true, id, status: 'queued' };
    const local = this.sessions.get(recipient);
    if (local === undefined) {
      // Held by another instance: it pushes from the shared buffer when woken.
      this.gateway.wake(recipient);
      return { ok: true, id, status: 'delivered' };
    }
    const pushed = this.push(local);
    if (pushed instanceof Promise) return pushOutcomeLater(pushed, local, id, seq);
    return pushOutcome(local, id, seq);
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
  acknowledge(recipient: OperatorName, ids: readonly string[]): Awaitable<void> {
    if (ids.length === 0) return;
    const acknowledged = this.buffer.acknowledge(recipient, ids);
    if (acknowledged instanceof Promise) return whenResolved(acknowledged, this.sendReceipts, this, recipient, 0);
    return this.sendReceipts(acknowledged, recipient, 0);
  }

  /**
   * PROTOCOL "Slow consumers": push queued messages while the connection stays under its
   * high-water mark; the transport calls again once it drains. One loop per connection at a
   * time, so nothing is pushed twice or out of order.
   */
  push(session: Session): Awaitable<void> {
    if (!session.ready || session.name === undefined) return;
    if (session.pushing) {
      session.pushAgain = true;
      return;
    }
    session.pushing = true;
    let rounds: Awaitable<void>;
    try {
      rounds = this.pushRounds(session, session.name, true);
    } catch (error) {
      session.pushing = false;
      throw error;
    }
    if (rounds instanceof Promise) return this.pushEnded(rounds, session);
    session.pushing = false;
  }

  /** Ends the push loop once its rounds are over, however they end. */
  private async pushEnded(rounds: Promise<void>, session: Session): Promise<void> {
    try {
      await rounds;
    } finally {
      session.pushing = false;
    }
  }

  /** Receipts for `acknowledged` from `start` on; acks usually name one sender's messages in a row. */
  private sendReceipts(acknowledged: readonly StoredMessage[], recipient: OperatorName, start: number): Awaitable<void> {
    while (start < acknowledged.length) {
      const first = start;
      const from = acknowledged[first]!.from;
      while (start < acknowledged.length && acknowledged[start]!.from === from) start++;
      const sender = this.presence.lookup(from);
      if (sender instanceof Promise) return whenResolved(sender, this.sendReceiptsThenRest, this, recipient, acknowledged, first, start);
      this.sendReceiptsTo(sender, recipient, acknowledged, first, start);
    }
  }

  private sendReceiptsThenRest(
    sender: ConnectionId | undefined, recipient: OperatorName, acknowledged: readonly StoredMessage[], first: number, end: number,
  ): Awaitable<void> {
    this.sendReceiptsTo(sender, recipient, acknowledged, first, end);
    return this.sendReceipts(acknowledged, recipient, end);
  }

  private sendReceiptsTo(
    sender: ConnectionId | undefined, recipient: OperatorName, acknowledged: readonly StoredMessage[], first: number, end: number,
  ): void {
    // Nothing may come between a welcome and its pending messages: a sender still logging in
    // here goes without (receipts are not queued). One on another instance is ready by then.
    if (sender === undefined || this.sessions.get(sender)?.ready === false) return;
    for (let i = first; i < end; i++) this.gateway.send(sender, { op: 'receipt', id: acknowledged[i]!.id, to: recipient });
  }

  /**
   * Takes and delivers batches while the connection has room and there may be more (`more`: the
   * last batch was full) or a push was asked for meanwhile.
   */
  private pushRounds(session: Session, name: OperatorName, more: boolean): Awaitable<void> {
    while (session.ready && (more || session.pushAgain) && this.gateway.canTakeMore(session.id)) {
      session.pushAgain = false;
      const batch = this.buffer.take(name, session.pushedThrough, PUSH_BATCH, this.clock.now());
      if (batch instanceof Promise) return this.pushAfter(session, name, batch);
      more = this.deliver(session, batch);
    }
  }

  private async pushAfter(session: Session, name: OperatorName, batch: Promise<QueuedMessage[]>): Promise<void> {
    return this.pushRounds(session, name, this.deliver(session, await batch));
  }

  /** Sends the messages in order; true when the batch was full, so more may wait. */
  private deliver(session: Session, messages: readonly QueuedMessage[]): boolean {
    for (const message of messages) {
      this.gateway.send(session.id, messageFrame(message));
      session.pushedThrough = message.seq;
    }
    return messages.length === PUSH_BATCH;
  }

  private replace(previous: ConnectionId): void {
    const older = this.sessions.get(previous);
    if (older !== undefined) endSession(older);
    this.gateway.send(previous, { op: 'bye', reason: 'replaced' });
    this.gateway.close(previous);
  }
}

async function pushOutcomeLater(pushed: Promise<void>, session: Session, id: string, seq: number): Promise<RouteOutcome> {
  await pushed;
  return pushOutcome(session, id, seq);
}

function pushOutcome(session: Session, id: string, seq: number): RouteOutcome {
  return { ok: true, id, status: session.pushedThrough >= seq ? 'delivered' : 'queued' };
}

function messageFrame(message: QueuedMessage): OutboundFrame {
  const frame: OutboundFrame = { op: 'msg', id: message.id, from: message.from, body: message.body, ts: message.ts };
  if (message.redelivered) frame.redelivered = true;
  return frame;
}
