import { inject, injectable } from 'inversify';
import type { ThrottleRecord } from '../../domain/throttle.ts';
import { Clock } from '../../ports/clock.ts';
import type { ThrottleStore } from '../../ports/throttle-store.ts';

/** Most records kept at once: a flood of made-up names cannot grow memory without end. */
const MAX_RECORDS = 100_000;

@injectable()
export class InMemoryThrottleStore implements ThrottleStore {
  // A Map keeps insertion order: re-inserting on set makes the first key the stalest.
  private readonly records = new Map<string, { record: ThrottleRecord; expiresAt: number }>();

  constructor(@inject(Clock) private readonly clock: Clock) {}

  async get(key: string): Promise<ThrottleRecord | undefined> {
    const held = this.records.get(key);
    if (held === undefined) return undefined;
    if (held.expiresAt > this.clock.now()) return held.record;
    this.records.delete(key);
    return undefined;
  }

  async set(key: string, record: ThrottleRecord, expiresAt: number): Promise<void> {
    this.records.delete(key);
    this.records.set(key, { record, expiresAt });
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }
}
