import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { PASSWORD, seedOperators } from '../support/seed-operators.ts';
import { LITSXG, startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const it = terminalSuite<TerminalContext>('bin/litsxg client in a pseudo-terminal, against bin/litsxg serve');

async function client(ctx: TerminalContext, name: string, port: number, withPassword = true): Promise<TmuxTerminal> {
  const env: Record<string, string> = { TZ: 'UTC', XDG_CONFIG_HOME: join(ctx.homes.path, name), ...(withPassword ? { LITSXG_PASSWORD: PASSWORD } : {}) };
  const terminal = await TmuxTerminal.start([LITSXG, 'client', name, '--server', `127.0.0.1:${port}`], env);
  ctx.terminals.push(terminal);
  return terminal;
}

const TIME = '\\[\\d\\d:\\d\\d:\\d\\d\\]';

it('two people talk: prompt without echo, sent → delivered → receipt mark, /who, /help, /quit', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const bob = await client(ctx, 'bob', ctx.server.port, false);
  await bob.waitFor('password for bob:');
  await bob.line(PASSWORD);
  await bob.waitFor(/connected to 127\.0\.0\.1:\d+ as bob/);
  assert.not.ok((await bob.screen()).includes(PASSWORD), 'the typed password is not echoed');

  const alice = await client(ctx, 'alice', ctx.server.port);
  await alice.waitFor('as alice');
  await alice.line('@bob hello bob, it is alice');
  await bob.waitFor(new RegExp(`${TIME} alice: hello bob, it is alice`));
  await alice.waitFor(new RegExp(`${TIME} #1 to bob: delivered`));
  await alice.waitFor(new RegExp(`${TIME} #1 to bob: ✓ received`));

  await bob.line('/msg alice and back');
  await alice.waitFor(new RegExp(`${TIME} bob: and back`));
  await bob.waitFor('#1 to alice: ✓ received');

  await bob.line('/who');
  await bob.waitFor('online: alice, bob');
  await bob.line('/help');
  await bob.waitFor('/msg NAME TEXT');
  await bob.line('just words');
  await bob.waitFor('to send, write @NAME TEXT');
  await alice.line('@nobody hi');
  await alice.waitFor('#2 to nobody: not sent (no operator named nobody)');

  await bob.line('/quit');
  assert.is(await bob.exitStatus(), 0);
  await alice.press('C-d');
  assert.is(await alice.exitStatus(), 0);
  assert.is(ctx.server.logs.filter((l) => JSON.stringify(l).includes('hello bob')).length, 0, 'no body in the server log');
});

it('a message to someone offline is queued, shown when they log in, and the receipt comes back', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'carol'] });
  const alice = await client(ctx, 'alice', ctx.server.port);
  await alice.waitFor('as alice');
  await alice.line('@carol are you there?');
  await alice.waitFor('#1 to carol: not sent (carol has no key yet');
  // Once carol has logged in with this client, her key is published and she can be written to.
  const carolFirst = await client(ctx, 'carol', ctx.server.port);
  await carolFirst.waitFor('as carol');
  await carolFirst.line('/quit');
  assert.is(await carolFirst.exitStatus(), 0);
  await alice.line('@carol are you there?');
  await alice.waitFor('#2 to carol: queued');
  const carol = await client(ctx, 'carol', ctx.server.port);
  // The message, and, if carol's first client had published key packages before it quit, the invitation before it.
  await carol.waitFor(/as carol, (1 message|2 messages) waiting/);
  await carol.waitFor(new RegExp(`${TIME} alice: are you there\\?`));
  await alice.waitFor('#2 to carol: ✓ received');
});

it('reconnects with backoff when the server goes away, says so, and works again', async (ctx) => {
  const data = tempDir();
  try {
    await seedOperators(data.path, ['alice', 'bob']);
    ctx.server = await startServer({ dataDir: data.path });
    const port = ctx.server.port;
    const alice = await client(ctx, 'alice', port);
    await alice.waitFor('conversations ready on device');
    await ctx.server.stop();
    await alice.waitFor(/the server shut down; reconnecting in \d+\.\d s \(attempt 1\)/);
    assert.not.match(await alice.screen(), 'connection lost', 'a shutdown the server announced is not a lost connection');
    await alice.waitFor(/cannot connect|attempt 2/, 30_000);
    ctx.server = await startServer({ dataDir: data.path, args: ['--port', String(port)] });
    await alice.waitFor(`reconnected to 127.0.0.1:${port} as alice`, 45_000);
    const bob = await client(ctx, 'bob', port);
    await bob.waitFor('as bob');
    await alice.line('@bob after the restart');
    await bob.waitFor('alice: after the restart');
  } finally {
    await ctx.server.stop();
    data.remove();
  }
});

