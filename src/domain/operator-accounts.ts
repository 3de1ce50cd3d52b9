import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { DeviceDirectory } from '../ports/device-directory.ts';
import type { KeyDirectory } from '../ports/key-directory.ts';
import type { KeyPackageStore } from '../ports/key-package-store.ts';
import type { PasswordHasher } from '../ports/password-hasher.ts';
import { DEVICE_LIMITS } from './devices.ts';
import type { OperatorName } from './names.ts';
import { isOperatorName, isPassword } from './names.ts';
import { codePointLength } from './text.ts';

/** Why a name or password is refused before the database is asked. */
type Unacceptable = 'invalid_name' | 'invalid_password' | 'weak_password';
export type AddOutcome = { ok: true } | { ok: false; code: Unacceptable | 'name_taken' };
export type AccountOutcome = AddOutcome | { ok: false; code: 'no_such_operator' | 'no_key' };
/** `operator list`: an operator, its device count, and whether a device holds few one-time key packages. */
export interface OperatorSummary {
  readonly name: OperatorName;
  readonly devices: number;
  readonly low: boolean;
}

/** PROTOCOL "Names and passwords": a password set by anyone has at least 10 code points. */
export const MIN_PASSWORD_CHARS = 10;

/** Creating, re-keying and removing operators: shared by `register` and the `operator` command. */
export class OperatorAccounts {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly hasher: PasswordHasher,
    private readonly keys: KeyDirectory,
    private readonly devices: DeviceDirectory,
    private readonly packages: KeyPackageStore,
  ) {}

  async add(name: string, password: string): Promise<AddOutcome> {
    const refused = refuseAccount(name, password);
    if (refused !== undefined) return refused;
    if (await this.credentials.exists(name)) return { ok: false, code: 'name_taken' };
    const added = await this.credentials.add(name, await this.hasher.hash(password));
    return added ? { ok: true } : { ok: false, code: 'name_taken' };
  }

  async changePassword(name: string, password: string): Promise<AccountOutcome> {
    const refused = refuseAccount(name, password);
    if (refused !== undefined) return refused;
    if (!(await this.credentials.exists(name))) return { ok: false, code: 'no_such_operator' };
    const changed = await this.credentials.changeHash(name, await this.hasher.hash(password));
    if (!changed) return { ok: false, code: 'no_such_operator' };
    // Whoever knew the old password may have published a key, and certified devices with it: a
    // new password starts over with keys and devices too.
    await this.devices.reset(name);
    return { ok: true };
  }

  /** The identity, the devices and their key packages go first, then the operator. */
  async remove(name: string): Promise<AccountOutcome> {
    if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
    await this.devices.reset(name);
    return (await this.credentials.remove(name)) ? { ok: true } : { ok: false, code: 'no_such_operator' };
  }

  /**
   * docs/protocol.md "Devices and key packages": every device, its key packages and the
   * published identity, at once; the next password login starts over.
   */
  async resetDevices(name: string): Promise<AccountOutcome> {
    if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
    return (await this.devices.reset(name)) ? { ok: true } : { ok: false, code: 'no_such_operator' };
  }

  /**
   * A lost key: it no longer logs in, and the next login by password publishes anew. The devices
   * it certified go with it (docs/protocol.md "Devices and key packages": their certificates
   * would vouch for nothing once it is gone), as `reset-devices` does.
   */
  async revokeKey(name: string): Promise<AccountOutcome> {
    if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
    if (await this.keys.find(name) === undefined) return { ok: false, code: (await this.credentials.exists(name)) ? 'no_key' : 'no_such_operator' };
    await this.devices.reset(name);
    return { ok: true };
  }

  /** Every operator, sorted, with its devices counted and whether any of them runs low on key packages. */
  async list(): Promise<OperatorSummary[]> {
    const [names, stock] = await Promise.all([this.credentials.list(), this.packages.stock()]);
    const devices = new Map<OperatorName, { devices: number; low: boolean }>();
    for (const { name, held } of stock) {
      const counted = devices.get(name) ?? { devices: 0, low: false };
      devices.set(name, { devices: counted.devices + 1, low: counted.low || held < DEVICE_LIMITS.lowPackages });
    }
    return names.map((name) => ({ name, ...(devices.get(name) ?? { devices: 0, low: false }) }));
  }

  async exists(name: OperatorName): Promise<boolean> {
    return this.credentials.exists(name);
  }
}

/** Why a name and password cannot make an account, before any store is asked; undefined when they can. */
export function refuseAccount(name: string, password: string): { ok: false; code: Unacceptable } | undefined {
  if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
  if (!isPassword(password)) return { ok: false, code: 'invalid_password' };
  if (codePointLength(password) < MIN_PASSWORD_CHARS) return { ok: false, code: 'weak_password' };
  return undefined;
}
