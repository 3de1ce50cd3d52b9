import { ExitStatus } from '../adapters/cli/exit-status.ts';
import type { InboundFrame } from '../domain/frames.ts';
import { connectThrough, type ServerAddress } from '../adapters/tor/connect-through.ts';
import { CLIENT_HELP, type ClientCommand } from './client-commands.ts';
import { ClientFrameChannel, type ServerFrame } from './client-frame-channel.ts';
import { ClientLogin, type ClientLoginOptions } from './client-login.ts';
import { ClientSends } from './client-sends.ts';
import { HeldCommands } from './held-commands.ts';
import { IncomingMessages } from './incoming-messages.ts';
import { KeepAlive } from './keep-alive.ts';
import { SessionDrain } from './session-drain.ts';
import { DeviceSessions } from './device-sessions.ts';
import { onByeFrame, onErrorFrame, type ErrorAndByeLink } from './error-and-bye.ts';
import { unawaited } from '../domain/log-failure.ts';
import { failuresSaid } from './failures-said.ts';
import { ServerBoots } from './conversations/server-boots.ts';
import { PresenceNotices } from './presence-notices.ts';
import { incomingLine, statusLine, welcomeLines } from './client-view.ts';
import { CONNECT_MS, ReconnectBackoff } from './reconnect-backoff.ts';

export interface ClientSessionOptions extends ClientLoginOptions {
  readonly server: ServerAddress;
  readonly proxy?: string;
  readonly print: (line: string) => void;
  /** The client's own lines, when they go elsewhere than `print` (as a timed status line). */
  readonly say?: (text: string) => void;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly pingEveryMs?: number;
  /** The first welcome: the session is logged in. */
  readonly onReady?: () => void;
}

type FrameOf<Op extends ServerFrame['op']> = Extract<ServerFrame, { op: Op }>;

/** One person's connection to the relay: authenticates, shows, acknowledges, reconnects. */
export class ClientSession {
  private channel: ClientFrameChannel | undefined;
  private ready = false;
  private everReady = false;
  /** Some server answered once: from then on a lost connection is worth retrying. */
  private answered = false;
  private stopping: number | undefined;
  /** The server said `bye` for its shutdown: the connection's end says so (retry), not "connection lost". */
  private shutDown = false;
  private readonly backoff: ReconnectBackoff;
  private readonly held = new HeldCommands();
  private readonly drain = new SessionDrain();
  private readonly keepAlive: KeepAlive;
  private retryTimer: NodeJS.Timeout | undefined;
  private finish: (status: number) => void = () => undefined;
  private readonly login: ClientLogin;
  /** MLS conversations, once this client logs in as a device (device-sessions.ts). */
  private readonly devices: DeviceSessions;
  private readonly sends: ClientSends;
  private readonly incoming: IncomingMessages;
  private readonly boots = new ServerBoots();
  private frames: Promise<void> = Promise.resolve();
  private hello: FrameOf<'hello'> | undefined;
  private readonly sayLine = (text: string): void => this.say(text);
  private readonly failures = failuresSaid(this.sayLine);
  private readonly errorAndBye: ErrorAndByeLink;
  private readonly presence = new PresenceNotices({ send: (frame) => this.channel?.send(frame), say: this.sayLine, names: () => this.devices.contacts().names, later: (ms, work) => setTimeout(work, ms).unref() });

  constructor(private readonly options: ClientSessionOptions) {
    this.backoff = new ReconnectBackoff(options.backoff ?? { initialMs: 1000, maxMs: 30_000 });
    this.login = new ClientLogin(options, {
      send: (frame) => {
        this.sends.sending(frame);
        this.channel?.send(frame);
      },
      say: (text) => this.say(text),
      show: (ts, from, text) => options.print(incomingLine(ts, from, text)),
      refuse: (ref, reason) => void this.sends.refused(ref, reason),
      held: (ref) => this.sends.held(ref),
    });
    this.devices = new DeviceSessions(options.name, this.login, {
      send: (frame) => this.channel?.send(frame as InboundFrame),
      print: (line) => options.print(line),
      say: (text) => this.say(text),
      receipt: (id, unopenedBy) => this.sends.receipt(id, unopenedBy),
      conversationsChanged: () => this.presence.refresh(),
      relogin: () => { this.ready = false; this.channel?.close(); },
    });
    this.keepAlive = new KeepAlive(options.pingEveryMs ?? 60_000, () => this.channel?.send({ op: 'ping' }), () => this.channel?.close());
    this.sends = new ClientSends(this.devices, this.login, (text) => this.say(text), (frame) => {
      this.channel?.send(frame);
      return this.channel !== undefined;
    });
    this.incoming = new IncomingMessages(this.login, (frame) => this.channel?.send(frame), this.failures);
    this.errorAndBye = {
      name: options.name, ready: () => this.ready, byKey: () => this.login.byKey,
      refused: (ref, reason) => this.sends.refused(ref, reason),
      withPassword: () => void unawaited(this.answer(this.login.keyRefused()), this.failures, { op: 'auth' }),
      passwordAgain: () => void unawaited(this.answer(this.login.wrongPassword()), this.failures, { op: 'auth' }),
      shutDown: () => { this.shutDown = true; }, say: (text) => this.say(text), stop: (status) => this.stop(status),
    };
  }

