import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { Logger } from '../ports/logger.ts';
import type { BootId } from '../ports/boot-id.ts';
import type { OnionStatus } from '../ports/onion-status.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { Authenticator } from './authenticator.ts';
import type { Awaitable } from './awaitable.ts';
import { whenResolved } from './awaitable.ts';
import { logFailure } from './log-failure.ts';
import { operatorOf } from './mailbox.ts';
import type { ErrorCode } from './errors.ts';
import type { DecodeResult } from './frame-decoder.ts';
import { PRE_AUTH_OPS, decodeFrame } from './frame-decoder.ts';
import type { InboundFrame, OutboundFrame } from './frames.ts';
import { errorFrame, sentFrame, withRef } from './frames.ts';
import { helloFrame } from './hello-frame.ts';
import { isKeyFrame, type KeyFrames } from './key-frames.ts';
import type { AddOutcome, OperatorAccounts } from './operator-accounts.ts';
import type { GroupDelivery } from './group-delivery.ts';
import type { OperatorKeys } from './operator-keys.ts';
import type { PresenceWatchers } from './presence-watchers.ts';
import type { RelayConfig } from './relay-config.ts';
import { OVERLAPPING_OPS, answerInOrder } from './overlapping-answers.ts';
import type { RouteOutcome, Router } from './router.ts';
import type { ConnectionId, Session } from './session.ts';
import { endSession } from './session.ts';
import type { SessionOpener } from './session-opener.ts';

/** PROTOCOL "Framing": the 16th malformed frame on a connection closes it. */
const MAX_PROTOCOL_ERRORS = 16;
/** PROTOCOL "Session" 4: the third failed authentication on a connection closes it. */
const MAX_AUTH_FAILURES = 3;
/** PROTOCOL "Session" 2: why a `register` is refused (the decoder refuses bad names and passwords as `invalid`). */
const REGISTER_REFUSALS: Readonly<Record<Extract<AddOutcome, { ok: false }>['code'], ErrorCode>> = {
  name_taken: 'name_taken',
  weak_password: 'weak_password',
  invalid_name: 'invalid',
  invalid_password: 'invalid',
};

export interface RelayDependencies {
  readonly sessions: SessionStore;
  readonly gateway: ConnectionGateway;
  readonly presence: Presence;
  readonly router: Router;
  readonly opener: SessionOpener;
  readonly authenticator: Authenticator;
  readonly accounts: OperatorAccounts;
  readonly keys: OperatorKeys;
  readonly groups: GroupDelivery;
  readonly watchers: PresenceWatchers;
  readonly keyFrames: KeyFrames;
  readonly logger: Logger;
  readonly config: RelayConfig;
  /** docs/protocol.md "Restarts": names the life of the queued messages, in `hello`. */
  readonly boot: BootId;
  /** Set when the server publishes an onion: `hello` then says whether it is up. */
  readonly onion?: OnionStatus | undefined;
}

/**
 * The handler core: one entry per event of a connection's life. It keeps nothing between
 * events; what it needs to remember lives behind the ports. The transport delivers one
 * connection's frames one at a time, in order.
 */
export class Relay {
  constructor(private readonly deps: RelayDependencies) {}

  onOpen(connection: ConnectionId): void {
    const { sessions, gateway, config, logger } = this.deps;
    if (sessions.count() >= config.maxConnections) {
      logger.log('warn', 'connection_refused', { conn: connection, reason: 'server_busy' });
      this.fail(connection, 'server_busy');
      return;
    }
    const session = sessions.open(connection);
    session.challenge = this.deps.keys.challenge();
    logger.log('debug', 'connection_opened', { conn: connection });
    const { keys, boot, onion } = this.deps;
    gateway.send(connection, helloFrame({ registration: config.registration, serverId: keys.serverId, boot, onion }, session.challenge));
  }

  /**
   * Handles the frame at once, without a promise, whenever the ports answer at once. A frame
   * that must wait for the sends and acks still being answered gets a promise: the transport
   * holds the connection's next frames until it settles.
   */
  onFrame(connection: ConnectionId, line: string | null): Awaitable<void> {
    const session = this.deps.sessions.get(connection);
    if (session === undefined || session.closing) return;
    const decoded = decodeFrame(line);
    if (session.answering !== undefined && !(decoded.ok && OVERLAPPING_OPS.has(decoded.frame.op))) {
      return whenResolved(session.answering, this.dispatchAfterAnswers, this, session, decoded);
    }
    return this.dispatch(session, decoded);
  }

  private dispatchAfterAnswers(_answered: void, session: Session, decoded: DecodeResult): Awaitable<void> {
    if (!session.closing) return this.dispatch(session, decoded);
  }

