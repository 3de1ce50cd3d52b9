import type { Conversation } from './direct-messages.ts';
import { el } from './dom.ts';
import { nameForm } from './name-form.ts';

/** What a group's members can do to it (docs/client.md § Direct conversations and groups: /invite, /remove, /leave). */
export interface GroupActions {
  invite(conversation: Conversation, names: readonly string[]): Promise<void>;
  remove(conversation: Conversation, name: string): Promise<void>;
  leave(conversation: Conversation): Promise<void>;
}

/** The open group's controls: invite people, remove one, leave it. Each says what it does, and what went wrong. */
export class GroupControls {
  readonly root: HTMLElement;
  private conversation: Conversation | undefined;

  constructor(actions: GroupActions, say: (text: string) => void, changed: (conversation: Conversation) => void, left: (conversation: Conversation) => void) {
    const run = (doing: string, failed: string, action: (conversation: Conversation) => Promise<void>) => {
      const conversation = this.conversation;
      if (conversation === undefined) return;
      say(doing);
      action(conversation).then(() => {
        say('');
        changed(conversation);
      }, (error: Error) => say(`${failed}: ${error.message}`));
    };
    const invite = nameForm('invitees', 'Invite (names, separated by commas)', 'Invite', (names) => run(`Inviting ${names.join(', ')}…`, 'Could not invite', (c) => actions.invite(c, names)), true);
    const remove = nameForm('removed', 'Remove from the group (names, separated by commas)', 'Remove', (names) => run(`Removing ${names.join(', ')}…`, 'Could not remove', async (c) => {
      for (const name of names) await actions.remove(c, name);
    }), true);
    const leave = el('button', { type: 'button', id: 'leave' }, 'Leave this group');
    leave.addEventListener('click', () => {
      const conversation = this.conversation;
      if (conversation === undefined) return;
      actions.leave(conversation).then(() => {
        say(`You left ${conversation.title ?? 'the group'}.`);
        left(conversation);
      }, (error: Error) => say(`Could not leave: ${error.message}`));
    });
    this.root = el('div', { class: 'group-controls', hidden: '' }, invite, remove, leave);
  }

  /** Shown for a group, hidden for a direct conversation. */
  open(conversation: Conversation | undefined): void {
    this.conversation = conversation;
    this.root.hidden = conversation?.title?.startsWith('#') !== true;
  }
}