  /** Resolves with the exit status once the person quits or the session cannot go on. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => { this.finish = resolve; });
    void unawaited(this.connect(), this.failures, { op: 'connect' });
    return done;
  }

  handle(command: ClientCommand): void {
    switch (command.kind) {
      case 'none':
        return;
      case 'help':
        return this.options.print(CLIENT_HELP);
      case 'mistake':
        return this.say(command.message);
      case 'quit':
        return this.quit(false);
      case 'who':
        if (this.held.passes(this.ready, command, this.sayLine)) this.channel?.send({ op: 'who' });
        return;
      case 'presence':
        return this.presence.switch(command.on);
      case 'verify': case 'trust':
        if (this.held.passes(this.ready, command, this.sayLine)) this.drain.track(unawaited(this.login.e2e![command.kind](command.name), this.failures, { op: command.kind }));
        return;
      case 'send':
      case 'group-send': {
        if (!this.held.passes(this.ready, command, this.sayLine)) return;
        const target = command.kind === 'send' ? { to: command.to } : { group: command.group };
        this.drain.track(unawaited(this.sends.send(target, command.kind === 'send' ? command.body : command.text), this.failures, { op: command.kind }));
        return;
      }
      default:
        if (this.held.passes(this.ready, command, this.sayLine)) this.drain.track(unawaited(this.devices.handle(command), this.failures, { op: command.kind }));
    }
  }

  /** Input ended: leaves once all typed went and was answered (status 1, and the last failure's line, if a message failed). */
  async inputEnded(): Promise<string | undefined> {
    if (!this.everReady) await this.drain.nextWelcome();
    await this.drain.settled(() => this.held.size, () => this.ready, this.sends.outcome);
    const { failures, lastFailure } = this.sends.outcome;
    this.quit(false, failures > 0 ? ExitStatus.failed : ExitStatus.ok);
    return lastFailure;
  }

  /** Names and groups this client knows, for completion. */
  contacts(): { names: string[]; groups: string[] } {
    return this.devices.contacts();
  }

  /** Resolves once what waited for this session at its login (PROTOCOL "Session" 3: before a ping's pong) is processed. */
  async caughtUp(): Promise<void> {
    await this.keepAlive.roundTrip();
    await Promise.all([this.incoming.received(), this.devices.received()]);
  }

  /** Leaves; unless `now`, what was typed while disconnected is sent first. */
  quit(now: boolean, status: number = ExitStatus.ok): void {
    if (this.stopping !== undefined) return;
    if (!now && !this.ready && this.held.quitAfter()) return;
    this.stopping = status;
    clearTimeout(this.retryTimer);
    if (!this.channel) return this.end();
    if (this.ready) this.channel.send({ op: 'quit' });
    else this.channel.close();
    // The server answers `bye` and closes; don't wait for ever if it doesn't.
    setTimeout(() => this.channel?.close(), 2000).unref();
  }

  private async connect(): Promise<void> {
    const { server, proxy } = this.options;
    try {
      const socket = await connectThrough(server, proxy, !proxy ? CONNECT_MS.direct : this.answered ? CONNECT_MS.proxyAgain : CONNECT_MS.proxyFirst);
      if (this.stopping !== undefined) {
        socket.destroy();
        return this.end();
      }
      // Frames wait while `hello` is answered (the key store opens, a password may be asked): none overtakes it.
      this.channel = new ClientFrameChannel(socket, (frame) => { this.frames = unawaited(this.frames.then(() => this.onFrame(frame)), this.failures, { op: frame.op }); }, (reason) => this.onClose(reason));
    } catch (error) {
      if (this.stopping !== undefined) return this.end();
      this.retry((error as Error).message);
    }
  }

