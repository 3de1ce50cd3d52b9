import type { PublicIdentity } from '../../domain/identity-keys.ts';
import type { Verification } from '../trust/key-trust.ts';
import type { Trustable } from '../trust/shown-keys.ts';
import type { Conversation } from './direct-messages.ts';
import { el, shown } from './dom.ts';

/** The terminal's `/verify` and `/trust` (trust/key-trust.ts), on this browser's pins. */
export interface TrustActions {
  /** The operators but us whose keys the conversation's texts go to; undefined for a plain conversation. */
  others(conversation: Conversation): readonly string[] | undefined;
  /**
   * Why what goes to `name` waits for Trust, asked of the relay as the terminal's holds ask it
   * (docs/protocol.md "Holds"): their identity is not the one pinned (`key`), or, verified, they
   * show a device Trust has not taken (`device`); undefined when nothing waits.
   */
  held(name: string): Promise<'key' | 'device' | undefined>;
  verify(name: string): Promise<Verification>;
  trust(name: string): Promise<Trustable<PublicIdentity>>;
}

/**
 * A conversation's safety number and trust warning. As in the terminal, a changed key, or a
 * verified member's new device, holds what is sent: while any member's key is not the one pinned
 * (or one has a device not taken), `blocked` is told so (the input and the Send button are
 * disabled) until the person compares the number Verify shows and presses Trust, which pins
 * exactly that key (with the devices it certifies).
 */
export class TrustPanel {
  readonly root: HTMLElement;
  private readonly warning = el('p', { class: 'warning', role: 'alert', hidden: '' });
  private readonly verifyButton = el('button', { type: 'button', id: 'verify', hidden: '' }, 'Verify (safety number)');
  private readonly trustButton = el('button', { type: 'button', id: 'trust', hidden: '' }, 'Trust this key');
  private readonly safety = el('p', { class: 'safety', role: 'status' });
  private conversation: Conversation | undefined;
  /** Whose key Verify and Trust are about: the one on hold, else a direct conversation's other operator. */
  private subject: string | undefined;
  /** Why the subject is on hold, if it is. */
  private held: 'key' | 'device' | undefined;

  constructor(private readonly me: string, private readonly actions: TrustActions, private readonly blocked: (blocked: boolean) => void) {
    this.verifyButton.addEventListener('click', () => void this.verify());
    this.trustButton.addEventListener('click', () => void this.trust());
    this.root = el('div', { class: 'trust' }, this.warning, el('div', { class: 'buttons' }, this.verifyButton, this.trustButton), this.safety);
  }

  /** A conversation opened: its keys are checked against the pins. */
  open(conversation: Conversation): void {
    this.conversation = conversation;
    const others = this.actions.others(conversation);
    this.subject = others?.length === 1 && !conversation.title?.startsWith('#') ? others[0] : undefined;
    this.warning.hidden = true;
    this.safety.textContent = '';
    this.trustButton.hidden = true;
    this.verifyButton.hidden = this.subject === undefined;
    this.held = undefined;
    this.blocked(false);
    void this.check();
  }

  /** Whether no member is on hold: false (and the conversation blocked) when one is. */
  async check(): Promise<boolean> {
    const conversation = this.conversation;
    if (conversation === undefined) return false;
    for (const name of this.actions.others(conversation) ?? []) {
      const held = await this.actions.held(name);
      if (held === undefined) continue;
      if (conversation !== this.conversation) return false;
      // A new hold: what the panel said before (`…pinned as verified`) is no longer so.
      if (this.warning.hidden) this.safety.textContent = '';
      this.subject = name;
      this.held = held;
      const changed = held === 'key';
      const who = shown(name);
      this.warning.textContent = changed
        ? `${who}'s key has changed since it was pinned: nothing is sent in this conversation until you compare safety numbers with ${who} (Verify), out of band, and then Trust the new key.`
        : `${who} has a new device you have not trusted: nothing is sent in this conversation until you Verify ${who} and Trust.`;
      this.warning.hidden = false;
      this.verifyButton.hidden = false;
      this.verifyButton.textContent = changed ? `Verify ${who}'s new key` : `Verify ${who}`;
      this.blocked(true);
      return false;
    }
    return true;
  }

  private async verify(): Promise<void> {
    const name = this.subject;
    if (name === undefined) return;
    const who = shown(name);
    const verification = await this.actions.verify(name).catch((error: Error) => ({ ok: false as const, reason: error.message }));
    if (name !== this.subject) return;
    if (!verification.ok) {
      this.safety.textContent = `Cannot verify ${who}: ${verification.reason}`;
      return;
    }
    const { number, pin, newKey } = verification;
    const which = newKey ? ` (${who}'s NEW key, not the one pinned)` : '';
    const verified = pin.verified && !newKey && this.held !== 'device';
    const compare = pin.verified && !newKey ? `${who} is verified, and has a new device: Trust to send to it.` : `Compare it with ${who}'s, out of band (in the terminal: /verify ${shown(this.me)}); if equal, Trust.`;
    this.safety.textContent = `Safety number with ${who}${which}: ${number}. ${verified ? `${who} is verified.` : compare}`;
    this.trustButton.textContent = `Trust ${who}'s key`;
    this.trustButton.hidden = verified;
  }

  private async trust(): Promise<void> {
    const name = this.subject;
    if (name === undefined) return;
    const who = shown(name);
    const trusted = await this.actions.trust(name);
    if (name !== this.subject) return;
    if (!trusted.ok) {
      this.safety.textContent = trusted.reason === 'not_shown'
        ? `Nothing trusted: Verify first, compare the number with ${who}, then Trust.`
        : `Nothing trusted: ${who}'s key has changed since Verify showed it. Verify again and compare the new number.`;
      return;
    }
    this.safety.textContent = `${who}'s key is pinned as verified.`;
    this.trustButton.hidden = true;
    this.warning.hidden = true;
    this.held = undefined;
    if (await this.check()) this.blocked(false);
  }
}
