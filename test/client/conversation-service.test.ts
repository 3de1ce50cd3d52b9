import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keyPackagesPublished } from '../../src/client/conversations/device-arrival.ts';
import type { RelayTeam } from '../support/relay-devices.ts';
import { until, withRelayTeam } from '../support/relay-devices.ts';

/** Alice and bob, in a direct conversation both have joined. */
async function directPair(team: RelayTeam) {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const direct = await alice.service.direct('bob');
  await until(() => bob.service.list().length === 1, 'bob joined');
  return { alice, bob, direct };
}

test('over the relay: a direct conversation reaches every device of both operators, the sender\'s other device too', () => withRelayTeam(async (team) => {
  const alice1 = await team.device('alice');
  const alice2 = await team.device('alice');
  const bob = await team.device('bob');
  const direct = await alice1.service.direct('bob');
  await until(() => bob.service.list().length === 1 && alice2.service.list().length === 1, 'bob and alice\'s other device joined');
  await alice1.service.say(direct, 'hello bob', 'a1');
  await bob.service.say(bob.service.list()[0]!.group, 'hi alice', 'b1');
  await until(() => alice2.texts().length === 2 && alice1.texts().length === 1 && bob.texts().length === 1, 'all delivered');
  assert.equal(bob.texts(), ['alice: hello bob']);
  assert.equal(alice2.texts(), ['alice: hello bob', 'bob: hi alice']);
  assert.equal(alice1.texts(), ['bob: hi alice']);
  await until(() => alice1.events.some((e) => e.kind === 'receipt' && e.by.name === 'bob'), 'bob\'s receipt');
  // The relay saw ciphertext only: every body it queued was an MLS message.
  const bodies = [...team.relay.gateway.frames.values()].flat().flatMap((f) => (f.op === 'msg' ? [f.body] : []));
  assert.ok(bodies.length > 0 && bodies.every((b) => b.startsWith('mls1.')));
  assert.not.ok(bodies.some((b) => Buffer.from(b.slice(5), 'base64').toString('latin1').includes('hello bob')));
}));

test('over the relay: a named group, an invitation, a removal; concurrent commits converge', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const carol = await team.device('carol');
  const dave = await team.device('dave');
  const ops = await alice.service.createGroup('ops');
  await alice.service.invite(ops, ['bob', 'carol']);
  await until(() => bob.service.list().length === 1 && carol.service.list().length === 1, 'bob and carol joined');
  // Two members commit at once: the relay orders one first, the other is retried on top of it.
  await Promise.all([bob.service.invite(ops, ['dave']), carol.service.update(ops)]);
  await until(() => [alice, bob, carol, dave].every((d) => d.service.list()[0]?.epoch === 4n), 'everyone at the fourth epoch');
  await alice.service.remove(ops, 'carol');
  await until(() => carol.events.some((e) => e.kind === 'left'), 'carol told she left');
  await dave.service.say(ops, 'carol is gone', 'd1');
  await until(() => alice.texts().length === 1 && bob.texts().length === 1, 'delivered to the members');
  assert.equal(carol.texts(), []);
}));

test('a crash between sending a commit and the relay\'s answer: restarted from its store, the device converges', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  alice.receiving = false;
  const lost = alice.service.update(direct);
  await until(() => bob.service.list()[0]?.epoch === 2n, 'the relay ordered the commit and bob applied it');
  void lost.catch(() => undefined);
  // Restarted: a new core on the same store, a new connection.
  alice.receiving = true;
  await alice.connect();
  await alice.service.ready();
  assert.is(alice.service.list()[0]!.epoch, 2n, 'the pending commit was the winner');
  await alice.service.say(direct, 'after the crash', 'a2');
  await until(() => bob.texts().includes('alice: after the crash'), 'bob reads alice in the new epoch');
}));

test('a group message refused as stale (a commit not yet processed) is sent again at the new epoch, not lost', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  alice.held = [];
  await bob.service.update(direct);
  const saying = alice.service.say(direct, 'sent while behind', 'a1');
  await until(() => team.relay.gateway.sentTo(alice.connection).some((f) => f.op === 'error' && f.code === 'stale_epoch'), 'the relay refused the first try');
  alice.release();
  assert.is((await saying).status, 'delivered');
  await until(() => bob.texts().includes('alice: sent while behind'), 'bob reads it');
  assert.is(alice.service.list()[0]!.epoch, 2n);
}));

