import * as assert from 'uvu/assert';
import { startServer } from '../support/server-process.ts';
import { terminalClient, terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import type { TmuxTerminal } from '../support/tmux-terminal.ts';
import { withTimeLimit } from '../support/time-limit.ts';

const it = terminalSuite<TerminalContext>('presence notices in terminals (docs/client.md § Presence)');

/** bob's client, on his own key store: logged in as his device, its conversations open. */
async function bobOnline(ctx: TerminalContext): Promise<TmuxTerminal> {
  const bob = await terminalClient(ctx, 'bob', 'bob', ctx.server.port);
  await bob.waitFor('conversations ready on device');
  return bob;
}

async function bobQuits(bob: TmuxTerminal): Promise<void> {
  await bob.line('/quit');
  assert.is(await bob.exitStatus(), 0);
}

const count = (screen: string, text: string) => screen.split('\n').filter((line) => line.includes(text)).length;

it('alice sees "bob is online" and "bob left" once per change in the conversation they share, and nothing after /presence off', withTimeLimit(150_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const alice = await terminalClient(ctx, 'alice', 'alice', ctx.server.port);
  await alice.waitFor('conversations ready on device');
  let bob = await bobOnline(ctx);
  await alice.line('@bob hello');
  await bob.waitFor('alice: hello');
  // bob's answer comes after alice's client asked to watch him, when her conversation with him began.
  await bob.line('@alice hi');
  await alice.waitFor('bob: hi');
  assert.is(count(await alice.screen(), 'bob is online'), 0, 'bob was online already when alice began watching');

  await bobQuits(bob);
  await alice.waitFor(/\[\d\d:\d\d:\d\d\] bob left/);
  bob = await bobOnline(ctx);
  await alice.waitFor(/\[\d\d:\d\d:\d\d\] bob is online/);

  await alice.line('/presence off');
  await alice.waitFor('presence notices off');
  await bobQuits(bob);
  bob = await bobOnline(ctx);
  // A message after bob's return: what the relay would have told alice before it has come by now.
  await bob.line('@alice back');
  await alice.waitFor('bob: back');
  const screen = await alice.screen();
  assert.is(count(screen, 'bob left'), 1, screen);
  assert.is(count(screen, 'bob is online'), 1, screen);
  await alice.line('/help');
  await alice.waitFor('/presence off|on  stop or show');
}));

it.run();
