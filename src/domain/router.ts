import type { Clock } from '../ports/clock.ts';
import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { Logger } from '../ports/logger.ts';
import type { EnqueueResult, MessageBuffer, QueuedResult } from '../ports/message-buffer.ts';
import type { Presence } from '../ports/presence.ts';
import type { SenderBuckets } from '../ports/sender-buckets.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { Awaitable } from './awaitable.ts';
import { whenResolved } from './awaitable.ts';
import { logFailure } from './log-failure.ts';
import type { DeviceMailboxes } from './device-mailboxes.ts';
import { sentToAll } from './device-mailboxes.ts';
import { messageFrame } from './frames.ts';
import type { GroupCopy } from './group-frames.ts';
import type { Mailbox } from './mailbox.ts';
import type { NewMessage, QueuedMessage } from './messages.ts';
import { Receipts } from './receipts.ts';
import type { OperatorName } from './names.ts';
import type { RelayConfig } from './relay-config.ts';
import type { ConnectionId, Session } from './session.ts';
import { utf8ByteLength } from './text.ts';

export type RouteOutcome =
  | { ok: true; id: string; status: 'delivered' | 'queued'; copies?: GroupCopy[] }
  | { ok: false; code: 'no_such_recipient' | 'body_too_large' | 'queue_full' }
  | { ok: false; code: 'rate_limited'; retryAfterMs: number };

/** Messages fetched from the buffer per round of pushing to one connection. */
const PUSH_BATCH = 64;
/** How soon a push that failed is tried again (issue 24 "Stranded messages"). */
export const PUSH_RETRY_MS = 1_000;
const BODY_TOO_LARGE: RouteOutcome = { ok: false, code: 'body_too_large' };
const NO_SUCH_RECIPIENT: RouteOutcome = { ok: false, code: 'no_such_recipient' };

/** PROTOCOL "Messages" and "Slow consumers": queue every message, push it while the recipient keeps up, receipts. */
export class Router {
  /** Sessions whose last push failed, pushed again every PUSH_RETRY_MS while there are any. */
  private readonly failedPushes = new Set<Session>();
  private readonly receipts: Receipts;
  private readonly unreadableReceipts: Receipts;
  /** Those of the last retry: failing again, they are logged at `debug`, not every second at `error`. */
  private retried: ReadonlySet<Session> = new Set();
  private cancelRetries: (() => void) | undefined;

  constructor(
    private readonly buffer: MessageBuffer,
    private readonly presence: Presence,
    private readonly gateway: ConnectionGateway,
    private readonly sessions: SessionStore,
    private readonly credentials: CredentialRepository,
    private readonly devices: DeviceMailboxes,
    private readonly senders: SenderBuckets,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: RelayConfig,
  ) {
    this.receipts = new Receipts(presence, gateway, sessions, devices, false);
    this.unreadableReceipts = new Receipts(presence, gateway, sessions, devices, true);
  }

  /**
   * PROTOCOL "Messages": every message is queued first and stays there until acknowledged. A
   * send is checked for its sender's rate (option `--send-rate`, a bucket that outlives the
   * session), its size, its recipient and the queue's room, in this order. Each step below gets
   * what the one before found as plain arguments: on ports that answer at once, a message goes
   * through them without a promise, a closure or a heap context.
   */
  route(from: OperatorName, to: OperatorName, body: string): Awaitable<RouteOutcome> {
    const rate = this.config.sendRatePerSecond;
    if (rate <= 0) return this.check(0, from, to, body);
    const wait = this.senders.take(from, rate, this.clock.now());
    if (wait instanceof Promise) return whenResolved(wait, this.check, this, from, to, body);
    return this.check(wait, from, to, body);
  }

  /** Routes the message unless the sender has to wait `wait` ms first. */
  private check(wait: number, from: OperatorName, to: OperatorName, body: string): Awaitable<RouteOutcome> {
    if (wait > 0) return { ok: false, code: 'rate_limited', retryAfterMs: wait };
    const bytes = utf8ByteLength(body);
    if (bytes > this.config.maxBodyBytes) return BODY_TOO_LARGE;
    const known = this.credentials.exists(to);
    if (known instanceof Promise) return whenResolved(known, this.enqueue, this, from, to, body, bytes);
    return this.enqueue(known, from, to, body, bytes);
  }

