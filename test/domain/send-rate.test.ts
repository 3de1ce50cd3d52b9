import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeSendToken } from '../../src/domain/send-rate.ts';
import type { TokenBucket } from '../../src/domain/send-rate.ts';

test('a burst of twice the rate passes, then the sender waits for a token', () => {
  let bucket: TokenBucket | undefined;
  const take = (now: number) => {
    const result = takeSendToken(bucket, 10, now);
    bucket = result.bucket;
    return result.wait;
  };
  for (let i = 0; i < 20; i++) assert.is(take(0), 0, `send ${i}`);
  const wait = take(0);
  assert.ok(wait > 99 && wait <= 100, `waits about 100 ms, got ${wait}`);
  assert.is(take(100), 0);
  assert.ok(take(100) > 0);
});

test.run();
