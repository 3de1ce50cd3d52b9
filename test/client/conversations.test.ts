import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASSICAL_SUITE } from '../../src/client/conversations/mls-suite.ts';
import { membershipLines } from '../../src/client/conversations/membership-lines.ts';
import type { ConversationEvent } from '../../src/client/conversations/conversation-events.ts';
import { TestTeam } from '../support/mls-team.ts';

test('a group of two operators, one with two devices: every device shows every message, the sender\'s other device too', async () => {
  const team = new TestTeam();
  const alice1 = await team.device('alice');
  const alice2 = await team.device('alice');
  const bob = await team.device('bob');
  const group = await alice1.core.create({ kind: 'group', name: 'ops' });
  assert.is(await alice1.commit((core) => team.packagesOf(alice2, bob).then((p) => core.add(group, p))), 'committed');
  const joined = [...await alice2.drain(), ...await bob.drain()];
  assert.equal(joined.map((e) => e.kind), ['joined', 'joined']);
  await alice1.say(group, 'hello team');
  await bob.say(group, 'hi alice');
  await alice2.say(group, 'from my laptop');
  for (const device of [alice1, alice2, bob]) await device.drain();
  assert.equal(alice1.texts(), ['bob: hi alice', 'alice: from my laptop']);
  assert.equal(alice2.texts(), ['alice: hello team', 'bob: hi alice']);
  assert.equal(bob.texts(), ['alice: hello team', 'alice: from my laptop']);
  assert.equal(bob.core.members(group).map((m) => `${m.name}/${m.device}`).sort(), [alice1.mailbox, alice2.mailbox, bob.mailbox].sort());
});

test('the classical suite works the same (the measured alternative)', async () => {
  const team = new TestTeam(CLASSICAL_SUITE);
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const group = await alice.core.create({ kind: 'direct', name: 'alice,bob' });
  await alice.commit((core) => team.packagesOf(bob).then((p) => core.add(group, p)));
  await bob.drain();
  await bob.say(group, 'classical');
  await alice.drain();
  assert.equal(alice.texts(), ['bob: classical']);
});

test('a restarted device resumes every conversation from its store', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  await alice.commit((core) => team.packagesOf(bob).then((p) => core.add(group, p)));
  await bob.drain();
  const bobAgain = await team.reopen(bob);
  await alice.say(group, 'after your restart');
  await bobAgain.drain();
  assert.equal(bobAgain.texts(), ['alice: after your restart']);
  assert.equal(bobAgain.core.list().map((g) => g.meta.name), ['ops']);
});

/** alice founds #ops with bob; carol and dave are not in it yet. */
async function opsWithBob(team: TestTeam) {
  const [alice, bob, carol, dave] = [await team.device('alice'), await team.device('bob'), await team.device('carol'), await team.device('dave')];
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  await alice.commit((core) => team.packagesOf(bob).then((p) => core.add(group, p)));
  await bob.drain();
  return { alice, bob, carol, dave, group };
}

test('two commits for one epoch: the relay keeps the first, the other device processes it and retries', async () => {
  const team = new TestTeam();
  const { alice, bob, carol, dave, group } = await opsWithBob(team);
  const bobsCommit = await bob.core.add(group, await team.packagesOf(dave));
  assert.is(await alice.commit((core) => team.packagesOf(carol).then((p) => core.add(group, p))), 'committed');
  assert.is(team.ds.commit(bob.mailbox, bobsCommit), 'stale_epoch');
  await bob.core.commitRefused(group);
  assert.equal((await bob.drain()).map((e) => e.kind), ['membership']);
  assert.is(await bob.commit((core) => core.add(group, [])), 'committed', 'an empty add is an update; retried on the new epoch');
  await alice.drain();
  await carol.drain();
  assert.equal(alice.core.epochAuthenticator(group), bob.core.epochAuthenticator(group));
  assert.equal(carol.core.epochAuthenticator(group), bob.core.epochAuthenticator(group));
  assert.not.ok(bob.core.members(group).some((m) => m.name === 'dave'), 'the losing add did not happen');
});

test('a key package whose device its operator did not certify is refused before any commit', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const mallory = await team.device('mallory');
  team.identity('bob');
  // A device claiming to be bob's, certified by mallory's identity instead of bob's.
  const forged = await team.device('bob', undefined, { ...mallory.keys, name: 'bob' });
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  const packages = await team.packagesOf(forged);
  await alice.core.add(group, packages).then(() => assert.unreachable('added'), (error: Error) => assert.match(error.message, /did not certify/));
  assert.is(alice.core.epoch(group), 0n);
});

test('a key package of another operator, handed out for bob, is refused (the relay cannot swap people)', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const mallory = await team.device('mallory');
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  const [theirs] = await team.packagesOf(mallory);
  const swapped = { ...theirs!, name: 'bob', device: 'dev9' };
  await alice.core.add(group, [swapped]).then(() => assert.unreachable('added'), (error: Error) => assert.match(error.message, /handed out for bob\/dev9/));
});

