import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { InboundFrame, OutboundFrame } from '../../domain/frames.ts';
import type { PublicIdentity } from '../../domain/identity-keys.ts';
import { keyLoginMessage } from '../../domain/identity-keys.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { ENVELOPE_PREFIX, MAX_TEXT_BYTES, open, seal } from './envelope.ts';
import type { KeyAnswer } from './key-requests.ts';
import { KeyRequests } from './key-requests.ts';
import type { KeyStore } from './key-store.ts';
import { KeyTrust, sameIdentity } from '../trust/key-trust.ts';
import { admit } from '../trust/replay-guard.ts';
import type { ContactKeys } from '../conversations/trust-holds.ts';

/** What the end-to-end layer needs of the session it serves. */
export interface E2eLink {
  /** Sends on the current connection, if any. */
  send(frame: InboundFrame): void;
  say(text: string): void;
  /** Shows a message that arrived: `from` as it should be labelled. */
  show(ts: number, from: string, text: string): void;
  /** One of ours (by `ref`) will not be sent: the reason, for the person. */
  refuse(ref: string, reason: string): void;
  /** One of ours (by `ref`) waits for `/trust`: the server will not answer it before. */
  held(ref: string): void;
}

/** What became of a delivery (EndToEnd.receive). */
export type Opened = 'read' | 'unreadable' | 'later';

interface Incoming {
  readonly from: string;
  readonly body: string;
  readonly ts: number;
}

interface Outgoing {
  readonly to: string;
  readonly text: string;
  readonly ref: string;
}

/**
 * The client's end-to-end encryption (docs/protocol.md "Keys", docs/security.md § Security model): key
 * login, publishing, sealing to pinned keys, and opening what arrives. Trust on first use: the
 * first key seen for an operator is pinned; a different one later holds what is sent to them and
 * quarantines what they sign, until `/trust`.
 */
export class EndToEnd {
  private readonly requests: KeyRequests;
  private readonly held: Outgoing[] = [];
  private readonly quarantined: Incoming[] = [];
  private readonly keys: KeyTrust;
  /** Told after `/trust` pinned a name (the MLS conversations release what they held). */
  private onTrusted: (name: string) => void = () => undefined;

  constructor(private readonly store: KeyStore, private readonly me: string, private readonly link: E2eLink) {
    this.requests = new KeyRequests((frame) => link.send(frame));
    this.keys = new KeyTrust(store, { name: me, signing: () => store.identity.public.signing }, (name) => this.requests.fetch(name));
  }

  /** docs/protocol.md "Login by key": only once this identity is published on the server. */
  loginFrame(hello: Extract<OutboundFrame, { op: 'hello' }>): InboundFrame | undefined {
    // An older server sends none of these: its hello is read as what arrived, not as what is typed.
    const { features, server_id: serverId, challenge } = hello as Partial<typeof hello>;
    if (!this.store.published || !Array.isArray(features) || !(features as string[]).includes('keys')) return undefined;
    if (typeof serverId !== 'string' || typeof challenge !== 'string') return undefined;
    const signature = ed25519.sign(utf8ToBytes(keyLoginMessage(serverId, challenge, this.me)), this.store.identity.signingSecret);
    return { op: 'auth_key', name: this.me, signature: toBase64(signature) };
  }

  /** The server no longer knows this identity (revoked, or the password changed): publish it again after a password login. */
  keyLoginRefused(): void {
    this.store.setPublished(false);
  }

  /** After a password login the identity is published (again: the server may have revoked it). */
  welcomed(byKey: boolean): void {
    if (!byKey) this.link.send({ op: 'publish_key', ...this.store.identity.public, ref: 'publish' });
  }

  /** Takes the frames that answer the end-to-end layer; false for any other. */
  onFrame(frame: Extract<OutboundFrame, { op: 'key' | 'key_published' | 'error' }>): boolean {
    if (frame.op === 'key_published' || (frame.op === 'error' && frame.ref === 'publish')) {
      if (frame.op === 'key_published') this.store.setPublished(true);
      else this.link.say(`could not publish this client's key (${frame.code}); messages to you cannot be encrypted yet`);
      return true;
    }
    return this.requests.answer(frame);
  }

