import type { CiphersuiteImpl, KeyPackage, PrivateKeyPackage } from 'ts-mls';
import { defaultCapabilities, defaultLifetime, generateKeyPackageWithKey } from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decodeKeyPackage, encodeKeyPackage } from 'ts-mls/keyPackage.js';
import type { ConversationStore } from './conversation-store.ts';
import type { DeviceKeys } from './device-credential.ts';
import { deviceCredential, readDeviceCredential } from './device-credential.ts';
import { GROUP_META_EXTENSION } from './group-meta.ts';
import { toMlsBody } from './mls-body.ts';

const PREFIX = 'key-package/';

interface StoredKeyPackage {
  readonly publicPackage: KeyPackage;
  readonly privatePackage: PrivateKeyPackage;
  readonly lastResort: boolean;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * This device's key packages (docs/protocol.md "Key packages"): published to the relay, their
 * private halves kept until a Welcome uses them. A one-time package's private half is deleted
 * once used; the last resort's is kept.
 */
export class KeyPackages {
  constructor(private readonly store: ConversationStore, private readonly device: DeviceKeys, private readonly suite: CiphersuiteImpl) {}

  /** New packages, their private halves stored first: `mls1.` bodies to publish. */
  async create(count: number, lastResort = false): Promise<string[]> {
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      const made = await this.generate();
      const ref = hex(await makeKeyPackageRef(made.publicPackage, this.suite.hash));
      await this.store.put(PREFIX + ref, encodeStored({ ...made, lastResort }));
      bodies.push(toMlsBody({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: made.publicPackage }));
    }
    return bodies;
  }

  /** A package of our own to found a group with (never published). */
  generate(): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    const capabilities = defaultCapabilities();
    const withMeta = { ...capabilities, extensions: [...capabilities.extensions, GROUP_META_EXTENSION] };
    return generateKeyPackageWithKey(deviceCredential(this.device), withMeta, defaultLifetime, [], {
      signKey: this.device.signingSecret, publicKey: this.device.signingPublic,
    }, this.suite);
  }

  /** How many of this device's packages wait for a Welcome (the relay hands each out once). */
  async unused(): Promise<{ oneTime: number; lastResort: boolean }> {
    let oneTime = 0;
    let lastResort = false;
    for (const key of await this.store.keys(PREFIX)) {
      const bytes = await this.store.get(key);
      if (bytes?.[0] === 1) lastResort = true;
      else if (bytes !== undefined) oneTime++;
    }
    return { oneTime, lastResort };
  }

  /** The stored package a Welcome names (by its reference), if it is ours. */
  async find(ref: Uint8Array): Promise<StoredKeyPackage | undefined> {
    const bytes = await this.store.get(PREFIX + hex(ref));
    return bytes === undefined ? undefined : decodeStored(bytes);
  }

  /**
   * Deletes the packages of another device of this store: one revoked, whose store was approved
   * again under a new id (device-approval.ts). Counted as unused, they would keep the new device
   * from publishing any.
   */
  async dropOthers(): Promise<void> {
    for (const key of await this.store.keys(PREFIX)) {
      const bytes = await this.store.get(key);
      const stored = bytes === undefined ? undefined : decodeStored(bytes);
      const owner = stored === undefined ? undefined : readDeviceCredential(stored.publicPackage.leafNode.credential);
      if (owner?.device !== this.device.device) await this.store.delete(key);
    }
  }

  /** A one-time package is used once: its private half goes as soon as it has served. */
  async used(ref: Uint8Array, stored: StoredKeyPackage): Promise<void> {
    if (!stored.lastResort) await this.store.delete(PREFIX + hex(ref));
  }
}

function encodeStored(stored: StoredKeyPackage): Uint8Array {
  const { initPrivateKey, hpkePrivateKey, signaturePrivateKey } = stored.privatePackage;
  const publicBytes = encodeKeyPackage(stored.publicPackage);
  const parts = [publicBytes, initPrivateKey, hpkePrivateKey, signaturePrivateKey];
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + 4 + p.length, 0));
  out[0] = stored.lastResort ? 1 : 0;
  let offset = 1;
  for (const part of parts) {
    new DataView(out.buffer).setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

function decodeStored(bytes: Uint8Array): StoredKeyPackage | undefined {
  const parts: Uint8Array[] = [];
  let offset = 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (offset + 4 <= bytes.length) {
    const length = view.getUint32(offset);
    parts.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  const decoded = parts[0] === undefined ? undefined : decodeKeyPackage(parts[0], 0);
  if (decoded === undefined || parts.length !== 4) return undefined;
  return {
    publicPackage: decoded[0],
    privatePackage: { initPrivateKey: parts[1]!, hpkePrivateKey: parts[2]!, signaturePrivateKey: parts[3]! },
    lastResort: bytes[0] === 1,
  };
}
