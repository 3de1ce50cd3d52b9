import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASSICAL_SUITE } from '../../src/client/conversations/mls-suite.ts';
import { TestTeam } from '../support/mls-team.ts';

test('a message of the old epoch read while our commit waited, then another after it won: both open, once each', async () => {
  const team = new TestTeam(CLASSICAL_SUITE);
  const [alice, bob] = [await team.device('alice'), await team.device('bob')];
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  await alice.commit(async (core) => core.add(group, await team.packagesOf(bob)));
  await bob.drain();
  const update = await alice.core.update(group);
  await bob.say(group, 'first');
  await bob.say(group, 'second');
  const first = team.ds.next(alice.mailbox)!;
  alice.events.push(...await alice.core.receive(first.from, first.body));
  assert.is(team.ds.commit(alice.mailbox, update), 'committed');
  alice.events.push(...await alice.core.commitAccepted(group));
  await alice.drain();
  assert.equal(alice.texts(), ['bob: first', 'bob: second'], 'the second, of the epoch the commit left, opens with the keys as read');
  const replayed = await alice.core.receive(first.from, first.body);
  assert.not.ok(replayed.some((event) => event.kind === 'text'), 'the first is not shown again');
});

test.run();
