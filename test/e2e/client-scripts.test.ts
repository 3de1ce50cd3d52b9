import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { assertOneLineFailure, runLitsxg } from '../support/run-litsxg.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG, startServer } from '../support/server-process.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';

type Context = TerminalContext;
const it = terminalSuite('issue 22: the client from scripts (piped input, litsxg send), against bin/litsxg serve');

const home = (ctx: Context, name: string) => join(ctx.homes.path, name);
const server = (ctx: Context) => ['--server', `127.0.0.1:${ctx.server.port}`];

/** NAME's interactive client in a terminal, logged in with its conversations up. */
async function terminal(ctx: Context, name: string): Promise<TmuxTerminal> {
  const env = { TZ: 'UTC', XDG_CONFIG_HOME: home(ctx, name), LITSXG_PASSWORD: PASSWORD };
  const started = await TmuxTerminal.start([LITSXG, 'client', name, ...server(ctx)], env);
  ctx.terminals.push(started);
  await started.waitFor('conversations ready on device');
  return started;
}

/** `bin/litsxg client NAME` with `input` piped in. */
function piped(ctx: Context, name: string, input: string) {
  return runLitsxg(['client', name, ...server(ctx)], { input, env: { TZ: 'UTC', XDG_CONFIG_HOME: home(ctx, name) }, timeoutMs: 40_000 });
}

/** `bin/litsxg send … --from NAME`. */
function send(ctx: Context, from: string, args: readonly string[], input?: string) {
  return runLitsxg(['send', '--from', from, ...args, ...server(ctx)], { env: { XDG_CONFIG_HOME: home(ctx, from) }, timeoutMs: 40_000, ...(input === undefined ? {} : { input }) });
}

it('`echo PASSWORD | client` logs in and becomes a device; piped lines all go, each confirmed, before it exits 0', withTimeLimit(120_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob', 'carol'] });
  const bob = await terminal(ctx, 'bob');

  const first = await piped(ctx, 'alice', `${PASSWORD}\n`);
  assert.is(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /connected to 127\.0\.0\.1:\d+ as alice/);
  assert.match(first.stdout, /this client is now alice's device \w+; logging in as it/);
  assert.match(first.stdout, 'conversations ready on device', 'it waited for its own setup before leaving');

  // carol's first run: the lines wait through her becoming a device and logging in again as it.
  const lines = await piped(ctx, 'carol', `${PASSWORD}\n@bob one\n@bob two\n@bob three\n`);
  assert.is(lines.status, 0, lines.stdout + lines.stderr);
  for (const number of [1, 2, 3]) assert.match(lines.stdout, new RegExp(`#${number} to bob: (delivered|queued)`));
  assert.not.match(lines.stdout, 'connection lost');
  for (const text of ['one', 'two', 'three']) await bob.waitFor(`carol: ${text}`);

  const refused = await piped(ctx, 'carol', `${PASSWORD}\n@bob fine\n@nobody lost\n`);
  assert.is(refused.status, 1, 'a line that could not be sent makes the status 1');
  assert.match(refused.stdout, '#2 to nobody: not sent');
  await bob.waitFor('carol: fine');
  assert.not.match(refused.stdout, 'to send, write', 'the first line is the password, even when the key logs in');

  // Invited while away: the group's welcome waits in carol's queue, and her piped line goes after it.
  await bob.line('/group create crew');
  await bob.line('/invite crew carol');
  await bob.waitFor('#crew bob added carol');
  const toGroup = await piped(ctx, 'carol', `${PASSWORD}\n#crew hello crew\n`);
  assert.is(toGroup.status, 0, toGroup.stdout + toGroup.stderr);
  await bob.waitFor('#crew carol: hello crew');
}));

it('`send` sends one message by the key store, to a name or a group, from the argument or stdin; failures are one line', withTimeLimit(150_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const bob = await terminal(ctx, 'bob');
  assert.is((await piped(ctx, 'alice', `${PASSWORD}\n`)).status, 0);

  const one = await send(ctx, 'alice', ['bob', 'hello from a script']);
  assert.equal([one.status, one.stdout, one.stderr], [0, '', '']);
  await bob.waitFor('alice: hello from a script');

  const fromStdin = await send(ctx, 'alice', ['BOB'], 'first line\nsecond line\n');
  assert.is(fromStdin.status, 0, fromStdin.stderr);
  const screen = await bob.waitFor('alice: first line');
  assert.match(screen, /alice: first line\n {4}second line/, 'stdin is one message, its lines kept');

  await bob.line('/group create team');
  await bob.line('/invite team alice');
  await bob.waitFor('#team bob added alice');
  const toGroup = await send(ctx, 'alice', ['#team', 'to the team']);
  assert.is(toGroup.status, 0, toGroup.stderr);
  await bob.waitFor('#team alice: to the team');

  assertOneLineFailure(await send(ctx, 'alice', ['nobody', 'x']), 1, /^litsxg send: nobody: not sent \(no operator named nobody\)/);
  assertOneLineFailure(await send(ctx, 'alice', ['#nothing', 'x']), 1, /^litsxg send: #nothing: not sent \(no group #nothing/);
  // bob's client runs: a second process on his key store would fork its MLS state and take over his session.
  assertOneLineFailure(await send(ctx, 'bob', ['alice', 'x']), 1, /another litsxg process \(pid \d+\) uses bob's key store .*: one at a time/);
  assert.not.match(await bob.screen(), 'took over');
  assertOneLineFailure(await send(ctx, 'carol', ['alice', 'x']), 1, /no key store of carol's for this server in .*: run litsxg client carol once first/);
  const port = await freePort();
  const unreachable = await runLitsxg(['send', '--from', 'alice', 'bob', 'x', '--server', `127.0.0.1:${port}`], { env: { XDG_CONFIG_HOME: home(ctx, 'alice') } });
  assertOneLineFailure(unreachable, 8, new RegExp(`cannot connect \\(cannot reach 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\)`));
  assertOneLineFailure(await send(ctx, 'alice', ['bob']), 2, /nothing to send/);
  assertOneLineFailure(await runLitsxg(['send', 'bob', 'x']), 2, /send needs --from NAME/);
  assert.not.match(await bob.screen(), /alice: x$/m, 'nothing that failed arrived');
}));

it('a mistyped port ends the client at once: no password asked, no key directory made', async (ctx) => {
  const port = await freePort();
  const config = home(ctx, 'alice');
  const started = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `127.0.0.1:${port}`], { XDG_CONFIG_HOME: config });
  ctx.terminals.push(started);
  assert.is(await started.exitStatus(5_000), 8, await started.screen());
  assert.match(await started.screen(), 'the server never answered');
  assert.not.match(await started.screen(), 'password');
  assert.not.ok(existsSync(join(config, 'litsxg')), 'nothing created before the server answered');
});

runUnlessMissing(it, commandMissing('tmux'));