  private dispatch(session: Session, decoded: DecodeResult): Awaitable<void> {
    const op = decoded.ok ? decoded.frame.op : decoded.op;
    // PROTOCOL "Session" 5: a known op refused before authentication is not looked at further.
    if (op !== undefined && session.name === undefined && !PRE_AUTH_OPS.has(op)) {
      this.reply(session, 'not_authenticated', decoded.ok ? decoded.frame.ref : decoded.ref);
    } else if (decoded.ok) {
      const frame = decoded.frame;
      try {
        const pending = this.handle(session, frame);
        if (pending instanceof Promise) return this.settle(pending, session, frame);
      } catch (error) {
        // A send or ack that failed at once while earlier answers wait is answered in its turn.
        if (session.answering !== undefined) return answerInOrder(this, session, frame, Promise.reject(error), this.noReply, this.frameFailed);
        this.frameFailed(error, session, frame);
      }
    } else {
      this.protocolError(session, decoded.code, decoded.ref, decoded.code === 'invalid' ? decoded.message : undefined);
    }
  }

  /** The transport's write buffer fell below its high-water mark: resume pushing (a push never throws). */
  onDrain(connection: ConnectionId): Promise<void> {
    return this.onWake(connection, Number.POSITIVE_INFINITY);
  }

  /**
   * Another instance queued message `seq` for this connection's operator (ConnectionGateway.wake):
   * push, unless an earlier push wrote it already (a push never throws).
   */
  async onWake(connection: ConnectionId, seq: number): Promise<void> {
    const session = this.deps.sessions.get(connection);
    if (session !== undefined && session.pushedThrough < seq) await this.deps.router.push(session);
  }

  async onClose(connection: ConnectionId): Promise<void> {
    const session = this.deps.sessions.get(connection);
    if (session === undefined) return;
    this.deps.sessions.delete(connection);
    this.deps.groups.release(connection);
    endSession(session);
    this.deps.logger.log('debug', 'connection_closed', { conn: connection });
    try {
      await this.deps.opener.close(session);
    } catch (error) {
      // No frame answers for a close: a failure is only logged.
      this.logFailure(connection, 'close', error);
    }
  }

  /** PROTOCOL "Session" 5. */
  onAuthDeadline(connection: ConnectionId): void {
    const session = this.deps.sessions.get(connection);
    if (session !== undefined && session.name === undefined && !session.closing) this.fatal(session, 'auth_timeout');
  }

  /** PROTOCOL "Other frames", ping: idle past the idle timeout. */
  onIdle(connection: ConnectionId): void {
    const session = this.deps.sessions.get(connection);
    if (session !== undefined && session.name !== undefined && !session.closing) this.fatal(session, 'idle_timeout');
  }

  /** PROTOCOL "Framing": a line longer than the frame limit. */
  onOversizedFrame(connection: ConnectionId): Awaitable<void> {
    const session = this.deps.sessions.get(connection);
    if (session === undefined || session.closing) return;
    // docs/protocol.md "Pipelining": the answers to the frames before it go first.
    if (session.answering !== undefined) return whenResolved(session.answering, this.oversizedAfterAnswers, this, session);
    this.fatal(session, 'frame_too_large');
  }

  private oversizedAfterAnswers(_answered: void, session: Session): void {
    if (!session.closing) this.fatal(session, 'frame_too_large');
  }

  /** PROTOCOL "Other frames": on shutdown every connection gets bye. */
  shutdown(): void {
    const { sessions, gateway } = this.deps;
    for (const connection of [...sessions.connections()]) {
      const session = sessions.get(connection);
      if (session !== undefined) endSession(session);
      gateway.send(connection, { op: 'bye', reason: 'shutdown' });
      gateway.close(connection);
    }
  }