  private enqueue(known: boolean, from: OperatorName, to: OperatorName, body: string, bytes: number): Awaitable<RouteOutcome> {
    if (!known) return NO_SUCH_RECIPIENT;
    // docs/protocol.md "Devices and key packages": a name with devices is copied to each of them too.
    const mailboxes = this.devices.of(to);
    if (mailboxes !== undefined) return sentToAll(mailboxes, this.copies(from, mailboxes, body, bytes));
    const message: NewMessage = { from, body, ts: this.clock.now(), bytes };
    const queued = this.buffer.enqueue(to, message, this.config.buffer);
    if (queued instanceof Promise) return whenResolved(queued, this.findRecipient, this, to, message);
    return this.findRecipient(queued, to, message);
  }

  private findRecipient(queued: EnqueueResult, to: OperatorName, message: NewMessage): Awaitable<RouteOutcome> {
    if (!queued.ok) return queued;
    const recipient = this.presence.lookup(to);
    if (recipient instanceof Promise) return whenResolved(recipient, this.pushTo, this, queued, to, message);
    return this.pushTo(recipient, queued, to, message);
  }

  /**
   * Hands a message just queued to its recipient's connection, if any. The sender is answered
   * from the buffer, which holds the message whatever the push does: one still under way or
   * failed has not written it yet, so it is `queued`.
   */
  private pushTo(recipient: ConnectionId | undefined, queued: QueuedResult, to: OperatorName, message: NewMessage): RouteOutcome {
    const { id, seq } = queued;
    if (recipient === undefined) return { ok: true, id, status: 'queued' };
    const local = this.sessions.get(recipient);
    if (local === undefined) {
      // Held by another instance: it pushes from the shared buffer when woken.
      this.gateway.wake(recipient, seq);
      return { ok: true, id, status: 'delivered' };
    }
    if (this.canHandOut(local, seq, queued.after)) this.handOut(local, queued, to, message);
    else void this.push(local);
    return { ok: true, id, status: local.pushedThrough >= seq ? 'delivered' : 'queued' };
  }

  /**
   * Whether message `seq`, queued right after message `after`, can be written to the connection
   * as it is, skipping a take: nothing before it is left to push, it has not been pushed (a take
   * may have found it first), no push loop could write it too, and the connection keeps up.
   * Otherwise the push loop takes it from the buffer.
   */
  private canHandOut(session: Session, seq: number, after: number): boolean {
    const through = session.pushedThrough;
    return session.ready && !session.pushing && through >= after && through < seq && this.gateway.canTakeMore(session.id);
  }

  /** Counted as pushed before the write, as a take does: a write that fails leaves it to come again, flagged. */
  private handOut(session: Session, { id, seq }: QueuedResult, to: OperatorName, message: NewMessage): void {
    try {
      this.buffer.handedOut(to, seq);
      this.gateway.send(session.id, messageFrame(id, message, false));
      session.pushedThrough = seq;
    } catch (error) {
      this.pushFailed(session, error);
    }
  }

  /**
   * docs/protocol.md "Groups", "Presence": the sender's wait before a group frame or a `watch`
   * may go, from the same bucket as its sends (one token a frame, whatever the copies or names).
   */
  frameWait(from: Mailbox): Awaitable<number> {
    const rate = this.config.sendRatePerSecond;
    return rate <= 0 ? 0 : this.senders.take(from, rate, this.clock.now());
  }

