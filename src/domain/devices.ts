import type { OperatorName } from './names.ts';

/** docs/protocol.md "Devices and key packages": chosen by the client, `^[a-z0-9]{4,16}$`. */
export type DeviceId = string;

/** A device as published (docs/protocol.md "Devices and key packages"): its Ed25519 key and the identity's certificate of it. */
export interface DeviceRecord {
  readonly device: DeviceId;
  /** The device's own Ed25519 key, 32 bytes in canonical padded base64. */
  readonly signing: string;
  /** The operator identity's Ed25519 signature over `deviceCertificateMessage`. */
  readonly certificate: string;
}

/**
 * A device awaiting approval (docs/protocol.md "Devices and key packages", "Approval"):
 * published from a password session without a certificate, which it cannot make yet.
 */
export interface PendingDevice {
  readonly device: DeviceId;
  readonly signing: string;
  /** The new device's X25519 key: the approving device seals the operator identity to it. */
  readonly agreement: string;
}

/**
 * A device as `fetch_devices` lists it: certified, or (to its own operator only) pending; to its
 * own operator, a certified one with its count of one-time key packages.
 */
export type ListedDevice = (DeviceRecord & { readonly key_packages?: number }) | (PendingDevice & { readonly pending: true });

/** One key package handed out for a device; `lastResort` when it is the device's reusable one. */
export interface KeyPackageHandout {
  readonly device: DeviceId;
  readonly package: string;
  readonly lastResort: boolean;
}

/** docs/protocol.md "Devices and key packages": the limits the relay holds clients to. */
export const DEVICE_LIMITS = {
  devicesPerOperator: 16,
  /** A pending device not certified within this many ms is dropped; one pending device an operator at a time. */
  pendingMs: 10 * 60_000,
  packagesPerFrame: 100,
  /** One-time packages held per device. */
  packagesPerDevice: 200,
  /** Characters of base64 after `mls1.`. */
  packageChars: 8192,
  /** Below this many one-time packages a device is "low" (`operator list`); clients refill to 40. */
  lowPackages: 10,
  /** Key package fetches per second per fetching operator, bursts up to twice that (a SenderBuckets bucket). */
  fetchesPerSecond: 5,
} as const;

const DEVICE_ID = /^[a-z0-9]{4,16}$/;
/** Canonical padded base64 of at least one byte: whole quanta, then a last one whose unused bits are zero. */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)$/;
const MLS_PREFIX = 'mls1.';

export function isDeviceId(value: unknown): value is DeviceId {
  return typeof value === 'string' && DEVICE_ID.test(value);
}

/** `mls1.` then canonical base64 of at most `DEVICE_LIMITS.packageChars` characters; the relay reads nothing inside. */
export function isKeyPackage(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(MLS_PREFIX) && value.length <= MLS_PREFIX.length + DEVICE_LIMITS.packageChars
    && CANONICAL_BASE64.test(value.slice(MLS_PREFIX.length));
}

/**
 * What the identity signs to certify a device (docs/protocol.md "Devices and key packages"): a
 * label no other Litsxg signature starts with, the name, the device id and the device's key.
 */
export function deviceCertificateMessage(name: OperatorName, { device, signing }: Pick<DeviceRecord, 'device' | 'signing'>): string {
  return `litsxg device v1\n${name}\n${device}\n${signing}`;
}