  connectionLost(): void {
    this.requests.connectionLost();
  }

  /** Seals `text` to `to`'s pinned key; never sends it in clear. */
  async send(to: string, text: string, ref: string): Promise<void> {
    if (utf8ToBytes(text).length > MAX_TEXT_BYTES) return this.link.refuse(ref, `longer than ${MAX_TEXT_BYTES} bytes of text`);
    const answer = await this.fetch(to);
    if (!answer.ok) return this.link.refuse(ref, whyNoKey(to, answer.reason));
    const pin = this.pinOnFirstUse(to, answer.identity);
    if (!sameIdentity(pin.identity, answer.identity)) {
      this.held.push({ to, text, ref });
      this.link.held(ref);
      return this.link.say(`${to}'s key has changed since it was pinned: held, not sent. Compare safety numbers (/verify ${to}), then /trust ${to} to send`);
    }
    const recipient = { name: to, agreementPublic: fromBase64(pin.identity.agreement, 32)! };
    const body = seal(text, { name: this.me, signingSecret: this.store.identity.signingSecret }, recipient, Date.now());
    this.link.send({ op: 'send', to, body, ref });
  }

  /**
   * Shows what arrived, or why it is not shown: `read` (shown now or before), `unreadable` (not
   * shown: docs/protocol.md "Unreadable copies"), or `later` when it must wait for a new connection.
   */
  async receive(message: Incoming): Promise<Opened> {
    if (!message.body.startsWith(ENVELOPE_PREFIX)) return this.receivePlain(message);
    let pin = this.store.pin(message.from);
    if (pin === undefined) {
      const answer = await this.fetch(message.from);
      if (!answer.ok && answer.reason === 'connection_lost') return 'later';
      if (!answer.ok) {
        this.link.say(`a message from ${message.from} could not be checked (${whyNoKey(message.from, answer.reason)}); not shown`);
        return 'unreadable';
      }
      pin = this.pinOnFirstUse(message.from, answer.identity);
    }
    const { agreementSecret, public: own } = this.store.identity;
    const opened = open(message.body, message.from, fromBase64(pin.identity.signing, 32)!, this.me, agreementSecret, fromBase64(own.agreement, 32));
    if (!opened.ok && opened.reason === 'bad_signature') {
      this.quarantined.push(message);
      this.link.say(`! held a message claiming to be ${message.from}: not signed by their pinned key, not shown. ` +
        `If their key changed, compare safety numbers (/verify ${message.from}), then /trust ${message.from} to read it`);
      return 'unreadable';
    }
    if (!opened.ok) {
      this.link.say(`a message from ${message.from} failed to decrypt (${opened.reason}); not shown`);
      return 'unreadable';
    }
    const { verdict, seen } = admit(this.store.seenEnvelopes, { id: opened.id, sentAt: opened.sentAt }, Date.now());
    // A replay was shown once already: dropped without a word, as a redelivery is.
    if (verdict === 'replayed') return 'read';
    if (verdict !== 'fresh') {
      const when = new Date(opened.sentAt).toISOString();
      this.link.say(`! refused a message from ${message.from}: signed as sent at ${when}, ${verdict === 'future' ? 'more than 10 minutes ahead of this clock' : 'older than every message remembered against replays'}`);
      return 'unreadable';
    }
    this.store.setSeenEnvelopes(seen);
    this.link.show(message.ts, message.from, opened.text);
    return 'read';
  }

  /**
   * Text in clear claiming a name that has published keys is an impersonation (a password
   * login, or a server, speaking as them): refused. A pinned name is refused without asking the
   * server, which could otherwise unlock it by answering `no_key`.
   */
  private async receivePlain(message: Incoming): Promise<Opened> {
    const refuse = (): Opened => {
      this.link.say(`! refused a message claiming to be ${message.from}: not signed by ${message.from}'s key`);
      return 'unreadable';
    };
    if (this.store.pin(message.from) !== undefined) return refuse();
    const answer = await this.fetch(message.from);
    if (!answer.ok && answer.reason === 'connection_lost') return 'later';
    if (answer.ok || answer.reason === 'malformed') return refuse();
    if (answer.reason === 'refused') {
      this.link.say(`a message from ${message.from} could not be checked (${whyNoKey(message.from, answer.reason)}); not shown`);
      return 'unreadable';
    }
    // No key (or no such operator any more): a plain client's text, labelled as such.
    this.link.show(message.ts, `${message.from} (unencrypted)`, message.body);
    return 'read';
  }

