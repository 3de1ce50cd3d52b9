import { createHmac, randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher.ts';

/** How long a verified password is remembered, and how many at most. */
const REMEMBER_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * Remembers, in memory only, which (stored hash, password) pairs verified lately, so a storm of
 * reconnects after a network blip costs an HMAC each instead of a full scrypt. What is remembered
 * is an HMAC under a key that never leaves the process; nothing on disk changes, a changed
 * password (a new stored hash) is never matched, and wrong passwords still cost a full hash.
 */
export class RememberingPasswordHasher implements PasswordHasher {
  private readonly key = randomBytes(32);
  // A Map keeps insertion order: the first key is the oldest.
  private readonly verified = new Map<string, number>();

  constructor(private readonly inner: PasswordHasher, private readonly now: () => number = Date.now) {}

  hash(password: string): Promise<string> {
    return this.inner.hash(password);
  }

  async verify(password: string, storedHash: string | undefined, stillWanted?: () => boolean): Promise<boolean | 'busy'> {
    if (storedHash === undefined) return this.inner.verify(password, storedHash, stillWanted);
    const tag = createHmac('sha256', this.key).update(storedHash).update('\0').update(password).digest('base64');
    const until = this.verified.get(tag);
    if (until !== undefined && until > this.now()) return true;
    const matches = await this.inner.verify(password, storedHash, stillWanted);
    this.verified.delete(tag);
    if (matches === true) {
      this.verified.set(tag, this.now() + REMEMBER_MS);
      if (this.verified.size > MAX_REMEMBERED) this.verified.delete(this.verified.keys().next().value!);
    }
    return matches;
  }
}
