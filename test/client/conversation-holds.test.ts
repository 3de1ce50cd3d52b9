import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Conversations } from '../../src/client/conversations/conversations.ts';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import { newDevice } from '../../src/client/conversations/device-credential.ts';
import { CLASSICAL_SUITE } from '../../src/client/conversations/mls-suite.ts';
import { HELD_TEXTS_LIMIT, HeldTexts } from '../../src/client/conversations/held-texts.ts';
import { FileConversationStore } from '../../src/client/file-conversation-store.ts';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp-dir.ts';
import type { RelayDevice } from '../support/relay-devices.ts';
import { until, withRelayTeam } from '../support/relay-devices.ts';

const kinds = (device: RelayDevice, kind: string) => device.events.filter((e) => e.kind === kind);

/** What `say` threw, or undefined when it sent. */
async function refusal(send: Promise<unknown>): Promise<string | undefined> {
  return send.then(() => undefined, (error: Error) => error.message);
}

test('a verified contact\'s reset: told loudly, texts both ways held (theirs unacknowledged, kept by the relay) until /trust, then all go', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  await alice.sending.sayTo('bob', 'before', 'a0');
  await until(() => bob.texts().includes('alice: before'), 'bob reads alice');
  await alice.trust('bob');
  const oldDevice = bob.keys.device;

  await team.reset('bob');
  const newBob = await team.device('bob');
  await newBob.sending.sayTo('alice', 'it is me, new phone', 'b1');
  await until(() => kinds(alice, 'held').length === 2, 'the welcome and the text held');
  assert.equal(kinds(alice, 'identity-changed'), [{ kind: 'identity-changed', name: 'bob' }], 'said once, loudly');
  assert.equal(alice.texts(), [], 'nothing of the new identity shown');
  assert.equal(kinds(alice, 'refused'), [], 'nothing refused either');
  assert.equal(kinds(newBob, 'receipt'), [], 'not acknowledged: the relay keeps them');
  const held = await refusal(alice.sending.sayTo('bob', 'are you there', 'a1'));
  assert.is(held, 'bob\'s safety number changed: held, not sent. Compare safety numbers (/verify bob), then /trust bob to send');

  const released = await alice.trust('bob');
  assert.equal(released.map((r) => r.to), ['bob']);
  assert.match(released[0]!.outcome, /^(delivered|queued)$/);
  await until(() => alice.texts().includes('bob: it is me, new phone'), 'what bob sent is shown after /trust');
  await until(() => newBob.texts().includes('alice: are you there'), 'what alice held reaches the new device');
  for (const { members } of alice.service.list()) {
    assert.not.ok(members.some((m) => m.name === 'bob' && m.device === oldDevice), 'the former identity\'s device is out of every conversation');
  }
  await until(() => kinds(newBob, 'receipt').length > 0, 'acknowledged once processed');
}));

test('a verified contact\'s new device: announced loudly, texts to them held until /trust; its own texts shown marked', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const direct = await alice.service.direct('bob');
  await until(() => bob.service.list().length === 1, 'bob joined');
  await alice.trust('bob');
  assert.equal(alice.pins.get('bob')?.devices, [bob.keys.device], '/trust took the devices its identity certifies');

  const phone = await team.device('bob');
  await bob.service.addDevice('bob', phone.keys.device);
  await until(() => kinds(alice, 'new-device').length === 1, 'announced');
  assert.equal(kinds(alice, 'new-device'), [{ kind: 'new-device', name: 'bob', device: phone.keys.device }]);
  const held = await refusal(alice.sending.say(direct, 'for bob only', 'a1'));
  assert.match(held ?? '', /^bob has a new device: held, not sent/);
  await until(() => phone.service.list().length === 1, 'the phone joined');
  await phone.service.say(phone.service.list()[0]!.group, 'from my phone', 'p1');
  await until(() => alice.texts().includes('bob: from my phone'), 'shown');
  const text = alice.events.find((e) => e.kind === 'text' && e.id === 'p1');
  assert.ok(text?.kind === 'text' && text.newDevice === true, 'marked as from a device not trusted yet');

  assert.equal((await alice.trust('bob')).map((r) => r.to), ['bob']);
  await until(() => phone.texts().includes('alice: for bob only') && bob.texts().includes('alice: for bob only'), 'sent after /trust');
  assert.equal(alice.pins.get('bob')?.devices?.slice().sort(), [bob.keys.device, phone.keys.device].sort());
  await alice.sending.say(direct, 'now at once', 'a2');
  await until(() => phone.texts().includes('alice: now at once'), 'no longer held');
  assert.is(kinds(alice, 'new-device').length, 1, 'announced once');
}));

test('held deliveries outlive a restart: unacknowledged, the relay delivers them again, they are held again, and /trust shows them once', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  await alice.service.direct('bob');
  await until(() => bob.service.list().length === 1, 'bob joined');
  await team.reset('bob');
  const newBob = await team.device('bob');
  await newBob.sending.sayTo('alice', 'after my reset', 'b1');
  await until(() => kinds(alice, 'held').length === 2, 'held');
  alice.events.length = 0;
  await alice.connect();
  await alice.service.ready();
  await until(() => kinds(alice, 'held').length === 2, 'delivered again after the restart, and held again');
  assert.equal(kinds(alice, 'identity-changed'), [{ kind: 'identity-changed', name: 'bob' }], 'told again by the new process');
  await alice.trust('bob');
  await until(() => alice.texts().includes('bob: after my reset'), 'shown after /trust');
  assert.equal(alice.texts(), ['bob: after my reset']);
}));

