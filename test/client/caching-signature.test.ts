import { ed25519 } from '@noble/curves/ed25519.js';
import { getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cachingEd25519 } from '../../src/client/conversations/caching-signature.ts';
import { DEFAULT_SUITE } from '../../src/client/conversations/mls-suite.ts';

type Subtle = typeof globalThis.crypto.subtle;

/** WebCrypto, counting the keys it imports. */
function countingSubtle(): { subtle: Subtle; imports: () => number } {
  const real = globalThis.crypto.subtle;
  let imports = 0;
  const subtle = Object.create(real) as Subtle;
  subtle.importKey = ((...args: Parameters<Subtle['importKey']>) => {
    imports++;
    return Reflect.apply(real.importKey, real, args);
  }) as Subtle['importKey'];
  subtle.sign = real.sign.bind(real);
  subtle.verify = real.verify.bind(real);
  return { subtle, imports: () => imports };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('signatures and verdicts equal ts-mls\'s own Ed25519, raw seeds and PKCS #8 keys alike', async () => {
  const inner = (await getCiphersuiteImpl(getCiphersuiteFromName(DEFAULT_SUITE))).signature;
  const cached = cachingEd25519(inner, countingSubtle().subtle);
  const message = new TextEncoder().encode('a framed content to be signed');
  const seed = ed25519.utils.randomSecretKey();
  const generated = await inner.keygen();
  for (const { signKey, publicKey } of [{ signKey: seed, publicKey: ed25519.getPublicKey(seed) }, generated]) {
    const signature = await cached.sign(signKey, message);
    assert.is(hex(signature), hex(await inner.sign(signKey, message)));
    const forged = signature.slice();
    forged[10]! ^= 1;
    for (const candidate of [signature, forged, signature.subarray(1)]) {
      assert.is(await cached.verify(publicKey, message, candidate), await inner.verify(publicKey, message, candidate).catch(() => false));
    }
  }
});

test('each key is imported once, and the signing keys kept are bounded (the oldest goes first)', async () => {
  const counting = countingSubtle();
  const signature = cachingEd25519((await getCiphersuiteImpl(getCiphersuiteFromName(DEFAULT_SUITE))).signature, counting.subtle);
  const message = new Uint8Array(16);
  const keys = Array.from({ length: 9 }, () => ed25519.utils.randomSecretKey());
  await signature.sign(keys[0]!, message);
  await signature.sign(keys[0]!, message);
  assert.is(counting.imports(), 1, 'a key signs again without a new import');
  for (const key of keys.slice(1, 8)) await signature.sign(key, message);
  assert.is(counting.imports(), 8);
  await signature.sign(keys[0]!, message);
  assert.is(counting.imports(), 8, 'eight keys are kept');
  await signature.sign(keys[8]!, message);
  await signature.sign(keys[0]!, message);
  assert.is(counting.imports(), 10, 'a ninth pushed the oldest out');
});

test.run();
