import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { InboundFrame, OutboundFrame } from '../domain/frames.ts';
import type { ClientFrame } from './conversations/frame-link.ts';
import { keyLoginMessage } from '../domain/identity-keys.ts';
import { certifyDevice } from './conversations/device-credential.ts';
import type { DeviceKeys } from './conversations/device-credential.ts';
import { toBase64 } from './e2e/base64.ts';
import type { DeviceHolder as KeyStore } from './device-holder.ts';

const DEVICE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A device id (docs/protocol.md "Devices"): 10 random characters of `a-z 2-7`. */
export function newDeviceId(): string {
  return Array.from(randomBytes(10), (b) => DEVICE_ALPHABET[b % 32]).join('');
}

/** This key store's device as the conversation core takes it. */
export function deviceKeys(store: KeyStore, name: string): DeviceKeys | undefined {
  const device = store.device;
  if (device?.certificate === undefined) return undefined;
  return { name, device: device.device, signingSecret: device.signingSecret, signingPublic: ed25519.getPublicKey(device.signingSecret), certificate: device.certificate };
}

/** docs/protocol.md "Login as a device": signed by the device's own key, for this connection only. */
export function deviceLoginFrame(store: KeyStore, name: string, hello: Extract<OutboundFrame, { op: 'hello' }>): InboundFrame | undefined {
  const device = store.device;
  const { features, server_id: serverId, challenge } = hello as Partial<typeof hello>;
  if (device?.published !== true || !Array.isArray(features) || !(features as string[]).includes('devices')) return undefined;
  if (typeof serverId !== 'string' || typeof challenge !== 'string') return undefined;
  const signature = ed25519.sign(utf8ToBytes(keyLoginMessage(serverId, challenge, `${name}/${device.device}`)), device.signingSecret);
  return { op: 'auth_key', name, device: device.device, signature: toBase64(signature) };
}

/**
 * The first device of an operator, made on the identity this store holds (published by the
 * login that calls this): its key, certified by the identity, and the frame that publishes it.
 * The store keeps it unpublished until the relay answers `device_published`.
 */
export function enrolFirstDevice(store: KeyStore, name: string): ClientFrame {
  // A device still waiting for an approval that never came is made again, certified this time.
  const device = store.device?.certificate !== undefined ? store.device : (() => {
    const signingSecret = ed25519.utils.randomSecretKey();
    const id = newDeviceId();
    const certificate = certifyDevice(store.identity.signingSecret, name, id, ed25519.getPublicKey(signingSecret));
    const made = { device: id, signingSecret, certificate, published: false, storageKey: randomBytes(32) };
    store.setDevice(made);
    return made;
  })();
  return {
    op: 'publish_device', device: device.device, signing: toBase64(ed25519.getPublicKey(device.signingSecret)),
    certificate: toBase64(device.certificate!),
  };
}

export function devicePublished(store: KeyStore): void {
  const device = store.device;
  if (device !== undefined) store.setDevice({ ...device, published: true });
}
