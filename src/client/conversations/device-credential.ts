import { ed25519 } from '@noble/curves/ed25519.js';
import type { Credential } from 'ts-mls';
import { fromBase64, toBase64 } from '../e2e/base64.ts';

/** docs/protocol.md "Devices": `^[a-z0-9]{4,16}$`, chosen by the device. */
const DEVICE_ID = /^[a-z0-9]{4,16}$/;
/** PROTOCOL "Names and passwords" (the relay's own check is in the domain, which a client does not import). */
export const OPERATOR_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** One device of an operator: its own Ed25519 key, certified by the operator's identity. */
export interface DeviceKeys {
  readonly name: string;
  readonly device: string;
  /** Ed25519, 32 bytes each. */
  readonly signingPublic: Uint8Array;
  readonly signingSecret: Uint8Array;
  /** The operator identity's signature over certificateMessage(). */
  readonly certificate: Uint8Array;
}

/** Who sent or holds a leaf: an operator's device, as its MLS credential says. */
export interface DeviceRef {
  readonly name: string;
  readonly device: string;
}

export function mailboxOf(ref: DeviceRef): string {
  return `${ref.name}/${ref.device}`;
}

export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID.test(value);
}

/** docs/protocol.md "Devices": what the operator identity signs to vouch for a device. */
export function certificateMessage(name: string, device: string, signingPublic: Uint8Array): Uint8Array {
  return new TextEncoder().encode(`litsxg device v1\n${name}\n${device}\n${toBase64(signingPublic)}`);
}

export function certifyDevice(identitySecret: Uint8Array, name: string, device: string, signingPublic: Uint8Array): Uint8Array {
  return ed25519.sign(certificateMessage(name, device, signingPublic), identitySecret);
}

export function verifyCertificate(identityPublic: Uint8Array, name: string, device: string, signingPublic: Uint8Array, certificate: Uint8Array): boolean {
  try {
    return ed25519.verify(certificate, certificateMessage(name, device, signingPublic), identityPublic);
  } catch {
    return false;
  }
}

/** A new device of `name`, certified by the identity's secret key. */
export function newDevice(name: string, device: string, identitySecret: Uint8Array): DeviceKeys {
  const signingSecret = ed25519.utils.randomSecretKey();
  const signingPublic = ed25519.getPublicKey(signingSecret);
  return { name, device, signingSecret, signingPublic, certificate: certifyDevice(identitySecret, name, device, signingPublic) };
}

/** The leaf's basic credential: `litsxg1\n<name>\n<device>\n<certificate>`. */
export function deviceCredential(keys: DeviceKeys): Credential {
  const identity = `litsxg1\n${keys.name}\n${keys.device}\n${toBase64(keys.certificate)}`;
  return { credentialType: 'basic', identity: new TextEncoder().encode(identity) };
}

export interface CredentialClaim extends DeviceRef {
  readonly certificate: Uint8Array;
}

/** Undefined unless the credential is a well-formed device credential. */
export function readDeviceCredential(credential: Credential): CredentialClaim | undefined {
  if (credential.credentialType !== 'basic') return undefined;
  const parts = new TextDecoder().decode(credential.identity).split('\n');
  if (parts.length !== 4 || parts[0] !== 'litsxg1') return undefined;
  const [, name, device, certificateText] = parts as [string, string, string, string];
  const certificate = fromBase64(certificateText, 64);
  if (!OPERATOR_NAME.test(name) || !DEVICE_ID.test(device) || certificate === undefined) return undefined;
  return { name, device, certificate };
}
