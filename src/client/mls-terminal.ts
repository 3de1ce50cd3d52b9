import { randomBytes } from '@noble/ciphers/utils.js';
import { join } from 'node:path';
import type { ServiceEvent } from './conversations/service-event.ts';
import { missedChangeLine } from './conversations/missed-changes.ts';
import { ConversationService, NoDevices } from './conversations/conversation-service.ts';
import { Conversations } from './conversations/conversations.ts';
import type { DeviceRef } from './conversations/device-credential.ts';
import { mailboxOf } from './conversations/device-credential.ts';
import type { ClientFrame, ServerFrame } from './conversations/frame-link.ts';
import type { GroupMeta } from './conversations/group-meta.ts';
import { membershipLines } from './conversations/membership-lines.ts';
import { RelayRefusal, Requests } from './conversations/requests.ts';
import { TrustedSending } from './conversations/trusted-sending.ts';
import { deviceKeys } from './device-enrolment.ts';
import { DeviceManagement } from './device-management.ts';
import type { EndToEnd } from './e2e/end-to-end.ts';
import type { KeyStore } from './e2e/key-store.ts';
import { FileConversationStore } from './file-conversation-store.ts';
import type { MlsCommand } from './mls-commands.ts';
import { clock, safeText } from './client-view.ts';
import { visibleText } from '../domain/visible-text.ts';

export interface MlsTerminalLink {
  send(frame: ClientFrame): void;
  print(line: string): void;
  say(text: string): void;
  /**
   * A recipient's device acknowledged a message of ours (the relay's id of its first copy);
   * `unopenedBy`, its mailbox, when it could not open it (docs/protocol.md "Unreadable copies").
   */
  receipt(id: string, unopenedBy?: string): void;
  /** Who shares a conversation with this device may have changed (docs/client.md § Presence). */
  conversationsChanged(): void;
}

/**
 * What became of a text sent: the relay's answer for its first copy, as a direct `send` has it;
 * and the conversation and message id it went under, to send it again (docs/protocol.md "Restarts").
 */
export type Sent = { readonly id: string | undefined; readonly status: 'delivered' | 'queued'; readonly group: string; readonly messageId: string };

/**
 * The terminal's side of MLS conversations (docs/client.md § Conversations on MLS): a device session's
 * conversation service, the commands that drive it, and how its events read on screen.
 */
export class MlsTerminal {
  private readonly devices: DeviceManagement;
  private readonly sending: TrustedSending;

  private constructor(
    private readonly service: ConversationService,
    private readonly requests: Requests,
    store: KeyStore,
    private readonly link: MlsTerminalLink,
  ) {
    this.devices = new DeviceManagement(service, requests, () => store.identity, store, (text) => link.say(text));
    this.sending = new TrustedSending(service, requests);
  }

  /** On a device session: opens the conversation store beside the keys (then `ready`). */
  static async open(store: KeyStore, name: string, e2e: EndToEnd, link: MlsTerminalLink): Promise<MlsTerminal> {
    const device = deviceKeys(store, name)!;
    const files = new FileConversationStore(join(store.directory, 'mls'), store.device!.storageKey);
    const core = await Conversations.open({ store: files, device, identities: e2e });
    let terminal: MlsTerminal | undefined;
    const requests = new Requests(link, 'mls-');
    const service = new ConversationService(core, requests, (event) => terminal?.show(event), (frame) => link.send(frame), e2e.contactKeys());
    terminal = new MlsTerminal(service, requests, store, link);
    return terminal;
  }

  /** Settles what a crash left, refills key packages: its frames' answers must reach onFrame meanwhile. */
  ready(): Promise<void> {
    return this.service.ready();
  }

  connectionLost(): void {
    this.requests.lost();
  }

  /** Resolves once the deliveries received so far are processed. */
  received(): Promise<void> {
    return this.service.received();
  }

  /** The operators this device shares a conversation with, and its groups' names. */
  contacts(): { names: string[]; groups: string[] } {
    const all = this.service.list();
    return { names: names(all.flatMap((g) => g.members)), groups: all.filter((g) => g.meta.kind === 'group').map((g) => g.meta.name) };
  }

  /** How many conversations this device is in. */
  count(): number {
    return this.service.list().length;
  }

  onFrame(frame: ServerFrame): boolean {
    return this.service.onFrame(frame);
  }

  /** `@NAME TEXT` in MLS; undefined when NAME has no device yet (the caller sends a v1 envelope). */
  async sendDirect(name: string, text: string): Promise<Sent | undefined> {
    try {
      const id = messageId();
      const sent = await this.sending.sayTo(name, text, id);
      this.link.conversationsChanged();
      return { ...sent, messageId: id };
    } catch (error) {
      // No device, or no such operator: the envelope path says which, as it always has.
      if (error instanceof NoDevices || (error instanceof RelayRefusal && error.code === 'no_such_recipient')) return undefined;
      throw error;
    }
  }

  /** `#GROUP TEXT`. */
  sendToGroup(name: string, text: string): Promise<Sent> {
    return this.resend(this.group(name), text, messageId());
  }

  /** Commits and invitations the restarted relay may have lost go again before the texts (docs/protocol.md "Restarts"). */
  async resendHandshakes(): Promise<void> {
    for (const problem of await this.service.resendHandshakes()) this.link.say(`! ${problem}`);
  }

  /**
   * A text under the id it went with before: encrypted afresh, in the group's current epoch,
   * where the old ciphertext may no longer open; a member that had it shows it once (ShownIds).
   */
  async resend(group: string, text: string, id: string): Promise<Sent> {
    if (!this.service.list().some((g) => g.group === group)) throw new Error('that conversation is gone from this device');
    // Through the holds, as it went the first time: someone on hold since makes it wait for /trust.
    return { ...(await this.sending.say(group, text, id)), messageId: id };
  }