it('a wrong password typed on a terminal is asked for again, three tries in all; the third wrong one ends the client with status 1', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const right = await client(ctx, 'alice', ctx.server.port, false);
  await right.waitFor('password for alice:');
  await right.line('not the password at all');
  await right.waitFor(/authentication failed: wrong name or password\n.*password for alice:/);
  await right.line(PASSWORD);
  await right.waitFor('connected to');
  const wrong = await client(ctx, 'bob', ctx.server.port, false);
  for (let tries = 1; tries <= 3; tries += 1) {
    await wrong.waitFor(new RegExp(`(password for bob:[^]*){${tries}}`));
    await wrong.line(`wrong password number ${tries}`);
  }
  assert.is(await wrong.exitStatus(), 1);
  const screen = await wrong.screen();
  assert.is(screen.match(/password for bob:/g)?.length, 3, screen);
  assert.is(screen.match(/authentication failed: wrong name or password/g)?.length, 3, screen);
});

it('a wrong password from LITSXG_PASSWORD ends the client with status 1 and a clear line', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice'] });
  const terminal = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `127.0.0.1:${ctx.server.port}`], { LITSXG_PASSWORD: 'not the password at all' });
  ctx.terminals.push(terminal);
  await terminal.waitFor('authentication failed: wrong name or password');
  assert.is(await terminal.exitStatus(), 1);
});

it('in a real terminal, a tab, an escape and a right-to-left override from a sender show as ^I, ^[ and <U+202E>', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  const bob = await client(ctx, 'bob', ctx.server.port);
  await bob.waitFor('conversations ready on device');
  const alice = await ProtocolClient.login(ctx.server.port, 'alice');
  alice.send({ op: 'send', to: 'bob', body: 'total:\t\u001b[31m\u202e0001$ yap\u202c done' });
  const screen = await bob.waitFor('done');
  assert.match(screen, 'alice (unencrypted): total:^I^[[31m<U+202E>0001$ yap<U+202C> done');
  alice.close();
});

it('the name typed on the command line is shown visibly in the prompts', async (ctx) => {
  // The password is asked for once the server has said hello: only then is its key store known.
  ctx.server = await startServer({ operators: ['alice'] });
  const terminal = await TmuxTerminal.start([LITSXG, 'client', 'eve\u202eevil', '--server', `127.0.0.1:${ctx.server.port}`]);
  ctx.terminals.push(terminal);
  await terminal.waitFor('password for eve<U+202E>evil:');
});

it('--encrypt-keys on a terminal asks for the passphrase twice, then for it at each start', async (ctx) => {
  ctx.server = await startServer({ operators: ['alice'] });
  const home = join(ctx.homes.path, 'alice');
  const start = async (...args: string[]) => {
    const terminal = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `127.0.0.1:${ctx.server.port}`, ...args], { XDG_CONFIG_HOME: home, LITSXG_PASSWORD: PASSWORD });
    ctx.terminals.push(terminal);
    return terminal;
  };
  const first = await start('--encrypt-keys');
  await first.waitFor('key store passphrase:');
  await first.line('correct horse');
  await first.waitFor('the same passphrase again:');
  await first.line('correct horse');
  await first.waitFor('as alice');
  assert.not.match(await first.screen(), 'correct horse', 'not echoed');
  await first.line('/quit');
  assert.is(await first.exitStatus(), 0);
  const serverId = readFileSync(join(ctx.server.dataDir, 'server-id'), 'utf8').trim();
  assert.match(readFileSync(join(home, 'litsxg', 'keys', serverId, 'alice', 'identity.json'), 'utf8'), '"sealed"');
  const again = await start();
  await again.waitFor('key store passphrase:');
  await again.line('wrong horse');
  await again.waitFor('wrong passphrase');
  assert.is(await again.exitStatus(), 1);
});

it('a server that never answered ends the client at once with status 8 and the cause; no reconnecting', async (ctx) => {
  const port = await freePort();
  const terminal = await client(ctx, 'alice', port);
  assert.is(await terminal.exitStatus(5_000), 8, await terminal.screen());
  const screen = await terminal.screen();
  assert.match(screen, `cannot connect (cannot reach 127.0.0.1:${port}: ECONNREFUSED); the server never answered, so the client stops: check --server and --proxy`);
  assert.not.match(screen, 'reconnecting');
});

it('a piped password is consumed once: `printf PASSWORD\\n/who\\n | client` never sends it, with or without a leading @', async (ctx) => {
  const data = tempDir();
  const passwords = { pat: '@bob my secret password', pam: 'my secret password, no at sign' };
  try {
    await seedOperators(data.path, ['bob']);
    for (const [name, password] of Object.entries(passwords)) await seedOperators(data.path, [name], password);
    ctx.server = await startServer({ dataDir: data.path });
    const bob = await ProtocolClient.login(ctx.server.port, 'bob');
    for (const [name, password] of Object.entries(passwords)) {
      const result = await runLitsxg(['client', name, '--server', `127.0.0.1:${ctx.server.port}`], { input: `${password}\n/who\n`, timeoutMs: 20_000 });
      assert.is(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, `online: bob, ${name}`);
      assert.not.match(result.stdout, 'secret');
      assert.not.match(result.stdout, 'to send, write');
    }
    assert.equal((await bob.pending(300)).filter((frame) => frame.op === 'msg'), [], 'bob got no message');
    bob.close();
  } finally {
    await ctx.server.stop();
    data.remove();
  }
});

runUnlessMissing(it, commandMissing('tmux'));
