import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { RecordingProxy } from '../support/recording-proxy.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { terminalClient, terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import type { TmuxTerminal } from '../support/tmux-terminal.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { assertAbsent, groupSendBodies, heapSnapshot, heapSnapshotEnv } from '../support/secrets.ts';

interface Context extends TerminalContext {
  proxy: RecordingProxy;
  diagnostics: { path: string; remove: () => void };
}
const it = terminalSuite<Context>('several devices of one operator, and a group, in terminals (docs/client.md § Devices)');

it.before.each((ctx) => {
  ctx.diagnostics = tempDir();
});
it.after.each((ctx) => {
  ctx.diagnostics.remove();
});

/** A client with a key store of its own (`home`), through the recording proxy. */
function client(ctx: Context, name: string, home: string): Promise<TmuxTerminal> {
  return terminalClient(ctx, name, home, ctx.proxy.port);
}

/** Alice's first device and bob, in a direct conversation the laptop opened. */
async function laptopAndBob(ctx: Context): Promise<{ laptop: TmuxTerminal; bob: TmuxTerminal }> {
  const laptop = await client(ctx, 'alice', 'alice-laptop');
  await laptop.waitFor(/this client is now alice's device \w+; logging in as it/);
  await laptop.waitFor('conversations ready on device');
  const bob = await client(ctx, 'bob', 'bob');
  await bob.waitFor('conversations ready on device');
  await laptop.line('@bob hello from the laptop');
  await bob.waitFor('alice: hello from the laptop');
  return { laptop, bob };
}

it('two devices of alice and one of bob: a message to alice shows on both of hers, what one sends shows on the other, and a group of three; no text in any relay byte, log line or heap snapshot', withTimeLimit(200_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob', 'carol'], env: heapSnapshotEnv(ctx.diagnostics.path) });
  ctx.proxy = await RecordingProxy.start(ctx.server.port);
  const canary = (label: string) => `${label} canary ${randomBytes(6).toString('hex')}`;

  const { laptop, bob } = await laptopAndBob(ctx);

  // A second device of alice's: it shows a code, the laptop approves it, it joins every conversation.
  const phone = await client(ctx, 'alice', 'alice-phone');
  const screen = await phone.waitFor(/\/devices approve [a-z2-7]{5}-[a-z2-7]{5}/);
  const code = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/.exec(screen)![1]!;
  await laptop.line(`/devices approve ${code}`);
  await phone.waitFor('approved: this client is now a device of alice');
  await laptop.waitFor(/device \w+ added to 1 conversation/, 60_000);
  await phone.waitFor('(with bob) you are in');
  const phoneId = /approved device (\w+)/.exec(await laptop.screen())?.[1];
  await bob.waitFor(`(with alice) alice added alice's device ${phoneId}`);

  const toAlice = canary('to alice');
  await bob.line(`@alice ${toAlice}`);
  await laptop.waitFor(`bob: ${toAlice}`);
  await phone.waitFor(`bob: ${toAlice}`);
  const fromPhone = canary('from the phone');
  await phone.line(`@bob ${fromPhone}`);
  await bob.waitFor(`alice: ${fromPhone}`);
  await laptop.waitFor(`alice (your other device): ${fromPhone}`);

  // A group of three operators, four devices.
  const carol = await client(ctx, 'carol', 'carol');
  await carol.waitFor('conversations ready on device');
  await laptop.line('/group create ops');
  await laptop.line('/invite ops bob carol');
  await carol.waitFor('#ops you are in');
  await laptop.waitFor('#ops alice added bob');
  await laptop.waitFor('#ops alice added carol');
  await bob.waitFor('#ops you are in');
  await phone.waitFor('#ops you are in');
  const toGroup = canary('to the group');
  await carol.line(`#ops ${toGroup}`);
  for (const terminal of [laptop, phone, bob]) await terminal.waitFor(`#ops carol: ${toGroup}`);
  await bob.line('/members ops');
  await bob.waitFor('#ops: alice, bob, carol');

  // While bob is away, a group message waits for him in the relay's memory: as ciphertext only.
  await bob.stop();
  const whileAway = canary('while bob is away');
  await phone.line(`#ops ${whileAway}`);
  await carol.waitFor(`#ops alice: ${whileAway}`);
  const snapshot = await heapSnapshot(ctx.server.process.pid!, ctx.diagnostics.path);
  const waiting = groupSendBodies(ctx.proxy.bytes().toString('latin1')).at(-1) ?? '';
  assert.ok(waiting.length > 200 && snapshot.includes(waiting.slice(0, 200)), 'the snapshot holds the waiting group message, as MLS ciphertext');
  const bobAgain = await client(ctx, 'bob', 'bob');
  await bobAgain.waitFor(`#ops alice: ${whileAway}`);

  const wire = ctx.proxy.bytes().toString('latin1');
  const log = JSON.stringify(ctx.server.logs);
  for (const secret of [toAlice, fromPhone, toGroup, whileAway]) {
    assertAbsent(wire, secret, 'a relay byte');
    assertAbsent(log, secret, 'the log');
    assertAbsent(snapshot, secret, 'the heap snapshot');
  }
  assert.match(wire, '"op":"group_send","body":"mls1.', 'the texts went as MLS messages');
}));

/** Every match of `pattern` (global) on the screen, once there are `count` of them. */
async function matches(terminal: TmuxTerminal, pattern: RegExp, count: number): Promise<RegExpMatchArray[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = [...(await terminal.screen()).matchAll(pattern)];
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${count} of ${String(pattern)}; it shows:\n${await terminal.screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const CODE = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/g;

it('a device removed and revoked asks again under a new id, is approved again, and reads its conversations', withTimeLimit(170_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  ctx.proxy = await RecordingProxy.start(ctx.server.port);
  const { laptop, bob } = await laptopAndBob(ctx);

  const phone = await client(ctx, 'alice', 'alice-phone');
  const [first] = await matches(phone, CODE, 1);
  await laptop.line(`/devices approve ${first![1]}`);
  const [approved] = await matches(laptop, /approved device (\w+);/g, 1);
  await laptop.waitFor(/device \w+ added to 1 conversation/, 60_000);
  await phone.waitFor('(with bob) you are in');

  await laptop.line(`/devices remove ${approved![1]}`);
  await laptop.waitFor(`device ${approved![1]} removed from every conversation and revoked`);
  // Logged in again by password, the phone is a new pending device with a code of its own.
  const codes = await matches(phone, CODE, 2);
  const second = codes.at(-1)![1]!;
  assert.is.not(second, first![1]);
  await laptop.line(`/devices approve ${second.replace('-', '').toUpperCase()}`);
  const again = await matches(laptop, /approved device (\w+);/g, 2);
  assert.is.not(again.at(-1)![1], approved![1], 'a new device id');
  await matches(laptop, /device \w+ added to 1 conversation/g, 2);
  await matches(phone, /\(with bob\) you are in/g, 2);
  await bob.line('@alice after the return');
  await phone.waitFor('bob: after the return');
  assert.not.match(await phone.screen(), 'conversations unavailable');
}));

runUnlessMissing(it, commandMissing('tmux'));