  /**
   * The operator identity key MLS leaves of `name` must be certified by (docs/protocol.md
   * "Devices"): the pinned one, pinned on first use; undefined when the name has none.
   */
  async identityOf(name: string): Promise<Uint8Array | undefined> {
    if (name === this.me) return fromBase64(this.store.identity.public.signing, 32);
    let pin = this.store.pin(name);
    if (pin === undefined) {
      const answer = await this.fetch(name);
      if (!answer.ok) return undefined;
      pin = this.pinOnFirstUse(name, answer.identity);
    }
    return fromBase64(pin.identity.signing, 32);
  }

  /** `/verify NAME`: the safety number for the key the server has now, pinning it if nothing was. */
  async verify(name: string): Promise<void> {
    const verification = await this.keys.verify(name);
    if (!verification.ok) return this.link.say(`cannot verify ${name}: ${whyNoKey(name, verification.reason)}`);
    const { number, pin, newKey, firstUse } = verification;
    if (firstUse) this.saidPinned(name);
    const changed = newKey ? ` (this is ${name}'s NEW key, not the one pinned)` : '';
    this.link.say(`safety number with ${name}${changed}: ${number}`);
    this.link.say(pin.verified && !changed ? `${name} is verified` : `compare it with ${name}'s /verify ${this.me}, out of band; if equal, /trust ${name}`);
  }

  /**
   * `/trust NAME`: pins as verified exactly the key `/verify NAME` last showed (never one
   * fetched now), then sends what was held and shows what was quarantined.
   */
  async trust(name: string): Promise<void> {
    const trustable = this.keys.trust(name);
    if (!trustable.ok && trustable.reason === 'not_shown') return this.link.say(`nothing trusted: /verify ${name} first, compare the number with ${name}, then /trust ${name}`);
    if (!trustable.ok) return this.link.say(`nothing trusted: ${name}'s key has changed since /verify showed it; /verify ${name} again and compare the new number`);
    this.link.say(`${name}'s key is pinned as verified`);
    const held = this.held.filter((outgoing) => outgoing.to === name);
    const quarantined = this.quarantined.filter((incoming) => incoming.from === name);
    removeAll(this.held, held);
    removeAll(this.quarantined, quarantined);
    for (const outgoing of held) await this.send(outgoing.to, outgoing.text, outgoing.ref);
    for (const incoming of quarantined) await this.receive(incoming);
    this.onTrusted(name);
  }

  whenTrusted(listener: (name: string) => void): void {
    this.onTrusted = listener;
  }

  /** The pins as the conversation core's holds read them (src/client/conversations/trust-holds.ts). */
  contactKeys(): ContactKeys {
    return this.keys.contactKeys();
  }

  private fetch(name: string): Promise<KeyAnswer> {
    return this.keys.fetch(name);
  }

  private pinOnFirstUse(name: string, identity: PublicIdentity) {
    const { pin, first } = this.keys.pinOnFirstUse(name, identity);
    if (first) this.saidPinned(name);
    return pin;
  }

  private saidPinned(name: string): void {
    this.link.say(`pinned ${name}'s key on first use (not verified yet: /verify ${name})`);
  }
}

function whyNoKey(name: string, reason: Exclude<KeyAnswer, { ok: true }>['reason']): string {
  switch (reason) {
    case 'no_key':
      return `${name} has no key yet (they have not logged in with an encrypting client); nothing is sent unencrypted`;
    case 'no_such_recipient':
      return `no operator named ${name}`;
    case 'malformed':
      return `the server sent a malformed key for ${name}`;
    case 'connection_lost':
      return 'the connection was lost before the server sent the key';
    case 'refused':
      return `the server refused to give ${name}'s key`;
  }
}

function removeAll<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.splice(list.indexOf(item), 1);
}