test('/leave: the group is forgotten once the relay took the proposal; refused, it is kept', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const ops = await alice.service.createGroup('ops');
  await alice.service.invite(ops, ['bob']);
  await until(() => bob.service.list().length === 1, 'bob joined');
  // The relay refuses bob's first group_send (its queues full, say).
  const { relay, gateway } = team.relay;
  const onFrame = relay.onFrame.bind(relay);
  relay.onFrame = async (connection, text) => {
    const frame = JSON.parse(String(text)) as { op: string; ref?: string };
    if (connection !== bob.connection || frame.op !== 'group_send') return onFrame(connection, text);
    relay.onFrame = onFrame;
    gateway.send(connection, { op: 'error', code: 'queue_full', message: 'full', ref: frame.ref });
  };
  const refused = await bob.service.leave(ops).then(() => undefined, (error: Error) => error.message);
  assert.match(refused ?? 'it was taken', /queue_full/);
  assert.equal(bob.service.list().map((g) => g.group), [ops], 'kept: the relay did not take the leave');
  await bob.service.leave(ops);
  assert.equal(bob.service.list(), []);
  await until(() => alice.events.some((e) => e.kind === 'membership' && e.left.some((d) => d.name === 'bob')), 'alice committed bob\'s leave (told as bob leaving)');
  // The commit that removes bob reaches him too, after he forgot the group: dropped, not refused.
  await alice.service.direct('bob');
  await until(() => bob.events.some((e) => e.kind === 'joined' && e.meta.kind === 'direct'), 'bob joined the direct conversation (after the commit, in order)');
  assert.equal(bob.events.filter((e) => e.kind === 'refused'), [], 'no refusal for the group bob left');
}));

test('/devices approve: waiting for the new device uses up none of its key packages; adding it takes one a conversation, of it alone', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  await alice.service.createGroup('ops');
  const laptop = await team.device('alice');
  const stock = async () => new Map((await team.relay.devices.stock('alice')).map((s) => [s.device, s.held]));
  const before = await stock();
  for (let i = 0; i < 5; i++) assert.ok(await keyPackagesPublished(alice.requests, 'alice', laptop.keys.device, 0, 1), 'seen as published');
  assert.not.ok(await keyPackagesPublished(alice.requests, 'alice', 'nosuchdev', 30, 10));
  assert.is(await alice.service.addDevice('alice', laptop.keys.device), 2);
  const after = await stock();
  assert.is(after.get(laptop.keys.device), before.get(laptop.keys.device)! - 2, 'one a conversation, none for the waiting');
  assert.is(after.get(alice.keys.device), before.get(alice.keys.device), 'the approving device\'s own are untouched');
  await until(() => laptop.service.list().length === 2, 'the laptop joined both');
  await alice.service.say(direct, 'to all', 'a9');
  await until(() => laptop.texts().includes('alice: to all') && bob.texts().includes('alice: to all'), 'the laptop reads the direct conversation');
}));

test('a crash between a commit and its answer while another member\'s commit won the same epoch: the committer decides, not the epoch', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  alice.held = [];
  await bob.service.update(direct);
  alice.receiving = false;
  void alice.service.update(direct).catch(() => undefined);
  await until(() => team.relay.gateway.sentTo(alice.connection).some((f) => f.op === 'error' && f.code === 'stale_epoch'), 'the relay refused alice\'s commit');
  // Restarted: bob's winning commit comes only after alice asked group_info (it is one epoch on either way).
  alice.receiving = true;
  alice.held = [];
  await alice.connect();
  await alice.service.ready();
  alice.release();
  await until(() => alice.service.list()[0]!.epoch === 2n, 'alice applied bob\'s commit');
  assert.equal(alice.service.list()[0]!.epoch, bob.service.list()[0]!.epoch);
  await bob.service.say(direct, 'after the race', 'b1');
  await alice.service.say(direct, 'me too', 'a1');
  await until(() => alice.texts().includes('bob: after the race') && bob.texts().includes('alice: me too'), 'both read each other');
}));

test('after a crash, what arrives before ready() has settled a commit waits for it: a message of the commit\'s epoch is read', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  alice.receiving = false;
  void alice.service.update(direct).catch(() => undefined);
  await until(() => bob.service.list()[0]?.epoch === 2n, 'alice\'s commit won and bob applied it');
  await bob.service.say(direct, 'in the new epoch', 'b1');
  alice.receiving = true;
  await alice.connect();
  await team.settle();
  await alice.service.ready();
  await until(() => alice.texts().includes('bob: in the new epoch'), 'alice reads bob\'s message, not refused at the old epoch');
  assert.not.ok(alice.events.some((e) => e.kind === 'refused'), JSON.stringify(alice.events.filter((e) => e.kind === 'refused')));
}));

test('after a crash, with the group moved on past our commit\'s epoch, the first delivery says ours won', () => withRelayTeam(async (team) => {
  const { alice, bob, direct } = await directPair(team);
  alice.receiving = false;
  void alice.service.update(direct).catch(() => undefined);
  await until(() => bob.service.list()[0]?.epoch === 2n, 'alice\'s commit won and bob applied it');
  await bob.service.update(direct);
  alice.receiving = true;
  await alice.connect();
  await alice.service.ready();
  await until(() => alice.service.list()[0]!.epoch === 3n, 'alice took her commit, then applied bob\'s');
  assert.equal(alice.service.list()[0]!.epoch, bob.service.list()[0]!.epoch);
  await bob.service.say(direct, 'two epochs on', 'b2');
  await until(() => alice.texts().includes('bob: two epochs on'), 'alice reads bob');
}));

test.run();