  /**
   * docs/protocol.md "Groups", fan-out: one frame in, one ordinary queued message for each of
   * `recipients` (acks, receipts, the offline buffer and redelivery as for a direct message).
   * The caller checked rate, size and membership; each copy meets the queue limits alone.
   */
  copies(from: Mailbox, recipients: readonly Mailbox[], body: string, bytes: number): Awaitable<RouteOutcome[]> {
    const message: NewMessage = { from, body, ts: this.clock.now(), bytes };
    const outcomes: Awaitable<RouteOutcome>[] = new Array(recipients.length);
    let later = false;
    for (let i = 0; i < recipients.length; i++) {
      const to = recipients[i]!;
      const queued = this.buffer.enqueue(to, message, this.config.buffer);
      outcomes[i] = queued instanceof Promise ? whenResolved(queued, this.findRecipient, this, to, message) : this.findRecipient(queued, to, message);
      later ||= outcomes[i] instanceof Promise;
    }
    return later ? Promise.all(outcomes) : (outcomes as RouteOutcome[]);
  }

  /**
   * PROTOCOL "Messages", acknowledgement and receipt: receipts go to senders still connected,
   * flagged `unreadable` when the recipient could not open the copies (docs/protocol.md "Unreadable copies").
   */
  acknowledge(recipient: OperatorName, ids: readonly string[], unreadable = false): Awaitable<void> {
    if (ids.length === 0) return;
    const acknowledged = this.buffer.acknowledge(recipient, ids);
    const receipts = unreadable ? this.unreadableReceipts : this.receipts;
    if (acknowledged instanceof Promise) return whenResolved(acknowledged, receipts.send, receipts, recipient, 0);
    return receipts.send(acknowledged, recipient, 0);
  }

  /**
   * PROTOCOL "Session" 3: the messages waiting at login go right after the welcome, whatever
   * the high-water mark; then live pushing starts.
   */
  handOver(session: Session, pending: readonly QueuedMessage[]): Awaitable<void> {
    // Issue 24: `ready` never comes back once the session ended.
    if (session.closing) return;
    try {
      this.deliver(session, pending);
    } catch (error) {
      this.pushFailed(session, error);
    }
    session.ready = true;
    return this.push(session);
  }

  /**
   * PROTOCOL "Slow consumers": push queued messages while the connection stays under its
   * high-water mark; the transport calls again once it drains. One loop per connection at a
   * time, so nothing is pushed twice or out of order. A push that fails is logged, never
   * thrown: what it did not write stays queued after `pushedThrough`, and the next push (the
   * next message, a drain, a login) writes it.
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
      this.pushFailed(session, error);
      return;
    }
    if (rounds instanceof Promise) return this.pushEnded(rounds, session);
    session.pushing = false;
  }

  /**
   * Ends the push loop once its rounds are over, however they end. A push asked for after the
   * last round looked (its message queued by a reply that arrived with the take's) runs now.
   */
  private async pushEnded(rounds: Promise<void>, session: Session): Promise<void> {
    try {
      await rounds;
    } catch (error) {
      this.pushFailed(session, error);
    } finally {
      session.pushing = false;
    }
    if (session.pushAgain) await this.push(session);
  }

  /**
   * Where it failed, never what it carried. What it did not write is pushed again on a timer,
   * so a recipient who stays connected and quiet is not left waiting for their next message.
   */
  private pushFailed(session: Session, error: unknown): void {
    logFailure(this.logger, { conn: session.id, op: 'push' }, error, this.retried.has(session) ? 'debug' : 'error');
    this.failedPushes.add(session);
    this.cancelRetries ??= this.clock.every(PUSH_RETRY_MS, () => this.retryFailedPushes());
  }

  /** A push that fails again comes back into the set; an ended session is dropped by `push`. */
  private retryFailedPushes(): void {
    this.retried = new Set(this.failedPushes);
    this.failedPushes.clear();
    for (const session of this.retried) void this.push(session);
    if (this.failedPushes.size > 0) return;
    this.cancelRetries?.();
    this.cancelRetries = undefined;
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

  private async pushAfter(session: Session, name: OperatorName, batch: Promise<readonly QueuedMessage[]>): Promise<void> {
    return this.pushRounds(session, name, this.deliver(session, await batch));
  }

  /** Sends the messages in order; true when the batch was full, so more may wait. */
  private deliver(session: Session, messages: readonly QueuedMessage[]): boolean {
    for (const message of messages) {
      this.gateway.send(session.id, messageFrame(message.id, message, message.redelivered));
      session.pushedThrough = message.seq;
    }
    return messages.length === PUSH_BATCH;
  }
}
