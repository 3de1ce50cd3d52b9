import { randomBytes } from '@noble/hashes/utils.js';
import type { ConversationService } from '../conversations/conversation-service.ts';
import type { ServiceEvent } from '../conversations/service-event.ts';
import { missedChangeLine } from '../conversations/missed-changes.ts';
import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { DeviceRef } from '../conversations/device-credential.ts';
import { mailboxOf } from '../conversations/device-credential.ts';
import type { GroupMeta } from '../conversations/group-meta.ts';
import { membershipLines } from '../conversations/membership-lines.ts';
import { LinkLost } from '../conversations/requests.ts';
import { nameOf } from '../conversations/trust-holds.ts';
import type { Conversation, Entry } from './direct-messages.ts';
import { unopened } from './direct-messages.ts';

/**
 * The app's MLS conversations (docs/client.md § The web client), from the shared ConversationService:
 * direct conversations and groups by group id, their members, texts in and out with what became
 * of them (queued, delivered, received), and membership changes as notes. The relay sees none.
 */
export class MlsConversations {
  readonly conversations = new Map<string, Conversation>();
  private readonly byId = new Map<string, Entry>();
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly service: ConversationService,
    private readonly changed: (conversation: Conversation, entry: Entry | undefined, isNew: boolean) => void,
    private readonly refused: (text: string) => void = () => undefined,
    /** Where each conversation's last texts are kept (the sealed store), so a reload shows them again. */
    private readonly history?: ConversationStore,
    /** Someone was put on hold: the open conversation's input may have to wait for Trust. */
    private readonly holdsChanged: () => void = () => undefined,
  ) {}

  /** Every conversation, with the texts kept of it: before any delivery is shown. */
  async load(): Promise<void> {
    for (const { group } of this.service.list()) {
      const conversation = this.conversation(group);
      const kept = await this.history?.get(HISTORY + group);
      if (kept === undefined) continue;
      const entries = JSON.parse(new TextDecoder().decode(kept)) as Entry[];
      conversation.entries.unshift(...entries);
      for (const entry of entries) if (entry.id !== undefined) this.byId.set(entry.id, entry);
    }
  }

  /** Every conversation the service has, each listed (after a login, and after one is made). */
  sync(): void {
    for (const { group } of this.service.list()) this.changed(this.conversation(group), undefined, false);
  }

  async direct(name: string): Promise<Conversation> {
    const group = await this.service.direct(name);
    return this.conversation(group);
  }

  async createGroup(name: string): Promise<Conversation> {
    if (this.service.findGroup(name) !== undefined) throw new Error(`#${name} exists already`);
    return this.conversation(await this.service.createGroup(name));
  }

  async invite(conversation: Conversation, names: readonly string[]): Promise<void> {
    await this.service.invite(conversation.peer, names);
    this.refreshMembers(conversation);
  }

  /** Takes an operator (every device of theirs) out of the group. */
  async remove(conversation: Conversation, name: string): Promise<void> {
    await this.service.remove(conversation.peer, name);
    this.refreshMembers(conversation);
  }

  /** Leaves the group: this device forgets it, and its texts kept here (see ConversationService.leave). */
  async leave(conversation: Conversation): Promise<void> {
    await this.service.leave(conversation.peer);
    this.conversations.delete(conversation.peer);
    this.saving = this.saving.then(() => this.history?.delete(HISTORY + conversation.peer)).catch(() => undefined);
  }

  /** The operators but us in an MLS conversation: whose pinned keys its texts go to. */
  others(conversation: Conversation): string[] | undefined {
    if (!this.conversations.has(conversation.peer)) return undefined;
    try {
      return names(this.service.members(conversation.peer), this.service.me.name);
    } catch {
      return [];
    }
  }

  /** A text in the conversation, on MLS (`service.say`); its state follows the relay's answer and the receipts. */
  async say(conversation: Conversation, text: string): Promise<void> {
    const entry: Entry = { from: this.service.me.name, body: text, ts: Date.now(), delivery: 'sending', messageId: messageId() };
    conversation.entries.push(entry);
    this.emit(conversation, entry, true);
    try {
      this.sent(entry, await this.service.say(conversation.peer, text, entry.messageId!));
    } catch (error) {
      entry.delivery = { refused: (error as Error).message };
    }
    this.emit(conversation, entry, false);
  }

  /**
   * The server restarted and may have lost them (docs/protocol.md "Restarts"): every text of ours
   * kept without a receipt goes again, oldest first, under its message id through `send` (the
   * holds', encrypting afresh). A connection lost meanwhile ends the round (LinkLost): the next login goes on.
   */
  async resendUnreceived(send: (group: string, text: string, id: string) => Promise<Sent>): Promise<void> {
    const unreceived = [...this.conversations.values()]
      .flatMap((conversation) => conversation.entries.filter((e) => e.messageId !== undefined && UNRECEIVED.includes(e.delivery)).map((entry) => ({ conversation, entry })))
      .sort((a, b) => a.entry.ts - b.entry.ts);
    for (const { conversation, entry } of unreceived) {
      try {
        this.sent(entry, await send(conversation.peer, entry.body, entry.messageId!));
        entry.resent = true;
      } catch (error) {
        if (error instanceof LinkLost) throw error;
        entry.delivery = { refused: `lost when the server restarted, and could not be re-sent (${(error as Error).message})` };
      }
      this.emit(conversation, entry, false);
    }
  }

  onEvent(event: ServiceEvent): void {
    switch (event.kind) {
      case 'text': {
        const conversation = this.conversation(event.group, event.meta);
        const mine = event.from.name === this.service.me.name ? ' (your other device)' : event.newDevice === true ? ` (new device ${event.from.device}, not trusted yet)` : '';
        const entry: Entry = { from: `${event.from.name}${mine}`, body: event.text, ts: Date.now() };
        conversation.entries.push(entry);
        return this.emit(conversation, entry, true);
      }
      case 'receipt': {
        const entry = this.byId.get(event.id);
        const conversation = this.conversations.get(event.group);
        if (entry === undefined || conversation === undefined) return;
        if (event.unreadable === true) unopened(entry, mailboxOf(event.by));
        else entry.delivery = 'received';
        return this.emit(conversation, entry, false);
      }
      case 'invitation-unopened': {
        const meta = this.service.metaOf(event.group);
        return meta === undefined ? undefined : this.note(event.group, meta, `${event.by} could not open its invitation: that device is not in the conversation`);
      }
      case 'joined':
        return this.note(event.group, event.meta, `you are in, with ${names(event.members, this.service.me.name).join(', ') || 'nobody else yet'}`);
      case 'membership':
        return this.note(event.group, event.meta, membershipLines(event).join('; '));
      case 'left':
        return this.note(event.group, event.meta, event.by === undefined ? 'you are no longer a member' : `${event.by.name} removed you`);
      case 'refused':
        // As the terminal says it: a message that did not open, or whose sender's device is not certified by the key pinned for them.
        return this.refused(`A message from ${event.from} was not shown: ${event.reason}`);
      case 'missed':
        return this.note(event.group, event.meta, missedChangeLine(event));
      case 'identity-changed':
        return this.held(event.name, `${event.name}'s devices were reset: ${event.name} has a new safety number. Messages to and from ${event.name} are held until you Verify ${event.name}'s new key and Trust it.`);
      case 'new-device':
        return this.held(event.name, `${event.name} added a new device ${event.device}: messages to ${event.name} are held until you Verify ${event.name} and Trust.`);
      case 'held':
        return this.held(nameOf(event.from), event.names.length === 0 ? `A message from ${event.from} waits behind a held one of its conversation.`
          : `A message from ${event.from} is held, not shown, until you Verify ${event.names.join(', ')} and Trust.`);
      case 'proposal':
        return;
    }
  }

  /** What waits for Trust (docs/protocol.md "Holds"), said in every conversation with `name` (else in the status line). */
  private held(name: string, text: string): void {
    const shared = this.service.list().filter((g) => g.members.some((m) => m.name === name));
    if (shared.length === 0) this.refused(text);
    for (const { group, meta } of shared) this.note(group, meta, text);
    this.holdsChanged();
  }

  private sent(entry: Entry, sent: Sent): void {
    entry.delivery = sent.status;
    if (sent.id === undefined) return;
    entry.id = sent.id;
    this.byId.set(sent.id, entry);
  }

  private emit(conversation: Conversation, entry: Entry, isNew: boolean): void {
    this.changed(conversation, entry, isNew);
    if (this.history === undefined) return;
    const kept = new TextEncoder().encode(JSON.stringify(conversation.entries.slice(-HISTORY_KEPT)));
    this.saving = this.saving.then(() => this.history!.put(HISTORY + conversation.peer, kept)).catch(() => undefined);
  }

  private note(group: string, meta: GroupMeta, text: string): void {
    const conversation = this.conversation(group, meta);
    this.refreshMembers(conversation);
    // A commit that changed nobody (the one founding a group of this device alone) is no news.
    if (text === '') return this.changed(conversation, undefined, false);
    const entry: Entry = { from: '', body: text, ts: Date.now() };
    conversation.entries.push(entry);
    this.emit(conversation, entry, false);
  }

  private conversation(group: string, meta = this.service.metaOf(group)): Conversation {
    let conversation = this.conversations.get(group);
    if (conversation === undefined) {
      const me = this.service.me.name;
      const title = meta === undefined ? 'conversation' : meta.kind === 'group' ? `#${meta.name}` : meta.name.split(',').filter((n) => n !== me).join(', ') || me;
      conversation = { peer: group, title, entries: [], unread: 0, members: '' };
      this.conversations.set(group, conversation);
      this.refreshMembers(conversation);
      this.changed(conversation, undefined, false);
    }
    return conversation;
  }

  private refreshMembers(conversation: Conversation): void {
    try {
      conversation.members = names(this.service.members(conversation.peer), '').join(', ');
    } catch {
      // Left: the last members stay shown.
    }
  }
}

const HISTORY = 'history/';
/** Ours without a receipt: the server may have lost them in a restart. */
const UNRECEIVED: readonly (Entry['delivery'])[] = ['sending', 'queued', 'delivered'];
type Sent = Awaited<ReturnType<ConversationService['say']>>;
/** Texts kept per conversation: a reload shows the last ones. */
const HISTORY_KEPT = 200;

/** The operators among a group's devices, each once, but `me`. */
function names(devices: readonly DeviceRef[], me: string): string[] {
  return [...new Set(devices.map((d) => d.name))].filter((n) => n !== me).sort();
}

function messageId(): string {
  return Array.from(randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
}
