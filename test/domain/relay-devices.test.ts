import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEVICE_LIMITS } from '../../src/domain/devices.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { SLOTS } from '../contracts/device-directory-contract.ts';
import { keyPackage, makeIdentity } from '../support/device-keys.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';

type Harness = ReturnType<typeof inProcessRelay>;
const codeOf = (frames: OutboundFrame[]) => (frames[0]?.op === 'error' ? frames[0].code : frames[0]?.op);

/** alice with a published identity, logged in by password. */
async function withIdentity(h: Harness) {
  await h.addOperators('alice', 'bob');
  const identity = makeIdentity();
  await h.directory.publish('alice', identity.published);
  return { identity, alice: await h.login('alice') };
}

type Device = ReturnType<ReturnType<typeof makeIdentity>['device']>;

/** A connection logged in as alice's `device`; its welcome. */
async function logInAs(h: Harness, device: Device) {
  const connection = h.open();
  const { challenge } = h.gateway.sentTo(connection)[0] as { challenge: string };
  const welcome = await h.frame(connection, { op: 'auth_key', name: 'alice', device: device.record.device, signature: device.login(challenge, 'test-server') });
  return { connection, welcome, device };
}

/** A device of alice's, published, and a connection logged in as it. */
async function deviceSession(h: Harness, identity: ReturnType<typeof makeIdentity>, id: string) {
  const device = identity.device('alice', id);
  await h.devices.add('alice', device.record, SLOTS);
  return logInAs(h, device);
}

test('publish_device: certified by the published identity it is stored and listed; otherwise no_key or invalid', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  const identity = makeIdentity();
  const phone = identity.device('alice', 'phone1').record;
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...phone })), 'no_key');
  await h.frame(alice, { op: 'publish_key', ...identity.published });
  const forged = makeIdentity().device('alice', 'phone1').record;
  const refused = await h.frame(alice, { op: 'publish_device', ...forged, ref: 'f' });
  assert.equal(refused, [{ op: 'error', code: 'invalid', message: "certificate: does not verify under alice's published identity", ref: 'f' }]);
  const bobs = identity.device('bob', 'phone1').record;
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...bobs, device: 'phone1' })), 'invalid', 'a certificate names its operator');
  assert.equal(await h.frame(alice, { op: 'publish_device', ...phone, ref: 'p' }), [{ op: 'device_published', device: 'phone1', ref: 'p' }]);
  assert.equal(await h.frame(alice, { op: 'publish_device', ...phone }), [{ op: 'device_published', device: 'phone1' }], 'again: idempotent');
  const other = identity.device('alice', 'phone1').record;
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...other })), 'device_taken');
  const bob = await h.login('bob');
  assert.equal(await h.frame(bob, { op: 'fetch_devices', name: 'alice' }), [{ op: 'devices', name: 'alice', devices: [phone] }]);
  assert.equal(await h.frame(bob, { op: 'fetch_devices', name: 'bob' }), [{ op: 'devices', name: 'bob', devices: [] }]);
  assert.is(codeOf(await h.frame(bob, { op: 'fetch_devices', name: 'mallory' })), 'no_such_recipient');
  for (const bad of [{ ...phone, device: 'UP' }, { ...phone, device: 'abc' }, { ...phone, signing: 'x' }, { ...phone, certificate: undefined }]) {
    assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...bad })), 'invalid', JSON.stringify(bad));
  }
});

test('at most 16 devices an operator: too_many_devices', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  for (let i = 0; i < DEVICE_LIMITS.devicesPerOperator; i++) {
    assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...identity.device('alice', `dev${i}`).record })), 'device_published');
  }
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...identity.device('alice', 'onemore').record })), 'too_many_devices');
});

test('a device logs in with its own key as mailbox name/device, beside the password session; who names the operator once', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice.b');
  const { identity, alice } = await withIdentity(h);
  const { connection, welcome, device } = await deviceSession(h, identity, 'phone1');
  assert.equal(welcome, [{ op: 'welcome', name: 'alice', pending: 0, device: 'phone1' }]);
  assert.not.ok(h.gateway.closed.has(alice), 'the password session stays');
  assert.equal(await h.presence.online(), ['alice', 'alice/phone1']);
  await h.login('alice.b');
  assert.equal(await h.frame(connection, { op: 'who' }), [{ op: 'online', names: ['alice', 'alice.b'] }]);
  const again = await logInAs(h, device);
  assert.equal(h.gateway.sentTo(connection).at(-1), { op: 'bye', reason: 'replaced' }, 'a second login of the device takes over');
  assert.is(again.welcome[0]?.op, 'welcome');
});

