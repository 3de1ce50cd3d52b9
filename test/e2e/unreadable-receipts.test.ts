import * as assert from 'uvu/assert';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../support/server-process.ts';
import { readyClient, terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { withTimeLimit } from '../support/time-limit.ts';

const it = terminalSuite<TerminalContext>('a message its recipient\'s device cannot open: the sender is told, not "received" (docs/protocol.md "Unreadable copies")');

/** The conversation store's directory in `home`'s key store (docs/client.md): `…/keys/<server_id>/NAME/mls`. */
function mlsDirectory(ctx: TerminalContext, home: string, name: string): string {
  const keys = join(ctx.homes.path, home, 'litsxg', 'keys');
  return join(keys, readdirSync(keys)[0]!, name, 'mls');
}

it('bob\'s device restored from a copy older than the conversation: alice reads "#2 to bob: bob/DEVICE could not open it", bob a notice', withTimeLimit(180_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const alice = await readyClient(ctx, 'alice');
  let bob = await readyClient(ctx, 'bob');
  await alice.line('@bob hello');
  await bob.waitFor('alice: hello');
  await alice.waitFor('#1 to bob: ✓ received');

  await bob.line('/quit');
  assert.is(await bob.exitStatus(), 0);
  const mls = mlsDirectory(ctx, 'bob', 'bob');
  const groups = readdirSync(mls).filter((file) => file.startsWith('group='));
  assert.is(groups.length, 1, 'the direct conversation\'s state');
  for (const file of groups) rmSync(join(mls, file));
  bob = await readyClient(ctx, 'bob');

  await alice.line('@bob are you there?');
  await alice.waitFor(/#2 to bob: bob\/[a-z0-9]+ could not open it/, 60_000);
  await bob.waitFor(/! a message from alice\/[a-z0-9]+ was not shown: a message for a conversation this device is not in/);
  assert.not.ok((await alice.screen()).includes('#2 to bob: ✓ received'), 'never said received');
  assert.not.ok((await bob.screen()).includes('are you there'));
}));

runUnlessMissing(it, commandMissing('tmux'));
