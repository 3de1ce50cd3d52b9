import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCRYPT_DEFAULTS, ScryptPasswordHasher } from '../../src/adapters/crypto/scrypt-password-hasher.ts';
import { FAST_SCRYPT } from '../support/seed-operators.ts';

test('hashes are salted scrypt carrying their parameters, never the password', async () => {
  const hasher = new ScryptPasswordHasher(FAST_SCRYPT);
  const first = await hasher.hash('correct horse battery');
  const second = await hasher.hash('correct horse battery');
  assert.match(first, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.is.not(first, second, 'a fresh salt each time');
  assert.not.ok(first.includes('correct'));
});

test('verify accepts the password, refuses others and an unknown (undefined) hash', async () => {
  const hasher = new ScryptPasswordHasher(FAST_SCRYPT);
  const stored = await hasher.hash('correct horse battery');
  assert.ok(await hasher.verify('correct horse battery', stored));
  assert.not.ok(await hasher.verify('correct horse batterY', stored));
  assert.not.ok(await hasher.verify('correct horse battery', undefined));
  assert.not.ok(await hasher.verify('x', 'bcrypt$nonsense'));
});

test('a hash made with other parameters still verifies after the defaults change', async () => {
  const old = await new ScryptPasswordHasher(FAST_SCRYPT).hash('correct horse battery');
  assert.ok(await new ScryptPasswordHasher(SCRYPT_DEFAULTS).verify('correct horse battery', old));
});

test('an unknown name costs about as much as a wrong password', async () => {
  const hasher = new ScryptPasswordHasher(SCRYPT_DEFAULTS);
  const stored = await hasher.hash('correct horse battery');
  await hasher.verify('warm up the decoy', undefined);
  // Interleaved, and the fastest of each kind: what the other processes of a busy machine add
  // falls on both alike, and the fastest run is the one they disturbed least.
  const time = async (hash: string | undefined) => {
    const start = process.hrtime.bigint();
    await hasher.verify('wrong guess', hash);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  let wrong = Infinity;
  let unknown = Infinity;
  for (let i = 0; i < 5; i++) {
    wrong = Math.min(wrong, await time(stored));
    unknown = Math.min(unknown, await time(undefined));
  }
  assert.ok(unknown > wrong * 0.6 && unknown < wrong * 1.6, `wrong ${wrong.toFixed(0)} ms, unknown ${unknown.toFixed(0)} ms`);
});

test('logins wait their turn, first come first served: none is refused for being late in line', async () => {
  const hasher = new ScryptPasswordHasher(FAST_SCRYPT);
  const stored = await hasher.hash('correct horse battery');
  const verdicts = await Promise.all(Array.from({ length: 60 }, (_, i) => hasher.verify(i === 59 ? 'correct horse battery' : 'guess', stored)));
  assert.is(verdicts.filter((v) => v === 'busy').length, 0);
  assert.is(verdicts[59], true, 'the last in line gets its answer');
});

test('a waiting task no longer wanted is skipped when its turn comes', async () => {
  const { ABANDONED, ConcurrencyLimit } = await import('../../src/adapters/crypto/concurrency-limit.ts');
  const limit = new ConcurrencyLimit(1);
  let wanted = true;
  const ran: number[] = [];
  const first = limit.run(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    ran.push(1);
  });
  const second = limit.run(async () => void ran.push(2), () => wanted);
  const third = limit.run(async () => void ran.push(3), () => true);
  wanted = false;
  assert.equal(await Promise.all([first, second, third]), [undefined, ABANDONED, undefined]);
  assert.equal(ran, [1, 3]);
});

test.run();