test('a device login signed by another key, for another device or for a device never published fails like a wrong password', async () => {
  const h = inProcessRelay();
  const { identity } = await withIdentity(h);
  const phone = identity.device('alice', 'phone1');
  await h.devices.add('alice', phone.record, SLOTS);
  const c = h.open();
  const { challenge } = h.gateway.sentTo(c)[0] as { challenge: string };
  const signature = phone.login(challenge, 'test-server');
  assert.is(codeOf(await h.frame(c, { op: 'auth_key', name: 'alice', device: 'laptop', signature })), 'auth_failed');
  assert.is(codeOf(await h.frame(c, { op: 'auth_key', name: 'alice', signature })), 'auth_failed', 'a device key is not the identity');
  assert.is(codeOf(await h.frame(h.open(), { op: 'auth_key', name: 'alice', device: 'x', signature })), 'invalid');
});

test('a device session sends as its operator: from, the rate bucket and replies go by the name', async () => {
  const h = inProcessRelay();
  const { identity } = await withIdentity(h);
  const { connection } = await deviceSession(h, identity, 'phone1');
  const bob = await h.login('bob');
  assert.is(codeOf(await h.frame(connection, { op: 'send', to: 'bob', body: 'hi' })), 'sent');
  const msg = h.gateway.sentTo(bob).at(-1);
  assert.is(msg?.op === 'msg' && msg.from, 'alice');
});

test('revoke_device: the device is gone, its live session gets bye revoked, and it no longer logs in', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  const { connection, device } = await deviceSession(h, identity, 'phone1');
  assert.is(codeOf(await h.frame(alice, { op: 'revoke_device', device: 'laptop' })), 'no_such_device');
  assert.equal(await h.frame(alice, { op: 'revoke_device', device: 'phone1', ref: 'r' }), [{ op: 'device_revoked', device: 'phone1', ref: 'r' }]);
  assert.equal(h.gateway.sentTo(connection).at(-1), { op: 'bye', reason: 'revoked' });
  assert.ok(h.gateway.closed.has(connection));
  assert.equal(await h.devices.list('alice'), []);
  const c = h.open();
  const { challenge } = h.gateway.sentTo(c)[0] as { challenge: string };
  assert.is(codeOf(await h.frame(c, { op: 'auth_key', name: 'alice', device: 'phone1', signature: device.login(challenge, 'test-server') })), 'auth_failed');
});

test('revoking a device whose session another instance holds sends it bye revoked through the gateway', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  await h.devices.add('alice', identity.device('alice', 'laptop').record, SLOTS);
  await h.presence.claim('alice/laptop', 'elsewhere-7');
  await h.frame(alice, { op: 'revoke_device', device: 'laptop' });
  assert.equal(h.gateway.sentTo('elsewhere-7'), [{ op: 'bye', reason: 'revoked' }]);
  assert.ok(h.gateway.closed.has('elsewhere-7'));
});

test('publish_key_packages: device sessions only, each package checked, at most 100 a frame and 200 held', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  const { connection } = await deviceSession(h, identity, 'phone1');
  const packages = (n: number, from = 0) => Array.from({ length: n }, (_, i) => keyPackage(`kp ${from + i}`));
  assert.is(codeOf(await h.frame(alice, { op: 'publish_key_packages', packages: packages(1) })), 'not_a_device');
  for (const bad of [
    { packages: ['mls1.'] }, { packages: ['mls2.AAAA'] }, { packages: ['mls1.AAB='] }, { packages: ['mls1.AAAA='] },
    { packages: [`mls1.${'A'.repeat(DEVICE_LIMITS.packageChars + 4)}`] }, { packages: packages(101) }, { packages: [] }, { packages: 'x' },
    { packages: [], last_resort: 'mls1.!' },
  ]) {
    assert.is(codeOf(await h.frame(connection, { op: 'publish_key_packages', ...bad })), 'invalid', JSON.stringify(bad).slice(0, 80));
  }
  assert.equal(await h.frame(connection, { op: 'publish_key_packages', packages: packages(100), last_resort: keyPackage('last'), ref: 'k' }),
    [{ op: 'key_packages_published', count: 100, ref: 'k' }]);
  assert.equal(await h.frame(connection, { op: 'publish_key_packages', packages: [`mls1.${'A'.repeat(DEVICE_LIMITS.packageChars)}`] }), [{ op: 'key_packages_published', count: 101 }]);
  assert.is(codeOf(await h.frame(connection, { op: 'publish_key_packages', packages: packages(100, 200) })), 'too_many_key_packages');
  assert.equal(await h.frame(connection, { op: 'publish_key_packages', packages: [], last_resort: keyPackage('newer') }), [{ op: 'key_packages_published', count: 101 }]);
});

