import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ThrottleStore } from '../../src/ports/throttle-store.ts';

export interface ThrottleStoreHarness {
  readonly store: ThrottleStore;
  /** Moves the adapter's clock on (a Redis adapter's expiry runs on Redis's own clock: it waits). */
  advance(ms: number): void | Promise<void>;
  now(): number;
  dispose?(): Promise<void>;
}

/** STYLE 5: every ThrottleStore adapter passes this suite. `now` is the adapter's clock. */
export function throttleStoreContract(name: string, make: () => ThrottleStoreHarness): void {
  const it = suite<{ h: ThrottleStoreHarness }>(`ThrottleStore: ${name}`);
  it.before.each((context) => {
    context.h = make();
  });
  it.after.each(async ({ h }) => {
    await h.dispose?.();
  });

  it('an attempt on a fresh key starts, counting one failure in flight', async ({ h: { store, now } }) => {
    const start = await store.startAttempt('alice', now(), 10_000, now() + 60_000);
    assert.equal(start, { started: true, previous: undefined });
    const again = await store.startAttempt('alice', now(), 10_000, now() + 60_000);
    assert.equal(again, { started: false, record: { failures: 1, blockedUntil: now() + 10_000, verifying: true } });
  });

  it('attempts started at once: exactly one starts', async ({ h: { store, now } }) => {
    const starts = await Promise.all(Array.from({ length: 20 }, () => store.startAttempt('alice', now(), 10_000, now() + 60_000)));
    assert.is(starts.filter((s) => s.started).length, 1);
  });

  it('a record blocks until its blockedUntil, then the next attempt starts from it', async ({ h: { store, now, advance } }) => {
    const record = { failures: 4, blockedUntil: now() + 1_000, verifying: false };
    await store.set('alice', record, now() + 60_000);
    assert.equal(await store.startAttempt('alice', now(), 10_000, now() + 60_000), { started: false, record });
    await advance(1_000);
    assert.equal(await store.startAttempt('alice', now(), 10_000, now() + 60_000), { started: true, previous: record });
  });

  it('records are forgotten when they expire or are deleted, and keys do not mix', async ({ h: { store, now, advance } }) => {
    await store.set('alice', { failures: 9, blockedUntil: now() + 50_000, verifying: false }, now() + 1_000);
    await store.set('bob', { failures: 9, blockedUntil: now() + 50_000, verifying: false }, now() + 60_000);
    await store.delete('bob');
    assert.equal(await store.startAttempt('bob', now(), 1, now() + 60_000), { started: true, previous: undefined });
    await advance(1_001);
    assert.equal(await store.startAttempt('alice', now(), 1, now() + 60_000), { started: true, previous: undefined });
  });

  it.run();
}
