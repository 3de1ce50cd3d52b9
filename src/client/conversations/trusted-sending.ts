import { fromBase64 } from '../e2e/base64.ts';
import { ConversationError } from './conversation-events.ts';
import type { ConversationService } from './conversation-service.ts';
import { verifyCertificate } from './device-credential.ts';
import type { ServerFrame } from './frame-link.ts';
import type { Requests } from './requests.ts';
import type { HeldText } from './held-texts.ts';

/** How long an identity checked with the relay is taken as current before a send asks again. */
const CHECK_MS = 60_000;

/** The relay's answer for a text, and the conversation it went to. */
type Sent = Awaited<ReturnType<ConversationService['say']>> & { readonly group: string };

/** A text not sent: someone in its conversation is on hold (the message says who, and what to do). */
export class HeldForTrust extends ConversationError {}

/** A held text, sent after `/trust`: to whom, and the relay's answer or why it still did not go. */
export interface Released {
  readonly to: string;
  readonly outcome: string;
}

/**
 * What the person sends, through the holds (docs/protocol.md "MLS in the clients", "Holds"): a
 * text to a conversation with someone on hold is kept unsent, and goes once `/trust` releases it.
 * The identities of a conversation's people are checked with the relay before a send, at most
 * once a minute each (at once for a conversation about to be made).
 */
export class TrustedSending {
  constructor(private readonly service: ConversationService, private readonly requests: Requests) {}

  async say(group: string, text: string, id: string): Promise<Sent> {
    const names = this.service.members(group).map((m) => m.name);
    await this.service.holds.check(names, CHECK_MS);
    await this.holdIf({ to: { group }, text, id, names });
    return { ...(await this.service.say(group, text, id)), group };
  }

  /** To `name`'s direct conversation, made if there is none. */
  async sayTo(name: string, text: string, id: string): Promise<Sent> {
    await this.service.holds.check([name], this.service.findDirect(name) === undefined ? 0 : CHECK_MS);
    await this.holdIf({ to: { name }, text, id, names: [name] });
    return this.say(await this.service.direct(name), text, id);
  }

  /**
   * `/trust NAME` pinned NAME's identity as `/verify` showed it: NAME's devices it certifies are
   * taken, what NAME sent is processed, NAME's devices of a former identity are replaced in every
   * conversation, and the texts held for NAME go.
   */
  async trusted(name: string): Promise<Released[]> {
    const devices = await this.certifiedDevices(name);
    this.service.holds.trusted(name, devices);
    await this.service.replayHeld();
    await this.service.renew(name, devices);
    const released: Released[] = [];
    for (const held of await this.service.holds.takeTexts()) {
      const to = 'name' in held.to ? held.to.name : this.label(held.to.group);
      try {
        const sent = 'name' in held.to ? await this.sayTo(held.to.name, held.text, held.id) : await this.say(held.to.group, held.text, held.id);
        released.push({ to, outcome: sent.status });
      } catch (error) {
        // Held again (someone else in it is on hold) is kept anew; otherwise it is said, and gone.
        released.push({ to, outcome: `not sent (${(error as Error).message})` });
      }
      await this.service.holds.textSent(held);
    }
    return released;
  }

  /** `#ops`, or a direct conversation's other person. */
  private label(group: string): string {
    const meta = this.service.metaOf(group);
    if (meta?.kind === 'group') return `#${meta.name}`;
    return meta?.name.split(',').filter((n) => n !== this.service.me.name).join(',') || this.service.me.name;
  }

  /** The devices of `name` its pinned identity certifies, as the relay lists them. */
  private async certifiedDevices(name: string): Promise<string[]> {
    const identity = this.service.holds.pin(name)?.identity;
    if (identity === undefined) return [];
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'devices' }>>({ op: 'fetch_devices', name });
    return answer.devices.flatMap((d) => {
      const signing = fromBase64(d.signing, 32);
      const listed = (d as { certificate?: unknown }).certificate;
      const certificate = typeof listed === 'string' ? fromBase64(listed, 64) : undefined;
      return signing !== undefined && certificate !== undefined && verifyCertificate(identity, name, d.device, signing, certificate) ? [d.device] : [];
    });
  }

  private async holdIf(text: HeldText): Promise<void> {
    const holds = this.service.holds;
    const holding = holds.holding(text.names);
    if (holding.length === 0) return;
    await holds.holdText(text);
    const why = holding.map((n) => (holds.identityChanged(n) ? `${n}'s safety number changed` : `${n} has a new device`)).join(', ');
    const verify = holding.map((n) => `/verify ${n}`).join(', ');
    const trust = holding.map((n) => `/trust ${n}`).join(', ');
    throw new HeldForTrust(`${why}: held, not sent. Compare safety numbers (${verify}), then ${trust} to send`);
  }
}
