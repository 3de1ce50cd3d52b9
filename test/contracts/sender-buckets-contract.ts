import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SenderBuckets } from '../../src/ports/sender-buckets.ts';

export interface SenderBucketsHarness {
  readonly buckets: SenderBuckets;
  dispose?(): Promise<void>;
}

const T0 = 1_764_115_200_000;
const RATE = 5;

/** PROTOCOL option `--send-rate` as every SenderBuckets adapter must keep it (STYLE 5). */
export function senderBucketsContract(name: string, make: () => SenderBucketsHarness): void {
  const it = suite<{ h: SenderBucketsHarness }>(`SenderBuckets: ${name}`);
  it.before.each((context) => {
    context.h = make();
  });
  it.after.each(async ({ h }) => {
    await h.dispose?.();
  });

  const takeMany = async (buckets: SenderBuckets, sender: string, count: number, now: number) => {
    const waits: number[] = [];
    for (let i = 0; i < count; i++) waits.push(await buckets.take(sender, RATE, now));
    return waits;
  };

  it('a new sender may burst twice the rate, then waits for the next token', async ({ h: { buckets } }) => {
    const waits = await takeMany(buckets, 'alice', 2 * RATE + 1, T0);
    assert.equal(waits, [...Array(2 * RATE).fill(0), 1000 / RATE]);
  });

  it('tokens come back at the rate, up to the burst', async ({ h: { buckets } }) => {
    await takeMany(buckets, 'alice', 2 * RATE, T0);
    assert.equal(await takeMany(buckets, 'alice', 2, T0 + 1000 / RATE), [0, 1000 / RATE]);
    assert.equal(await takeMany(buckets, 'alice', 2 * RATE + 1, T0 + 60_000), [...Array(2 * RATE).fill(0), 1000 / RATE]);
  });

  it('senders have buckets of their own', async ({ h: { buckets } }) => {
    await takeMany(buckets, 'alice', 2 * RATE, T0);
    assert.is(await buckets.take('bob', RATE, T0), 0);
    assert.is(await buckets.take('alice', RATE, T0), 1000 / RATE);
  });

  it('sends taken at once (as from several instances) get no more than the burst', async ({ h: { buckets } }) => {
    const waits = await Promise.all(Array.from({ length: 4 * RATE }, () => buckets.take('alice', RATE, T0)));
    assert.is(waits.filter((wait) => wait === 0).length, 2 * RATE, String(waits));
  });

  it.run();
}
