import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEVICE_LIMITS } from '../../src/domain/devices.ts';
import { keyPackage, makeIdentity } from '../support/device-keys.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import type { Frame } from '../support/protocol-client.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';

// docs/protocol.md "Devices and key packages", over TCP with the built server.
let server: RunningServer;
const identity = makeIdentity();
const phone = identity.device('alice', 'phone1');

test.before(async () => {
  server = await startServer({ operators: ['alice', 'bob'] });
});

test.after(async () => {
  assert.is(await server.stop(), 0);
});

/** A connection logged in as `device`; the first frame after the login (welcome or error). */
async function deviceLogin(device: typeof phone): Promise<{ client: ProtocolClient; answer: Frame }> {
  const client = await ProtocolClient.connect(server.port);
  const hello = await client.next('hello');
  client.send({ op: 'auth_key', name: 'alice', device: device.record.device, signature: device.login(String(hello.challenge), String(hello.server_id)) });
  return { client, answer: await client.next() };
}

async function ask(client: ProtocolClient, frame: Frame): Promise<Frame> {
  client.send(frame);
  return client.next();
}

const fetchOnce = (client: ProtocolClient) => ask(client, { op: 'fetch_key_packages', name: 'alice' });

test('a certified device logs in by its own key, publishes key packages, and each one-time package is handed out once', async () => {
  const alice = await ProtocolClient.login(server.port, 'alice');
  assert.equal(await ask(alice, { op: 'publish_key', ...identity.published }), { op: 'key_published' });
  assert.equal(await ask(alice, { op: 'publish_device', ...phone.record }), { op: 'device_published', device: 'phone1' });
  const { client: device, answer } = await deviceLogin(phone);
  assert.equal(answer, { op: 'welcome', name: 'alice', pending: 0, device: 'phone1' });
  assert.equal(await ask(device, { op: 'publish_key_packages', packages: [keyPackage('one'), keyPackage('two')], last_resort: keyPackage('last') }),
    { op: 'key_packages_published', count: 2 });
  assert.equal(await ask(device, { op: 'who' }), { op: 'online', names: ['alice'] });

  const bob = await ProtocolClient.login(server.port, 'bob');
  const given = [];
  for (let i = 0; i < 4; i++) given.push(((await fetchOnce(bob)).packages as Frame[])[0]);
  assert.equal(given, [
    { device: 'phone1', package: keyPackage('one') },
    { device: 'phone1', package: keyPackage('two') },
    { device: 'phone1', package: keyPackage('last'), last_resort: true },
    { device: 'phone1', package: keyPackage('last'), last_resort: true },
  ], 'each one-time package once, then the last resort');

  // A flood of fetches: past the bucket's burst only the last resort comes, and one-time packages stay held.
  const more = Array.from({ length: 6 * DEVICE_LIMITS.fetchesPerSecond }, (_, i) => keyPackage(`more ${i}`));
  assert.equal(await ask(device, { op: 'publish_key_packages', packages: more }), { op: 'key_packages_published', count: more.length });
  let oneTime = 0;
  for (let i = 0; i < more.length; i++) if (((await fetchOnce(bob)).packages as Frame[])[0]?.last_resort !== true) oneTime++;
  assert.ok(oneTime < more.length - 2 * DEVICE_LIMITS.fetchesPerSecond, `the flood met the rate limit: ${oneTime} one-time packages of ${more.length} fetches`);
  const held = more.length - oneTime;
  const listed = await runLitsxg(['operator', 'list', '--data-dir', server.dataDir]);
  assert.equal(listed.stdout, `alice 1 device${held < DEVICE_LIMITS.lowPackages ? ', key packages low' : ''}\nbob\n`);
  for (const client of [alice, bob, device]) client.close();
});

