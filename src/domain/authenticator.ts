import type { Clock } from '../ports/clock.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { PasswordHasher } from '../ports/password-hasher.ts';
import type { ThrottleStore } from '../ports/throttle-store.ts';
import type { OperatorName } from './names.ts';
import type { ThrottleRecord } from './throttle.ts';
import { IN_FLIGHT_RETRY_MS, THROTTLE_MEMORY_MS, delayAfterFailures } from './throttle.ts';

export type AuthOutcome =
  | { ok: true }
  | { ok: false; code: 'auth_failed' }
  | { ok: false; code: 'rate_limited'; retryAfterMs: number };

/** How long to wait when the password hasher has too many verifications queued. */
const HASHING_BUSY_RETRY_MS = 1_000;
/** While a password is being verified, other attempts on the name wait (bounded, in case of a crash). */
const VERIFYING_GUARD_MS = 10_000;

export class Authenticator {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: ThrottleStore,
    private readonly clock: Clock,
  ) {}

  /** `stillWanted` turns false when the asking connection is gone: a queued hash is then skipped. */
  authenticate(name: OperatorName, password: string, stillWanted?: () => boolean): Promise<AuthOutcome> {
    return this.attempt(name, async () => {
      // PROTOCOL "Session" 4: an unknown name costs one hash too, so names cannot be probed by timing.
      const stored = await this.credentials.findHash(name);
      const matches = await this.hasher.verify(password, stored, stillWanted);
      return matches === 'busy' ? matches : matches && stored !== undefined;
    });
  }

  /**
   * One authentication attempt on `name`, whatever proves it (a password, a key login's
   * signature), under the same throttle: `check` says whether it succeeded, or `busy` when it
   * could not tell, which counts as no attempt at all.
   */
  async attempt(name: OperatorName, check: () => Promise<boolean | 'busy'>): Promise<AuthOutcome> {
    const started = this.clock.now();
    // The attempt counts as a failure until proven otherwise, so guesses made in parallel from
    // many connections queue behind it instead of all being verified at once.
    const attempt = await this.throttle.startAttempt(name, started, VERIFYING_GUARD_MS, started + THROTTLE_MEMORY_MS);
    if (!attempt.started) {
      const { record } = attempt;
      return { ok: false, code: 'rate_limited', retryAfterMs: record.verifying ? IN_FLIGHT_RETRY_MS : record.blockedUntil - started };
    }
    const previous = attempt.previous;
    const failures = (previous?.failures ?? 0) + 1;
    try {
      const matches = await check();
      if (matches === 'busy') {
        // Not an attempt at all: the name's record goes back to what it was.
        await this.restore(name, previous, started);
        return { ok: false, code: 'rate_limited', retryAfterMs: HASHING_BUSY_RETRY_MS };
      }
      if (matches) {
        await this.throttle.delete(name);
        return { ok: true };
      }
    } catch (error) {
      await this.restore(name, previous, started);
      throw error;
    }
    const now = this.clock.now();
    const failed = { failures, blockedUntil: now + delayAfterFailures(failures), verifying: false };
    await this.throttle.set(name, failed, now + THROTTLE_MEMORY_MS);
    return { ok: false, code: 'auth_failed' };
  }

  private async restore(name: OperatorName, previous: ThrottleRecord | undefined, now: number): Promise<void> {
    if (previous === undefined) await this.throttle.delete(name);
    else await this.throttle.set(name, previous, now + THROTTLE_MEMORY_MS);
  }
}
