import { toBase64 } from '../e2e/base64.ts';
import type { DeviceRef } from './device-credential.ts';
import type { HeldText, HeldTexts, KeptText } from './held-texts.ts';
import { fromMlsBody } from './mls-body.ts';

/** What this device pinned for an operator (the terminal's pins.json, the browser's sealed `pin/NAME`). */
export interface PinnedContact {
  readonly identity: Uint8Array;
  /** The person compared safety numbers and typed `/trust`. */
  readonly verified: boolean;
  /** The devices `/trust` took with the identity; undefined for a pin made before devices were kept. */
  readonly devices: readonly string[] | undefined;
}

/** Where the holds learn what is pinned and what the relay publishes now. */
export interface ContactKeys {
  /** Every operator pinned. */
  names(): string[];
  pinned(name: string): PinnedContact | undefined;
  /** The identity key the relay hands out for `name` now: null when it has none, undefined when it did not say. */
  published(name: string): Promise<Uint8Array | null | undefined>;
  /** `/trust NAME` took these devices with the identity. */
  acknowledge(name: string, devices: readonly string[]): void;
}

/** Said loudly: why what goes to or comes from `name` waits for `/trust`. */
export type HoldNotice =
  | { kind: 'identity-changed'; name: string }
  | { kind: 'new-device'; name: string; device: string };

/** A delivery kept as it came, unprocessed and unacknowledged (the relay keeps it meanwhile). */
export interface HeldDelivery {
  readonly id: string;
  readonly from: string;
  readonly body: string;
  /** The MLS group it belongs to; undefined for a welcome. */
  readonly group: string | undefined;
}

/**
 * docs/protocol.md "MLS in the clients", "Holds": a contact whose identity changed (a reset) or,
 * once verified, who shows a device `/trust` did not take, is on hold. What is sent to a
 * conversation with them waits, unsent; what comes from them (and what follows it in the same
 * group) waits unprocessed and unacknowledged, so the relay keeps it; both go once `/trust`.
 */
export class TrustHolds {
  private readonly changed = new Set<string>();
  private readonly unacknowledged = new Map<string, Set<string>>();
  private readonly checkedAt = new Map<string, number>();
  private readonly deliveries: HeldDelivery[] = [];

  constructor(
    private readonly keys: ContactKeys,
    private readonly me: string,
    private readonly notice: (notice: HoldNotice) => void,
    /** Kept in the conversation store: they outlive the process. */
    private readonly texts: HeldTexts,
    private readonly now: () => number = Date.now,
  ) {}

  /** Those of `names` whose messages wait for `/trust`. */
  holding(names: Iterable<string>): string[] {
    return [...new Set(names)].filter((name) => this.changed.has(name) || (this.unacknowledged.get(name)?.size ?? 0) > 0);
  }

  /** Whether `name` is held for a new identity (else for a new device). */
  identityChanged(name: string): boolean {
    return this.changed.has(name);
  }

  pin(name: string): PinnedContact | undefined {
    return this.keys.pinned(name);
  }

  /** Every pinned operator: they may all be `names` of a conversation some day. */
  pinnedNames(): string[] {
    return this.keys.names();
  }

  /**
   * Asks the relay for the identity of each pinned name among `names` not asked within
   * `maxAgeMs`: one that is not the pinned one (or none at all: its devices were reset and it has
   * not come back yet) is put on hold, loudly.
   */
  async check(names: Iterable<string>, maxAgeMs = 0): Promise<void> {
    // Asked all at once: a login looks at every contact, and each answer is one round trip.
    await Promise.all([...new Set(names)].map((name) => this.checkOne(name, maxAgeMs)));
  }

  /** Devices met in a conversation: a verified contact's device `/trust` did not take is put on hold, loudly. */
  sawDevices(devices: readonly DeviceRef[]): void {
    for (const name of new Set(devices.map((d) => d.name))) {
      const pin = this.keys.pinned(name);
      if (name === this.me || pin?.verified !== true) continue;
      const theirs = devices.filter((d) => d.name === name).map((d) => d.device);
      // A pin kept before devices were: the devices met first are those it vouches for.
      if (pin.devices === undefined) {
        this.keys.acknowledge(name, theirs);
        continue;
      }
      const held = this.unacknowledged.get(name) ?? new Set<string>();
      for (const device of theirs.filter((d) => !pin.devices!.includes(d) && !held.has(d))) {
        held.add(device);
        this.unacknowledged.set(name, held);
        this.notice({ kind: 'new-device', name, device });
      }
    }
  }

  private async checkOne(name: string, maxAgeMs: number): Promise<void> {
    const pin = this.keys.pinned(name);
    const at = this.checkedAt.get(name);
    if (name === this.me || pin === undefined || this.changed.has(name) || (at !== undefined && this.now() - at < maxAgeMs)) return;
    const published = await this.keys.published(name);
    if (published === undefined || this.changed.has(name)) return;
    this.checkedAt.set(name, this.now());
    if (published !== null && equal(published, pin.identity)) return;
    this.changed.add(name);
    this.notice({ kind: 'identity-changed', name });
  }

  isUnacknowledged(device: DeviceRef): boolean {
    return this.unacknowledged.get(device.name)?.has(device.device) === true;
  }

  /**
   * A delivery that must wait: its sender's identity changed, or an earlier delivery of its group
   * waits. A verified contact's new device is certified by their identity: what it sends is shown
   * (marked), only what goes to it waits.
   */
  mustWait(from: string, body: string): boolean {
    // Nothing held, the usual case: no second decoding of every delivery.
    if (this.changed.size === 0 && this.deliveries.length === 0) return false;
    const group = groupOf(body);
    return this.changed.has(nameOf(from)) || (group !== undefined && this.deliveries.some((held) => held.group === group));
  }

  /** False when it is held already (the relay delivered it again after a reconnection). */
  holdDelivery(id: string, from: string, body: string): boolean {
    if (this.deliveries.some((held) => held.id === id)) return false;
    this.deliveries.push({ id, from, body, group: groupOf(body) });
    return true;
  }

  /** Resolves once the text is kept (in the store), or rejects when it cannot be (too many held). */
  holdText(text: HeldText): Promise<void> {
    return this.texts.hold(text);
  }

  /** `/trust NAME` pinned its identity as shown: with `devices` (those it certifies), nothing of NAME waits any more. */
  trusted(name: string, devices: readonly string[]): void {
    this.changed.delete(name);
    this.unacknowledged.delete(name);
    this.checkedAt.set(name, this.now());
    this.keys.acknowledge(name, devices);
  }

  /** Every held delivery, in the order they came, to be tried again (those still held come back). */
  takeDeliveries(): HeldDelivery[] {
    return this.deliveries.splice(0);
  }

  /** The texts nobody on hold blocks any more, in the order typed: each forgotten once `textSent`. */
  takeTexts(): Promise<KeptText[]> {
    return this.texts.take((held) => this.holding(held.names).length === 0);
  }

  textSent(text: KeptText): Promise<void> {
    return this.texts.sent(text);
  }
}

export function nameOf(mailbox: string): string {
  return mailbox.split('/')[0]!;
}

function groupOf(body: string): string | undefined {
  const message = fromMlsBody(body);
  return message?.wireformat === 'mls_private_message' ? toBase64(message.privateMessage.groupId) : undefined;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
