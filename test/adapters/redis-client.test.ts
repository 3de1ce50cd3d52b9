import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { luaCommand } from '../../src/adapters/redis/redis-client.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';

const real = await realRedis();
const ECHO = 'return {#ARGV, ARGV[1], ARGV[#ARGV]}';

// luaCommand sends its own EVAL/EVALSHA on ioredis (ioredis's commands flatten their arguments).
test('a script runs on a new connection, again, and after Redis forgot its scripts, with every argument as given', async () => {
  for (const [target, flushes] of [[mockRedis(), false], ...(real === undefined ? [] : [[real(), true] as const])] as const) {
    const echo = luaCommand(target.redis, 'litsxgTestEcho', ECHO);
    const args = Array.from({ length: 300 }, (_, i) => `a${i}\n:`);
    assert.equal(await echo(...args), [300, 'a0\n:', 'a299\n:'], 'the first call, on a connection that has not had it');
    assert.equal(await echo('x'), [1, 'x', 'x'], 'again');
    if (flushes) await target.redis.script('FLUSH');
    assert.equal(await echo('y', 'z'), [2, 'y', 'z'], 'after SCRIPT FLUSH (ioredis-mock has no SCRIPT)');
    await target.dispose();
  }
});

test('a script that fails with NOSCRIPT in its own error is not run again: only Redis\'s refusal is', async () => {
  if (real === undefined) return;
  const target = real();
  const runs = `${target.prefix}runs`;
  const failing = luaCommand(target.redis, 'litsxgTestFailing', "redis.call('INCR', ARGV[1]) error('NOSCRIPT said the script')");
  try {
    await failing(runs);
    assert.unreachable('the script failed');
  } catch (error) {
    assert.match((error as Error).message, /NOSCRIPT said the script/);
  }
  assert.is(await target.redis.get(runs), '1', 'it ran once');
  await target.redis.del(runs);
  await target.dispose();
});

test.run();
