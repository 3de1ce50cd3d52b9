import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { onionPublished } from '../support/onion-published.ts';
import { runLitsxg, type CommandResult } from '../support/run-litsxg.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { startTorNetwork, type TorNetwork } from '../support/tor-network.ts';
import { tempDir } from '../support/temp-dir.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { logInAs, openApp, waitForText } from '../support/web-app.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const NETWORK_MS = 150_000;

interface Context {
  network: TorNetwork;
  servers: RunningServer[];
  temps: { remove(): void }[];
  started: number;
}
const it = suite<Context>('serve --onion on a private Tor network');

it.before(withTimeLimit(NETWORK_MS + 30_000, async (ctx: Context) => {
  ctx.started = Date.now();
  ctx.network = await startTorNetwork({ timeoutMs: NETWORK_MS });
  step(ctx, 'private Tor network bootstrapped');
}));
it.before.each((ctx) => {
  ctx.servers = [];
  ctx.temps = [];
});
it.after.each(async (ctx) => {
  await Promise.all(ctx.servers.map((server) => server.stop()));
  ctx.temps.forEach((temp) => temp.remove());
});
it.after(async (ctx) => {
  await ctx.network?.stop();
});

function step(ctx: Context, what: string): void {
  console.log(`  ${((Date.now() - ctx.started) / 1000).toFixed(1)} s: ${what}`);
}

/** `health --proxy` through the client tor, again (fresh circuits, no cached descriptor) until `accept` says so. */
async function healthUntil(network: TorNetwork, address: string, accept: (result: CommandResult) => boolean, extra: readonly string[] = [], timeoutMs = 90_000): Promise<CommandResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await runLitsxg(['health', '--server', `${address}:7770`, '--proxy', network.socksProxy, ...extra]);
    if (accept(result)) return result;
    if (Date.now() > deadline) throw new Error(`health through Tor never gave what was expected; last: ${result.status} ${result.stderr.trim()}`);
    await network.newnym();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
const healthy = (result: CommandResult) => result.status === 0;

