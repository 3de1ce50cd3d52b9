import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVE_COMMAND } from '../../src/adapters/cli/serve-options.ts';
import { TestTeam, buildGroup } from '../support/mls-team.ts';
import { withTimeLimit } from '../support/time-limit.ts';

const DEFAULT_BODY_BYTES = Number(SERVE_COMMAND.options['max-body-bytes'].default);
const DEFAULT_HANDSHAKE_BYTES = 1_048_576;

test('a group of 100 operators on the default suite: creation, adds, an update, a removal and messages, within the relay\'s default limits', withTimeLimit(170_000, async () => {
  const team = new TestTeam();
  const { group, devices } = await buildGroup(team, 100);
  assert.is(devices.length, 100);
  for (const device of devices) assert.is(device.core.members(group).length, 100, `${device.mailbox} sees everyone`);
  const handshakes = team.ds.carried.map((c) => c.body.length);
  assert.ok(Math.max(...handshakes) <= DEFAULT_HANDSHAKE_BYTES, `largest handshake body ${Math.max(...handshakes)} bytes`);

  const [founder, second, third] = devices as [typeof devices[0], typeof devices[0], typeof devices[0]];
  assert.is(await third.commit((core) => core.update(group)), 'committed');
  assert.is(await second.commit(async (core) => { for (const d of devices) await d.drain(); return core.remove(group, founder.keys.name); }), 'committed');
  for (const device of devices) await device.drain();
  const from = team.ds.carried.length;
  await third.say(group, 'hello, ninety-eight of you');
  const line = `${third.keys.name}: hello, ninety-eight of you`;
  for (const device of devices) await device.drain();
  const readers = devices.filter((d) => d.texts().includes(line));
  assert.is(readers.length, 98, 'every remaining member but the sender, and not the removed one');
  const message = team.ds.carried.slice(from).map((c) => c.body.length);
  assert.ok(Math.max(...message) <= DEFAULT_BODY_BYTES, 'an application message fits the body limit');
  const epochs = new Set(devices.slice(1).map((d) => d.core.epoch(group)));
  assert.equal([...epochs], [team.ds.groups.get(group)!.epoch]);
}));

test.run();
