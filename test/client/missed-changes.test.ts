import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MissedChange } from '../../src/client/conversations/missed-changes.ts';
import { MissedChanges, missedChangeLine } from '../../src/client/conversations/missed-changes.ts';

const META = { kind: 'group' as const, name: 'ops' };
const behind = (epoch: bigint) => ({ kind: 'behind' as const, group: 'g', meta: META, epoch });
/** Generous against a busy machine: only the checks before a wait ends depend on a timer's promptness. */
const WAIT_MS = 200;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function watch(state: { waiting: number; epoch: bigint }) {
  const said: MissedChange[] = [];
  const missed = new MissedChanges(() => state.waiting, () => state.epoch, (change) => said.push(change), WAIT_MS);
  return { said, missed };
}

test('messages still waiting, at the same epoch, after the wait: said once, with how many', async () => {
  const state = { waiting: 2, epoch: 4n };
  const { said, missed } = watch(state);
  missed.behind(behind(4n));
  missed.behind(behind(4n));
  await pause(10);
  assert.equal(said, [], 'not before the wait');
  state.waiting = 3;
  await pause(WAIT_MS + 100);
  assert.equal(said, [{ kind: 'missed', group: 'g', meta: META, count: 3 }]);
  assert.match(missedChangeLine(said[0]!), '3 messages sent since cannot be read yet, not shown');
});

test('caught up within the wait: nothing said', async () => {
  const state = { waiting: 2, epoch: 4n };
  const { said, missed } = watch(state);
  missed.behind(behind(4n));
  state.waiting = 0;
  state.epoch = 6n;
  await pause(WAIT_MS + 100);
  assert.equal(said, []);
});

test('caught up part of the way: the rest waits anew before it is said', async () => {
  const state = { waiting: 2, epoch: 4n };
  const { said, missed } = watch(state);
  missed.behind(behind(4n));
  await pause(WAIT_MS / 4);
  state.epoch = 5n;
  state.waiting = 1;
  await pause(WAIT_MS);
  assert.equal(said, [], 'the epoch moved: a new wait');
  await pause(WAIT_MS + 100);
  assert.equal(said.map((s) => s.count), [1]);
});

test.run();
