import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { until, withRelayTeam } from '../support/relay-devices.ts';

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
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const direct = await alice.service.direct('bob');
  await until(() => bob.service.list().length === 1, 'bob joined');
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

test.run();
