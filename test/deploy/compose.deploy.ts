import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { ComposeStack } from './compose-stack.ts';

// `npm run test:deploy`: docker-compose.yml brought up for real (several minutes the first time).
const PASSWORD = 'correct horse battery';
const RELAY = '172.28.0.10';
const ONION = /^[a-z2-7]{56}\.onion\n$/;
let stack: ComposeStack;
let onion = '';

// Stand-in images and both builds from nothing take minutes (6 here); then about one.
test.before(withTimeLimit(1_800_000, async () => {
  stack = await ComposeStack.start('litsxgdeploytest');
  await stack.compose(['down', '--volumes']);
  await stack.compose(['up', '-d', '--build'], { timeoutMs: 1_500_000 });
}));

test.after(async () => {
  await stack?.stop();
});

test("the relay's healthcheck passes", async () => {
  // podman runs healthchecks from systemd timers, absent here: run the configured check now.
  const container = stack.container('litsxg');
  let status = 'unhealthy';
  for (let attempt = 0; attempt < 20 && status !== 'healthy'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    status = await stack.podman(['healthcheck', 'run', container]).then(() => 'healthy', () => 'unhealthy');
  }
  assert.is(status, 'healthy');
  const { stdout } = await stack.podman(['inspect', '--format', '{{.State.Health.Status}}', container]);
  assert.is(stdout.trim(), 'healthy');
});

test('operator add through docker-compose exec, the password on standard input', async () => {
  const { stdout } = await stack.compose(['exec', '-T', 'litsxg', 'bin/litsxg', 'operator', 'add', 'alice'], { input: `${PASSWORD}\n` });
  assert.is(stdout, 'added alice\n');
  assert.is((await stack.compose(['exec', '-T', 'litsxg', 'bin/litsxg', 'operator', 'list'])).stdout, 'alice\n');
});

test('the relay answers on the internal network only: no port on the host, no other network', async () => {
  const { stdout } = await stack.compose(['exec', '-T', 'tor', 'bash', '-c', `exec 3<>/dev/tcp/${RELAY}/7770 && head -1 <&3`]);
  assert.match(stdout, /^\{"op":"hello","server":"litsxg"/);
  const fromHost = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 7770, timeout: 3_000 });
    socket.once('data', (data) => resolve(data.toString()));
    socket.once('timeout', () => resolve('timeout'));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  assert.not.match(fromHost, /"server":"litsxg"/);
  assert.is((await stack.podman(['port', stack.container('litsxg')])).stdout.trim(), '');
  const networks = await stack.podman(['inspect', '--format', '{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}',
    stack.container('litsxg')]);
  assert.is(networks.stdout.trim(), `${stack.project}_relay`);
  const internal = await stack.podman(['network', 'inspect', '--format', '{{.Internal}}', `${stack.project}_relay`]);
  assert.is(internal.stdout.trim(), 'true');
});

test('tor has published the onion service: its hostname is in the volume', async () => {
  for (let attempt = 0; attempt < 30 && !ONION.test(onion); attempt++) {
    onion = await stack.compose(['exec', '-T', 'tor', 'cat', '/var/lib/tor/litsxg/hostname']).then((r) => r.stdout, () => '');
    if (!ONION.test(onion)) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  assert.match(onion, ONION);
});

test('the image runs as a user, with the built code and runtime dependencies only', async () => {
  const { stdout: user } = await stack.compose(['exec', '-T', 'litsxg', 'id', '-un']);
  assert.is(user, 'node\n');
  const { stdout: app } = await stack.compose(['exec', '-T', 'litsxg', 'ls', '/app', '/app/node_modules']);
  const [top, modules] = app.split('\n\n');
  assert.is(top, '/app:\nbin\ndist\nnode_modules\npackage.json');
  for (const dev of ['tsx', 'typescript', 'esbuild', 'uvu', 'inversify']) assert.not.match(modules!, new RegExp(`^${dev}$`, 'm'));
  assert.match(modules!, /^better-sqlite3$/m);
  assert.match(modules!, /^sodium-native$/m);
  // The image keeps one of sodium-native's prebuilt bindings: this platform's, which loads.
  const { stdout: libsodium } = await stack.compose(['exec', '-T', 'litsxg', 'node', '-p', "typeof require('sodium-native').crypto_sign_verify_detached"]);
  assert.is(libsodium, 'function\n');
  const { stdout: bindings } = await stack.compose(['exec', '-T', 'litsxg', 'find', '/app/node_modules/sodium-native/prebuilds', '-type', 'f']);
  assert.match(bindings, /^\/app\/node_modules\/sodium-native\/prebuilds\/linux-\w+\/sodium-native\.node\n$/);
  const { stdout: size } = await stack.podman(['image', 'inspect', '--format', '{{.Size}}', `${stack.project}_litsxg`]);
  console.log(`  litsxg image: ${(Number(size) / 2 ** 20).toFixed(0)} MiB`);
});

test('down and up again keep the identities and the onion address', async () => {
  assert.match(onion, ONION);
  await stack.compose(['down']);
  await stack.compose(['up', '-d'], { timeoutMs: 300_000 });
  assert.is((await stack.compose(['exec', '-T', 'litsxg', 'bin/litsxg', 'operator', 'list'])).stdout, 'alice\n');
  assert.is((await stack.compose(['exec', '-T', 'tor', 'cat', '/var/lib/tor/litsxg/hostname'])).stdout, onion);
});

runUnlessMissing(test, commandMissing('podman'), commandMissing('runc'), commandMissing('debootstrap'),
  commandMissing('docker-compose'));