test('fetch_key_packages: one a device, each one-time package once, then the last resort', async () => {
  const h = inProcessRelay();
  const { identity } = await withIdentity(h);
  const phone = await deviceSession(h, identity, 'phone1');
  const laptop = await deviceSession(h, identity, 'laptop');
  await h.frame(phone.connection, { op: 'publish_key_packages', packages: [keyPackage('p1')], last_resort: keyPackage('p-last') });
  await h.frame(laptop.connection, { op: 'publish_key_packages', packages: [], last_resort: keyPackage('l-last') });
  const bob = await h.login('bob');
  assert.equal(await h.frame(bob, { op: 'fetch_key_packages', name: 'alice', ref: 'f' }), [{
    op: 'key_packages', name: 'alice', ref: 'f',
    packages: [{ device: 'phone1', package: keyPackage('p1') }, { device: 'laptop', package: keyPackage('l-last'), last_resort: true }],
  }]);
  const second = await h.frame(bob, { op: 'fetch_key_packages', name: 'alice' });
  assert.equal(second[0]?.op === 'key_packages' && second[0].packages[0], { device: 'phone1', package: keyPackage('p-last'), last_resort: true });
  assert.equal(await h.frame(bob, { op: 'fetch_key_packages', name: 'bob' }), [{ op: 'key_packages', name: 'bob', packages: [] }]);
  assert.is(codeOf(await h.frame(bob, { op: 'fetch_key_packages', name: 'mallory' })), 'no_such_recipient');
  await h.frame(phone.connection, { op: 'publish_key_packages', packages: [keyPackage('p2')] });
  await h.frame(laptop.connection, { op: 'publish_key_packages', packages: [keyPackage('l1')] });
  assert.equal(await h.frame(bob, { op: 'fetch_key_packages', name: 'alice', device: 'laptop' }),
    [{ op: 'key_packages', name: 'alice', packages: [{ device: 'laptop', package: keyPackage('l1') }] }], 'with device, that device\'s package alone');
  const [phones] = await h.frame(bob, { op: 'fetch_key_packages', name: 'alice', device: 'phone1' });
  assert.equal(phones?.op === 'key_packages' && phones.packages, [{ device: 'phone1', package: keyPackage('p2') }], 'the phone\'s one-time package was still there');
  assert.is(codeOf(await h.frame(bob, { op: 'fetch_key_packages', name: 'alice', device: 'No!' })), 'invalid');
});

test('a fetcher past its rate gets last resorts and takes no one-time package; its bucket refills', async () => {
  const h = inProcessRelay();
  const { identity } = await withIdentity(h);
  const phone = await deviceSession(h, identity, 'phone1');
  const many = Array.from({ length: 50 }, (_, i) => keyPackage(`p${i}`));
  await h.frame(phone.connection, { op: 'publish_key_packages', packages: many, last_resort: keyPackage('last') });
  const bob = await h.login('bob');
  const given: unknown[] = [];
  for (let i = 0; i < 3 * DEVICE_LIMITS.fetchesPerSecond; i++) {
    const [answer] = await h.frame(bob, { op: 'fetch_key_packages', name: 'alice' });
    given.push(answer?.op === 'key_packages' && answer.packages[0]?.last_resort === true);
  }
  const burst = 2 * DEVICE_LIMITS.fetchesPerSecond;
  assert.equal(given, [...Array(burst).fill(false), ...Array(given.length - burst).fill(true)]);
  const carol = await h.login('alice');
  const [own] = await h.frame(carol, { op: 'fetch_key_packages', name: 'alice' });
  assert.ok(own?.op === 'key_packages' && own.packages[0]?.last_resort === undefined, 'each fetcher has its own bucket');
  h.clock.advance(1_000);
  const [later] = await h.frame(bob, { op: 'fetch_key_packages', name: 'alice' });
  assert.ok(later?.op === 'key_packages' && later.packages[0]?.last_resort === undefined, 'a second later, one-time again');
  assert.equal((await h.devices.stock())[0]?.held, 50 - burst - 2);
});

/** What a new device publishes before it is approved: its key and an X25519 key, no certificate. */
function pendingOf(device: Device) {
  return { device: device.record.device, signing: device.record.signing, agreement: makeIdentity().published.agreement };
}