  /** `/trust NAME` pinned NAME's identity: what waited for NAME goes (docs/protocol.md "Holds"). */
  async trusted(name: string): Promise<void> {
    for (const { to, outcome } of await this.sending.trusted(name)) this.link.say(`sent what was held for ${to}: ${outcome}`);
  }

  async handle(command: MlsCommand): Promise<void> {
    const { service } = this;
    switch (command.kind) {
      case 'group-create':
        if (service.findGroup(command.group) !== undefined) return this.link.say(`#${command.group} exists already`);
        await service.createGroup(command.group);
        return this.link.say(`#${command.group} created; /invite ${command.group} NAME… to add people`);
      case 'invite':
        await service.invite(this.group(command.group), command.names);
        return;
      case 'remove':
        await service.remove(this.group(command.group), command.name);
        return;
      case 'leave':
        const group = this.group(command.group);
        try {
          await service.leave(group);
        } catch (error) {
          return this.link.say(`#${command.group}: not left, you are still in it (${(error as Error).message})`);
        }
        return this.link.say(`you left #${command.group}`);
      case 'groups':
        return this.link.say(this.groupsLine());
      case 'members':
        return this.link.say(`#${command.group}: ${names(service.members(this.group(command.group))).join(', ')}`);
      case 'group-send':
        await this.sendToGroup(command.group, command.text);
        return;
      case 'devices':
        return this.listDevices();
      case 'devices-approve':
        return this.devices.approve(command.code);
      case 'devices-remove':
        return this.devices.remove(command.device);
    }
  }

  private async listDevices(): Promise<void> {
    const lines = (await this.devices.list()).map((d) => `${d.device}${d.mine ? ' (this one)' : ''}${d.pending ? ' (waiting for approval)' : ''}`);
    this.link.say(`${this.service.me.name}'s devices: ${lines.join(', ')}`);
  }

  private group(name: string): string {
    const group = this.service.findGroup(name);
    if (group === undefined) throw new Error(`no group #${name} (/groups lists yours)`);
    return group;
  }

  private groupsLine(): string {
    const groups = this.service.list().filter((g) => g.meta.kind === 'group');
    if (groups.length === 0) return 'no groups yet: /group create NAME';
    return `groups: ${groups.map((g) => `#${g.meta.name} (${names(g.members).length})`).join(', ')}`;
  }

  private show(event: ServiceEvent): void {
    const me = this.service.me;
    if (event.kind === 'membership' || event.kind === 'joined' || event.kind === 'left') this.link.conversationsChanged();
    switch (event.kind) {
      case 'text': {
        const mine = event.from.name === me.name ? ' (your other device)' : event.newDevice === true ? ` (new device ${event.from.device}, not trusted yet)` : '';
        return this.link.print(`[${clock(Date.now())}] ${where(event.meta, me.name)}${visibleText(event.from.name)}${mine}: ${safeText(event.text)}`);
      }
      case 'membership':
        for (const line of membershipLines(event)) this.link.say(`${label(event.meta, me.name)}${line}`);
        return;
      case 'joined':
        return this.link.say(`${label(event.meta, me.name)}you are in, with ${names(event.members).filter((n) => n !== me.name).join(', ') || 'nobody else yet'}`);
      case 'left':
        return this.link.say(`${label(event.meta, me.name)}${event.by === undefined ? 'you are no longer a member' : `${event.by.name} removed you`}`);
      case 'refused':
        return this.link.say(`! a message from ${event.from} was not shown: ${event.reason}`);
      case 'identity-changed':
        return this.link.say(`*** ${event.name}'s devices were reset: ${event.name} has a new safety number. Messages to and from ${event.name} are held until you /verify ${event.name} and /trust ${event.name}`);
      case 'new-device':
        return this.link.say(`*** ${event.name} added a new device ${event.device}: messages to ${event.name} are held until you /verify ${event.name} and /trust ${event.name}`);
      case 'held':
        return this.link.say(event.names.length === 0 ? `! a message from ${event.from} waits behind a held one of its conversation`
          : `! a message from ${event.from} is held, not shown, until you /verify ${event.names.join(', ')} and /trust ${event.names.join(', ')}`);
      case 'missed':
        return this.link.say(`! ${label(event.meta, me.name)}${missedChangeLine(event)}`);
      case 'proposal':
        return;
      case 'receipt':
        return this.link.receipt(event.id, event.unreadable === true ? mailboxOf(event.by) : undefined);
      case 'invitation-unopened':
        return this.link.say(`! ${label(this.service.metaOf(event.group), me.name)}${event.by} could not open its invitation: that device is not in the conversation`);
    }
  }
}

/** The operators among a group's devices, each once. */
function names(devices: readonly DeviceRef[]): string[] {
  return [...new Set(devices.map((d) => d.name))].sort();
}

/** `#ops ` for a group, nothing for a direct conversation (its lines read as today's). */
function where(meta: GroupMeta, _me: string): string {
  return meta.kind === 'group' ? `#${visibleText(meta.name)} ` : '';
}

function label(meta: GroupMeta | undefined, me: string): string {
  if (meta === undefined) return '';
  if (meta.kind === 'group') return `#${visibleText(meta.name)} `;
  return `(with ${meta.name.split(',').filter((n) => n !== me).join(', ') || 'yourself'}) `;
}

function messageId(): string {
  return Array.from(randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
}
