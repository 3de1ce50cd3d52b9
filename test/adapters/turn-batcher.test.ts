import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnBatcher } from '../../src/adapters/redis/turn-batcher.ts';

const it = suite('TurnBatcher: the requests of one turn in few runs');

it('one turn goes in runs of at most `max` weight, in order, each request answered with its own reply', async () => {
  const runs: number[][] = [];
  const batcher = new TurnBatcher<number, string>(async (requests) => {
    runs.push(requests);
    return requests.map((n) => `reply ${n}`);
  }, 10, (n) => n);
  const replies = await Promise.all([3, 4, 2, 5, 12, 1].map((n) => batcher.submit(n)));
  assert.equal(replies, [3, 4, 2, 5, 12, 1].map((n) => `reply ${n}`));
  assert.equal(runs, [[3, 4, 2], [5], [12], [1]], 'one heavier than max goes alone');
  await batcher.submit(7);
  assert.equal(runs.at(-1), [7], 'the next turn is a run of its own');
});

it('a run that fails rejects its own requests only', async () => {
  const batcher = new TurnBatcher<number, number>(async (requests) => {
    if (requests.includes(0)) throw new Error('run failed');
    return requests;
  }, 2);
  const outcomes = await Promise.allSettled([1, 0, 2, 3].map((n) => batcher.submit(n)));
  assert.equal(outcomes.map((o) => o.status), ['rejected', 'rejected', 'fulfilled', 'fulfilled']);
});

it.run();
