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

// docs/protocol.md "Approval": the grant carries the approving device's pins, so a contact alice
// verified on her laptop is verified on the phone she approves from it, and a key the relay
// hands the phone for that contact afterwards reads as changed there, not as a first use.
test('alice verifies and trusts bob on her laptop, approves her phone from it: bob is verified on the phone, and a swapped key for bob shows as changed', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const bob = await readyTerminalClient('bob', server.port, join(keys.path, 'bob'), PASSWORD);
    const laptop = await readyTerminalClient('alice', server.port, join(keys.path, 'alice-laptop'), PASSWORD);
    laptop.type('/verify bob');
    await laptop.waitFor('compare it with bob\'s /verify alice, out of band; if equal, /trust bob');
    laptop.type('/trust bob');
    await laptop.waitFor('bob\'s key is pinned as verified');
    const number = /safety number with bob: ([\d ]+)/.exec(laptop.screen())![1]!.trim();

    const phone = terminalClient('alice', server.port, join(keys.path, 'alice-phone'), PASSWORD);
    await phone.waitFor('/devices approve ');
    const code = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/.exec(phone.screen())![1]!;
    laptop.type(`/devices approve ${code}`);
    await phone.waitFor('approved: this client is now a device of alice');
    await phone.waitFor('conversations ready on device');
    phone.type('/verify bob');
    await phone.waitFor('bob is verified');
    assert.ok(phone.screen().includes(`safety number with bob: ${number}`), 'the number the laptop verified');
    assert.not.match(phone.screen(), 'pinned bob\'s key on first use');

    // The relay (or whoever has bob's password) hands out another key for bob from now on.
    const impostor = await ProtocolClient.login(server.port, 'bob');
    impostor.send({ op: 'publish_key', agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) });
    await impostor.next('key_published');
    impostor.close();
    phone.type('/verify bob');
    await phone.waitFor('this is bob\'s NEW key, not the one pinned');
    await phone.waitFor('compare it with bob\'s /verify alice, out of band; if equal, /trust bob');
    assert.not.match(phone.screen(), 'pinned bob\'s key on first use');
    for (const client of [phone, laptop, bob]) client.quit();
    await Promise.all([phone.status, laptop.status, bob.status]);
  } finally {
    await server.stop();
    keys.remove();
  }
});

test.run();
