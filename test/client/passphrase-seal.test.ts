import { scryptSync } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCRYPT_COST, openWithPassphrase, sealWithPassphrase } from '../../src/client/trust/passphrase-seal.ts';

const secret = new TextEncoder().encode('{"signing":"the secret key"}');
const CHEAP = { logN: 10, r: 8, p: 1 };

test('at the real cost: opens with the passphrase, and the key is scrypt N=2^17 r=8 p=1 of it, as node:crypto computes', () => {
  const fixed = (n = 32) => new Uint8Array(n).fill(7);
  const sealed = sealWithPassphrase(secret, 'correct horse', SCRYPT_COST, fixed);
  assert.equal([...sealed.subarray(0, 4)], [1, 17, 8, 1]);
  assert.equal(openWithPassphrase(sealed, 'correct horse'), secret);
  const key = scryptSync('correct horse', Buffer.from(fixed(16)), 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 2 ** 28 });
  const independent = xchacha20poly1305(key, fixed(24), sealed.subarray(0, 20)).decrypt(sealed.subarray(44));
  assert.equal(independent, secret);
});

test('a wrong passphrase, a changed byte, a header past the bounds: nothing', () => {
  const sealed = sealWithPassphrase(secret, 'correct horse', CHEAP);
  assert.is(openWithPassphrase(sealed, 'correct hors'), undefined);
  for (const at of [3, 10, 30, sealed.length - 1]) {
    const copy = sealed.slice();
    copy[at]! ^= 1;
    assert.is(openWithPassphrase(copy, 'correct horse'), undefined, `byte ${at}`);
  }
  const costly = sealed.slice();
  costly[1] = 30;
  assert.is(openWithPassphrase(costly, 'correct horse'), undefined);
  assert.is(openWithPassphrase(sealed.subarray(0, 50), 'correct horse'), undefined);
});

test('the passphrase is read as NFC: the same words typed composed or decomposed open it', () => {
  const sealed = sealWithPassphrase(secret, 'caf\u00e9', CHEAP);
  assert.equal(openWithPassphrase(sealed, 'cafe\u0301'), secret);
});

test.run();
