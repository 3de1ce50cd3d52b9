import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Carried, TestDevice } from '../support/mls-team.ts';
import { TestTeam } from '../support/mls-team.ts';

/** Feeds recorded relay bytes addressed to `mailbox` to a device; returns the texts it could read. */
async function replay(device: TestDevice, recorded: readonly Carried[], mailbox: string): Promise<string[]> {
  const texts: string[] = [];
  for (const { from, to, body } of recorded) {
    if (to !== mailbox) continue;
    for (const event of await device.core.receive(from, body)) if (event.kind === 'text') texts.push(event.text);
  }
  return texts;
}

async function pair(): Promise<{ team: TestTeam; alice: TestDevice; bob: TestDevice; group: string }> {
  const team = new TestTeam();
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const group = await alice.core.create({ kind: 'group', name: 'pair' });
  await alice.commit((core) => team.packagesOf(bob).then((p) => core.add(group, p)));
  await bob.drain();
  return { team, alice, bob, group };
}

test('forward secrecy: bob\'s whole device, copied after later epochs, opens none of the recorded messages', async () => {
  const { team, alice, bob, group } = await pair();
  for (let epoch = 0; epoch < 3; epoch++) {
    await alice.say(group, `secret ${epoch}`);
    await bob.drain();
    await alice.commit((core) => core.update(group));
    await bob.drain();
  }
  assert.equal(bob.texts(), ['alice: secret 0', 'alice: secret 1', 'alice: secret 2'], 'bob read them when they came');
  // Later epochs, past the two whose keys a device keeps for late messages.
  for (let i = 0; i < 3; i++) {
    await bob.commit((core) => core.update(group));
    await alice.drain();
  }
  const recorded = [...team.ds.carried];
  const copy = await team.reopen(bob, bob.store.snapshot());
  assert.equal(await replay(copy, recorded, bob.mailbox), []);
  // Not even the invitation can be replayed: its one-time key package is gone.
  const welcome = recorded.find((c) => c.to === bob.mailbox)!;
  assert.is((await copy.core.receive(welcome.from, welcome.body))[0]?.kind, 'refused');
});

test('forward secrecy within an epoch: a message already read does not open again from the saved state', async () => {
  const { team, alice, bob, group } = await pair();
  await alice.say(group, 'read once');
  await bob.drain();
  const copy = await team.reopen(bob, bob.store.snapshot());
  assert.equal(await replay(copy, team.ds.carried.slice(-1), bob.mailbox), []);
});

test('healing: after alice commits an update, a copy of her earlier state reads nothing more', async () => {
  const { team, alice, bob, group } = await pair();
  await alice.say(group, 'before the copy');
  await bob.drain();
  const stolen = await team.reopen(alice, alice.store.snapshot());
  const from = team.ds.carried.length;
  await alice.commit((core) => core.update(group));
  await bob.drain();
  await bob.say(group, 'after the update');
  await alice.say(group, 'also after');
  await alice.drain();
  assert.equal(alice.texts(), ['bob: after the update'], 'alice herself reads on');
  const after = team.ds.carried.slice(from);
  // The thief sees every byte sent to any member after the update, commit included.
  const seen = [...await replay(stolen, after, alice.mailbox), ...await replay(stolen, after, bob.mailbox)];
  assert.equal(seen, []);
});

test('removal: a removed member is told, and its state opens nothing sent after the removal', async () => {
  const { team, alice, bob, group } = await pair();
  const carol = await team.device('carol');
  await alice.commit((core) => team.packagesOf(carol).then((p) => core.add(group, p)));
  await bob.drain();
  await carol.drain();
  await alice.say(group, 'carol can read this');
  await carol.drain();
  const carolsCopy = await team.reopen(carol, carol.store.snapshot());
  const from = team.ds.carried.length;
  await alice.commit((core) => core.remove(group, 'carol'));
  const left = await carol.drain();
  assert.equal(left.map((e) => e.kind), ['left']);
  await bob.drain();
  await alice.say(group, 'carol must not read this');
  await bob.say(group, 'nor this');
  await alice.drain();
  await bob.drain();
  assert.equal(bob.texts(), ['alice: carol can read this', 'alice: carol must not read this']);
  const after = team.ds.carried.slice(from);
  const seen = [...await replay(carolsCopy, after, carol.mailbox), ...await replay(carolsCopy, after, bob.mailbox)];
  assert.equal(seen, []);
  assert.not.ok(team.ds.groups.get(group)!.members.includes(carol.mailbox), 'the relay no longer routes to her');
});

test.run();
