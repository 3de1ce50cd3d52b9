import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { safetyNumber } from '../../src/client/trust/safety-number.ts';

/** libsignal's NumericFingerprintGenerator written again with node:crypto, independently of the module. */
function signalFingerprint(name: string, key: Buffer): string {
  const typed = Buffer.concat([Buffer.from([0x05]), key]);
  let hash = createHash('sha512').update(Buffer.from([0, 0])).update(typed).update(name, 'utf8').digest();
  for (let i = 0; i < 5200; i++) hash = createHash('sha512').update(hash).update(typed).digest();
  return [0, 5, 10, 15, 20, 25].map((at) => String(hash.readUIntBE(at, 5) % 100_000).padStart(5, '0')).join('');
}

const aliceKey = Buffer.from('iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=', 'base64');
const bobKey = Buffer.from('bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E=', 'base64');
const FIXED = '34785 20489 01292 37827 37887 17707 91938 12242 74612 89415 61023 53332';

test('vector: Signal\'s construction, each side\'s 30 digits sorted, 12 groups of 5', () => {
  const sides = [signalFingerprint('alice', aliceKey), signalFingerprint('bob', bobKey)].sort().join('');
  const expected = sides.match(/\d{5}/g)!.join(' ');
  const number = safetyNumber({ name: 'alice', signingKey: aliceKey }, { name: 'bob', signingKey: bobKey });
  assert.match(number, /^(\d{5} ){11}\d{5}$/);
  assert.is(number, expected);
  // The same number kept as a literal: a change of library or of the construction cannot go unnoticed.
  assert.is(number, FIXED);
});

test('swapped sides give the same number; another key, another name or a multi-byte name another one', () => {
  const number = safetyNumber({ name: 'alice', signingKey: aliceKey }, { name: 'bob', signingKey: bobKey });
  assert.is(safetyNumber({ name: 'bob', signingKey: bobKey }, { name: 'alice', signingKey: aliceKey }), number);
  assert.is.not(safetyNumber({ name: 'alice', signingKey: aliceKey }, { name: 'bob', signingKey: aliceKey }), number);
  assert.is.not(safetyNumber({ name: 'alice', signingKey: aliceKey }, { name: 'bobby', signingKey: bobKey }), number);
  const name = 'zoë';
  const expected = [signalFingerprint('alice', aliceKey), signalFingerprint(name, bobKey)].sort().join('').match(/\d{5}/g)!.join(' ');
  assert.is(safetyNumber({ name: 'alice', signingKey: aliceKey }, { name, signingKey: bobKey }), expected, 'the name as UTF-8');
});

test('a key that is not 32 bytes is a bug, not a number', () => {
  assert.throws(() => safetyNumber({ name: 'alice', signingKey: aliceKey.subarray(1) }, { name: 'bob', signingKey: bobKey }), /32 bytes/);
});

test.run();
