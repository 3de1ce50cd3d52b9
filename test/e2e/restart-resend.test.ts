import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { redisServerMissing, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { PASSWORD, seedOperators } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { occurrences, TmuxTerminal } from '../support/tmux-terminal.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { withTimeLimit } from '../support/time-limit.ts';

interface Context {
  server: RunningServer;
  redis: RedisServer | undefined;
  terminals: TmuxTerminal[];
  data: { path: string; remove: () => void };
  homes: { path: string; remove: () => void };
}
const it = suite<Context>('a restart loses nothing a sender still holds (docs/protocol.md "Restarts")');

it.before.each(async (ctx) => {
  ctx.terminals = [];
  ctx.redis = undefined;
  ctx.homes = tempDir();
  ctx.data = tempDir();
  await seedOperators(ctx.data.path, ['alice', 'bob']);
});
it.after.each(async (ctx) => {
  await Promise.all(ctx.terminals.map((t) => t.stop()));
  await ctx.server?.stop();
  await ctx.redis?.stop();
  ctx.homes.remove();
  ctx.data.remove();
});

async function client(ctx: Context, name: string, port: number): Promise<TmuxTerminal> {
  const env = { TZ: 'UTC', XDG_CONFIG_HOME: join(ctx.homes.path, name), LITSXG_PASSWORD: PASSWORD };
  const terminal = await TmuxTerminal.start([LITSXG, 'client', name, '--server', `127.0.0.1:${port}`], env);
  ctx.terminals.push(terminal);
  return terminal;
}

const TEXTS = ['first of three', 'second of three', 'third of three'];

interface Run {
  readonly args: readonly string[];
  /** Bob's device joins the conversation before the three (else its invitation is queued with them). */
  readonly talkFirst: boolean;
  /** What alice's client has done once reconnected after the `restarts`-th restart. */
  readonly settled: (alice: TmuxTerminal, restarts: number) => Promise<unknown>;
}

/**
 * Bob's client makes itself a device (and, if `talkFirst`, joins a conversation with alice)
 * and leaves; alice queues three texts for him on MLS; the relay is stopped with SIGTERM and
 * started again, then killed with -9 and started again, alice's client up all along; then bob
 * logs in. Returns alice's numbers for the three (`#2…` after a first text).
 */
async function queueAcrossRestarts(ctx: Context, run: Run): Promise<{ alice: TmuxTerminal; bob: TmuxTerminal; drops: Record<string, unknown>[]; numbers: number[] }> {
  const port = await freePort();
  const serve = () => startServer({ dataDir: ctx.data.path, args: ['--port', String(port), ...run.args] });
  ctx.server = await serve();
  const alice = await client(ctx, 'alice', port);
  await alice.waitFor('conversations ready on device');
  const bobFirst = await client(ctx, 'bob', port);
  await bobFirst.waitFor('conversations ready on device');
  if (run.talkFirst) {
    await alice.line('@bob hello bob');
    await bobFirst.waitFor('alice: hello bob');
    await alice.waitFor('#1 to bob: ✓ received');
  }
  await bobFirst.line('/quit');
  assert.is(await bobFirst.exitStatus(), 0);

  const numbers = run.talkFirst ? [2, 3, 4] : [1, 2, 3];
  for (const text of TEXTS) await alice.line(`@bob ${text}`);
  await alice.waitFor(`#${numbers[2]} to bob: queued`);

  await ctx.server.stop();
  const drops = ctx.server.logs.filter((entry) => entry.event === 'messages_dropped');
  ctx.server = await serve();
  await alice.waitFor(/reconnected to .* as alice/, 60_000);
  await run.settled(alice, 1);
  await ctx.server.kill();
  ctx.server = await serve();
  await alice.waitForCount('reconnected to', 2);
  await run.settled(alice, 2);
  return { alice, bob: await client(ctx, 'bob', port), drops, numbers };
}

/** Bob got the three, each once, in the order sent, and alice hears of each. */
async function bobGetsThreeOnce(alice: TmuxTerminal, bob: TmuxTerminal, numbers: readonly number[]): Promise<void> {
  const screen = await bob.waitFor(`alice: ${TEXTS[2]}`, 60_000);
  const at = TEXTS.map((text) => screen.indexOf(`alice: ${text}`));
  assert.equal(TEXTS.map((text) => occurrences(screen, `alice: ${text}`)), [1, 1, 1], 'each shown once');
  assert.equal(at, [...at].sort((a, b) => a - b), 'in the order sent');
  for (const number of numbers) await alice.waitFor(`#${number} to bob: ✓ received`);
  // Bob stays a while: a copy coming late would show now.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const later = await bob.screen();
  assert.equal(TEXTS.map((text) => occurrences(later, `alice: ${text}`)), [1, 1, 1], 'nothing more came');
  assert.not.match(later, 'was not shown', 'bob could open everything');
}

const dropped = (drops: Record<string, unknown>[]) => drops.map(({ level, messages, recipients }) => ({ level, messages, recipients }));
const resent = (alice: TmuxTerminal, restarts: number) => alice.waitForCount('re-sent after the server restarted', 3 * restarts);

it('memory buffer: the relay loses the queue at each restart, alice\'s client re-sends it, in order; the stop logs what it dropped', withTimeLimit(240_000, async (ctx) => {
  const { alice, bob, drops, numbers } = await queueAcrossRestarts(ctx, { args: [], talkFirst: true, settled: resent });
  // Bob's device mailbox held the three MLS texts.
  assert.equal(dropped(drops), [{ level: 'warn', messages: 3, recipients: 1 }]);
  const screen = await alice.screen();
  for (const number of numbers) assert.is(occurrences(screen, `#${number} to bob: re-sent after the server restarted`), 2, `#${number} went again after each restart`);
  assert.is(occurrences(screen, '#1 to bob: re-sent'), 0, 'what bob acknowledged is not sent again');
  await bob.waitFor('as bob, 3 messages waiting', 60_000);
  await bobGetsThreeOnce(alice, bob, numbers);
  assert.is(JSON.stringify(ctx.server.logs).includes(TEXTS[0]!), false, 'no text in the log');
}));

it('memory buffer, a conversation alice starts while bob is away: his lost invitation goes again before the texts', withTimeLimit(240_000, async (ctx) => {
  const { alice, bob, drops, numbers } = await queueAcrossRestarts(ctx, { args: [], talkFirst: false, settled: resent });
  // The welcome and the three texts, all in bob's device's mailbox.
  assert.equal(dropped(drops), [{ level: 'warn', messages: 4, recipients: 1 }]);
  await bob.waitFor('(with alice) you are in', 60_000);
  await bobGetsThreeOnce(alice, bob, numbers);
}));

it('Redis buffer: the queue outlives the relay, the boot id with it, and nothing is sent twice', withTimeLimit(240_000, async (ctx) => {
  ctx.redis = await startRedisServer();
  const { alice, bob, drops, numbers } = await queueAcrossRestarts(ctx, {
    args: ['--buffer', 'redis', '--redis-url', ctx.redis.url], talkFirst: true, settled: () => new Promise((resolve) => setTimeout(resolve, 2_000)),
  });
  assert.equal(dropped(drops), [{ level: 'info', messages: 0, recipients: 0 }]);
  await bob.waitFor('as bob, 3 messages waiting', 60_000);
  await bobGetsThreeOnce(alice, bob, numbers);
  assert.is(occurrences(await alice.screen(), 're-sent'), 0, 'alice re-sent nothing');
}));

runUnlessMissing(it, commandMissing('tmux'), redisServerMissing());
