import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { KeyStore } from '../../src/client/e2e/key-store.ts';
import { RecordingProxy } from '../support/recording-proxy.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { assertAbsent, groupSendBodies, heapSnapshot, heapSnapshotEnv } from '../support/secrets.ts';
import { readyTerminalClient, terminalClient, until } from '../support/terminal-client.ts';

test('text typed by alice reaches bob\'s screen and nowhere else: not on the wire, in the logs or in the server\'s memory', async () => {
  const diagnostics = tempDir();
  const keys = tempDir();
  const server = await startServer({
    operators: ['alice', 'bob'],
    env: heapSnapshotEnv(diagnostics.path),
  });
  const proxy = await RecordingProxy.start(server.port);
  const secret = `the boat leaves at dawn ${randomBytes(8).toString('hex')}`;
  try {
    // Bob's first login from a new key store is by password, and publishes his identity.
    const bobKeys = join(keys.path, 'bob');
    const bob = terminalClient('bob', proxy.port, bobKeys, PASSWORD);
    await bob.waitFor('connected to');
    // Bob's client becomes his device and publishes key packages (their private halves are kept first).
    await until(() => KeyStore.open(bobKeys).device?.published === true && keyPackagesHeld(bobKeys) >= 10, "bob's device and key packages");
    await new Promise((resolve) => setTimeout(resolve, 500));
    bob.quit();
    assert.is(await bob.status, 0);

    const alice = terminalClient('alice', proxy.port, join(keys.path, 'alice'), PASSWORD);
    await alice.waitFor('connected to');
    alice.type(`@bob ${secret}`);
    await alice.waitFor('#1 to bob: queued');
    assert.match(alice.screen(), "pinned bob's key on first use");

    // While the message waits for bob, the server's memory holds only its MLS ciphertext.
    const snapshot = await heapSnapshot(server.process.pid!, diagnostics.path);
    assertAbsent(snapshot, secret, 'the heap snapshot');
    const ciphertext = groupSendBodies(proxy.bytes().toString()).at(-1) ?? '';
    assert.ok(ciphertext.length > 200 && snapshot.includes(ciphertext.slice(0, 200)), 'the snapshot does hold the waiting message, as MLS ciphertext');

    // Back again, bob logs in by key: no password given, none sent.
    const connectionsBefore = proxy.chunks.length;
    const bobAgain = terminalClient('bob', proxy.port, bobKeys, undefined);
    await bobAgain.waitFor(`alice: ${secret}`);
    await alice.waitFor('#1 to bob: ✓ received');
    const bobSaid = Buffer.concat(proxy.chunks.slice(connectionsBefore)).toString();
    assert.match(bobSaid, '"op":"auth_key"');
    assert.not.match(bobSaid, PASSWORD);
    bobAgain.quit();
    alice.quit();
    assert.is(await bobAgain.status, 0);
    assert.is(await alice.status, 0);

    assertAbsent(proxy.bytes().toString('latin1'), secret, 'the bytes through the proxy');
    assert.match(proxy.bytes().toString(), '"op":"group_send","body":"mls1.', 'MLS messages crossed');
    assertAbsent(JSON.stringify(server.logs), secret, 'the server log');
  } finally {
    await proxy.stop();
    await server.stop();
    keys.remove();
    diagnostics.remove();
  }
});

test('a password login as bob sends alice text in clear: alice, who has bob\'s key, sees a refusal, never the text as bob', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const bob = terminalClient('bob', server.port, join(keys.path, 'bob'), PASSWORD);
    await until(() => KeyStore.open(join(keys.path, 'bob')).published, "bob's key to be published");
    bob.quit();
    assert.is(await bob.status, 0);
    const alice = await readyTerminalClient('alice', server.port, join(keys.path, 'alice'), PASSWORD);
    alice.type('/verify bob');
    await alice.waitFor('safety number with bob');
    // Whoever has bob's password (or the server itself) speaks as bob over a raw socket.
    const impostor = await ProtocolClient.login(server.port, 'bob');
    impostor.send({ op: 'send', to: 'alice', body: 'it is me, bob: send the codes' });
    await alice.waitFor("! refused a message claiming to be bob: not signed by bob's key");
    assert.not.match(alice.screen(), 'send the codes');
    impostor.close();
    alice.quit();
    assert.is(await alice.status, 0);
  } finally {
    await server.stop();
    keys.remove();
  }
});

