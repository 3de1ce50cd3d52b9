import type { Clock } from '../ports/clock.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { AddDeviceOutcome, DeviceDirectory, DeviceSlots } from '../ports/device-directory.ts';
import type { KeyDirectory } from '../ports/key-directory.ts';
import type { KeyPackageStore, PublishPackagesOutcome } from '../ports/key-package-store.ts';
import type { SenderBuckets } from '../ports/sender-buckets.ts';
import type { SignatureVerifier } from '../ports/signature-verifier.ts';
import type { DeviceMailboxes } from './device-mailboxes.ts';
import type { DeviceId, DeviceRecord, KeyPackageHandout, ListedDevice, PendingDevice } from './devices.ts';
import { DEVICE_LIMITS, deviceCertificateMessage } from './devices.ts';
import type { OperatorName } from './names.ts';

export type PublishDeviceOutcome =
  | { ok: true }
  | { ok: false; code: 'no_such_recipient' | 'no_key' | 'bad_certificate' | 'too_many_devices' | 'device_taken' };
export type ListOutcome<T> = { ok: true; items: T[] } | { ok: false; code: 'no_such_recipient' };

/**
 * The key space of key-package fetch buckets in the SenderBuckets port: a `/` is in no
 * operator name, so these never share a bucket with a sender's `--send-rate` one.
 */
const FETCH_BUCKET_PREFIX = 'kp/';

/** docs/protocol.md "Devices and key packages": operators' devices and their MLS key packages. */
export class OperatorDevices {
  constructor(
    private readonly devices: DeviceDirectory,
    private readonly packages: KeyPackageStore,
    private readonly identities: KeyDirectory,
    private readonly credentials: CredentialRepository,
    private readonly verifier: SignatureVerifier,
    /** Fetch buckets, `kp/<fetcher>`; an instance of their own (see the composition). */
    private readonly fetchBuckets: SenderBuckets,
    private readonly clock: Clock,
    /** Told of each device certified or revoked here, so that sends to the name reach it at once. */
    private readonly mailboxes: DeviceMailboxes,
  ) {}

  /**
   * Stores a device whose certificate verifies under the operator's published identity, fresh or
   * the pending one certified.
   */
  async publish(name: OperatorName, device: DeviceRecord): Promise<PublishDeviceOutcome> {
    const identity = await this.identities.find(name);
    if (identity === undefined) return { ok: false, code: (await this.credentials.exists(name)) ? 'no_key' : 'no_such_recipient' };
    if (!(await this.verifier.verify(identity.signing, deviceCertificateMessage(name, device), device.certificate))) return { ok: false, code: 'bad_certificate' };
    const outcome = publishOutcome(await this.devices.add(name, device, this.slots()));
    if (outcome.ok) this.mailboxes.certified(name, device.device);
    return outcome;
  }

  /** docs/protocol.md "Approval": the operator's one pending device, replacing the one before; no identity needed yet. */
  async publishPending(name: OperatorName, device: PendingDevice): Promise<PublishDeviceOutcome> {
    return publishOutcome(await this.devices.addPending(name, device, this.slots()));
  }

  /**
   * Certified devices, oldest first; then, to the operator's own sessions only, the pending one,
   * and each certified device's count of one-time key packages (`key_packages`): an approving
   * device sees the new one has published some without fetching, and so using up, any.
   */
  async list(fetcher: OperatorName, name: OperatorName): Promise<ListOutcome<ListedDevice>> {
    if (!(await this.credentials.exists(name))) return { ok: false, code: 'no_such_recipient' };
    const own = fetcher === name;
    const [certified, pending, stock] = await Promise.all([
      this.devices.list(name),
      own ? this.devices.findPending(name, this.slots().pendingSince) : undefined,
      own ? this.packages.stock(name) : [],
    ]);
    const held = new Map(stock.map((s) => [s.device, s.held]));
    const listed: ListedDevice[] = own ? certified.map((d) => ({ ...d, key_packages: held.get(d.device) ?? 0 })) : certified;
    return { ok: true, items: pending === undefined ? listed : [...listed, { ...pending, pending: true }] };
  }

  /** False when the operator has no such device. */
  async revoke(name: OperatorName, device: DeviceId): Promise<boolean> {
    const revoked = await this.devices.revoke(name, device);
    if (revoked) this.mailboxes.revoked(name, device);
    return revoked;
  }

  publishPackages(name: OperatorName, device: DeviceId, packages: readonly string[], lastResort: string | undefined): Promise<PublishPackagesOutcome> {
    return this.packages.publish(name, device, packages, lastResort, DEVICE_LIMITS.packagesPerDevice);
  }

  /**
   * One package for each of `name`'s devices (of `device` alone, when given). One-time packages go only to a fetcher within its
   * rate (a token bucket per fetching operator, shared by the instances as `--send-rate`'s
   * are): past it, last resorts only, so nobody drains another's one-time packages fast.
   */
  async fetchPackages(fetcher: OperatorName, name: OperatorName, device?: DeviceId): Promise<ListOutcome<KeyPackageHandout>> {
    if (!(await this.credentials.exists(name))) return { ok: false, code: 'no_such_recipient' };
    const wait = await this.fetchBuckets.take(`${FETCH_BUCKET_PREFIX}${fetcher}`, DEVICE_LIMITS.fetchesPerSecond, this.clock.now());
    return { ok: true, items: await this.packages.take(name, wait === 0, device) };
  }

  private slots(): DeviceSlots {
    return { maxDevices: DEVICE_LIMITS.devicesPerOperator, pendingSince: this.clock.now() - DEVICE_LIMITS.pendingMs };
  }
}

function publishOutcome(added: AddDeviceOutcome): PublishDeviceOutcome {
  if (added === 'published') return { ok: true };
  return { ok: false, code: added === 'no_such_operator' ? 'no_such_recipient' : added };
}