  private async settle(pending: Promise<void>, session: Session, frame: InboundFrame): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.frameFailed(error, session, frame);
    }
  }

  /** PROTOCOL "Errors" and STYLE 7: a bug or a broken dependency costs this frame, not the connection. */
  private frameFailed(error: unknown, session: Session, frame: InboundFrame): void {
    this.logFailure(session.id, frame.op, error);
    this.reply(session, 'internal', frame.ref);
  }

  /** Where it failed, never what it carried. */
  private logFailure(connection: ConnectionId, op: string, error: unknown): void {
    logFailure(this.deps.logger, { conn: connection, op }, error);
  }

  private handle(session: Session, frame: InboundFrame): Awaitable<void> {
    const { gateway, router } = this.deps;
    if (isKeyFrame(frame)) return this.deps.keyFrames.handle(session, frame);
    switch (frame.op) {
      case 'auth':
      case 'register':
      case 'auth_key':
        return this.authenticate(session, frame);
      case 'send':
        // docs/protocol.md "Devices and key packages": a device session sends as its operator.
        return answerInOrder(this, session, frame, router.route(session.operator!, frame.to, frame.body), this.answerSend, this.frameFailed);
      case 'ack':
        return answerInOrder(this, session, frame, router.acknowledge(session.name!, frame.ids, frame.unreadable === true), this.noReply, this.frameFailed);
      case 'who':
        return this.who(session);
      case 'watch':
        return this.deps.watchers.watch(session, frame.names, frame.ref);
      case 'ping': // Issue 24: its push makes up for one that failed, or a wake lost between instances.
        gateway.send(session.id, withRef<OutboundFrame>({ op: 'pong' }, frame.ref));
        return router.push(session);
      case 'quit':
        endSession(session);
        gateway.send(session.id, { op: 'bye', reason: 'quit' });
        gateway.close(session.id);
        return;
      default:
        return this.deps.groups.handle(session, frame);
    }
  }

  private answerSend(outcome: RouteOutcome, session: Session, frame: InboundFrame & { op: 'send' }): void {
    if (!outcome.ok) return this.reply(session, outcome.code, frame.ref, outcome.code === 'rate_limited' ? outcome.retryAfterMs : undefined);
    this.deps.gateway.send(session.id, withRef(sentFrame(outcome), frame.ref));
  }

  private noReply(): void {} // PROTOCOL "Messages": an ack gets no reply.

  /** PROTOCOL "Other frames": operators, not mailboxes; one with several device sessions is named once. */
  private async who(session: Session): Promise<void> {
    const names = new Set((await this.deps.presence.online()).map(operatorOf));
    this.deps.gateway.send(session.id, { op: 'online', names: [...names].sort() });
  }

  /** PROTOCOL "Session" 2–4; docs/protocol.md "Login by key". */
  private async authenticate(session: Session, frame: InboundFrame & { op: 'auth' | 'register' | 'auth_key' }): Promise<void> {
    const { authenticator, accounts, keys, opener, config, logger } = this.deps;
    if (session.name !== undefined) return this.reply(session, 'already_authenticated', frame.ref);
    if (frame.op === 'register') {
      if (config.registration !== 'open') return this.reply(session, 'registration_closed', frame.ref);
      const added = await accounts.add(frame.name, frame.password);
      if (!added.ok) return this.reply(session, REGISTER_REFUSALS[added.code], frame.ref);
      logger.log('info', 'operator_registered', { conn: session.id, name: frame.name });
    } else {
      const outcome = frame.op === 'auth'
        ? await authenticator.authenticate(frame.name, frame.password, () => !session.closing)
        : await keys.login(frame.name, session.challenge, frame.signature, frame.device);
      if (!outcome.ok && outcome.code === 'rate_limited') {
        return this.reply(session, 'rate_limited', frame.ref, outcome.retryAfterMs);
      }
      if (!outcome.ok) {
        session.authFailures++;
        logger.log('info', 'auth_failed', { conn: session.id, failures: session.authFailures });
        if (session.authFailures >= MAX_AUTH_FAILURES) return this.fatal(session, 'auth_failed', frame.ref);
        return this.reply(session, 'auth_failed', frame.ref);
      }
    }
    if (session.closing) return;
    const device = frame.op === 'auth_key' ? frame.device : undefined;
    logger.log('info', 'authenticated', { conn: session.id, name: frame.name, ...(device === undefined ? {} : { device }) });
    await opener.open(session, frame.name, device);
  }

  private protocolError(session: Session, code: 'bad_frame' | 'unknown_op' | 'invalid', ref: string | undefined, message?: string): void {
    if (++session.protocolErrors >= MAX_PROTOCOL_ERRORS) {
      return this.fatal(session, 'too_many_errors', ref);
    }
    this.deps.gateway.send(session.id, errorFrame(code, ref, undefined, message));
  }

  private reply(session: Session, code: ErrorCode, ref?: string, retryAfterMs?: number): void {
    this.deps.gateway.send(session.id, errorFrame(code, ref, retryAfterMs));
  }

  private fatal(session: Session, code: ErrorCode, ref?: string): void {
    endSession(session);
    this.deps.logger.log('info', 'connection_closed_on_error', { conn: session.id, code });
    this.fail(session.id, code, ref);
  }

  private fail(connection: ConnectionId, code: ErrorCode, ref?: string): void {
    this.deps.gateway.send(connection, errorFrame(code, ref));
    this.deps.gateway.close(connection);
  }
}