test('an invitation to a "direct" conversation with a third person in it, or to a second group of a name, is refused', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const mallory = await team.device('mallory');
  const fake = await mallory.core.create({ kind: 'direct', name: 'alice,bob' });
  await mallory.commit((core) => team.packagesOf(alice).then((p) => core.add(fake, p)));
  assert.match(JSON.stringify(await alice.drain()), /calling itself direct \(alice,bob\) with others in it/);
  assert.equal(alice.core.list(), []);
  await alice.core.create({ kind: 'group', name: 'ops' });
  const second = await mallory.core.create({ kind: 'group', name: 'ops' });
  await mallory.commit((core) => team.packagesOf(alice).then((p) => core.add(second, p)));
  assert.match(JSON.stringify(await alice.drain()), /a second group named #ops/);
  assert.is(alice.core.list().length, 1);
});

test('the same message delivered twice is shown once', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const group = await alice.core.create({ kind: 'direct', name: 'alice,bob' });
  await alice.commit((core) => team.packagesOf(bob).then((p) => core.add(group, p)));
  await bob.drain();
  const body = await alice.core.encrypt(group, 'once', 'same-id');
  const again = await alice.core.encrypt(group, 'once', 'same-id');
  assert.equal((await bob.core.receive(alice.mailbox, body)).map((e) => e.kind), ['text']);
  assert.equal(await bob.core.receive(alice.mailbox, again), [], 'a re-sent copy (a new ciphertext, the same id) is not shown again');
});

test('a proposal arriving while our commit waits for the relay leaves the commit pending', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const carol = await team.device('carol');
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  await alice.commit((core) => team.packagesOf(bob, carol).then((p) => core.add(group, p)));
  await bob.drain();
  await carol.drain();
  const commit = await alice.core.update(group);
  team.ds.send(carol.mailbox, group, await carol.core.leave(group));
  await alice.drain();
  assert.ok(await alice.core.hasPending(group), 'still pending after the proposal');
  assert.is(team.ds.commit(alice.mailbox, commit), 'committed');
  await alice.core.commitAccepted(group);
  await bob.drain();
  assert.equal(alice.core.epochAuthenticator(group), bob.core.epochAuthenticator(group));
});

/** What every member's screen says of the membership changes among `events`. */
function said(events: readonly ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'membership' ? membershipLines(e) : e.kind === 'left' ? [`${e.by?.name ?? 'nobody'} removed me`] : []));
}

test('membership changes name who made them, on every member and on the committer itself: added, a new device, removed, left', async () => {
  const team = new TestTeam(CLASSICAL_SUITE);
  const { alice, bob, carol, dave, group } = await opsWithBob(team);
  alice.events.length = 0;
  await alice.commit((core) => team.packagesOf(carol, dave).then((p) => core.add(group, p)));
  assert.equal(said(alice.events), ['alice added carol', 'alice added dave'], 'the committer\'s own device');
  assert.equal(said(await bob.drain()), ['alice added carol', 'alice added dave']);
  await carol.drain();
  await dave.drain();
  const bob2 = await team.device('bob');
  await bob.commit((core) => team.packagesOf(bob2).then((p) => core.add(group, p)));
  assert.equal(said(await alice.drain()), ['bob added bob\'s device dev5']);
  await bob2.drain();
  await carol.drain();
  // carol leaves by a proposal; bob's commit applies it: it reads as her leaving, not as bob removing her.
  team.ds.send(carol.mailbox, group, await carol.core.leave(group));
  for (const device of [alice, dave, bob2]) await device.drain();
  assert.equal((await bob.drain()).map((e) => e.kind), ['proposal']);
  bob.events.length = 0;
  await bob.commit((core) => core.update(group));
  assert.equal(said(bob.events), ['carol left'], 'on the committer too');
  assert.equal(said(await alice.drain()), ['carol left']);
  await bob2.drain();
  await dave.drain();
  await alice.commit((core) => core.remove(group, 'bob', bob2.keys.device));
  assert.equal(said(await dave.drain()), ['alice removed bob\'s device dev5']);
  assert.equal(said(await bob2.drain()), ['alice removed me']);
  await bob.drain();
  await bob.commit((core) => core.remove(group, 'dave'));
  assert.equal(said(await alice.drain()), ['bob removed dave']);
});

test('bad input is refused as an event, never thrown, and changes nothing', async () => {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  for (const body of ['hello', 'mls1.!!!', 'mls1.AAAA', 'e2e1.AAAA']) {
    const events = await alice.core.receive('mallory/dev9', body);
    assert.is(events[0]?.kind, 'refused', body);
  }
  assert.is(alice.core.epoch(group), 0n);
});

test.run();
