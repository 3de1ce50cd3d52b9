import type { ClientLogin } from './client-login.ts';
import type { ServerFrame } from './client-frame-channel.ts';
import { Requests } from './conversations/requests.ts';
import { GRANT_PREFIX } from './device-approval.ts';
import type { SetUp } from './device-setup.ts';
import { receiveGrant, setUpDevice } from './device-setup.ts';
import type { MlsCommand } from './mls-commands.ts';
import { MlsTerminal } from './mls-terminal.ts';
import type { MlsTerminalLink, Sent } from './mls-terminal.ts';
import { isMlsBody } from './conversations/mls-body.ts';
import { unawaited } from '../domain/log-failure.ts';
import { failuresSaid } from './failures-said.ts';

/** Where a text goes: a direct conversation, or a group. */
export type Target = { readonly to: string } | { readonly group: string };

export interface DeviceSessionsLink extends MlsTerminalLink {
  /** Closes the connection: the session connects again at once (see reconnectNow). */
  relogin(): void;
}

/**
 * The client session's MLS side, across its connections (docs/client.md § Conversations on MLS): after a
 * login, either the device's conversations start, or this client becomes a device (first
 * device, or one waiting for approval) and logs in again as it.
 */
export class DeviceSessions {
  private readonly requests: Requests;
  private mls: MlsTerminal | undefined;
  private starting: Promise<unknown> = Promise.resolve();
  /** What the person typed goes in order: an invitation waits for the group it names to exist. */
  private typed: Promise<unknown> = Promise.resolve();
  private state: SetUp | 'device' | undefined;
  private readonly failures = failuresSaid((text) => this.link.say(text));
  private loggingInAgain = false;
  /** The first device login of this process said how many conversations it has. */
  private announced = false;
  /** Waiting for the login after the one that made this client a device. */
  private readonly nextLogin: (() => void)[] = [];

  constructor(private readonly name: string, private readonly login: ClientLogin, private readonly link: DeviceSessionsLink) {
    this.requests = new Requests(link, 'dev-');
  }

  /** After `welcome`: resolves true when commands may go (false while this client becomes a device). */
  welcomed(serverHasDevices: boolean): Promise<boolean> {
    const { e2e, keys, byKey, byDevice } = this.login;
    const started = (async () => {
      if (byDevice) {
        this.state = 'device';
        // One conversation core a process, across reconnections: two would write the same files.
        this.mls ??= await MlsTerminal.open(keys!, this.name, e2e!, this.link);
        e2e!.whenTrusted((name) => void this.trusted(name));
        await this.mls.ready();
        if (!this.announced) this.link.say(`conversations ready on device ${keys!.device!.device}: ${this.mls.count()} (/groups lists the groups)`);
        this.announced = true;
        return true;
      }
      // Not a device on this login (its key refused, revoked maybe): the core it had was that
      // device's, and an approval makes this client another one.
      this.mls = undefined;
      this.announced = false;
      this.state = await setUpDevice({ store: keys!, name: this.name, e2e: e2e!, byKey, serverHasDevices, requests: this.requests, say: (text) => this.link.say(text) });
      if (this.state !== 'relogin') return true;
      this.loggingInAgain = true;
      this.link.relogin();
      return false;
    })().catch((error: Error) => {
      this.link.say(`conversations unavailable on this connection: ${error.message}`);
      return true;
    });
    this.starting = started;
    for (const resolve of this.nextLogin.splice(0)) resolve();
    return started;
  }

  /** Frames of the device layer (answers, group deliveries, a grant): true when taken. */
  onFrame(frame: ServerFrame): boolean {
    if (this.requests.answer(frame)) return true;
    // A delivery that comes while the conversations still open waits for them, in order.
    if (this.mls === undefined && this.login.byDevice && frame.op === 'msg' && isMlsBody(frame.body)) {
      this.starting = unawaited(this.starting.then(() => this.mls?.onFrame(frame)), this.failures, { op: 'msg' });
      return true;
    }
    if (this.mls?.onFrame(frame) === true) return true;
    if (frame.op === 'msg' && frame.body.startsWith(GRANT_PREFIX)) {
      // A grant reaches every session of the name, the approving device's own too: only a pending one takes it.
      if (this.state === 'pending') void unawaited(this.onGrant(frame.id, frame.body), this.failures, { op: 'grant' });
      else this.link.send({ op: 'ack', ids: [frame.id] });
      return true;
    }
    return false;
  }

