import type { PublicIdentity } from '../../domain/identity-keys.ts';
import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { IdentityResolver } from '../conversations/device-client-config.ts';
import type { ContactKeys } from '../conversations/trust-holds.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';
import { RelayRefusal } from '../conversations/requests.ts';
import type { Requests } from '../conversations/requests.ts';
import { fromBase64, toBase64 } from '../e2e/base64.ts';
import type { KeyAnswer } from '../e2e/key-requests.ts';
import { KeyTrust } from '../trust/key-trust.ts';
import type { Pin, PinStore, Verification } from '../trust/key-trust.ts';
import type { Trustable } from '../trust/shown-keys.ts';
import { pinsToAdopt } from '../trust/granted-pins.ts';
import type { PinList } from '../trust/granted-pins.ts';
import type { BrowserKeys } from './browser-keys.ts';

const PIN = 'pin/';

/** The browser's pins, as the terminal's pins.json holds them (devices included): read once at login, each change written to the sealed store in order. */
class StoredPins implements PinStore {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: ConversationStore, private readonly pins: Map<string, Pin>) {}

  static async open(store: ConversationStore): Promise<StoredPins> {
    const pins = new Map<string, Pin>();
    for (const key of await store.keys(PIN)) {
      const bytes = (await store.get(key))!;
      // The first web client kept the signing key alone: kept so, without an agreement key. It is
      // the MLS identity, so nothing is held for it; Verify shows the whole key as new, Trust pins it.
      const pin = bytes.length === 32 ? { identity: { agreement: '', signing: toBase64(bytes) }, verified: false } : JSON.parse(new TextDecoder().decode(bytes)) as Pin;
      const devices = Array.isArray(pin.devices) && pin.devices.every((d) => typeof d === 'string') ? { devices: pin.devices } : {};
      pins.set(key.slice(PIN.length), { identity: { agreement: pin.identity.agreement, signing: pin.identity.signing }, verified: pin.verified === true, ...devices });
    }
    return new StoredPins(store, pins);
  }

  pin(name: string): Pin | undefined {
    return this.pins.get(name);
  }

  pinnedNames(): string[] {
    return [...this.pins.keys()];
  }

  setPin(name: string, identity: PublicIdentity, verified: boolean): void {
    this.write(name, { identity, verified });
  }

  /** As pins.json keeps them (docs/protocol.md "Holds"): the devices Trust took with the identity. */
  setPinDevices(name: string, devices: readonly string[]): void {
    const pin = this.pins.get(name);
    if (pin !== undefined) this.write(name, { ...pin, devices: [...devices] });
  }

  /** docs/protocol.md "Approval": the pins the grant that made this browser a device carried, as pinsToAdopt chooses them. */
  adopt(granted: ReadonlyMap<string, Pin>): void {
    for (const [name, pin] of pinsToAdopt((other) => this.pin(other), granted)) this.write(name, pin);
  }

  private write(name: string, pin: Pin): void {
    this.pins.set(name, pin);
    const bytes = new TextEncoder().encode(JSON.stringify(pin));
    this.writes = this.writes.then(() => this.store.put(PIN + name, bytes));
  }
}

/**
 * The operator identity keys MLS leaves must be certified by, as the terminal's EndToEnd gives
 * them: ours, or the one pinned (on first use, or verified); and the terminal's `/verify` and
 * `/trust` on those pins (trust/key-trust.ts), for the Verify and Trust buttons.
 */
export class PinnedIdentities implements IdentityResolver {
  private constructor(private readonly me: string, private readonly keys: BrowserKeys, private readonly trusted: KeyTrust, readonly pins: PinList) {}

  static async open(store: ConversationStore, me: string, keys: BrowserKeys, requests: Requests): Promise<PinnedIdentities> {
    const fetchKey = async (name: string): Promise<KeyAnswer> => {
      try {
        const { agreement, signing } = await requests.ask<Extract<ServerFrame, { op: 'key' }>>({ op: 'fetch_key', name });
        return fromBase64(agreement, 32) === undefined || fromBase64(signing, 32) === undefined ? { ok: false, reason: 'malformed' } : { ok: true, identity: { agreement, signing } };
      } catch (error) {
        if (!(error instanceof RelayRefusal)) return { ok: false, reason: 'connection_lost' };
        return { ok: false, reason: error.code === 'no_key' || error.code === 'no_such_recipient' ? error.code : 'refused' };
      }
    };
    const pins = await StoredPins.open(store);
    // If this browser has just been approved: the approving device's pins.
    pins.adopt(keys.takeGrantedPins());
    return new PinnedIdentities(me, keys, new KeyTrust(pins, { name: me, signing: () => keys.identity.public.signing }, fetchKey), pins);
  }

  async identityOf(name: string): Promise<Uint8Array | undefined> {
    if (name === this.me) return fromBase64(this.keys.identity.public.signing, 32);
    let pin = this.trusted.pin(name);
    if (pin === undefined) {
      const answer = await this.trusted.fetch(name);
      if (!answer.ok) return undefined;
      pin = this.trusted.pinOnFirstUse(name, answer.identity).pin;
    }
    return fromBase64(pin.identity.signing, 32);
  }

  /** The pins as the conversation core's holds read them, the terminal's way (KeyTrust.contactKeys). */
  contactKeys(): ContactKeys {
    return this.trusted.contactKeys();
  }

  verified(name: string): boolean {
    return this.trusted.pin(name)?.verified === true;
  }

  /** The terminal's `/verify NAME`. */
  verify(name: string): Promise<Verification> {
    return this.trusted.verify(name);
  }

  /**
   * The terminal's `/trust NAME`, after asking the server for the key once more: what Verify
   * showed is pinned only if the server still hands out that key.
   */
  async trust(name: string): Promise<Trustable<PublicIdentity>> {
    await this.trusted.fetch(name);
    return this.trusted.trust(name);
  }
}
