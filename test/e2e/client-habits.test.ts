import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { startServer } from '../support/server-process.ts';
import { readyClient, terminalSuite } from '../support/terminal-suite.ts';
import type { TmuxTerminal } from '../support/tmux-terminal.ts';

const it = terminalSuite('issue 22: what people expect from IRC clients and Signal, in a real terminal');

/** The last line of the screen that is not blank: the prompt and what is typed after it. */
async function promptLine(terminal: TmuxTerminal): Promise<string> {
  return (await terminal.screen()).trimEnd().split('\n').at(-1) ?? '';
}

async function waitForPrompt(terminal: TmuxTerminal, expected: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await promptLine(terminal)) !== expected) {
    if (Date.now() > deadline) throw new Error(`the prompt is ${JSON.stringify(await promptLine(terminal))}, not ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('/query sets where plain text goes and the prompt shows it; Tab completes commands, names and groups', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const bob = await readyClient(ctx, 'bob');
  const alice = await readyClient(ctx, 'alice');
  await alice.line('@bob first, to pin');
  await bob.waitFor('alice: first, to pin');

  await alice.line('/query bob');
  await waitForPrompt(alice, '[bob]>');
  await alice.line('plain words');
  await bob.waitFor('alice: plain words');
  await alice.line('/query');
  await waitForPrompt(alice, 'alice>');
  await alice.line('plain words again');
  await alice.waitFor('to send, write @NAME TEXT, or /query NAME first');

  await alice.line('/group create team');
  await alice.waitFor('#team created');
  await alice.type('/inv');
  await alice.press('Tab');
  await waitForPrompt(alice, 'alice> /invite');
  await alice.type(' #te');
  await alice.press('Tab');
  await waitForPrompt(alice, 'alice> /invite #team');
  await alice.type(' b');
  await alice.press('Tab');
  await waitForPrompt(alice, 'alice> /invite #team bob');
  await alice.press('Enter');
  await bob.waitFor('#team you are in');
  await alice.type('/query #t');
  await alice.press('Tab');
  // readline completes asynchronously: an Enter sent at once could overtake the completion.
  await waitForPrompt(alice, 'alice> /query #team');
  await alice.press('Enter');
  await waitForPrompt(alice, '[#team]>');
  await alice.line('to the team by query');
  await bob.waitFor('#team alice: to the team by query');
  await alice.type('@b');
  await alice.press('Tab');
  await waitForPrompt(alice, '[#team]> @bob');
});

it('up recalls this session\'s lines (kept nowhere on disk); a pasted block is one message', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const bob = await readyClient(ctx, 'bob');
  const alice = await readyClient(ctx, 'alice');
  await alice.line('@bob once');
  await bob.waitFor('alice: once');
  await alice.press('Up');
  await waitForPrompt(alice, 'alice> @bob once');
  await alice.press('Enter');
  await alice.waitFor('#2 to bob:');
  assert.is((await bob.waitFor(/alice: once[^]*alice: once/)).match(/alice: once/g)?.length, 2);
  const files = readdirSync(join(ctx.homes.path, 'alice'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  assert.ok(files.length > 0, 'alice\'s key store is there');
  for (const file of files) assert.not.match(readFileSync(join(file.parentPath, file.name), 'latin1'), '@bob once', `${file.name} holds a typed line`);

  await alice.paste('@bob first line\nsecond line\nthird line\n');
  const screen = await bob.waitFor('third line');
  assert.match(screen, /alice: first line\n {4}second line\n {4}third line/, 'one message, its lines kept');
  await alice.waitFor('#3 to bob:');
  assert.not.match(await alice.screen(), '#4 to bob', 'one message, not three');
  assert.not.match(await alice.screen(), 'to send, write', 'no pasted line was taken alone');

  // A paste that ends inside a line waits for Enter, then goes with it.
  await alice.line('/query bob');
  await alice.paste('top\nbottom');
  await waitForPrompt(alice, '[bob]> bottom');
  await alice.press('Enter');
  assert.match(await bob.waitFor('bottom'), /alice: top\n {4}bottom/);
});

runUnlessMissing(it, commandMissing('tmux'));
