import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { seedOperators } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { terminalClient, terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import { occurrences } from '../support/tmux-terminal.ts';
import { withTimeLimit } from '../support/time-limit.ts';

interface Context extends TerminalContext {
  data: { path: string; remove: () => void };
}
const it = terminalSuite<Context>('a commit a restart lost goes again, and the member who missed it catches up (docs/protocol.md "Restarts")');
it.before.each((ctx) => {
  ctx.data = tempDir();
});
it.after.each((ctx) => {
  ctx.data.remove();
});

/**
 * alice, bob and carol in terminals on a memory relay; alice makes #ops with the two, carol
 * quits, and alice removes bob: a commit queued for carol alone. Returns the running alice and
 * a way to start the relay again on the same port and data.
 */
async function carolAwayWhileBobRemoved(ctx: Context) {
  await seedOperators(ctx.data.path, ['alice', 'bob', 'carol']);
  const port = await freePort();
  const serve = () => startServer({ dataDir: ctx.data.path, args: ['--port', String(port)] });
  ctx.server = await serve();
  const alice = await terminalClient(ctx, 'alice', 'alice', port);
  const bob = await terminalClient(ctx, 'bob', 'bob', port);
  const carol = await terminalClient(ctx, 'carol', 'carol', port);
  for (const terminal of [alice, bob, carol]) await terminal.waitFor('conversations ready on device', 60_000);
  await alice.line('/group create ops');
  await alice.line('/invite ops bob carol');
  await carol.waitFor('#ops you are in', 60_000);
  await bob.waitFor('#ops you are in', 60_000);
  await carol.line('/quit');
  assert.is(await carol.exitStatus(), 0);
  await alice.line('/remove ops bob');
  await bob.waitFor('#ops alice removed you', 60_000);
  return { alice, port, serve };
}

it('memory buffer: carol, away while alice removed bob, converges after two restarts and reads what was sent since', withTimeLimit(240_000, async (ctx) => {
  const { alice, port, serve } = await carolAwayWhileBobRemoved(ctx);
  // A text of the epoch the commit starts, queued for carol too.
  await alice.line('#ops sent after bob left');
  await alice.waitFor(/#\d+ to #ops: queued/);

  await ctx.server.stop();
  ctx.server = await serve();
  await alice.waitFor(/reconnected to .* as alice/, 60_000);
  await alice.waitForCount('re-sent after the server restarted', 1);
  await ctx.server.kill();
  ctx.server = await serve();
  await alice.waitForCount('reconnected to', 2);
  await alice.waitForCount('re-sent after the server restarted', 2);

  const carol = await terminalClient(ctx, 'carol', 'carol', port);
  await carol.waitFor('#ops alice removed bob', 60_000);
  const screen = await carol.waitFor('#ops alice: sent after bob left', 60_000);
  assert.ok(screen.indexOf('#ops alice removed bob') < screen.indexOf('#ops alice: sent after bob left'), 'the change first, then the text');
  await carol.line('/members ops');
  await carol.waitFor('#ops: alice, carol');
  // Sent at carol's epoch: the relay takes it only at the group's current one, and alice opens it.
  await carol.line('#ops back, and caught up');
  await alice.waitFor('#ops carol: back, and caught up', 60_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const later = await carol.screen();
  assert.is(occurrences(later, '#ops alice removed bob'), 1, 'the change shown once');
  assert.is(occurrences(later, 'alice: sent after bob left'), 1);
  assert.not.match(later, 'was not shown');
  assert.not.match(later, 'missed a change');
  assert.not.match(await alice.screen(), 'could not be sent again');
}));

it('memory buffer: a change whose committer\'s client quit before the restart cannot come again; carol is told so, plainly', withTimeLimit(240_000, async (ctx) => {
  const { alice: aliceFirst, port, serve } = await carolAwayWhileBobRemoved(ctx);
  // alice's client, which alone kept the commit, goes before the relay does.
  await aliceFirst.line('/quit');
  assert.is(await aliceFirst.exitStatus(), 0);

  await ctx.server.stop();
  ctx.server = await serve();
  const alice = await terminalClient(ctx, 'alice', 'alice', port);
  await alice.waitFor('conversations ready on device', 60_000);
  await alice.line('#ops sent after the restart');
  await alice.waitFor(/#\d+ to #ops: queued/);
  const carol = await terminalClient(ctx, 'carol', 'carol', port);
  const screen = await carol.waitFor('#ops this device missed a change to the conversation (lost when the server restarted): 1 message sent since cannot be read yet', 90_000);
  assert.match(screen, 'this device must be removed from the conversation and invited again');
  assert.not.match(screen, 'sent after the restart');
  assert.not.match(screen, 'was not shown', 'waiting, not refused');
}));

runUnlessMissing(it, commandMissing('tmux'));
