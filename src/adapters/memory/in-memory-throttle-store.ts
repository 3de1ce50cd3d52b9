import { inject, injectable } from 'inversify';
import type { ThrottleRecord } from '../../domain/throttle.ts';
import { Clock } from '../../ports/clock.ts';
import type { AttemptStart, ThrottleStore } from '../../ports/throttle-store.ts';

/** Most records kept at once: a flood of made-up names cannot grow memory without end. */
const MAX_RECORDS = 100_000;

@injectable()
export class InMemoryThrottleStore implements ThrottleStore {
  // A Map keeps insertion order: re-inserting on set makes the first key the stalest.
  private readonly records = new Map<string, { record: ThrottleRecord; expiresAt: number }>();

  constructor(@inject(Clock) private readonly clock: Clock) {}

  async startAttempt(key: string, now: number, guardMs: number, expiresAt: number): Promise<AttemptStart> {
    const previous = this.current(key);
    if (previous !== undefined && now < previous.blockedUntil) return { started: false, record: previous };
    const failures = (previous?.failures ?? 0) + 1;
    await this.set(key, { failures, blockedUntil: now + guardMs, verifying: true }, expiresAt);
    return { started: true, previous };
  }

  async set(key: string, record: ThrottleRecord, expiresAt: number): Promise<void> {
    this.records.delete(key);
    this.records.set(key, { record, expiresAt });
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  private current(key: string): ThrottleRecord | undefined {
    const held = this.records.get(key);
    if (held === undefined) return undefined;
    if (held.expiresAt > this.clock.now()) return held.record;
    this.records.delete(key);
    return undefined;
  }
}
