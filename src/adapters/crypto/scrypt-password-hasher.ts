import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { PasswordHasher } from '../../ports/password-hasher.ts';
import { ABANDONED, ConcurrencyLimit } from './concurrency-limit.ts';

/** scrypt parameters for new hashes: 32 MiB and about 150 ms on a small server core. */
export const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** Verifications allowed to wait for a hashing thread at once. */
const MAX_WAITING_VERIFICATIONS = 4096;
const SALT_BYTES = 16;
const PREFIX = 'scrypt';

/**
 * Hashes as `scrypt$N$r$p$salt$key` (base64url), so stored hashes keep their own parameters
 * when the defaults change. Node runs scrypt on its thread pool, and at most one hash fewer than
 * the cores at a time: a storm of logins leaves a core to routing.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  private decoy: Promise<string> | undefined;
  private readonly hashing = new ConcurrencyLimit(Math.max(1, availableParallelism() - 1));

  constructor(private readonly parameters: { N: number; r: number; p: number } = SCRYPT_DEFAULTS) {}

  async hash(password: string): Promise<string> {
    const { N, r, p } = this.parameters;
    const salt = randomBytes(SALT_BYTES);
    const key = await this.hashing.run(() => derive(password, salt, KEY_BYTES, { N, r, p }));
    return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, storedHash: string | undefined, stillWanted?: () => boolean): Promise<boolean | 'busy'> {
    // Memory's bound only: each connection has at most one login waiting, first come first served.
    if (this.hashing.waiting >= MAX_WAITING_VERIFICATIONS) return 'busy';
    // An unknown name is checked against a decoy hash of the same cost, and always fails.
    const stored = parse(storedHash ?? (await (this.decoy ??= this.hash(randomBytes(16).toString('hex')))));
    if (stored === undefined) return false;
    const key = await this.hashing.run(() => derive(password, stored.salt, stored.key.length, stored.options), stillWanted ?? (() => true));
    if (key === ABANDONED) return 'busy';
    return timingSafeEqual(key, stored.key) && storedHash !== undefined;
  }
}

function derive(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? 0) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function parse(stored: string): { options: ScryptOptions; salt: Buffer; key: Buffer } | undefined {
  const [prefix, N, r, p, salt, key] = stored.split('$');
  if (prefix !== PREFIX || salt === undefined || key === undefined) return undefined;
  return { options: { N: Number(N), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}
