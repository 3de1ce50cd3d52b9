import type { Conversation, Delivery, Entry } from './direct-messages.ts';
import { el, shown } from './dom.ts';
import { keysNotice } from './keys-notice.ts';

export interface ChatActions {
  say(conversation: Conversation, text: string): void;
  logOut(): void;
  /** On MLS (a device): groups, made and joined by invitation. */
  readonly groups?: {
    create(name: string): Promise<Conversation>;
    invite(conversation: Conversation, names: readonly string[]): Promise<void>;
    /** The safety number with a direct conversation's other operator; undefined for a group or a plain conversation. */
    verify(conversation: Conversation): (() => Promise<string>) | undefined;
  };
}

/**
 * The app's layout: the conversation list (`aria-label="Conversations"`), the open
 * conversation, the message input (`aria-label="Message"`), and a polite live region that
 * announces each new message. Everything is a native control, so the keyboard reaches all of it.
 */
export class ChatView {
  readonly root: HTMLElement;
  private readonly list = el('ul', { 'aria-label': 'Conversations' });
  private readonly title = el('h2', { id: 'conversation-title' }, 'No conversation open');
  private readonly members = el('p', { class: 'members' });
  private readonly inviting = el('form', { class: 'invite', hidden: '' });
  private readonly verifying = el('button', { type: 'button', hidden: '' }, 'Verify (safety number)');
  private readonly safety = el('p', { class: 'safety', role: 'status' });
  private readonly messages = el('ol', { class: 'messages', 'aria-labelledby': 'conversation-title' });
  private readonly input = el('textarea', { 'aria-label': 'Message', rows: '2', disabled: '' });
  private readonly announcer = el('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
  private readonly status = el('p', { class: 'status', role: 'status' });
  private readonly rows = new Map<Entry, HTMLLIElement>();
  private current: Conversation | undefined;

  constructor(private readonly me: string, private readonly actions: ChatActions, private readonly conversations: () => Iterable<Conversation>, open: (peer: string) => Conversation | Promise<Conversation>) {
    const peer = el('input', { id: 'peer', autocapitalize: 'none', spellcheck: 'false', required: '' });
    const start = el('form', {}, el('label', { for: 'peer' }, 'Write to (a name)'), peer, el('button', { type: 'submit' }, 'Open'));
    start.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = peer.value.trim().toLowerCase();
      if (name === '') return;
      peer.value = '';
      void this.opening(() => open(name));
    });
    const groupControls: HTMLElement[] = [];
    const { groups } = actions;
    if (groups !== undefined) {
      const groupName = el('input', { id: 'group-name', autocapitalize: 'none', spellcheck: 'false', required: '' });
      const create = el('form', {}, el('label', { for: 'group-name' }, 'New group (a name)'), groupName, el('button', { type: 'submit' }, 'Create group'));
      create.addEventListener('submit', (event) => {
        event.preventDefault();
        const name = groupName.value.trim().toLowerCase();
        if (name === '') return;
        groupName.value = '';
        void this.opening(() => groups.create(name));
      });
      groupControls.push(create);
      this.verifying.addEventListener('click', () => {
        const conversation = this.current;
        const number = conversation === undefined ? undefined : groups.verify(conversation);
        if (number === undefined) return;
        number().then((digits) => {
          const other = shown(conversation!.title ?? conversation!.peer);
          this.safety.textContent = `Safety number with ${other}: ${digits}. Compare it with ${other}'s, out of band (in the terminal: /verify ${shown(me)}).`;
        }, (error: Error) => {
          this.safety.textContent = `Cannot verify: ${error.message}`;
        });
      });
      const invitees = el('input', { id: 'invitees', autocapitalize: 'none', spellcheck: 'false', required: '' });
      this.inviting.append(el('label', { for: 'invitees' }, 'Invite (names, separated by commas)'), invitees, el('button', { type: 'submit' }, 'Invite'));
      this.inviting.addEventListener('submit', (event) => {
        event.preventDefault();
        const names = invitees.value.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
        const conversation = this.current;
        if (names.length === 0 || conversation === undefined) return;
        invitees.value = '';
        this.status.textContent = `Inviting ${names.join(', ')}…`;
        groups.invite(conversation, names).then(() => {
          this.status.textContent = '';
          if (conversation === this.current) this.members.textContent = membersText(conversation);
        }, (error: Error) => {
          this.status.textContent = `Could not invite: ${error.message}`;
        });
      });
    }
    const send = el('button', { type: 'submit' }, 'Send');
    const composer = el('form', { class: 'composer' }, this.input, send);
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendInput();
    });
    // Enter sends, as in the terminal; Shift+Enter starts a new line.
    this.input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      this.sendInput();
    });
    const logOut = el('button', { type: 'button' }, 'Log out');
    logOut.addEventListener('click', () => actions.logOut());
    this.root = el('div', { class: 'chat' },
      el('header', {}, el('h1', {}, 'Litsxg'), el('span', {}, `Signed in as ${shown(me)}`), this.status, logOut),
      el('nav', { 'aria-labelledby': 'conversations-title' }, el('h2', { id: 'conversations-title' }, 'Conversations'), this.list, start, ...groupControls,
        el('details', {}, el('summary', {}, 'What this browser keeps'), keysNotice())),
      el('main', { class: 'conversation' }, this.title, this.members, this.verifying, this.safety, this.inviting, this.messages, composer, this.announcer));
  }

  /** A conversation changed: a new entry is shown (and announced when someone else wrote it), or a delivery state. */
  changed(conversation: Conversation, entry: Entry | undefined, isNew: boolean): void {
    if (entry === undefined) return this.renderList();
    if (isNew && entry.from !== this.me && entry.from !== '') {
      this.announcer.textContent = `New message from ${shown(entry.from)}: ${shown(entry.body)}`;
      if (conversation !== this.current) conversation.unread += 1;
    }
    if (conversation === this.current) {
      const row = this.rows.get(entry);
      if (row === undefined) this.append(entry);
      else row.replaceWith(this.row(entry));
    }
    this.renderList();
  }

  /** A line in the header: how the session stands ("conversations ready"). */
  say(text: string): void {
    this.status.textContent = text;
  }

  disconnected(reason: string): void {
    this.status.textContent = reason;
    this.input.disabled = true;
  }

  private show(conversation: Conversation): void {
    this.current = conversation;
    conversation.unread = 0;
    const title = conversation.title ?? conversation.peer;
    this.title.textContent = title.startsWith('#') ? `Group ${shown(title)}` : `Conversation with ${shown(title)}`;
    this.members.textContent = membersText(conversation);
    this.inviting.hidden = this.actions.groups === undefined || !title.startsWith('#');
    this.verifying.hidden = this.actions.groups?.verify(conversation) === undefined;
    this.safety.textContent = '';
    this.rows.clear();
    this.messages.replaceChildren();
    for (const entry of conversation.entries) this.append(entry);
    this.input.disabled = false;
    this.renderList();
  }

  private sendInput(): void {
    const text = this.input.value;
    if (this.current === undefined || text.trim() === '') return;
    this.input.value = '';
    this.actions.say(this.current, text);
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
    if (entry.delivery !== undefined) row.append(el('span', { class: 'state' }, deliveryText(entry.delivery)));
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

function deliveryText(delivery: Delivery): string {
  return typeof delivery === 'string' ? delivery : `not sent: ${shown(delivery.refused)}`;
}