test('a held text outlives the client: kept in its file store (sealed, never in clear), held again after a restart, sent after /trust, then forgotten', () => withRelayTeam(async (team) => {
  const dir = tempDir();
  try {
    const files = new FileConversationStore(join(dir.path, 'mls'), randomBytes(32));
    const alice = await team.device('alice', files);
    await team.device('bob');
    await alice.sending.sayTo('bob', 'before', 'a0');
    await alice.trust('bob');
    await team.reset('bob');
    const newBob = await team.device('bob');
    await alice.service.ready();
    assert.match((await refusal(alice.sending.sayTo('bob', 'kept across a restart', 'a1'))) ?? '', /^bob's safety number changed: held/);
    const held = readdirSync(join(dir.path, 'mls')).filter((file) => file.startsWith('held-text='));
    assert.is(held.length, 1, 'written before it is said held');
    assert.not.ok(readFileSync(join(dir.path, 'mls', held[0]!)).includes('kept across a restart'), 'sealed, as the group states are');

    // The client quits and starts again: a new service on the same files.
    await alice.connect();
    await alice.service.ready();
    const released = await alice.trust('bob');
    assert.equal(released.map((r) => r.to), ['bob'], 'still held after the restart, and sent once trusted');
    await until(() => newBob.texts().includes('alice: kept across a restart'), 'it reaches bob\'s new device');
    assert.equal(readdirSync(join(dir.path, 'mls')).filter((file) => file.startsWith('held-text=')), [], 'forgotten once sent');
  } finally {
    dir.remove();
  }
}));

test('held texts are bounded: past the limit a text is refused, not held; their order survives a reload', async () => {
  const store = new MemoryConversationStore();
  const texts = new HeldTexts(store);
  for (let i = 0; i < HELD_TEXTS_LIMIT; i++) await texts.hold({ to: { name: 'bob' }, text: `t${i}`, id: `i${i}`, names: ['bob'] });
  assert.is(await refusal(texts.hold({ to: { name: 'bob' }, text: 'one too many', id: 'x', names: ['bob'] })), `${HELD_TEXTS_LIMIT} texts wait for /trust already: this one is not held`);
  const reloaded = new HeldTexts(store);
  const taken = await reloaded.take((text) => Number(text.text.slice(1)) % 2 === 0);
  assert.equal(taken.map((t) => t.text), Array.from({ length: HELD_TEXTS_LIMIT / 2 }, (_, i) => `t${2 * i}`), 'in the order typed');
  for (const text of taken) await reloaded.sent(text);
  assert.is((await store.keys('held-text/')).length, HELD_TEXTS_LIMIT / 2);
  await reloaded.hold({ to: { group: 'g' }, text: 'room again', id: 'y', names: ['carol'] });
  assert.equal((await new HeldTexts(store).take(() => true)).map((t) => t.text).slice(-2), [`t${HELD_TEXTS_LIMIT - 1}`, 'room again']);
});

test('a text held again while one taken is still being sent gets a number of its own: the first one\'s send forgets only the first', async () => {
  const store = new MemoryConversationStore();
  const texts = new HeldTexts(store);
  await texts.hold({ to: { name: 'bob' }, text: 'first', id: 'a', names: ['bob'] });
  const [first] = await texts.take(() => true);
  await texts.hold({ to: { name: 'bob' }, text: 'held again meanwhile', id: 'b', names: ['bob'] });
  await texts.sent(first!);
  assert.equal((await new HeldTexts(store).take(() => true)).map((t) => t.text), ['held again meanwhile'], 'still in the store after a restart');
});

test('every contact is told at login that a name\'s devices were reset, verified or not', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const carol = await team.device('carol');
  const bob = await team.device('bob');
  await alice.service.direct('bob');
  await carol.service.direct('bob');
  await until(() => bob.service.list().length === 2, 'bob in both');
  assert.equal(alice.pins.get('bob')?.verified, false, 'alice pinned bob on first use only');
  await team.reset('bob');
  await alice.service.ready();
  await carol.service.ready();
  for (const device of [alice, carol]) assert.equal(kinds(device, 'identity-changed'), [{ kind: 'identity-changed', name: 'bob' }]);
  assert.match((await refusal(carol.sending.sayTo('bob', 'hello?', 'c1'))) ?? '', /^bob's safety number changed: held/);
}));


test('a device of bob certified by another identity while the relay still publishes the pinned one: a forgery, refused and acknowledged, nothing held', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  await team.device('bob');
  await alice.service.direct('bob');
  const otherIdentity = ed25519.utils.randomSecretKey();
  const forged = newDevice('bob', 'forged1', otherIdentity);
  const mallory = await Conversations.open({
    store: new MemoryConversationStore(), device: forged, suite: CLASSICAL_SUITE,
    identities: { identityOf: async (name) => (name === 'bob' ? ed25519.getPublicKey(otherIdentity) : team.published(name)) },
  });
  const fetcher = await team.relay.login('bob');
  const answer = (await team.relay.frame(fetcher, { op: 'fetch_key_packages', name: 'alice' })).find((f) => f.op === 'key_packages');
  const [theirs] = (answer as { packages: { device: string; package: string }[] }).packages;
  const group = await mallory.create({ kind: 'group', name: 'ops' });
  const { welcome } = await mallory.add(group, [{ name: 'alice', device: theirs!.device, package: theirs!.package }]);
  alice.service.onFrame({ op: 'msg', id: 'm-forged', from: 'bob/forged1', body: welcome!, ts: 0 });
  await until(() => alice.unreadable.includes('m-forged'), 'acknowledged, flagged unopened (docs/protocol.md "Unreadable copies")');
  assert.equal(kinds(alice, 'identity-changed'), []);
  assert.equal(kinds(alice, 'held'), []);
  assert.match(JSON.stringify(kinds(alice, 'refused')), /bob\/forged1/);
}));

test.run();
