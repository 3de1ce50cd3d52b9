import { ed25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeEd25519Verifier } from '../../src/adapters/crypto/node-ed25519-verifier.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

test('verifies off the event loop: the call returns before the answer', async () => {
  const verifier = new NodeEd25519Verifier();
  const alice = ed25519.keygen();
  const message = 'litsxg key login v1\nserver\nchallenge\nalice';
  const answer = verifier.verify(b64(alice.publicKey), message, b64(ed25519.sign(new TextEncoder().encode(message), alice.secretKey)));
  let answered = false;
  void answer.then(() => { answered = true; });
  // A verification on the event loop would be answered within these microtasks; the thread pool's comes in a later turn.
  for (let i = 0; i < 10; i++) await null;
  assert.is(answered, false, 'answered within the same turn: verified on the event loop');
  assert.is(await answer, true);
});

test.run();