  /**
   * A text on MLS: the relay's answer, or 'envelope' when it goes as a v1 envelope instead (this
   * client is no device, or NAME has none yet: docs/client.md § Moving a team to MLS).
   */
  say(target: Target, text: string): Promise<Sent | 'envelope'> {
    return this.inTurn(() => this.sayNow(target, text));
  }

  /** `/trust NAME` pinned NAME: what the conversations held for NAME goes. */
  trusted(name: string): Promise<void> {
    return this.inTurn(async () => this.mls?.trusted(name)).catch((error: Error) => this.link.say(`after /trust ${name}: ${error.message}`));
  }

  /** After a restart of the relay, before the texts: the commits and invitations it may have lost (docs/protocol.md "Restarts"). */
  resendHandshakes(): Promise<void> {
    return this.inTurn(async () => {
      await this.started();
      await this.mls?.resendHandshakes();
    });
  }

  /** A text sent before, sent again on MLS in its turn (docs/protocol.md "Restarts"). */
  resend(group: string, text: string, id: string): Promise<Sent> {
    return this.inTurn(async () => {
      await this.started();
      if (this.mls === undefined) throw new Error('the conversations are not open on this connection');
      return this.mls.resend(group, text, id);
    });
  }

  handle(command: MlsCommand): Promise<void> {
    return this.inTurn(() => this.handleNow(command));
  }

  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const result = this.typed.then(step);
    this.typed = result.catch(() => undefined);
    return result;
  }

  /** Until this client's conversations are up: across the login again that makes it a device, too. */
  private async started(): Promise<void> {
    await this.starting;
    while (this.state === 'relogin') {
      await new Promise<void>((resolve) => this.nextLogin.push(resolve));
      await this.starting;
    }
  }

  private async sayNow(target: Target, text: string): Promise<Sent | 'envelope'> {
    await this.started();
    if (this.mls === undefined) {
      if ('to' in target) return 'envelope';
      throw new Error(this.state === 'pending' ? 'this client waits for approval by one of your devices: groups come after it' : 'groups need a server with devices and groups');
    }
    if ('group' in target) return this.mls.sendToGroup(target.group, text);
    return (await this.mls.sendDirect(target.to, text)) ?? 'envelope';
  }

  private async handleNow(command: MlsCommand): Promise<void> {
    await this.started();
    if (this.mls === undefined) {
      return this.link.say(this.state === 'pending' ? 'this client waits for approval by one of your devices: groups come after it' : 'groups need a server with devices and groups');
    }
    try {
      await this.mls.handle(command);
    } catch (error) {
      this.link.say((error as Error).message);
    }
  }

  /** Resolves once the deliveries received so far are processed (those that waited for the conversations to open too). */
  async received(): Promise<void> {
    await this.starting;
    await this.mls?.received();
  }

  /** Who and what this client knows: its conversations' operators and groups, and the keys it pinned. */
  contacts(): { names: string[]; groups: string[] } {
    const { names, groups } = this.mls?.contacts() ?? { names: [], groups: [] };
    const others = [...names, ...this.login.keys?.pinnedNames() ?? []].filter((name) => name !== this.name);
    return { names: [...new Set(others)].sort(), groups: groups.sort() };
  }

  /** What waited for an answer fails now (a typed command says so) instead of waiting for ever. */
  connectionLost(): void {
    this.requests.lost();
    this.mls?.connectionLost();
  }

  /** True once, after this client became a device: the session connects again without waiting. */
  reconnectNow(): boolean {
    const now = this.loggingInAgain;
    this.loggingInAgain = false;
    return now;
  }

  private async onGrant(id: string, body: string): Promise<void> {
    const accepted = await receiveGrant(this.login.keys!, this.name, body, this.requests).catch(() => false);
    this.link.send({ op: 'ack', ids: [id] });
    if (!accepted) return this.link.say('! ignored an approval that was not for this device, or not from your identity');
    this.link.say(`approved: this client is now a device of ${this.name}; logging in as it`);
    this.loggingInAgain = true;
    this.link.relogin();
  }
}
