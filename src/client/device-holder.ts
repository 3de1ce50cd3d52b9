import type { PublicIdentity } from '../domain/identity-keys.ts';
import type { Pin } from './trust/key-trust.ts';

export interface Identity {
  readonly agreementSecret: Uint8Array;
  readonly signingSecret: Uint8Array;
  readonly public: PublicIdentity;
}

/** This store's MLS device (docs/protocol.md "Devices and key packages"), once enrolled. */
export interface StoredDevice {
  readonly device: string;
  readonly signingSecret: Uint8Array;
  /** The identity's certificate; none while the device waits for approval. */
  readonly certificate: Uint8Array | undefined;
  /** While waiting for approval: the X25519 key the approving device seals the identity to. */
  readonly agreementSecret?: Uint8Array | undefined;
  /** The relay has it: the client logs in as this device. */
  readonly published: boolean;
  /** Seals the conversation store's files (file-conversation-store.ts). */
  readonly storageKey: Uint8Array;
}

/**
 * What the device steps (device-setup.ts, device-enrolment.ts, device-approval.ts) need of a key
 * store: the terminal's KeyStore (files, node:fs) and the browser's (IndexedDB, web/browser-keys.ts)
 * both are one. No node: module here, nor in those steps: the browser bundles them.
 */
export interface DeviceHolder {
  readonly identity: Identity;
  readonly device: StoredDevice | undefined;
  setDevice(device: StoredDevice): void;
  /** A device approved by another takes the operator's identity. */
  adoptIdentity(agreementSecret: Uint8Array, signingSecret: Uint8Array): void;
  /** ... and the pins of the device that approved it, as trust/granted-pins.ts pinsToAdopt chooses among them. */
  adoptPins(granted: ReadonlyMap<string, Pin>): void;
}
