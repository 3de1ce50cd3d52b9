import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { SLOTS } from '../contracts/device-directory-contract.ts';
import { makeIdentity } from '../support/device-keys.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';

type Harness = ReturnType<typeof inProcessRelay>;
const G = Buffer.alloc(32, 7).toString('base64');
const H = Buffer.alloc(32, 8).toString('base64');
const presence = (frames: OutboundFrame[]) => frames.filter((f) => f.op === 'presence');

/** alice shares group G with bob and carol, bob shares H with dave; alice is logged in. */
async function team() {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob', 'carol', 'dave');
  await h.groupDirectory.commit(G, 0, 'alice', ['alice', 'bob/phone1', 'carol']);
  await h.groupDirectory.commit(H, 0, 'bob/phone1', ['bob/phone1', 'dave']);
  return { h, alice: await h.login('alice') };
}

/** A session of bob's device `id` (certified by bob's identity). */
async function bobDevice(h: Harness, identity: ReturnType<typeof makeIdentity>, id: string): Promise<string> {
  const device = identity.device('bob', id);
  await h.devices.add('bob', device.record, SLOTS);
  const connection = h.open();
  const { challenge } = h.gateway.sentTo(connection)[0] as { challenge: string };
  await h.frame(connection, { op: 'auth_key', name: 'bob', device: id, signature: device.login(challenge, 'test-server') });
  assert.is(h.last(connection)?.op, 'welcome');
  return connection;
}

test('watch keeps only the names sharing a group, and answers which of them are online, with its ref', async () => {
  const { h, alice } = await team();
  await h.login('carol');
  await h.login('dave');
  assert.equal(await h.frame(alice, { op: 'watch', names: ['bob', 'carol', 'dave', 'erin', 'alice'], ref: 'w1' }), [
    { op: 'online', names: ['carol'], ref: 'w1' },
  ], 'dave is online but shares no group with alice: not told');
  assert.equal(await h.frame(alice, { op: 'who' }), [{ op: 'online', names: ['alice', 'carol', 'dave'] }], 'who is unchanged');
});

test('the first session of an operator and their last one notify their watchers, once, not per device', async () => {
  const { h, alice } = await team();
  const identity = makeIdentity();
  await h.directory.publish('bob', identity.published);
  await h.frame(alice, { op: 'watch', names: ['bob'] });
  const phone = await bobDevice(h, identity, 'phone1');
  const password = await h.login('bob');
  const laptop = await bobDevice(h, identity, 'laptop1');
  assert.equal(presence(h.gateway.sentTo(alice)), [{ op: 'presence', name: 'bob', online: true }]);
  await h.relay.onClose(phone);
  await h.relay.onClose(password);
  assert.equal(presence(h.gateway.sentTo(alice)).length, 1, 'bob is still online on his laptop');
  await h.relay.onClose(laptop);
  assert.equal(presence(h.gateway.sentTo(alice)), [{ op: 'presence', name: 'bob', online: true }, { op: 'presence', name: 'bob', online: false }]);
});

test('a session replacing the same mailbox is no change; a name sharing no group is never told', async () => {
  const { h, alice } = await team();
  await h.frame(alice, { op: 'watch', names: ['carol', 'dave'] });
  const first = await h.login('carol');
  await h.login('carol');
  await h.relay.onClose(first);
  await h.relay.onClose(await h.login('dave'));
  assert.equal(presence(h.gateway.sentTo(alice)), [{ op: 'presence', name: 'carol', online: true }]);
});

test('without watch nothing is pushed; a new watch replaces the old; a closed watcher is forgotten', async () => {
  const { h, alice } = await team();
  const carol = await h.login('carol');
  const bob = await h.login('bob');
  assert.equal(presence(h.gateway.sentTo(carol)), [], 'carol never watched');
  await h.frame(alice, { op: 'watch', names: ['carol'] });
  await h.frame(alice, { op: 'watch', names: [], ref: 'w2' });
  await h.relay.onClose(carol);
  await h.relay.onClose(alice);
  await h.relay.onClose(bob);
  assert.equal(presence(h.gateway.sentTo(alice)), []);
  assert.equal(h.last(alice), { op: 'online', names: [], ref: 'w2' });
});

test('watch is refused before login, and past 256 names or with a bad name as invalid', async () => {
  const { h, alice } = await team();
  assert.is((await h.frame(h.open(), { op: 'watch', names: [] }))[0]?.op, 'error');
  const tooMany = Array.from({ length: 257 }, (_, i) => `n${i}`);
  for (const names of [tooMany, ['Bob'], 'bob']) {
    const [answer] = await h.frame(alice, { op: 'watch', names, ref: 'x' });
    assert.is(answer?.op === 'error' && answer.code, 'invalid', JSON.stringify(names).slice(0, 20));
  }
  assert.equal((await h.frame(alice, { op: 'watch', names: tooMany.slice(1) }))[0], { op: 'online', names: [] });
});

test('each watch spends a token of the sender\'s send rate: a flood of them is refused, and others are still answered', async () => {
  const h = inProcessRelay({ config: { sendRatePerSecond: 2 } });
  await h.addOperators('alice', 'bob', 'carol');
  await h.groupDirectory.commit(G, 0, 'alice', ['alice', 'bob', 'carol']);
  const [alice, carol] = [await h.login('alice'), await h.login('carol')];
  await h.login('bob');
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push((await h.frame(alice, { op: 'watch', names: ['bob'], ref: `w${i}` }))[0]);
  assert.equal(answers.slice(0, 4), [0, 1, 2, 3].map((i) => ({ op: 'online', names: ['bob'], ref: `w${i}` })), 'the bucket holds two seconds\' worth');
  for (const refused of answers.slice(4)) assert.equal([refused?.op, (refused as { code?: string })?.code], ['error', 'rate_limited']);
  assert.is((answers[4] as { retry_after_ms?: number }).retry_after_ms, 500);
  assert.equal(await h.frame(carol, { op: 'watch', names: ['alice'], ref: 'c' }), [{ op: 'online', names: ['alice'], ref: 'c' }], 'carol has her own bucket');
  h.clock.advance(500);
  assert.equal(await h.frame(alice, { op: 'watch', names: ['bob'], ref: 'later' }), [{ op: 'online', names: ['bob'], ref: 'later' }]);
});

test.run();
