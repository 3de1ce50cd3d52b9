import dns from 'node:dns';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectThrough } from '../../src/adapters/tor/connect-through.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { Socks5Proxy } from '../support/socks5-proxy.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const ONION = 'litsxgtestlitsxgtestlitsxgtestlitsxgtestlitsxgtestlitsx.onion';
const run = promisify(execFile);

interface Context {
  server: RunningServer;
  proxy: Socks5Proxy;
  proxyUrl: string;
  terminals: TmuxTerminal[];
}
const it = suite<Context>('client and health through a SOCKS5 proxy (as through Tor)');

it.before(async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob'] });
  ctx.proxy = new Socks5Proxy(new Map([[`${ONION}:7770`, ctx.server.port]]));
  ctx.proxyUrl = await ctx.proxy.listen();
  ctx.terminals = [];
});
it.after(async (ctx) => {
  await Promise.all(ctx.terminals.map((t) => t.stop()));
  await ctx.proxy.close();
  await ctx.server.stop();
});

it('a scripted session reaches a .onion server only through the proxy, which is handed the name', async (ctx) => {
  const bob = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${ctx.server.port}`], { LITSXG_PASSWORD: PASSWORD });
  const alice = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `${ONION}:7770`, '--proxy', ctx.proxyUrl], { LITSXG_PASSWORD: PASSWORD });
  ctx.terminals.push(bob, alice);
  await bob.waitFor('as bob');
  await alice.waitFor(`connected to ${ONION}:7770 as alice`, 20_000);
  await alice.line('@bob through the proxy');
  await bob.waitFor('alice: through the proxy');
  await alice.waitFor('#1 to bob: ✓ received');
  await bob.line('@alice and back');
  await alice.waitFor('bob: and back');
  // SOCKS5 address type 3: the proxy got the host name and resolved it itself.
  assert.equal(ctx.proxy.requests.at(-1), { addressType: 3, host: ONION, port: 7770 });
  await alice.line('/quit');
  assert.is(await alice.exitStatus(), 0);
});

it('bin/litsxg health --proxy says healthy through the proxy, unhealthy for an unknown onion', async (ctx) => {
  const good = await run(LITSXG, ['health', '--server', `${ONION}:7770`, '--proxy', ctx.proxyUrl]);
  assert.match(good.stdout, 'healthy');
  const bad = await run(LITSXG, ['health', '--server', `a${ONION.slice(1, -6)}b.onion:7770`, '--proxy', ctx.proxyUrl]).catch((error: { code: number }) => error);
  assert.is((bad as { code: number }).code, 1);
});

it('a .onion name is never looked up by local DNS, with or without a proxy', async (ctx) => {
  const lookups: string[] = [];
  const original = dns.lookup;
  // node:net resolves host names through dns.lookup; record every call while connecting.
  dns.lookup = ((host: string, ...rest: unknown[]) => {
    lookups.push(host);
    return (original as (...args: unknown[]) => void)(host, ...rest);
  }) as typeof dns.lookup;
  try {
    const socket = await connectThrough({ host: ONION, port: 7770 }, ctx.proxyUrl.replace('127.0.0.1', 'localhost'), 5000);
    const hello = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    socket.destroy();
    assert.match(hello, '"op":"hello"');
    let refused: Error | undefined;
    await connectThrough({ host: ONION, port: 7770 }, undefined, 5000).catch((error: Error) => { refused = error; });
    assert.match(refused?.message ?? '', '--proxy');
  } finally {
    dns.lookup = original;
  }
  assert.ok(lookups.includes('localhost'), 'the proxy host itself is looked up (so the spy works)');
  assert.not.ok(lookups.some((host) => host.endsWith('.onion')), `local DNS saw: ${lookups.join(', ')}`);
});

it('the client without a proxy refuses a .onion server at once, with status 2 and how to reach it', async (ctx) => {
  const alice = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `${ONION}:7770`], { LITSXG_PASSWORD: PASSWORD });
  ctx.terminals.push(alice);
  assert.is(await alice.exitStatus(5_000), 2, await alice.screen());
  assert.match(await alice.screen(), `${ONION} is an onion address: reach it through Tor with --proxy socks5://127.0.0.1:9050`);
  assert.not.match(await alice.screen(), 'reconnecting');
});

runUnlessMissing(it, commandMissing('tmux'));
