import type { DeviceActions } from './devices-panel.ts';
import { DevicesPanel } from './devices-panel.ts';
import type { Conversation, Entry } from './direct-messages.ts';
import { el, shown } from './dom.ts';
import type { GroupActions } from './group-controls.ts';
import { GroupControls } from './group-controls.ts';
import { keysNotice } from './keys-notice.ts';
import { nameForm } from './name-form.ts';
import type { TrustActions } from './trust-panel.ts';
import { TrustPanel } from './trust-panel.ts';

export interface ChatActions {
  say(conversation: Conversation, text: string): void;
  logOut(): void;
  /** A new group, with this operator's devices in it. */
  create(name: string): Promise<Conversation>;
  readonly groups: GroupActions;
  readonly trust: TrustActions;
  readonly devices: DeviceActions;
}

/**
 * The app's layout: the conversation list (`aria-label="Conversations"`), the open
 * conversation, the message input (`aria-label="Message"`), and a polite live region that
 * announces each new message. Everything is a native control, so the keyboard reaches all of it.
 */
export class ChatView {
  readonly root: HTMLElement;
  readonly devices: DevicesPanel;
  private readonly list = el('ul', { 'aria-label': 'Conversations' });
  private readonly title = el('h2', { id: 'conversation-title' }, 'No conversation open');
  private readonly members = el('p', { class: 'members' });
  private readonly trust: TrustPanel;
  private readonly groupControls: GroupControls;
  private readonly messages = el('ol', { class: 'messages', 'aria-labelledby': 'conversation-title' });
  private readonly input = el('textarea', { 'aria-label': 'Message', rows: '2', disabled: '' });
  private readonly send = el('button', { type: 'submit', disabled: '' }, 'Send');
  private readonly announcer = el('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
  private readonly status = el('p', { class: 'status', role: 'status' });
  private readonly rows = new Map<Entry, HTMLLIElement>();
  private current: Conversation | undefined;

  constructor(private readonly me: string, private readonly actions: ChatActions, private readonly conversations: () => Iterable<Conversation>, open: (peer: string) => Conversation | Promise<Conversation>) {
    const start = nameForm('peer', 'Write to (a name)', 'Open', ([name]) => void this.opening(() => open(name!)));
    const create = nameForm('group-name', 'New group (a name)', 'Create group', ([name]) => void this.opening(() => actions.create(name!)));
    this.trust = new TrustPanel(me, actions.trust, (blocked) => this.block(blocked));
    this.groupControls = new GroupControls(actions.groups, (text) => this.say(text), (conversation) => {
      if (conversation === this.current) this.members.textContent = membersText(conversation);
    }, (conversation) => this.closed(conversation));
    this.devices = new DevicesPanel(actions.devices);
    const composer = el('form', { class: 'composer' }, this.input, this.send);
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sendInput();
    });
    // Enter sends, as in the terminal; Shift+Enter starts a new line.
    this.input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      void this.sendInput();
    });
    const logOut = el('button', { type: 'button' }, 'Log out');
    logOut.addEventListener('click', () => actions.logOut());
    this.root = el('div', { class: 'chat' },
      el('header', {}, el('h1', {}, 'Litsxg'), el('span', {}, `Signed in as ${shown(me)}`), this.status, logOut),
      el('nav', { 'aria-labelledby': 'conversations-title' }, el('h2', { id: 'conversations-title' }, 'Conversations'), this.list, start, create, this.devices.root,
        el('details', {}, el('summary', {}, 'What this browser keeps'), keysNotice())),
      el('main', { class: 'conversation' }, this.title, this.members, this.trust.root, this.groupControls.root, this.messages, composer, this.announcer));
  }

  /** A conversation changed: a new entry is shown (and announced when someone else wrote it), or a delivery state. */
  changed(conversation: Conversation, entry: Entry | undefined, isNew: boolean): void {
    if (entry === undefined) return this.renderList();
    if (isNew && entry.from !== this.me && entry.from !== '') {
      this.announcer.textContent = `New message from ${shown(entry.from)}: ${shown(entry.body)}`;
      if (conversation !== this.current) conversation.unread += 1;
    }
    if (conversation === this.current) {
      // A membership change (a note) may come with it.
      this.members.textContent = membersText(conversation);
      const row = this.rows.get(entry);
      if (row === undefined) this.append(entry);
      else row.replaceWith(this.row(entry));
    }
    this.renderList();
  }

  /** Someone was put on hold (docs/protocol.md "Holds"): the open conversation is checked again. */
  holdsChanged(): void {
    void this.trust.check().catch(() => undefined);
  }

  /** A line in the header: how the session stands ("conversations ready"). */
  say(text: string): void {
    this.status.textContent = text;
  }

  /** Logged in again: the open conversation can be written to again, once its keys are checked. */
  reconnected(text: string): void {
    this.status.textContent = text;
    if (this.current !== undefined) this.trust.open(this.current);
  }

  disconnected(reason: string): void {
    this.status.textContent = reason;
    this.input.disabled = true;
    this.send.disabled = true;
  }

  private show(conversation: Conversation): void {
    this.current = conversation;
    conversation.unread = 0;
    const title = conversation.title ?? conversation.peer;
    this.title.textContent = title.startsWith('#') ? `Group ${shown(title)}` : `Conversation with ${shown(title)}`;
    this.members.textContent = membersText(conversation);
    this.groupControls.open(conversation);
    this.rows.clear();
    this.messages.replaceChildren();
    for (const entry of conversation.entries) this.append(entry);
    this.trust.open(conversation);
    this.renderList();
  }

  /** A changed key holds what is typed (trust-panel.ts): nothing goes until it is trusted. */
  private block(blocked: boolean): void {
    const off = blocked || this.current === undefined;
    this.input.disabled = off;
    this.send.disabled = off;
  }

  /** The conversation is gone from this device (left): nothing is open any more. */
  private closed(conversation: Conversation): void {
    if (conversation === this.current) {
      this.current = undefined;
      this.title.textContent = 'No conversation open';
      this.members.textContent = '';
      this.messages.replaceChildren();
      this.groupControls.open(undefined);
      this.block(true);
    }
    this.renderList();
  }

  /** Checked against the pins first, as the terminal does before each send; a text held stays in the input. */
  private async sendInput(): Promise<void> {
    const conversation = this.current;
    if (conversation === undefined || this.input.value.trim() === '' || this.input.disabled) return;
    // The typed text stays in the input until it goes: a failed key check loses nothing.
    const trusted = await this.trust.check().catch((error: unknown) => {
      this.status.textContent = `could not check the members' keys: ${(error as Error).message}`;
      return false;
    });
    if (!trusted || conversation !== this.current) return;
    const text = this.input.value;
    this.input.value = '';
    this.actions.say(conversation, text);
  }

  /** Opens what `make` resolves to (a direct conversation made on MLS takes a moment), or says why not. */
  private async opening(make: () => Conversation | Promise<Conversation>): Promise<void> {
    try {
      this.show(await make());
      this.input.focus();
    } catch (error) {
      this.status.textContent = (error as Error).message;
    }
  }

  private append(entry: Entry): void {
    const row = this.row(entry);
    this.messages.append(row);
    row.scrollIntoView({ block: 'nearest' });
  }

  private row(entry: Entry): HTMLLIElement {
    const time = new Date(entry.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const row = entry.from === ''
      ? el('li', { class: 'note' }, el('span', { class: 'meta' }, time), el('span', { class: 'body' }, shown(entry.body)))
      : el('li', {}, el('span', { class: 'meta' }, `${time} ${shown(entry.from)}`), el('span', { class: 'body' }, shown(entry.body)));
    if (entry.delivery !== undefined) row.append(el('span', { class: 'state' }, deliveryText(entry)));
    this.rows.set(entry, row);
    return row;
  }

  private renderList(): void {
    const items = [...this.conversations()].map((conversation) => {
      const name = shown(conversation.title ?? conversation.peer);
      const label = conversation.unread > 0 ? `${name} (${conversation.unread} unread)` : name;
      const button = el('button', { type: 'button', ...(conversation === this.current ? { 'aria-current': 'true' } : {}) }, label);
      button.addEventListener('click', () => {
        this.show(conversation);
        this.input.focus();
      });
      return el('li', {}, button);
    });
    this.list.replaceChildren(...items);
  }
}

function membersText(conversation: Conversation): string {
  return conversation.members === undefined ? '' : `Members: ${shown(conversation.members) || 'only you'}`;
}

function deliveryText({ delivery, unopened, resent }: Entry): string {
  const sent = typeof delivery === 'string' ? delivery : `not sent: ${shown(delivery!.refused)}`;
  const state = resent === true && delivery !== 'received' && typeof delivery === 'string' ? `re-sent after the server restarted: ${sent}` : sent;
  // docs/protocol.md "Unreadable copies": a device that acknowledged its copy without opening it.
  return unopened === undefined ? state : `${state}; ${unopened.map(shown).join(', ')} could not open it`;
}