it('publishes; health and client --proxy reach it through Tor', async (ctx) => {
  const { network } = ctx;
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--onion', '--tor-control', network.serviceControl, '--onion-port', '7770'] });
  ctx.servers.push(server);
  const address = await onionPublished(server);
  assert.match(address, /^[a-z2-7]{56}\.onion$/);
  assert.is(server.logs.find((line) => line.event === 'onion_defences')?.pow, true, 'tor 0.4.9 took PoWDefensesEnabled');
  await network.descriptorUploaded();
  step(ctx, `${address} published, descriptor uploaded`);
  await healthUntil(network, address, healthy);
  step(ctx, 'health --proxy: healthy');

  const terminals: TmuxTerminal[] = [];
  try {
    const bob = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${server.port}`], { LITSXG_PASSWORD: PASSWORD });
    const alice = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `${address}:7770`, '--proxy', network.socksProxy], { LITSXG_PASSWORD: PASSWORD });
    terminals.push(bob, alice);
    await bob.waitFor('as bob', 20_000);
    await alice.waitFor(`connected to ${address}:7770 as alice`, 60_000);
    await alice.line('@bob hello over tor');
    await bob.waitFor('alice: hello over tor', 30_000);
    await alice.waitFor('#1 to bob: ✓ received', 30_000);
    await bob.line('@alice hello back');
    await alice.waitFor('bob: hello back', 30_000);
    step(ctx, 'client --proxy exchanged messages');
    await alice.line('/quit');
    assert.is(await alice.exitStatus(20_000), 0);
  } finally {
    await Promise.all(terminals.map((t) => t.stop()));
  }
  assert.is(await server.stop(), 0);
  assert.ok(server.logs.some((line) => line.event === 'stopped'), `events: ${server.logs.map((line) => line.event).join(', ')}`);
});

// Issue 24 "Reconnecting through a restarted onion": a client connected through the client tor,
// and health tried again and again through it from the outage on (no NEWNYM), as a person would.
// Each attempt on circuits of its own must not wait on a rendezvous circuit a stalled one holds.
it('tor stopped and started again under a running server: a client and health through the same client tor get in within 30 s of onion_restored', async (ctx) => {
  const { network } = ctx;
  const server = await startServer({ operators: ['alice'], args: ['--onion', '--tor-control', network.serviceControl] });
  ctx.servers.push(server);
  const address = await onionPublished(server);
  await healthUntil(network, address, healthy);
  const alice = await TmuxTerminal.start([LITSXG, 'client', 'alice', '--server', `${address}:7770`, '--proxy', network.socksProxy], { LITSXG_PASSWORD: PASSWORD });
  try {
    await alice.waitFor(`connected to ${address}:7770 as alice`, 60_000);
    step(ctx, `${address} reachable; alice connected through the client tor`);

    await network.stopServiceTor();
    const lostAt = Date.now();
    while (!server.logs.some((line) => line.event === 'onion_lost')) await new Promise((resolve) => setTimeout(resolve, 50));
    const retrying = healthEveryTry(network, address);
    const aliceBack = alice.waitFor(`reconnected to ${address}:7770 as alice`, 150_000).then(() => Date.now(), () => undefined);
    const local = await runLitsxg(['health', '--server', `127.0.0.1:${server.port}`]);
    assert.is(local.status, 1);
    assert.match(local.stderr, /^unhealthy: the onion service is down/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3_000 - (Date.now() - lostAt))));
    step(ctx, 'service tor stopped 3 s; local health says the onion is down; health and alice trying through Tor meanwhile');

    const back = Date.now();
    await network.startServiceTor();
    const bootstrapped = Date.now();
    while (!server.logs.some((line) => line.event === 'onion_restored')) await new Promise((resolve) => setTimeout(resolve, 50));
    const restored = Date.now();
    const entry = server.logs.find((line) => line.event === 'onion_restored')!;
    assert.is(entry.address, address);
    const [{ reachable, tries }, reconnected] = await Promise.all([retrying, aliceBack]);
    const since = (at: number | undefined, from = back) => (at === undefined ? 'never' : `${((at - from) / 1000).toFixed(1)} s`);
    step(ctx, `tor back: bootstrapped +${since(bootstrapped)}, onion_restored +${since(restored)} (downtime_ms ${entry.downtime_ms}); `
      + `after onion_restored: health healthy +${since(reachable, restored)}, alice reconnected +${since(reconnected, restored)}; health's tries from tor back: `
      + tries.map((t) => `${since(t.startedAt)}..${since(t.endedAt)} ${t.status === 0 ? 'healthy' : t.why.replace(/^.*: /, '')}`).join('; '));
    assert.ok(tries[0]!.startedAt < back, 'health tried while the onion was down');
    assert.match(await alice.screen(), /connection lost \(/);
    assert.ok(reachable !== undefined && reachable - restored < 30_000, `health healthy ${since(reachable, restored)} after onion_restored`);
    assert.ok(reconnected !== undefined && reconnected - restored < 30_000, `alice reconnected ${since(reconnected, restored)} after onion_restored`);
    assert.is(server.process.exitCode, null);
    assert.is((await runLitsxg(['health', '--server', `127.0.0.1:${server.port}`])).status, 0);
  } finally {
    await alice.stop();
  }
});

interface HealthTry {
  readonly status: number | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly why: string;
}

/** `health --proxy` back to back through the client tor, as it is (no NEWNYM), until healthy or 150 s. */
async function healthEveryTry(network: TorNetwork, address: string): Promise<{ reachable?: number; tries: HealthTry[] }> {
  const tries: HealthTry[] = [];
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const startedAt = Date.now();
    const result = await runLitsxg(['health', '--server', `${address}:7770`, '--proxy', network.socksProxy]);
    tries.push({ status: result.status, startedAt, endedAt: Date.now(), why: result.stderr.trim() });
    if (result.status === 0) return { reachable: Date.now(), tries };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { tries };
}

