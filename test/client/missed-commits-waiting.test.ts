import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MLSMessage } from 'ts-mls';
import type { ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { fromMlsBody, toMlsBody } from '../../src/client/conversations/mls-body.ts';
import { TestTeam } from '../support/mls-team.ts';
import { until, withRelayTeam } from '../support/relay-devices.ts';

/** alice founds #ops with bob and carol; then she adds dave in a commit carol's copy of which a relay restart lost. */
async function carolMissesDavesArrival(team: TestTeam) {
  const [alice, bob, carol, dave] = [await team.device('alice'), await team.device('bob'), await team.device('carol'), await team.device('dave')];
  const group = await alice.core.create({ kind: 'group', name: 'ops' });
  assert.is(await alice.commit(async (core) => core.add(group, await team.packagesOf(bob, carol))), 'committed');
  await bob.drain();
  await carol.drain();
  assert.is(await alice.commit(async (core) => core.add(group, await team.packagesOf(dave))), 'committed');
  const lost = team.ds.inboxes.get(carol.mailbox)!.pop()!;
  await bob.drain();
  return { alice, bob, carol, group, lost };
}

/** `body` with its ciphertext spoiled: what anyone knowing the group id can send, marked with any epoch. */
function forged(body: string): string {
  const message = fromMlsBody(body) as MLSMessage & { wireformat: 'mls_private_message' };
  const ciphertext = message.privateMessage.ciphertext.slice();
  ciphertext[0] = ciphertext[0]! ^ 0xff;
  return toMlsBody({ ...message, privateMessage: { ...message.privateMessage, ciphertext } });
}

test('a forged message waiting behind a missed commit is refused alone: the commit applies with its membership line and the genuine texts show', async () => {
  const team = new TestTeam();
  const { bob, carol, group, lost } = await carolMissesDavesArrival(team);
  await bob.say(group, 'first');
  await bob.say(group, 'second');
  const [first, second] = team.ds.inboxes.get(carol.mailbox)!.splice(0);
  assert.equal((await carol.core.receive(bob.mailbox, first!.body)).map((e) => e.kind), ['behind']);
  assert.equal(await carol.core.receive(bob.mailbox, forged(second!.body)), []);
  assert.equal(await carol.core.receive(bob.mailbox, second!.body), []);
  assert.is(carol.core.waiting(group), 3);

  const events = await carol.core.receive('alice', lost.body);
  assert.equal(events.map((e) => e.kind), ['membership', 'text', 'refused', 'text']);
  assert.equal(events[0]!.kind === 'membership' && events[0]!.added.map((d) => d.name), ['dave']);
  assert.equal(events.flatMap((e) => (e.kind === 'text' ? [e.text] : [])), ['first', 'second']);
  const refusal = events[2]!;
  assert.ok(refusal.kind === 'refused' && refusal.from === bob.mailbox && refusal.acknowledged === true, 'refused as the forged message, not the commit');
  assert.is(carol.core.waiting(group), 0);
});

test('a message of a later epoch from someone not in the conversation is refused at once, not kept', async () => {
  const team = new TestTeam();
  const { bob, carol, group } = await carolMissesDavesArrival(team);
  await bob.say(group, 'for members');
  const copy = team.ds.inboxes.get(carol.mailbox)!.pop()!;
  const events = await carol.core.receive('mallory', copy.body);
  assert.equal(events.map((e) => e.kind), ['refused']);
  assert.is(carol.core.waiting(group), 0);
});

test('waiting messages are bounded in bytes too: past 8 MiB the oldest go, counted', async () => {
  const team = new TestTeam();
  const { bob, carol, group, lost } = await carolMissesDavesArrival(team);
  // 600 KiB of text each, as an upload's body may hold: about 1 MiB of ciphertext once padded.
  const big = 'x'.repeat(600 * 1024);
  for (let i = 0; i < 9; i++) await bob.say(group, `${i}${big}`);
  await carol.drain();
  assert.is(carol.core.waiting(group), 9, 'dropped ones are counted as unread');
  const events = await carol.core.receive('alice', lost.body);
  const shown = events.flatMap((e) => (e.kind === 'text' ? [e.text[0]] : []));
  assert.ok(shown.length >= 5 && shown.length < 9, `kept ${shown.length} of 9`);
  assert.equal(shown, ['0', '1', '2', '3', '4', '5', '6', '7', '8'].slice(9 - shown.length), 'the newest kept, the oldest dropped');
});

test('on the relay: the commit that releases a forged message is acknowledged as read, the forged one said on screen', () => withRelayTeam(async (team) => {
  const [alice, bob, carol] = [await team.device('alice'), await team.device('bob'), await team.device('carol')];
  await team.device('dave');
  const group = await alice.service.createGroup('ops');
  await alice.service.invite(group, ['bob', 'carol']);
  await until(() => bob.service.list().length === 1 && carol.service.list().length === 1, 'both joined');
  carol.held = [];
  await alice.service.invite(group, ['dave']);
  await until(() => bob.service.list()[0]?.epoch === alice.service.list()[0]?.epoch, 'bob has the commit');
  await bob.service.say(group, 'hello dave', 'b1');
  await until(() => carol.held!.length === 2, 'carol\'s deliveries wait');
  // The commit comes last (sent again by alice after a restart), a forgery of bob's text before it.
  const [commit, text] = carol.held! as Extract<ServerFrame, { op: 'msg' }>[];
  carol.held = [{ ...text!, id: 'm-forged', body: forged(String(text!.body)) }, text!, commit!];
  carol.release();
  await until(() => carol.texts().length === 1, 'the genuine text shows');
  assert.ok(carol.events.some((e) => e.kind === 'membership' && e.added.some((d) => d.name === 'dave')), 'the commit\'s membership line');
  assert.ok(carol.events.some((e) => e.kind === 'refused' && e.from === bob.mailbox), 'the forgery said on screen');
  assert.ok(carol.acked.includes(String(commit!.id)), 'the commit acknowledged');
  assert.equal(carol.unreadable, [], 'nothing flagged unreadable: the commit was read');
}));

test.run();