test('a revoked device gets bye revoked and no longer logs in', async () => {
  const laptop = identity.device('alice', 'laptop');
  const alice = await ProtocolClient.login(server.port, 'alice');
  assert.equal(await ask(alice, { op: 'publish_device', ...laptop.record }), { op: 'device_published', device: 'laptop' });
  const { client: device } = await deviceLogin(laptop);
  assert.equal(await ask(alice, { op: 'revoke_device', device: 'laptop' }), { op: 'device_revoked', device: 'laptop' });
  assert.equal(await device.next(), { op: 'bye', reason: 'revoked' });
  assert.ok(await device.waitClosed());
  const again = await deviceLogin(laptop);
  assert.is(again.answer.code, 'auth_failed');
  for (const client of [alice, again.client]) client.close();
});

test('approval: a device published pending from a password session logs in once a device session certified it', async () => {
  const tablet = identity.device('alice', 'tablet');
  const pending = { device: 'tablet', signing: tablet.record.signing, agreement: makeIdentity().published.agreement };
  const newcomer = await ProtocolClient.login(server.port, 'alice');
  assert.equal(await ask(newcomer, { op: 'publish_device', ...pending }), { op: 'device_published', device: 'tablet', pending: true });
  const early = await deviceLogin(tablet);
  assert.is(early.answer.code, 'auth_failed', 'not while pending');
  const firstLine = async () => (await runLitsxg(['operator', 'list', '--data-dir', server.dataDir])).stdout.split(/[,\n]/)[0];
  assert.is(await firstLine(), 'alice 1 device', 'operator list counts certified devices only');

  const { client: old } = await deviceLogin(phone);
  const listed = await ask(old, { op: 'fetch_devices', name: 'alice' });
  assert.equal(listed.devices, [{ ...phone.record, key_packages: (listed.devices as Frame[])[0]!.key_packages }, { ...pending, pending: true }]);
  assert.type((listed.devices as Frame[])[0]!.key_packages, 'number');
  const bob = await ProtocolClient.login(server.port, 'bob');
  assert.equal(await ask(bob, { op: 'fetch_devices', name: 'alice' }), { op: 'devices', name: 'alice', devices: [phone.record] }, 'others see no pending device');
  assert.equal(await ask(old, { op: 'publish_device', ...pending, device: 'spare' }), {
    op: 'error', code: 'invalid', message: 'certificate: required from a device session (only a password session publishes a pending device)',
  });
  assert.equal(await ask(old, { op: 'publish_device', ...tablet.record }), { op: 'device_published', device: 'tablet' });

  const admitted = await deviceLogin(tablet);
  assert.equal(admitted.answer, { op: 'welcome', name: 'alice', pending: 0, device: 'tablet' });
  assert.is(await firstLine(), 'alice 2 devices');
  for (const client of [newcomer, early.client, old, bob, admitted.client]) client.close();
});

test('operator reset-devices: every device, its key packages and the key go at once', async () => {
  assert.equal(await runLitsxg(['operator', 'reset-devices', 'alice', '--data-dir', server.dataDir]), { status: 0, stdout: 'devices and key reset for alice\n', stderr: '' });
  assert.equal((await runLitsxg(['operator', 'reset-devices', 'nobody', '--data-dir', server.dataDir])).stderr, 'litsxg operator: no operator named nobody\n');
  const { client, answer } = await deviceLogin(phone);
  assert.is(answer.code, 'auth_failed');
  const bob = await ProtocolClient.login(server.port, 'bob');
  assert.equal(await ask(bob, { op: 'fetch_devices', name: 'alice' }), { op: 'devices', name: 'alice', devices: [] });
  assert.equal(await fetchOnce(bob), { op: 'key_packages', name: 'alice', packages: [] });
  assert.is((await ask(bob, { op: 'fetch_key', name: 'alice' })).code, 'no_key');
  assert.equal((await runLitsxg(['operator', 'list', '--data-dir', server.dataDir])).stdout, 'alice\nbob\n');
  for (const c of [client, bob]) c.close();
});

test.run();
