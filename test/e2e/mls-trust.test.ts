import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toBase64 } from '../../src/client/e2e/base64.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { terminalClient } from '../support/terminal-client.ts';

// "Conversations on MLS" point 7, issue 20: a changed key stops what the terminal sends on MLS
// until `/verify` and `/trust`, as it holds a v1 envelope and as the browser blocks its input.
test('on MLS the terminal sends nothing to a changed key until /verify and /trust; then it goes', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const bob = terminalClient('bob', server.port, join(keys.path, 'bob'), PASSWORD);
    await bob.waitFor('conversations ready on device');
    const alice = terminalClient('alice', server.port, join(keys.path, 'alice'), PASSWORD);
    await alice.waitFor('conversations ready on device');
    alice.type('@bob before the change');
    await bob.waitFor('alice: before the change');
    bob.quit();
    assert.is(await bob.status, 0);

    // Whoever has bob's password (or the server itself) publishes another identity for him.
    const impostor = await ProtocolClient.login(server.port, 'bob');
    impostor.send({ op: 'publish_key', agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) });
    await impostor.next('key_published');
    impostor.close();

    alice.type('@bob after the change');
    await alice.waitFor('#2 to bob: not sent (bob\'s key has changed since it was pinned; compare safety numbers (/verify bob), then /trust bob and send it again)');
    alice.type('/trust bob');
    await alice.waitFor('nothing trusted: /verify bob first');
    alice.type('/verify bob');
    await alice.waitFor('this is bob\'s NEW key, not the one pinned');
    alice.type('/trust bob');
    await alice.waitFor('bob\'s key is pinned as verified');
    alice.type('@bob after the change');
    await alice.waitFor('#3 to bob: queued');
    assert.not.match(alice.screen(), '#2 to bob: queued');
    alice.quit();
    assert.is(await alice.status, 0);
  } finally {
    await server.stop();
    keys.remove();
  }
});

test.run();