  private onFrame(frame: ServerFrame): void | Promise<void> {
    this.answered = true;
    // A server welcoming or delivering before its hello was answered is not followed.
    if (this.login.e2e === undefined && (frame.op === 'welcome' || frame.op === 'msg')) return;
    if (this.devices.onFrame(frame) || this.presence.onFrame(frame)) return;
    switch (frame.op) {
      case 'hello':
        this.hello = frame;
        return this.answer(this.login.answer(frame));
      case 'welcome':
        return this.onWelcome(Number(frame.pending ?? 0));
      case 'msg':
        return this.incoming.receive(frame);
      case 'sent':
        return this.sends.accepted(frame);
      case 'receipt':
        return this.sends.receipt(String(frame.id), frame.unreadable === true ? String(frame.to) : undefined);
      case 'online':
        return this.say(`online: ${(Array.isArray(frame.names) ? frame.names : []).join(', ')}`);
      case 'pong':
        return this.keepAlive.pong();
      // Answers to the device layer's requests (docs/protocol.md "Devices and key packages",
      // "Groups") that it did not take: late ones, for a request that failed meanwhile. `presence`: taken above.
      case 'committed': case 'group': case 'uploaded': case 'device_published': case 'devices':
      case 'device_revoked': case 'key_packages_published': case 'key_packages': case 'presence':
        return;
      case 'key': case 'key_published':
        this.login.e2e?.onFrame(frame);
        return;
      case 'error':
        return this.login.e2e?.onFrame(frame) ? undefined : onErrorFrame(frame, this.errorAndBye);
      case 'bye':
        return onByeFrame(String(frame.reason), this.errorAndBye);
      default:
        return ignoreUnknown(frame);
    }
  }

  /** Sends a login frame on the connection it was made for; without one the session cannot go on. */
  private async answer(login: Promise<InboundFrame | undefined>): Promise<void> {
    const channel = this.channel;
    const frame = await login;
    if (frame === undefined) return this.stop(ExitStatus.failed);
    if (channel === this.channel) channel?.send(frame);
  }

  private onWelcome(pending: number): void {
    this.ready = true;
    this.backoff.reset();
    const firstTime = !this.everReady;
    for (const line of welcomeLines(this.options.server, this.options.name, pending, firstTime)) this.say(line);
    this.everReady = true;
    this.keepAlive.start();
    this.boots.loggedIn(this.hello);
    this.drain.welcomed();
    // Tracked until commands may go, across the login again that makes this client a device.
    this.drain.track(unawaited(this.devices.welcomed(this.hello?.features?.includes('devices') === true).then(async (ready) => {
      if (!ready) return this.drain.nextWelcome();
      // What the restarted server lost goes first, in order; then what waited for this session
      // (a group's welcome first); then what was typed meanwhile.
      if (this.boots.takeResend()) await this.sends.resendAfterRestart();
      await this.caughtUp();
      this.presence.loggedIn();
      for (const command of this.held.release()) this.handle(command);
    }), this.failures, { op: 'welcome' }));
    if (firstTime) this.options.onReady?.();
  }

  private onClose(reason: string): void {
    this.ready = false;
    this.channel = undefined;
    this.keepAlive.stop();
    this.login.e2e?.connectionLost();
    this.devices.connectionLost();
    this.presence.connectionLost();
    if (this.devices.reconnectNow()) return void unawaited(this.connect(), this.failures, { op: 'connect' });
    this.sends.connectionLost();
    if (this.stopping !== undefined) return this.end();
    this.retry(reason);
  }

  /** Only a server that answered once is waited for: before, a failure is the settings' (a wrong port…), which retrying would hide. */
  private retry(reason: string): void {
    if (!this.answered) {
      this.say(`cannot connect (${reason}); the server never answered, so the client stops: check --server and --proxy`);
      const unsent = this.held.unsentMessages();
      if (unsent > 0) this.say(`${unsent === 1 ? '1 message' : `${unsent} messages`} typed meanwhile not sent`);
      return this.stop(ExitStatus.unreachable);
    }
    const delay = this.backoff.next();
    const what = this.shutDown ? 'the server shut down' : `${this.everReady ? 'connection lost' : 'cannot connect'} (${reason})`;
    this.shutDown = false;
    this.say(`${what}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.backoff.attempt})`);
    this.retryTimer = setTimeout(() => void unawaited(this.connect(), this.failures, { op: 'connect' }), delay);
  }

  private stop(status: number): void {
    this.stopping = status;
    clearTimeout(this.retryTimer);
    if (this.channel) this.channel.close();
    else this.end();
  }

  private end(): void {
    this.keepAlive.stop();
    this.finish(this.stopping ?? ExitStatus.ok);
  }

  private say(text: string): void {
    if (this.options.say) this.options.say(text);
    else this.options.print(statusLine(text));
  }
}

/** PROTOCOL "Framing": an unknown op (a newer server's) is ignored; `never`, so one added to the union and not handled fails to compile. */
function ignoreUnknown(_frame: never): void {}
