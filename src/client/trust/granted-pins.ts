import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64 } from '../e2e/base64.ts';
import type { Pin, PinStore } from './key-trust.ts';
import { OPERATOR_NAME } from '../conversations/device-credential.ts';

/** The pins a device can list: the terminal's KeyStore, the browser's StoredPins. */
export type PinList = Pick<PinStore, 'pin' | 'pinnedNames'>;

/**
 * docs/protocol.md "Approval": the approver's pins, as many as keep the grant's text within
 * `room` bytes (the largest envelope text): verified pins first, then first-use ones, each group
 * by name. `text` is the grant with them; `dropped`, how many did not fit.
 */
export function withPins(grant: Record<string, unknown>, pins: PinList, room: number): { text: string; carried: number; dropped: number } {
  const names = pins.pinnedNames().sort((a, b) => Number(pins.pin(b)!.verified) - Number(pins.pin(a)!.verified) || (a < b ? -1 : a > b ? 1 : 0));
  // `,"pins":{}`; then each entry, with a comma before all but the first.
  let size = utf8ToBytes(JSON.stringify(grant)).length + 10;
  const carried: Record<string, Pin> = {};
  let count = 0;
  for (const name of names) {
    const { identity, verified, devices } = pins.pin(name)!;
    const pin = { identity: { agreement: identity.agreement, signing: identity.signing }, verified, ...(devices === undefined ? {} : { devices: [...devices] }) };
    const entry = utf8ToBytes(`${JSON.stringify(name)}:${JSON.stringify(pin)}`).length + (count > 0 ? 1 : 0);
    if (size + entry > room) break;
    size += entry;
    carried[name] = pin;
    count += 1;
  }
  return { text: JSON.stringify({ ...grant, pins: carried }), carried: count, dropped: names.length - count };
}

/** Pins as pins.json and a grant hold them (name → {identity, verified, devices?}); undefined when any is not well formed. */
export function parsePins(value: unknown): Map<string, Pin> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const pins = new Map<string, Pin>();
  for (const [name, pin] of Object.entries(value as Record<string, Pin>)) {
    // A name is a file's and a store key's part: an operator's name, or nothing of it is taken.
    if (!OPERATOR_NAME.test(name)) return undefined;
    const { agreement, signing } = pin?.identity ?? {};
    if (typeof agreement !== 'string' || typeof signing !== 'string' || typeof pin.verified !== 'boolean') return undefined;
    if (fromBase64(agreement, 32) === undefined || fromBase64(signing, 32) === undefined) return undefined;
    const devices: unknown = pin.devices;
    if (devices !== undefined && !(Array.isArray(devices) && devices.every((d) => typeof d === 'string'))) return undefined;
    pins.set(name, { identity: { agreement, signing }, verified: pin.verified, ...(devices === undefined ? {} : { devices }) });
  }
  return pins;
}

/**
 * The granted pins a device takes: every one for a name it has no pin for, and a verified one
 * over its own first-use pin; a pin of its own is kept otherwise (it already said what it
 * trusts).
 */
export function pinsToAdopt(own: (name: string) => Pin | undefined, granted: ReadonlyMap<string, Pin>): Map<string, Pin> {
  const taken = new Map<string, Pin>();
  for (const [name, pin] of granted) {
    const mine = own(name);
    if (mine === undefined || (pin.verified && !mine.verified)) taken.set(name, pin);
  }
  return taken;
}
