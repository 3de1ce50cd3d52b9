import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RelayDevice } from '../support/relay-devices.ts';
import { until, withRelayTeam } from '../support/relay-devices.ts';

const receipts = (device: RelayDevice) => device.events.flatMap((e) => (e.kind === 'receipt' ? [`${e.by.name}/${e.by.device}${e.unreadable === true ? ' unreadable' : ''}`] : []));

/** The device's conversation store as it was at `backup`: a device restored from an old copy, then started again. */
async function restore(device: RelayDevice, backup: RelayDevice['store']): Promise<void> {
  device.store.values.clear();
  for (const [key, value] of backup.values) device.store.values.set(key, value);
  await device.connect();
  await device.service.ready();
}

test('a group text one member\'s device cannot open: acknowledged flagged, and its sender hears which device, beside the receipt of one who read it', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  const carol = await team.device('carol');
  const backup = carol.store.snapshot();
  const group = await alice.service.createGroup('ops');
  await alice.service.invite(group, ['bob', 'carol']);
  await until(() => bob.service.list().length === 1 && carol.service.list().length === 1, 'both joined');
  await restore(carol, backup);
  assert.equal(carol.service.list(), [], 'carol\'s device no longer holds the group');

  alice.events.length = 0;
  const sent = await alice.service.say(group, 'deploy at noon', 'a1');
  await until(() => receipts(alice).length === 2, 'a receipt from each member');
  assert.equal(receipts(alice).sort(), [`bob/${bob.keys.device}`, `carol/${carol.keys.device} unreadable`]);
  assert.ok(alice.events.every((e) => e.kind !== 'receipt' || e.id === sent.id), 'each told as a receipt of the first copy');
  assert.equal(bob.texts(), ['alice: deploy at noon']);
  assert.equal(carol.texts(), []);
  assert.match(JSON.stringify(carol.events.filter((e) => e.kind === 'refused')), 'a conversation this device is not in');
  assert.is(carol.unreadable.length, 1, 'acknowledged (the relay keeps it no longer), flagged');
  assert.not.ok(bob.unreadable.length > 0, 'bob read his');
}));

test('an invitation a device cannot open: its inviter is told that device is not in the conversation', () => withRelayTeam(async (team) => {
  const alice = await team.device('alice');
  const bob = await team.device('bob');
  // bob's device lost the key packages it published (restored from a copy older than them): the relay still hands them out.
  const backup = bob.store.snapshot();
  for (const key of [...backup.values.keys()].filter((k) => k.startsWith('key-package/'))) backup.values.delete(key);
  await restore(bob, backup);
  const group = await alice.service.createGroup('ops');
  await alice.service.invite(group, ['bob']);
  await until(() => alice.events.some((e) => e.kind === 'invitation-unopened'), 'told');
  assert.equal(alice.events.filter((e) => e.kind === 'invitation-unopened'), [{ kind: 'invitation-unopened', group, by: bob.mailbox }]);
  assert.equal(bob.service.list(), []);
}));

test.run();
