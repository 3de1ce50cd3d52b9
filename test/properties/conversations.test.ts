import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OutgoingCommit } from '../../src/client/conversations/conversation-events.ts';
import { CLASSICAL_SUITE } from '../../src/client/conversations/mls-suite.ts';
import type { TestDevice } from '../support/mls-team.ts';
import { TestTeam } from '../support/mls-team.ts';
import { withTimeLimit } from '../support/time-limit.ts';

/** What a device does at one step: the interleaving is the property's to choose. */
type Step =
  | { kind: 'prepare'; who: number; change: 'add' | 'remove' | 'update'; target: number }
  | { kind: 'submit'; who: number }
  | { kind: 'say'; who: number }
  | { kind: 'deliver'; who: number; count: number };

const DEVICES = 6;
const who = fc.integer({ min: 0, max: DEVICES - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('prepare' as const), who, change: fc.constantFrom('add' as const, 'remove' as const, 'update' as const), target: who }),
  fc.record({ kind: fc.constant('submit' as const), who }),
  fc.record({ kind: fc.constant('say' as const), who }),
  fc.record({ kind: fc.constant('deliver' as const), who, count: fc.integer({ min: 1, max: 4 }) }),
);

/**
 * Runs the steps over the in-memory relay: devices prepare commits from what they have seen, the
 * relay orders them when submitted (the first for an epoch wins), and deliveries come whenever
 * the steps say. A device acts on what has arrived first, as the client does.
 */
async function run(steps: readonly Step[]): Promise<void> {
  const team = new TestTeam(CLASSICAL_SUITE);
  const names = ['alice', 'alice', 'bob', 'carol', 'dave', 'erin'];
  const devices: TestDevice[] = [];
  for (const name of names) devices.push(await team.device(name));
  const [founder] = devices as [TestDevice];
  const group = await founder.core.create({ kind: 'group', name: 'ops' });
  // The relay learns of a group from its first commit.
  await founder.commit((core) => team.packagesOf(devices[2]!).then((p) => core.add(group, p)));
  const prepared = new Map<TestDevice, OutgoingCommit>();
  /** For each message id: the mailboxes the relay routed it to. */
  const routed = new Map<string, Set<string>>();
  const routing = () => team.ds.groups.get(group)!.members;
  const isMember = (d: TestDevice) => routing().includes(d.mailbox) && d.core.list().length > 0;
  let committed = 0;
  let said = 0;

  for (const s of steps) {
    // Deliveries go to any device; the other steps to one that is in the group, or a preparer.
    const actors = s.kind === 'deliver' ? devices : s.kind === 'submit' ? [...prepared.keys()] : devices.filter(isMember);
    const actor = actors[s.who % Math.max(1, actors.length)];
    if (actor === undefined) continue;
    if (s.kind === 'deliver') {
      for (let i = 0; i < s.count; i++) {
        const next = team.ds.next(actor.mailbox);
        if (next === undefined) break;
        actor.events.push(...await actor.core.receive(next.from, next.body));
      }
      continue;
    }
    if (s.kind === 'prepare' && !prepared.has(actor)) {
      await actor.drain();
      if (!isMember(actor)) continue;
      const target = devices[s.target]!;
      const inGroup = actor.core.members(group).some((m) => m.name === target.keys.name && m.device === target.keys.device);
      if (s.change === 'add' && !inGroup) prepared.set(actor, await actor.core.add(group, await team.packagesOf(target)));
      else if (s.change === 'remove' && inGroup && target !== actor) prepared.set(actor, await actor.core.remove(group, target.keys.name, target.keys.device));
      else if (s.change === 'update') prepared.set(actor, await actor.core.update(group));
    } else if (s.kind === 'submit' && prepared.has(actor)) {
      const commit = prepared.get(actor)!;
      prepared.delete(actor);
      if (team.ds.commit(actor.mailbox, commit) === 'committed') {
        committed++;
        actor.events.push(...await actor.core.commitAccepted(group));
      } else await actor.core.commitRefused(group);
    } else if (s.kind === 'say' && !prepared.has(actor) && isMember(actor)) {
      await actor.drain();
      if (!isMember(actor)) continue;
      const id = `m${++said}`;
      routed.set(id, new Set(routing().filter((m) => m !== actor.mailbox)));
      await actor.say(group, id, id);
    }
  }
  for (const [device, commit] of prepared) if (commit !== undefined) await device.core.commitRefused(group);
  for (const device of devices) await device.drain();

  const members = devices.filter((d) => routing().includes(d.mailbox));
  stats.push({ committed, said });
  assert.ok(members.length > 0);
  const epoch = team.ds.groups.get(group)!.epoch;
  for (const device of members) {
    assert.is(device.core.epoch(group), epoch, `${device.mailbox} is at the relay's epoch`);
    assert.equal(device.core.epochAuthenticator(group), members[0]!.core.epochAuthenticator(group), `${device.mailbox} agrees on the epoch authenticator`);
    assert.equal(
      device.core.members(group).map((m) => `${m.name}/${m.device}`).sort(), [...routing()].sort(),
      `${device.mailbox}'s members are the relay's routing table`,
    );
  }
  for (const device of devices) {
    const shown = device.events.flatMap((e) => (e.kind === 'text' ? [e.id] : []));
    assert.is(new Set(shown).size, shown.length, `${device.mailbox} showed no message twice`);
    for (const id of shown) assert.ok(routed.get(id)?.has(device.mailbox), `${device.mailbox} showed ${id}, routed to it`);
    if (!members.includes(device)) continue;
    // A member shows exactly what was routed to it while it was in the group.
    for (const [id, to] of routed) if (to.has(device.mailbox)) assert.ok(shown.includes(id), `${device.mailbox} showed ${id}`);
  }
}

const stats: { committed: number; said: number }[] = [];

test('convergence: concurrent commits, adds, removes and messages end at one epoch, each message shown once', withTimeLimit(170_000, async () => {
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40, size: 'max' }), run), { numRuns: 50 });
  // The property is worth something only if the runs did commit and talk.
  assert.ok(stats.reduce((n, s) => n + s.committed, 0) >= stats.length, `commits: ${JSON.stringify(stats)}`);
  assert.ok(stats.reduce((n, s) => n + s.said, 0) >= stats.length, `messages: ${JSON.stringify(stats)}`);
}));

test.run();
