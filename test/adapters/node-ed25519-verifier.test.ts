import { ed25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeEd25519Verifier } from '../../src/adapters/crypto/node-ed25519-verifier.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

test('Node verifies what @noble signs, with each key, the imported key kept or not', () => {
  const verifier = new NodeEd25519Verifier();
  const alice = ed25519.keygen();
  const bob = ed25519.keygen();
  const message = 'litsxg key login v1\nserver\nchallenge\nalice';
  const signature = b64(ed25519.sign(new TextEncoder().encode(message), alice.secretKey));
  assert.is(verifier.verify(b64(alice.publicKey), message, signature), true);
  assert.is(verifier.verify(b64(bob.publicKey), message, signature), false, 'another key');
  assert.is(verifier.verify(b64(alice.publicKey), `${message}x`, signature), false, 'another message, the key already imported');
  assert.is(verifier.verify(b64(alice.publicKey), message, signature), true);
});

test.run();