test('approval: a pending device from a password session cannot log in, is listed to its operator only, and a certificate admits it', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  const tablet = identity.device('alice', 'tablet');
  const pending = pendingOf(tablet);
  assert.equal(await h.frame(alice, { op: 'publish_device', ...pending, ref: 'n' }), [{ op: 'device_published', device: 'tablet', pending: true, ref: 'n' }]);
  assert.is(codeOf((await logInAs(h, tablet)).welcome), 'auth_failed');
  const phone = await deviceSession(h, identity, 'phone1');
  assert.equal(await h.frame(phone.connection, { op: 'fetch_devices', name: 'alice' }),
    [{ op: 'devices', name: 'alice', devices: [{ ...phone.device.record, key_packages: 0 }, { ...pending, pending: true }] }]);
  const bob = await h.login('bob');
  assert.equal(await h.frame(bob, { op: 'fetch_devices', name: 'alice' }), [{ op: 'devices', name: 'alice', devices: [phone.device.record] }], 'not a device yet to others');
  assert.equal(await h.frame(phone.connection, { op: 'publish_device', ...pendingOf(identity.device('alice', 'spare')), ref: 'd' }), [{
    op: 'error', code: 'invalid', message: 'certificate: required from a device session (only a password session publishes a pending device)', ref: 'd',
  }]);
  assert.is(codeOf(await h.frame(phone.connection, { op: 'publish_device', ...identity.device('alice', 'tablet').record })), 'device_taken', 'certified with its own key only');
  assert.equal(await h.frame(phone.connection, { op: 'publish_device', ...tablet.record }), [{ op: 'device_published', device: 'tablet' }]);
  assert.equal((await logInAs(h, tablet)).welcome, [{ op: 'welcome', name: 'alice', pending: 0, device: 'tablet' }]);
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...pending })), 'device_taken', 'a certified device is never pending again');
  await h.frame(phone.connection, { op: 'publish_key_packages', packages: [keyPackage('p1'), keyPackage('p2')] });
  const own = [{ ...phone.device.record, key_packages: 2 }, { ...tablet.record, key_packages: 0 }];
  assert.equal(await h.frame(alice, { op: 'fetch_devices', name: 'alice' }), [{ op: 'devices', name: 'alice', devices: own }], 'to its own operator, with its one-time packages counted');
  assert.equal(await h.frame(bob, { op: 'fetch_devices', name: 'alice' }), [{ op: 'devices', name: 'alice', devices: [phone.device.record, tablet.record] }], 'uncounted to others');
});

test('approval: one pending device at a time, the newer replacing it; it holds a slot for 10 minutes', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  for (let i = 1; i < DEVICE_LIMITS.devicesPerOperator; i++) await h.frame(alice, { op: 'publish_device', ...identity.device('alice', `dev${i}`).record });
  const older = pendingOf(identity.device('alice', 'older'));
  const newer = pendingOf(identity.device('alice', 'newer'));
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...older })), 'device_published');
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...newer })), 'device_published');
  const listed = async () => { const [answer] = await h.frame(alice, { op: 'fetch_devices', name: 'alice' }); return answer?.op === 'devices' ? answer.devices : []; };
  assert.equal((await listed()).filter((d) => 'pending' in d), [{ ...newer, pending: true }]);
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...identity.device('alice', 'onemore').record })), 'too_many_devices');
  h.clock.advance(DEVICE_LIMITS.pendingMs + 1);
  assert.is((await listed()).length, DEVICE_LIMITS.devicesPerOperator - 1, 'expired, it is no longer listed');
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...identity.device('alice', 'onemore').record })), 'device_published');
  assert.is(codeOf(await h.frame(alice, { op: 'publish_device', ...older })), 'too_many_devices');
});

test('publish_device: agreement required without certificate, refused beside one', async () => {
  const h = inProcessRelay();
  const { identity, alice } = await withIdentity(h);
  const { record } = identity.device('alice', 'tablet');
  const agreement = identity.published.agreement;
  for (const [bad, message] of [
    [{ device: 'tablet', signing: record.signing }, 'agreement: expected a 32-byte public key in padded base64 (a device published without certificate is pending)'],
    [{ device: 'tablet', signing: record.signing, agreement: 'x' }, 'agreement: expected a 32-byte public key in padded base64 (a device published without certificate is pending)'],
    [{ ...record, agreement }, 'agreement: expected none beside a certificate (only a pending device has one)'],
  ] as const) {
    assert.equal(await h.frame(alice, { op: 'publish_device', ...bad }), [{ op: 'error', code: 'invalid', message }], JSON.stringify(bad));
  }
});

test('the device frames need authentication', async () => {
  const h = inProcessRelay();
  const c = h.open();
  for (const op of ['publish_device', 'fetch_devices', 'revoke_device', 'publish_key_packages', 'fetch_key_packages']) {
    assert.is(codeOf(await h.frame(c, { op })), 'not_authenticated', op);
  }
});

test.run();
