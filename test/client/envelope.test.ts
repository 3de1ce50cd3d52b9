import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ENVELOPE_PREFIX, MAX_TEXT_BYTES, PADDED_SIZES, messageKey, open, seal } from '../../src/client/e2e/envelope.ts';

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const alice = { name: 'alice', signingSecret: fill(32, 1) };
const aliceSigning = ed25519.getPublicKey(alice.signingSecret);
const bobSecret = fill(32, 2);
const bob = { name: 'bob', agreementPublic: x25519.getPublicKey(bobSecret) };
const TS = 1_764_115_200_000;

function bytesOf(envelope: string): Buffer {
  return Buffer.from(envelope.slice(ENVELOPE_PREFIX.length), 'base64');
}

function envelopeOf(bytes: Uint8Array): string {
  return ENVELOPE_PREFIX + Buffer.from(bytes).toString('base64');
}

// Fixed vectors: a change of library or of the derivation cannot go unnoticed.
test('vector: the message key is HKDF-SHA256 of the X25519 agreement, salted with both public keys', () => {
  const header = new Uint8Array(65);
  header.set(x25519.getPublicKey(fill(32, 3)), 9);
  assert.is(bytesToHex(messageKey(fill(32, 3), bob.agreementPublic, header)), '3329a2be9b905a329942eb2b7eac3be0a830384bc2f4da2e549203f24e3d3150');
});

test('vector: a whole envelope, given its random bytes', () => {
  let calls = 0;
  const envelope = seal('hello bob', alice, bob, TS, (n?: number) => fill(n ?? 32, 3 + calls++));
  assert.is(envelope.length, 541);
  assert.is(bytesToHex(sha256(new TextEncoder().encode(envelope))), '026708fd004d64343414c4de94b56cc0250e997afb8699250b24dfc4e25c0a16');
});

test('property: any text up to the limit opens to itself, padded to one of four sizes', () => {
  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: MAX_TEXT_BYTES }));
  fc.assert(fc.property(text, fc.integer({ min: 0, max: 2 ** 48 }), (message, ts) => {
    const envelope = seal(message, alice, bob, ts);
    const padded = bytesOf(envelope).length - 65 - 16 - 64;
    assert.ok((PADDED_SIZES as readonly number[]).includes(padded), `padded to ${padded}`);
    assert.equal(open(envelope, 'alice', aliceSigning, 'bob', bobSecret), { ok: true, text: message, sentAt: ts, id: bytesOf(envelope).subarray(41, 65).toString('base64') });
  }), { numRuns: 100 });
});

test('property: any changed byte is refused, and nothing is decrypted', () => {
  const envelope = seal('meet at noon', alice, bob, TS);
  const bytes = bytesOf(envelope);
  fc.assert(fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
    const changed = Uint8Array.from(bytes);
    changed[at]! ^= flip;
    const opened = open(envelopeOf(changed), 'alice', aliceSigning, 'bob', bobSecret);
    assert.is(opened.ok, false, `byte ${at}`);
  }), { numRuns: 300 });
});

test('re-addressed or re-attributed envelopes are refused: names are signed and authenticated', () => {
  const envelope = seal('for bob only', alice, bob, TS);
  assert.equal(open(envelope, 'mallory', aliceSigning, 'bob', bobSecret), { ok: false, reason: 'bad_signature' });
  assert.equal(open(envelope, 'alice', aliceSigning, 'carol', bobSecret), { ok: false, reason: 'bad_signature' });
  const otherSigner = ed25519.getPublicKey(fill(32, 9));
  assert.equal(open(envelope, 'alice', otherSigner, 'bob', bobSecret), { ok: false, reason: 'bad_signature' });
  assert.equal(open(envelope, 'alice', aliceSigning, 'bob', fill(32, 7)), { ok: false, reason: 'undecryptable' }, 'another recipient key');
});

test('malformed bodies and over-long text', () => {
  for (const body of ['hello', `${ENVELOPE_PREFIX}!!!`, `${ENVELOPE_PREFIX}${Buffer.alloc(200).toString('base64')}`]) {
    assert.equal(open(body, 'alice', aliceSigning, 'bob', bobSecret), { ok: false, reason: 'malformed' });
  }
  assert.throws(() => seal('x'.repeat(MAX_TEXT_BYTES + 1), alice, bob, TS), /longer than/);
  assert.ok(seal('x'.repeat(MAX_TEXT_BYTES), alice, bob, TS).length <= 16_384, 'the largest envelope fits the default body limit');
});

test.run();
