import { ed25519 } from '@noble/curves/ed25519.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SignatureVerifier } from '../../src/ports/signature-verifier.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

/** The signature with S + ℓ for S: the same equation, a non-canonical encoding RFC 8032 § 5.1.7 refuses. */
function malleated(signature: Uint8Array): Uint8Array {
  const s = Buffer.from(signature.subarray(32)).reverse();
  const bigger = BigInt(`0x${s.toString('hex')}`) + ORDER;
  const encoded = Buffer.from(bigger.toString(16).padStart(64, '0'), 'hex').reverse();
  return Uint8Array.from([...signature.subarray(0, 32), ...encoded]);
}

/** STYLE 5: every SignatureVerifier adapter passes this suite. */
export function signatureVerifierContract(name: string, make: () => SignatureVerifier): void {
  const it = suite(`SignatureVerifier: ${name}`);
  const message = 'litsxg key login v1\nserver\nchallenge\nalice';
  const alice = ed25519.keygen();
  const signature = ed25519.sign(new TextEncoder().encode(message), alice.secretKey);

  it('verifies what @noble signs, with its key and no other, a key used again or not', async () => {
    const verifier = make();
    assert.is(await verifier.verify(b64(alice.publicKey), message, b64(signature)), true);
    assert.is(await verifier.verify(b64(ed25519.keygen().publicKey), message, b64(signature)), false, 'another key');
    assert.is(await verifier.verify(b64(alice.publicKey), `${message}x`, b64(signature)), false, 'another message, the key used before');
    assert.is(await verifier.verify(b64(alice.publicKey), message, b64(signature)), true, 'the same again');
  });

  // Keys and key-login signatures reach a verifier shape-checked (32 and 64 bytes); these are its own guards.
  it('a signature of the wrong size, or with a non-canonical S, does not verify', async () => {
    const verifier = make();
    assert.is(await verifier.verify(b64(alice.publicKey), message, b64(new Uint8Array(10))), false, 'a short signature');
    assert.is(await verifier.verify(b64(alice.publicKey), message, b64(Uint8Array.from([...signature, 0]))), false, 'a long signature');
    assert.is(await verifier.verify(b64(alice.publicKey), message, b64(malleated(signature))), false, 'S + ℓ');
  });

  it('non-ASCII text is signed as UTF-8', async () => {
    const text = 'litsxg key login v1\nserver\nchallenge\nzoë';
    const signed = ed25519.sign(new TextEncoder().encode(text), alice.secretKey);
    assert.is(await make().verify(b64(alice.publicKey), text, b64(signed)), true);
  });

  it.run();
}