test('the key store is the server\'s, by its id: 127.0.0.1 and localhost are one identity; an old HOST_PORT store moves; nothing before hello', async () => {
  const home = tempDir();
  const root = join(home.path, 'keys');
  const server = await startServer({ operators: ['alice'] });
  try {
    const nowhere = terminalClient('alice', await freePort(), { root }, PASSWORD);
    assert.is(await nowhere.status, 8);
    assert.not.ok(existsSync(root), 'nothing created for a server that never said hello');

    // A store of an older client, kept under the address as typed.
    const old = KeyStore.open(join(root, `127.0.0.1_${server.port}`, 'alice'));
    const first = terminalClient('alice', server.port, { root }, PASSWORD);
    await first.waitFor('connected to');
    const serverId = readFileSync(join(server.dataDir, 'server-id'), 'utf8').trim();
    const store = join(root, serverId, 'alice');
    assert.match(first.screen(), `moved this server's key store from ${join(root, `127.0.0.1_${server.port}`, 'alice')} to ${store}`);
    assert.equal(readdirSync(root), [serverId], 'the old directory is gone');
    assert.equal(KeyStore.open(store).identity.public, old.identity.public, 'the same identity, moved');
    await until(() => KeyStore.open(store).published, "alice's key to be published");
    first.quit();
    assert.is(await first.status, 0);

    // The same server by another name: the same store, so the key logs in and no password is needed.
    const again = terminalClient('alice', server.port, { root }, undefined, 'localhost');
    await again.waitFor(`connected to localhost:${server.port} as alice`);
    again.quit();
    assert.is(await again.status, 0);
    assert.equal(readdirSync(root), [serverId]);
  } finally {
    await server.stop();
    home.remove();
  }
});

test('--encrypt-keys: the secrets are encrypted at rest; without the passphrase the client says so and stops', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice'] });
  try {
    const dir = join(keys.path, 'alice');
    const first = terminalClient('alice', server.port, dir, PASSWORD, '127.0.0.1', { encryptKeys: true, keyPassphrase: 'correct horse' });
    await first.waitFor('connected to');
    first.quit();
    assert.is(await first.status, 0);
    assert.ok(KeyStore.isSealed(dir));
    const without = terminalClient('alice', server.port, dir, undefined);
    assert.is(await without.status, 1);
    assert.match(without.screen(), 'is encrypted: set LITSXG_KEY_PASSPHRASE');
    const withIt = terminalClient('alice', server.port, dir, undefined, '127.0.0.1', { keyPassphrase: 'correct horse' });
    await withIt.waitFor('connected to');
    withIt.quit();
    assert.is(await withIt.status, 0);
  } finally {
    await server.stop();
    keys.remove();
  }
});

test('operator revoke-key: the key no longer logs in; the client logs in by password and publishes again', async () => {
  const keys = tempDir();
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const revoke = (name: string) => runLitsxg(['operator', 'revoke-key', name, '--data-dir', server.dataDir]);
    assert.equal(await revoke('alice'), { status: 1, stdout: '', stderr: 'litsxg operator: alice has no published key\n' });
    assert.equal((await revoke('nobody')).stderr, 'litsxg operator: no operator named nobody\n');
    const aliceKeys = join(keys.path, 'alice');
    const first = terminalClient('alice', server.port, aliceKeys, PASSWORD);
    await until(() => KeyStore.open(aliceKeys).published, "alice's key to be published");
    first.quit();
    assert.is(await first.status, 0);
    assert.equal(await revoke('alice'), { status: 0, stdout: 'key revoked for alice\n', stderr: '' });

    const again = terminalClient('alice', server.port, aliceKeys, PASSWORD);
    await again.waitFor("the server refused this client's key; logging in with the password");
    await again.waitFor('connected to');
    await until(() => KeyStore.open(aliceKeys).published, "alice's key to be published again");
    again.quit();
    assert.is(await again.status, 0);
    const thirdTime = terminalClient('alice', server.port, aliceKeys, undefined);
    await thirdTime.waitFor('connected to');
    thirdTime.quit();
    assert.is(await thirdTime.status, 0);
    assert.not.match(thirdTime.screen(), 'refused', 'the key logs in again, no password given');
  } finally {
    await server.stop();
    keys.remove();
  }
});

test.run();

/** How many key packages a client's conversation store holds the private halves of. */
function keyPackagesHeld(keysDir: string): number {
  try {
    return readdirSync(join(keysDir, 'mls')).filter((file) => file.startsWith('key-package=')).length;
  } catch {
    return 0;
  }
}
