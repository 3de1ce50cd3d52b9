import type { OutboundFrame } from '../domain/frames.ts';
import type { Requests } from './conversations/requests.ts';
import { acceptGrant, pendingDevice } from './device-approval.ts';
import { devicePublished, enrolFirstDevice, newDeviceId } from './device-enrolment.ts';
import { fromBase64 } from './e2e/base64.ts';
import type { DeviceHolder as KeyStore } from './device-holder.ts';

type Devices = Extract<OutboundFrame, { op: 'devices' }>;
type Key = Extract<OutboundFrame, { op: 'key' }>;

/** What a session that did not log in as a device does next. */
export type SetUp =
  /** An older server, without devices: today's envelopes only. */
  | 'legacy'
  /** This client is now a device: log in again, as it. */
  | 'relogin'
  /** The operator has devices already: this one waits for one of them to approve it. */
  | 'pending';

export interface SetUpContext {
  readonly store: KeyStore;
  readonly name: string;
  /** After a password login: publishes the identity (EndToEnd in the terminal). */
  readonly e2e: { welcomed(byKey: boolean): void };
  /** The login was by the identity key (this store holds the published identity). */
  readonly byKey: boolean;
  readonly serverHasDevices: boolean;
  readonly requests: Requests;
  readonly say: (text: string) => void;
}

/**
 * docs/protocol.md "Devices and key packages", docs/client.md § Devices: after a password (or identity
 * key) login, this client becomes a device of its operator. The first device is certified by
 * the identity this store holds (published now if it was not); a client of an operator that has
 * devices already, and without their identity, asks to be approved by one of them instead: its
 * own identity is never published over theirs.
 */
export async function setUpDevice(context: SetUpContext): Promise<SetUp> {
  const { store, name, e2e, byKey, requests, say } = context;
  if (!context.serverHasDevices) {
    e2e.welcomed(byKey);
    return 'legacy';
  }
  const listed = await requests.ask<Devices>({ op: 'fetch_devices', name });
  const certified = listed.devices.filter((d) => (d as { pending?: boolean }).pending !== true);
  if (certified.length > 0 && !byKey) {
    const { frame, code } = pendingDevice(store, name, newDeviceId());
    await requests.ask(frame);
    const count = certified.length === 1 ? 'a device' : `${certified.length} devices`;
    say(`${name} has ${count} already. To make this client one of them, type /devices approve ${code} on one of them (within 10 minutes)`);
    return 'pending';
  }
  e2e.welcomed(byKey);
  await requests.ask(enrolFirstDevice(store, name));
  devicePublished(store);
  say(`this client is now ${name}'s device ${store.device!.device}; logging in as it`);
  return 'relogin';
}

/** A grant for this pending device (device-approval.ts): checked against the identity the relay publishes for the name. */
export async function receiveGrant(store: KeyStore, name: string, body: string, requests: Requests): Promise<boolean> {
  const key = await requests.ask<Key>({ op: 'fetch_key', name });
  const signing = fromBase64(key.signing, 32);
  return signing !== undefined && acceptGrant(store, name, body, signing);
}