it('--onion-client-auth: no key, no way in; a key gets in; a removed operator\'s key no longer does, another\'s still does', async (ctx) => {
  const { network } = ctx;
  const data = tempDir();
  ctx.temps.push(data);
  for (const name of ['alice', 'bob']) {
    const added = await runLitsxg(['operator', 'add', name, '--data-dir', data.path], { input: `${PASSWORD}\n` });
    assert.is(added.status, 0, added.stderr);
  }
  const server = await startServer({ dataDir: data.path, args: ['--onion', '--onion-client-auth', '--tor-control', network.serviceControl] });
  ctx.servers.push(server);
  const address = await onionPublished(server);
  const keyFile = async (name: string) => {
    const printed = await runLitsxg(['operator', 'onion-key', name, '--data-dir', data.path]);
    assert.is(printed.status, 0, printed.stderr);
    const file = join(data.path, `${name}.auth_private`);
    await writeFile(file, printed.stdout, { mode: 0o600 });
    return file;
  };
  const [alice, bob] = await Promise.all([keyFile('alice'), keyFile('bob')]);
  const withKey = (file: string) => ['--onion-key', file, '--tor-control', network.clientControl];

  const refused = await healthUntil(network, address, (result) => /client-authorization key/.test(result.stderr));
  assert.is(refused.status, 1);
  assert.match(refused.stderr, 'your tor has none for it');
  step(ctx, 'no key: health says the onion wants a client-authorization key');
  await healthUntil(network, address, healthy, withKey(alice));
  step(ctx, 'alice\'s key: healthy');

  assert.is((await runLitsxg(['operator', 'remove', 'alice', '--data-dir', data.path])).status, 0);
  while (!server.logs.some((line) => line.event === 'onion_clients_changed')) await new Promise((resolve) => setTimeout(resolve, 50));
  const removed = await healthUntil(network, address, (result) => result.status === 1 && /client-authorization key/.test(result.stderr), withKey(alice));
  assert.match(removed.stderr, /does not accept your client-authorization key|your tor has none/);
  step(ctx, 'alice removed: her key no longer gets in');
  await healthUntil(network, address, healthy, withKey(bob));
  assert.is(server.logs.find((line) => line.event === 'onion_published')?.address, address);
  step(ctx, 'bob\'s key: healthy, same address');
});

it('serve --web --onion: firefox at Safer opens the app at the onion\'s port 80 over SOCKS with remote DNS, as Tor Browser does, and holds an MLS conversation with a terminal device', async (ctx) => {
  const { network } = ctx;
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--onion', '--tor-control', network.serviceControl, '--web', '--web-port', '0'] });
  ctx.servers.push(server);
  const address = await onionPublished(server);
  assert.is(server.logs.find((line) => line.event === 'onion_published')?.web_port, 80);
  await healthUntil(network, address, healthy);
  step(ctx, `${address} reachable`);
  const socks = new URL(network.socksProxy);
  const browser = await launchFirefox({ socks: { host: socks.hostname, port: Number(socks.port) } });
  const home = tempDir();
  ctx.temps.push(home);
  const bob = await TmuxTerminal.start([LITSXG, 'client', 'bob', '--server', `127.0.0.1:${server.port}`], { TZ: 'UTC', XDG_CONFIG_HOME: home.path, LITSXG_PASSWORD: PASSWORD });
  try {
    const started = Date.now();
    const { page, firstScreenMs } = await openApp(browser, `http://${address}/`, 60_000);
    await logInAs(page, 'alice', 'alice over tor', PASSWORD, 150_000);
    step(ctx, `through Tor: first screen ${firstScreenMs} ms, an MLS device ready ${Date.now() - started} ms after the page was opened`);
    await bob.waitFor('conversations ready on device', 60_000);
    await page.type('#peer', 'bob');
    await page.keyboard.press('Enter');
    await waitForText(page, '.members', 'bob', 60_000);
    await page.type('textarea[aria-label="Message"]', 'hello over the onion');
    await page.keyboard.press('Enter');
    await bob.waitFor('alice: hello over the onion', 60_000);
    await waitForText(page, '.messages li:last-child .state', 'received', 60_000);
    await bob.line('@alice and back over MLS');
    await waitForText(page, '[aria-live="polite"]', 'New message from bob: and back over MLS', 60_000);
    step(ctx, `an MLS text each way, with a receipt, ${Date.now() - started} ms after the page was opened`);
  } finally {
    await bob.stop();
    await browser.close();
  }
});

it('rejects a malformed key file in one line, status 2, before touching tor', async (ctx) => {
  const temp = tempDir();
  ctx.temps.push(temp);
  const file = join(temp.path, 'bad.auth_private');
  await writeFile(file, 'this is not a key\n');
  const { stderr, status } = await runLitsxg(['health', '--server', `${'a'.repeat(56)}.onion:7770`, '--proxy', ctx.network.socksProxy, '--onion-key', file, '--tor-control', ctx.network.clientControl]);
  assert.is(status, 2);
  assert.match(stderr, /^unhealthy: the onion key file .* holds neither/);
  assert.is(stderr.trim().split('\n').length, 1);
  assert.not.match(stderr, 'this is not a key');
});

runUnlessMissing(it, commandMissing('tor'), commandMissing('tor-gencert', 'tor'), commandMissing('tmux'), firefoxMissing());
