import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { DEVICES_RELOAD_MS } from '../../src/domain/device-mailboxes.ts';
import { SLOTS } from '../contracts/device-directory-contract.ts';
import { makeIdentity } from '../support/device-keys.ts';
import { expectFrame } from '../support/frame-assertions.ts';
import { PORT_MODES, TEST_CONFIG, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';

// docs/protocol.md "Devices and key packages": a plain send to a name with certified devices.
type Harness = ReturnType<typeof inProcessRelay>;
type Msg = Extract<OutboundFrame, { op: 'msg' }>;
type Device = ReturnType<ReturnType<typeof makeIdentity>['device']>;
const msgs = (frames: OutboundFrame[]) => frames.filter((f): f is Msg => f.op === 'msg');
const copiesOf = (frame: OutboundFrame | undefined) => (frame?.op === 'sent' ? frame.copies : undefined);

function fanOutSuite(mode: PortMode): void {
  const test = suite(`a send to a name with devices, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  /** alice by password with a published identity, and bob. */
  async function setUp(config = {}) {
    const h = inProcessRelay({ config, mode });
    await h.addOperators('alice', 'bob', 'carol');
    const identity = makeIdentity();
    const alice = await h.login('alice');
    await h.frame(alice, { op: 'publish_key', ...identity.published });
    return { h, identity, alice, bob: await h.login('bob') };
  }

  /** Published from alice's password session, as a client does (not into the directory behind the relay's back). */
  async function publish(h: Harness, alice: string, device: Device) {
    assert.is((await h.frame(alice, { op: 'publish_device', ...device.record }))[0]?.op, 'device_published');
  }

  async function logInAs(h: Harness, device: Device): Promise<string> {
    const connection = h.open();
    const { challenge } = h.gateway.sentTo(connection)[0] as { challenge: string };
    await h.frame(connection, { op: 'auth_key', name: 'alice', device: device.record.device, signature: device.login(challenge, 'test-server') });
    return connection;
  }

  test('reaches the password session and every device session; sent lists the copies; each ack gets its own receipt', async () => {
    const { h, identity, alice, bob } = await setUp();
    const [dev1, dev2] = [identity.device('alice', 'dev1'), identity.device('alice', 'dev2')];
    await publish(h, alice, dev1);
    await publish(h, alice, dev2);
    const sessions = [alice, await logInAs(h, dev1), await logInAs(h, dev2)];
    const sent = expectFrame((await h.frame(bob, { op: 'send', to: 'alice', body: 'hi', ref: 'r' }))[0], 'sent');
    const ids = sessions.map((session) => msgs(h.gateway.sentTo(session))[0]?.id ?? '');
    assert.equal(sent, {
      op: 'sent', id: ids[0], status: 'delivered', ref: 'r',
      copies: [{ to: 'alice', id: ids[0], status: 'delivered' }, { to: 'alice/dev1', id: ids[1], status: 'delivered' }, { to: 'alice/dev2', id: ids[2], status: 'delivered' }],
    });
    for (const [i, session] of sessions.entries()) {
      assert.equal(msgs(h.gateway.sentTo(session)), [{ op: 'msg', id: ids[i]!, from: 'bob', body: 'hi', ts: h.clock.now() }]);
    }
    await h.frame(sessions[1]!, { op: 'ack', id: ids[1] });
    await h.frame(alice, { op: 'ack', id: ids[0] });
    assert.equal(h.gateway.sentTo(bob).filter((f) => f.op === 'receipt'), [
      { op: 'receipt', id: ids[1], to: 'alice/dev1' },
      { op: 'receipt', id: ids[0], to: 'alice' },
    ]);
  });

  test('a plain send from a device goes from its operator; the receipt reaches the device that sent it', async () => {
    const { h, identity, alice, bob } = await setUp();
    const dev1 = identity.device('alice', 'dev1');
    await publish(h, alice, dev1);
    const device = await logInAs(h, dev1);
    await h.frame(device, { op: 'send', to: 'bob', body: 'from my device', ref: 'd' });
    const delivered = msgs(h.gateway.sentTo(bob)).at(-1)!;
    assert.is(delivered.from, 'alice');
    await h.frame(bob, { op: 'ack', id: delivered.id });
    assert.equal(h.gateway.sentTo(device).filter((f) => f.op === 'receipt'), [{ op: 'receipt', id: delivered.id, to: 'bob' }]);
  });

  test('an operator without devices: sent exactly as before, no copies', async () => {
    const { h, bob } = await setUp();
    const [sent] = await h.frame(bob, { op: 'send', to: 'carol', body: 'hi', ref: 'r' });
    const id = msgs(h.gateway.sentTo(await h.login('carol')))[0]?.id;
    assert.is(JSON.stringify(sent), JSON.stringify({ op: 'sent', id, status: 'queued', ref: 'r' }));
  });

  test('a device published, certified from pending, or revoked here joins or leaves the fan-out at once', async () => {
    const { h, identity, alice, bob } = await setUp();
    const send = async () => copiesOf((await h.frame(bob, { op: 'send', to: 'alice', body: 'x' }))[0])?.map((copy) => copy.to);
    assert.is(await send(), undefined);
    await publish(h, alice, identity.device('alice', 'dev1'));
    assert.equal(await send(), ['alice', 'alice/dev1']);
    const tablet = identity.device('alice', 'tablet');
    const { certificate: _, ...pending } = tablet.record;
    await h.frame(alice, { op: 'publish_device', ...pending, agreement: identity.published.agreement });
    assert.equal(await send(), ['alice', 'alice/dev1'], 'a pending device is not a device yet');
    await publish(h, alice, tablet);
    assert.equal(await send(), ['alice', 'alice/dev1', 'alice/tablet']);
    await h.frame(alice, { op: 'revoke_device', device: 'dev1' });
    assert.equal(await send(), ['alice', 'alice/tablet']);
    await h.frame(alice, { op: 'revoke_device', device: 'tablet' });
    assert.is(await send(), undefined);
  });

  test('one send-rate token a frame, whatever the copies', async () => {
    const { h, identity, alice, bob } = await setUp({ sendRatePerSecond: 1 });
    await publish(h, alice, identity.device('alice', 'dev1'));
    await publish(h, alice, identity.device('alice', 'dev2'));
    for (let i = 0; i < 2; i++) assert.is(copiesOf((await h.frame(bob, { op: 'send', to: 'alice', body: `${i}` }))[0])?.length, 3);
    assert.is(expectFrame((await h.frame(bob, { op: 'send', to: 'alice', body: 'x' }))[0], 'error').code, 'rate_limited');
  });

  test('a full queue refuses its copy only; every copy refused is queue_full', async () => {
    const { h, identity, alice, bob } = await setUp({ buffer: { ...TEST_CONFIG.buffer, maxMessagesPerRecipient: 2 } });
    const dev1 = identity.device('alice', 'dev1');
    await publish(h, alice, dev1);
    await h.frame(alice, { op: 'quit' });
    const phone = await logInAs(h, dev1);
    for (const body of ['1', '2']) {
      await h.frame(bob, { op: 'send', to: 'alice', body });
      await h.frame(phone, { op: 'ack', ids: msgs(h.gateway.sentTo(phone)).map((m) => m.id) });
    }
    const sent = expectFrame((await h.frame(bob, { op: 'send', to: 'alice', body: '3', ref: 'r' }))[0], 'sent');
    const third = msgs(h.gateway.sentTo(phone)).at(-1)!;
    assert.equal(sent, { op: 'sent', id: third.id, status: 'delivered', ref: 'r', copies: [{ to: 'alice', code: 'queue_full' }, { to: 'alice/dev1', id: third.id, status: 'delivered' }] });
    await h.frame(bob, { op: 'send', to: 'alice', body: '4' });
    const refused = expectFrame((await h.frame(bob, { op: 'send', to: 'alice', body: '5', ref: 'f' }))[0], 'error');
    assert.equal([refused.code, refused.ref], ['queue_full', 'f']);
    assert.equal(msgs(h.gateway.sentTo(phone)).map((m) => m.body), ['1', '2', '3', '4']);
  });

  test('devices changed elsewhere (another instance, operator reset-devices) are followed within a reload', async () => {
    const { h, identity, bob } = await setUp();
    await h.deviceMailboxes.start();
    const send = async () => copiesOf((await h.frame(bob, { op: 'send', to: 'alice', body: 'x' }))[0])?.map((copy) => copy.to);
    await h.devices.add('alice', identity.device('alice', 'dev1').record, SLOTS);
    assert.is(await send(), undefined, 'not yet');
    h.clock.advance(DEVICES_RELOAD_MS);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await send(), ['alice', 'alice/dev1']);
    await h.devices.reset('alice');
    h.clock.advance(DEVICES_RELOAD_MS);
    await new Promise((resolve) => setImmediate(resolve));
    assert.is(await send(), undefined);
  });

  test.run();
}

for (const mode of PORT_MODES) fanOutSuite(mode);
