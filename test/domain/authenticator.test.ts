import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryThrottleStore } from '../../src/adapters/memory/in-memory-throttle-store.ts';
import { Authenticator } from '../../src/domain/authenticator.ts';
import { delayAfterFailures } from '../../src/domain/throttle.ts';
import { InMemoryCredentialRepository, ManualClock, PlainPasswordHasher } from '../support/fakes.ts';

function setup() {
  const clock = new ManualClock();
  const credentials = new InMemoryCredentialRepository();
  const hasher = new PlainPasswordHasher();
  credentials.hashes.set('alice', 'plain:right password');
  credentials.hashes.set('bob', 'plain:bob password');
  const authenticator = new Authenticator(credentials, hasher, new InMemoryThrottleStore(clock), clock);
  return { clock, hasher, authenticator };
}

test('the delay grows with consecutive failures: three free, then 1 s doubling up to a minute', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 10, 50].map(delayAfterFailures), [0, 0, 0, 1000, 2000, 4000, 60000, 60000]);
});

test('after the free failures a name is rate_limited with the time left, whatever the connection', async () => {
  const { clock, authenticator } = setup();
  for (let i = 0; i < 4; i++) assert.equal(await authenticator.authenticate('alice', 'guess'), { ok: false, code: 'auth_failed' });
  assert.equal(await authenticator.authenticate('alice', 'right password'), { ok: false, code: 'rate_limited', retryAfterMs: 1000 });
  assert.equal(await authenticator.authenticate('bob', 'bob password'), { ok: true }, 'other names are not slowed');
  clock.advance(1000);
  assert.equal(await authenticator.authenticate('alice', 'right password'), { ok: true });
  assert.equal(await authenticator.authenticate('alice', 'guess'), { ok: false, code: 'auth_failed' }, 'success resets the count');
});

test('guesses made at once from many connections are verified one at a time', async () => {
  const { hasher, authenticator } = setup();
  const outcomes = await Promise.all(Array.from({ length: 50 }, () => authenticator.authenticate('alice', 'guess')));
  const failed = outcomes.filter((o) => !o.ok && o.code === 'auth_failed').length;
  const limited = outcomes.filter((o) => !o.ok && o.code === 'rate_limited');
  assert.is(failed, 1);
  assert.is(limited.length, 49);
  assert.is(hasher.verifications, 1);
});

test('unknown names are throttled the same way', async () => {
  const { authenticator } = setup();
  for (let i = 0; i < 4; i++) await authenticator.authenticate('nobody', 'guess');
  const outcome = await authenticator.authenticate('nobody', 'guess');
  assert.equal(outcome.ok === false && outcome.code, 'rate_limited');
});

test('a failing credential store rethrows and leaves the count as it was', async () => {
  const { authenticator, hasher } = setup();
  hasher.verify = async () => {
    throw new Error('database is locked');
  };
  try {
    await authenticator.authenticate('alice', 'right password');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.is((error as Error).message, 'database is locked');
  }
  hasher.verify = PlainPasswordHasher.prototype.verify;
  assert.equal(await authenticator.authenticate('alice', 'right password'), { ok: true }, 'not blocked by the failed attempt');
});

test('a hasher too busy to verify answers rate_limited and costs the name nothing', async () => {
  const { authenticator, hasher } = setup();
  hasher.verify = async () => 'busy' as const;
  for (let i = 0; i < 6; i++) assert.equal(await authenticator.authenticate('alice', 'right password'), { ok: false, code: 'rate_limited', retryAfterMs: 1000 });
  hasher.verify = PlainPasswordHasher.prototype.verify;
  assert.equal(await authenticator.authenticate('alice', 'right password'), { ok: true }, 'no failure was counted');
});

test.run();
