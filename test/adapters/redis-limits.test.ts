import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisSenderBuckets } from '../../src/adapters/redis/redis-sender-buckets.ts';
import { RedisThrottleStore } from '../../src/adapters/redis/redis-throttle-store.ts';
import { senderBucketsContract } from '../contracts/sender-buckets-contract.ts';
import { throttleStoreContract } from '../contracts/throttle-store-contract.ts';
import type { ThrottleStoreHarness } from '../contracts/throttle-store-contract.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

/** Redis expires keys on its own clock: the harness's clock is the real one, advanced by waiting. */
function throttleHarness(target: RedisTarget): ThrottleStoreHarness {
  let now = Date.now();
  return {
    store: new RedisThrottleStore(target.redis, target.prefix),
    now: () => now,
    advance: async (ms) => {
      now += ms;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, now - Date.now())));
    },
    dispose: () => target.dispose(),
  };
}

const real = await realRedis();
throttleStoreContract('ioredis-mock', () => throttleHarness(mockRedis()));
senderBucketsContract('ioredis-mock', () => {
  const target = mockRedis();
  return { buckets: new RedisSenderBuckets(target.redis, target.prefix), dispose: () => target.dispose() };
});
if (real !== undefined) {
  throttleStoreContract('redis-server', () => throttleHarness(real()));
  senderBucketsContract('redis-server', () => {
    const target = real();
    return { buckets: new RedisSenderBuckets(target.redis, target.prefix), dispose: () => target.dispose() };
  });

  test('throttle and send-rate keys expire by themselves and hold no password material', async () => {
    const target = real();
    try {
      const now = Date.now();
      await new RedisThrottleStore(target.redis, target.prefix).startAttempt('alice', now, 10_000, now + 3_600_000);
      await new RedisSenderBuckets(target.redis, target.prefix).take('alice', 5, now);
      const keys = (await target.redis.keys(`${target.prefix}*`)).sort();
      assert.equal(keys, [`${target.prefix}sendrate:alice`, `${target.prefix}throttle:alice`]);
      const throttleTtl = await target.redis.pttl(`${target.prefix}throttle:alice`);
      assert.ok(throttleTtl > 3_500_000 && throttleTtl <= 3_600_000, `throttle key lives its hour: ${throttleTtl} ms`);
      const bucketTtl = await target.redis.pttl(`${target.prefix}sendrate:alice`);
      assert.ok(bucketTtl > 0 && bucketTtl <= 1_200, `bucket key lives until it would be full: ${bucketTtl} ms`);
      assert.match(await target.redis.get(`${target.prefix}throttle:alice`) ?? '', /^1:\d{13}:1$/);
      assert.equal(await target.redis.hkeys(`${target.prefix}sendrate:alice`), ['tokens', 'at']);
    } finally {
      await target.dispose();
    }
  });
  test.run();
}
