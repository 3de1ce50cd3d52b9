import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PASSWORD } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { onionPublished } from '../support/onion-published.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';
import { startTorNetwork, type TorNetwork } from '../support/tor-network.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const run = promisify(execFile);
const DEADLINE_MS = 240_000;

/** `health --proxy` through the client tor; a failed try gets fresh circuits (NEWNYM) before the next. */
async function healthyThroughTor(network: TorNetwork, address: string): Promise<string> {
  let last = '';
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    try {
      const { stdout } = await run(LITSXG, ['health', '--server', `${address}:7770`, '--proxy', network.socksProxy]);
      return stdout;
    } catch (error) {
      last = String((error as { stderr?: string }).stderr ?? error);
      await network.newnym();
    }
  }
  throw new Error(`health --proxy never succeeded: ${last}`);
}

test('serve --onion publishes on a private Tor network; health and client --proxy reach it through Tor', withTimeLimit(DEADLINE_MS + 60_000, async () => {
  const started = Date.now();
  let network: TorNetwork | undefined;
  let server: RunningServer | undefined;
  const terminals: TmuxTerminal[] = [];
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Tor network test passed its ${DEADLINE_MS / 1000} s bound`)), DEADLINE_MS);
  });
  const step = (what: string) => console.log(`  ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const exchange = async () => {
    network = await startTorNetwork({ timeoutMs: 150_000 });
    step('private Tor network bootstrapped');
    server = await startServer({ operators: ['alice', 'bob'], args: ['--onion', '--tor-control', network.serviceControl, '--onion-port', '7770'] });
    const address = await onionPublished(server);
    assert.match(address, /^[a-z2-7]{56}\.onion$/);
    await network.descriptorUploaded();
    step(`${address} published, descriptor uploaded`);

    assert.match(await healthyThroughTor(network, address), 'healthy');
    step('health --proxy: healthy');

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
    step('client --proxy exchanged messages');
    await alice.line('/quit');
    assert.is(await alice.exitStatus(20_000), 0);

    assert.is(await server.stop(), 0);
    assert.ok(server.logs.some((line) => line.event === 'stopped'), `events: ${server.logs.map((line) => line.event).join(', ')}`);
    step('done');
  };
  try {
    await Promise.race([exchange(), bound]);
  } finally {
    clearTimeout(timer);
    await Promise.all(terminals.map((t) => t.stop()));
    await server?.stop();
    await network?.stop();
  }
}));

runUnlessMissing(test, commandMissing('tor'), commandMissing('tor-gencert', 'tor'), commandMissing('tmux'));
