import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeEd25519Verifier } from '../../src/adapters/crypto/node-ed25519-verifier.ts';
import { type Libsodium, loadLibsodium, SodiumEd25519Verifier } from '../../src/adapters/crypto/sodium-ed25519-verifier.ts';
import { signatureVerifierContract } from '../contracts/signature-verifier-contract.ts';
import { RecordingLogger } from '../support/fakes.ts';

const unloadable = () => {
  throw new Error('No native build was found for platform=linux arch=riscv64');
};

// Loaded here, so that a binding that does not load fails this file instead of passing OpenSSL off as libsodium.
const libsodium = loadLibsodium();

signatureVerifierContract('OpenSSL (node:crypto)', () => new NodeEd25519Verifier());
signatureVerifierContract('libsodium (sodium-native)', () => new SodiumEd25519Verifier(new NodeEd25519Verifier(), new RecordingLogger(), () => libsodium));
signatureVerifierContract('libsodium unavailable: OpenSSL', () => new SodiumEd25519Verifier(new NodeEd25519Verifier(), new RecordingLogger(), unloadable));

// The identity point as the key, the identity as R and S = 0: [S]B = R + [k]A for every message.
const SMALL_ORDER_KEY = Buffer.from([1, ...new Array(31).fill(0)]).toString('base64');
const SMALL_ORDER_SIGNATURE = Buffer.from([1, ...new Array(63).fill(0)]).toString('base64');

test('libsodium refuses a small-order key, whose "signature" OpenSSL, the fallback, verifies for any message (docs/security.md)', async () => {
  const message = 'litsxg key login v1\nserver\nchallenge\nalice';
  const verifier = new SodiumEd25519Verifier(new NodeEd25519Verifier(), new RecordingLogger(), () => libsodium);
  assert.is(await verifier.verify(SMALL_ORDER_KEY, message, SMALL_ORDER_SIGNATURE), false);
  assert.is(await new NodeEd25519Verifier().verify(SMALL_ORDER_KEY, message, SMALL_ORDER_SIGNATURE), true);
});

test('libsodium is loaded at the first verification, once, not when the verifier is made', async () => {
  let loads = 0;
  const verifier = new SodiumEd25519Verifier(new NodeEd25519Verifier(), new RecordingLogger(), () => {
    loads++;
    return libsodium;
  });
  assert.is(loads, 0);
  await verifier.verify(SMALL_ORDER_KEY, 'm', SMALL_ORDER_SIGNATURE);
  await verifier.verify(SMALL_ORDER_KEY, 'm', SMALL_ORDER_SIGNATURE);
  assert.is(loads, 1);
});

test('where libsodium does not load, OpenSSL verifies, and one warning says why', async () => {
  const logger = new RecordingLogger();
  const asked: string[] = [];
  const fallback = { verify: async (key: string) => (asked.push(key), true) };
  const verifier = new SodiumEd25519Verifier(fallback, logger, unloadable);
  assert.is(await verifier.verify('a2V5', 'm', 'c2ln'), true);
  assert.is(await verifier.verify('a2V5', 'm', 'c2ln'), true);
  assert.equal(asked, ['a2V5', 'a2V5']);
  assert.equal(logger.entries, [{ level: 'warn', event: 'libsodium_unavailable', fields: { reason: 'No native build was found for platform=linux arch=riscv64' } }]);
});

test('libsodium verifies on the event loop: no thread hand-off to wait for', async () => {
  const binding: Libsodium = { crypto_sign_verify_detached: () => true };
  const verifier = new SodiumEd25519Verifier(new NodeEd25519Verifier(), new RecordingLogger(), () => binding);
  let answered = false;
  void verifier.verify(SMALL_ORDER_KEY, 'm', SMALL_ORDER_SIGNATURE).then(() => { answered = true; });
  await null;
  assert.is(answered, true);
});

test.run();
