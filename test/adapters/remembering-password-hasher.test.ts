import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConcurrencyLimit } from '../../src/adapters/crypto/concurrency-limit.ts';
import { RememberingPasswordHasher } from '../../src/adapters/crypto/remembering-password-hasher.ts';
import { PlainPasswordHasher } from '../support/fakes.ts';

test('a password verified lately is not hashed again; wrong ones always are', async () => {
  const inner = new PlainPasswordHasher();
  const hasher = new RememberingPasswordHasher(inner);
  const stored = await hasher.hash('correct horse');
  assert.ok(await hasher.verify('correct horse', stored));
  assert.ok(await hasher.verify('correct horse', stored));
  assert.ok(await hasher.verify('correct horse', stored));
  assert.is(inner.verifications, 1, 'the reconnects cost no hash');
  assert.not.ok(await hasher.verify('wrong horse', stored));
  assert.not.ok(await hasher.verify('wrong horse', stored));
  assert.is(inner.verifications, 3);
  assert.not.ok(await hasher.verify('correct horse', undefined), 'an unknown name is never remembered');
});

test('a changed password (a new stored hash) is not matched by the old one', async () => {
  const inner = new PlainPasswordHasher();
  const hasher = new RememberingPasswordHasher(inner);
  assert.ok(await hasher.verify('old password', 'plain:old password'));
  assert.not.ok(await hasher.verify('old password', 'plain:new password'));
});

test('what is remembered expires', async () => {
  let now = 0;
  const inner = new PlainPasswordHasher();
  const hasher = new RememberingPasswordHasher(inner, () => now);
  await hasher.verify('pw', 'plain:pw');
  now += 10 * 60_000 + 1;
  await hasher.verify('pw', 'plain:pw');
  assert.is(inner.verifications, 2);
});

test('a concurrency limit runs at most N tasks at once, in order', async () => {
  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(Array.from({ length: 8 }, (_, i) => limit.run(async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(i);
    running--;
  })));
  assert.is(most, 2);
  assert.equal(order, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test.run();
