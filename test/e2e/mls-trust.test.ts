import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toBase64 } from '../../src/client/e2e/base64.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { readyTerminalClient, terminalClient } from '../support/terminal-client.ts';

// docs/protocol.md "Holds", (a) by a replaced key rather than a reset (trust-holds.test.ts resets
// bob's devices): bob's identity is replaced while his device stays, and alice, told at her next
// login, holds what she sends to him until `/verify` and `/trust`, then sends it.
test('on MLS, after bob\'s key is replaced, the terminal holds a text to him until /verify and /trust, then sends it', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const bob = await readyTerminalClient('bob', server.port, join(keys.path, 'bob'), PASSWORD);
    const before = await readyTerminalClient('alice', server.port, join(keys.path, 'alice'), PASSWORD);
    before.type('@bob before the change');
    await bob.waitFor('alice: before the change');
    bob.quit();
    assert.is(await bob.status, 0);
    before.quit();
    assert.is(await before.status, 0);

    // Whoever has bob's password (or the server itself) publishes another identity for him.
    const impostor = await ProtocolClient.login(server.port, 'bob');
    impostor.send({ op: 'publish_key', agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) });
    await impostor.next('key_published');
    impostor.close();

    const alice = terminalClient('alice', server.port, join(keys.path, 'alice'), PASSWORD);
    await alice.waitFor('*** bob\'s devices were reset: bob has a new safety number. Messages to and from bob are held until you /verify bob and /trust bob');
    await alice.waitFor('conversations ready on device');
    alice.type('@bob after the change');
    await alice.waitFor('to bob: bob\'s safety number changed: held, not sent. Compare safety numbers (/verify bob), then /trust bob to send');
    alice.type('/trust bob');
    await alice.waitFor('nothing trusted: /verify bob first');
    assert.not.match(alice.screen(), 'sent what was held');
    alice.type('/verify bob');
    await alice.waitFor('this is bob\'s NEW key, not the one pinned');
    alice.type('/trust bob');
    await alice.waitFor('bob\'s key is pinned as verified');
    await alice.waitFor('sent what was held for bob: ');
    assert.not.match(alice.screen(), 'sent what was held for bob: not sent');
    alice.quit();
    // Its input is a pipe: a text held for /trust counts as not sent in the exit status (client22,
    // ClientOutbox.held), even once /trust sent it; what the screen said is what this test reads.
    await alice.status;
  } finally {
    await server.stop();
    keys.remove();
  }
});

test.run();
