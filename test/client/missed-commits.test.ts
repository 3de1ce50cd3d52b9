import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestTeam, type TestDevice } from '../support/mls-team.ts';

/** alice founds #ops with bob and carol, each joined. */
async function ops(team: TestTeam) {
  const [alice, bob, carol] = [await team.device('alice'), await team.device('bob'), await team.device('carol')];
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  assert.is(await alice.commit(async (core) => core.add(group, await team.packagesOf(bob, carol))), 'committed');
  await bob.drain();
  await carol.drain();
  return { alice, bob, carol, group };
}

/** The last delivery waiting for `device`, taken out of its queue: what a relay restart lost. */
function lose(team: TestTeam, device: TestDevice): { from: string; body: string } {
  return team.ds.inboxes.get(device.mailbox)!.pop()!;
}

/** alice commits an update whose copy carol loses; bob has it. */
async function carolMissesAlicesCommit(team: TestTeam) {
  const found = await ops(team);
  assert.is(await found.alice.commit((core) => core.update(found.group)), 'committed');
  const lost = lose(team, found.carol);
  await found.bob.drain();
  return { ...found, lost };
}

test('a commit from another committer for the epoch after one this device missed waits for it; once the missed one comes, both apply in order and the texts show', async () => {
  const team = new TestTeam();
  const { alice, bob, carol, group, lost } = await carolMissesAlicesCommit(team);
  assert.is(await bob.commit((core) => core.update(group)), 'committed');
  await bob.say(group, 'after both changes');
  const early = await carol.drain();
  assert.equal(early.map((e) => e.kind), ['behind'], 'bob\'s commit and text wait, said once');
  assert.is(carol.core.waiting(group), 2);
  assert.equal(carol.texts(), []);

  // alice's client sends her commit again (a plain send, from her name).
  const caughtUp = await carol.core.receive('alice', lost.body);
  assert.equal(caughtUp.filter((e) => e.kind === 'text').map((e) => e.kind === 'text' && e.text), ['after both changes']);
  assert.is(carol.core.waiting(group), 0);
  await alice.drain();
  assert.is(carol.core.epoch(group), alice.core.epoch(group));
  assert.equal(carol.core.epochAuthenticator(group), alice.core.epochAuthenticator(group));
  assert.equal(carol.core.epochAuthenticator(group), bob.core.epochAuthenticator(group));
});

test('a commit sent again to a member already past its epoch is dropped without a word', async () => {
  const team = new TestTeam();
  const { alice, bob, group } = await ops(team);
  assert.is(await alice.commit((core) => core.update(group)), 'committed');
  const copy = team.ds.inboxes.get(bob.mailbox)![0]!;
  await bob.drain();
  const epoch = bob.core.epoch(group);
  assert.equal(await bob.core.receive('alice', copy.body), []);
  assert.is(bob.core.epoch(group), epoch);
  await alice.say(group, 'still readable');
  await bob.drain();
  assert.equal(bob.texts(), ['alice: still readable']);
});

test('a removal waiting behind a missed commit applies once that commit comes: the device learns who removed it', async () => {
  const team = new TestTeam();
  const { bob, carol, group, lost } = await carolMissesAlicesCommit(team);
  assert.is(await bob.commit((core) => core.remove(group, 'carol')), 'committed');
  assert.equal((await carol.drain()).map((e) => e.kind), ['behind']);
  const events = await carol.core.receive('alice', lost.body);
  assert.equal(events.map((e) => e.kind), ['left']);
  assert.is(events[0]!.kind === 'left' && events[0]!.by?.name, 'bob');
  assert.is(carol.core.waiting(group), 0);
  assert.equal(carol.core.list(), []);
});

test.run();
