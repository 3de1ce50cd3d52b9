import type { PublicIdentity } from '../../domain/identity-keys.ts';
import { fromBase64 } from '../e2e/base64.ts';
import type { KeyAnswer } from '../e2e/key-requests.ts';
import type { ContactKeys } from '../conversations/trust-holds.ts';
import { safetyNumber } from './safety-number.ts';
import { ShownKeys } from './shown-keys.ts';
import type { Trustable } from './shown-keys.ts';

/** A key pinned for another operator: on first use, or verified by `/trust`. */
export interface Pin {
  readonly identity: PublicIdentity;
  readonly verified: boolean;
  /** The devices `/trust` took with a verified identity (docs/protocol.md "Holds"). */
  readonly devices?: readonly string[];
}

/** Where pins are kept: the terminal's key store (files), the browser's sealed IndexedDB. */
export interface PinStore {
  pin(name: string): Pin | undefined;
  /** Every name pinned. */
  pinnedNames(): string[];
  setPin(name: string, identity: PublicIdentity, verified: boolean): void;
  /** `/trust NAME` took these devices with NAME's pinned identity. */
  setPinDevices(name: string, devices: readonly string[]): void;
}

export type Verification =
  | { readonly ok: true; readonly number: string; readonly pin: Pin; readonly newKey: boolean; readonly firstUse: boolean }
  | { readonly ok: false; readonly reason: Exclude<KeyAnswer, { ok: true }>['reason'] };

/**
 * Trust on first use, `/verify` and `/trust` (docs/protocol.md "Client choices"), for the
 * terminal (e2e/end-to-end.ts) and the browser alike: the first key seen for an operator is
 * pinned; a different one later is a changed key, which only `/trust` after `/verify` accepts,
 * and then exactly the key `/verify` showed.
 */
export class KeyTrust {
  private readonly shown = new ShownKeys<PublicIdentity>(sameIdentity);

  constructor(
    private readonly pins: PinStore,
    private readonly me: { readonly name: string; readonly signing: () => string },
    private readonly fetchKey: (name: string) => Promise<KeyAnswer>,
  ) {}

  /** The key the server hands out now; every one is noted, so `trust` refuses once it differs from what `verify` showed. */
  async fetch(name: string): Promise<KeyAnswer> {
    const answer = await this.fetchKey(name);
    if (answer.ok) this.shown.seen(name, answer.identity);
    return answer;
  }

  pin(name: string): Pin | undefined {
    return this.pins.pin(name);
  }

  /** The pin for `name`, made from `identity` when there is none yet (`first`). */
  pinOnFirstUse(name: string, identity: PublicIdentity): { pin: Pin; first: boolean } {
    const pin = this.pins.pin(name);
    if (pin !== undefined) return { pin, first: false };
    this.pins.setPin(name, identity, false);
    return { pin: this.pins.pin(name)!, first: true };
  }

  /** `/verify NAME`: the safety number for the key the server has now (`newKey` when not the pinned one), pinning it if nothing was. */
  async verify(name: string): Promise<Verification> {
    const answer = await this.fetch(name);
    if (!answer.ok) return answer;
    this.shown.show(name, answer.identity);
    const { pin, first } = this.pinOnFirstUse(name, answer.identity);
    const number = safetyNumber({ name: this.me.name, signingKey: fromBase64(this.me.signing(), 32)! }, { name, signingKey: fromBase64(answer.identity.signing, 32)! });
    return { ok: true, number, pin, newKey: !sameIdentity(pin.identity, answer.identity), firstUse: first };
  }

  /** The pins as the conversation core's holds read them (conversations/trust-holds.ts), in the terminal and the browser alike. */
  contactKeys(): ContactKeys {
    return {
      names: () => this.pins.pinnedNames(),
      pinned: (name) => {
        const pin = this.pins.pin(name);
        return pin && { identity: fromBase64(pin.identity.signing, 32)!, verified: pin.verified, devices: pin.devices };
      },
      published: async (name) => {
        const answer = await this.fetch(name);
        if (answer.ok) return fromBase64(answer.identity.signing, 32);
        return answer.reason === 'no_key' ? null : undefined;
      },
      acknowledge: (name, devices) => this.pins.setPinDevices(name, devices),
    };
  }

  /** `/trust NAME`: pins as verified exactly the key `/verify NAME` last showed, unless the server has handed out another since. */
  trust(name: string): Trustable<PublicIdentity> {
    const trustable = this.shown.trustable(name);
    if (trustable.ok) this.pins.setPin(name, trustable.key, true);
    return trustable;
  }
}

export function sameIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  return a.agreement === b.agreement && a.signing === b.signing;
}
