import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench } from '../support/run-bench.ts';
import { ServerProcess } from '../../bench/server-process.ts';
import { allowedCpus } from '../../bench/cpu-pinning.ts';
import { signKeyLogin } from '../../bench/bench-keys.ts';

const TINY_PAIRS = ['pairs', '--runs', '1', '--seconds', '1', '--warmup', '0.2', '--pairs', '2', '--window', '8', '--json'];

test('a tiny pairs run against the real server and the bare relay: figures, ratios, nothing lost', async () => {
  const { status, stdout } = await bench(TINY_PAIRS);
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, []);
  assert.is(report.workloads.length, 1);
  const pairs = report.workloads[0];
  assert.is(pairs.workload, 'pairs');
  for (const target of ['real', 'bare']) {
    const figures = pairs.targets[target].median;
    assert.ok(figures.messages_per_s > 0, `${target} routed messages`);
    assert.ok(figures.latency_p50_ms > 0 && figures.latency_p50_ms <= figures.latency_p99_ms, `${target} latency`);
    assert.ok(figures.latency_p99_ms <= figures.latency_max_ms, `${target} max`);
    assert.ok(figures.cpu_us_per_message > 0, `${target} server CPU from /proc`);
    assert.ok(figures.peak_rss_mb > 10, `${target} peak RSS from /proc`);
    assert.equal([figures.lost, figures.duplicated, figures.reordered, figures.other_errors], [0, 0, 0, 0]);
    assert.is(pairs.targets[target].runs.length, 1);
  }
  assert.ok(Number.isFinite(pairs.ratio.messages_per_s) && pairs.ratio.messages_per_s > 0);
  assert.ok(Number.isFinite(pairs.ratio.cpu_us_per_message));
});

test('--pin: servers on CPU 0, this process on CPU 1 while it runs and as before afterwards; server CPU per message on both', async () => {
  const before = allowedCpus(process.pid);
  let during = '';
  const sampler = setInterval(() => { during ||= allowedCpus(process.pid); }, 100);
  const { status, stdout } = await bench([...TINY_PAIRS, '--pin']).finally(() => clearInterval(sampler));
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.machine.pinned, { server: 0, load: 1 });
  assert.is(during, '1');
  assert.is(allowedCpus(process.pid), before);
  for (const target of ['real', 'bare']) {
    const figures = report.workloads[0].targets[target].median;
    assert.ok(figures.cpu_us_per_message > 0 && figures.messages_per_s > 0, target);
    assert.equal([figures.lost, figures.duplicated, figures.reordered, figures.other_errors], [0, 0, 0, 0]);
  }
  const table = await bench([...TINY_PAIRS.filter((a) => a !== '--json'), '--target', 'bare', '--pin']);
  assert.match(table.stdout, /\npinned: servers on CPU 0, the load generator and Redis on CPU 1\n/);
});

test('a server started with a cpu runs on that core alone, under its own pid', async () => {
  const relay = await ServerProcess.start('bare', { cpu: 0 });
  try {
    assert.is(allowedCpus(relay.pid), '0');
    assert.ok(relay.sample().rssBytes > 0);
  } finally {
    await relay.stop();
  }
});

test('the table names every figure and the ratio column', async () => {
  const { status, stdout } = await bench(TINY_PAIRS.filter((a) => a !== '--json').concat(['--target', 'bare']));
  assert.is(status, 0, stdout);
  assert.match(stdout, /^workload\s+figure\s+bare\n/);
  assert.match(stdout, /\npairs\s+messages_per_s\s+[\d,]+\n/);
  assert.match(stdout, /\npairs\s+lost\s+0\n/);
});

test('--server measures a running server (registering its operators) with no /proc figures', async () => {
  const relay = await ServerProcess.start('bare');
  try {
    const { status, stdout } = await bench([...TINY_PAIRS, '--server', `127.0.0.1:${relay.port}`]);
    assert.is(status, 0, stdout);
    const figures = JSON.parse(stdout).workloads[0].targets.server.median;
    assert.ok(figures.messages_per_s > 0);
    assert.is(figures.cpu_us_per_message, undefined);
    assert.is(figures.lost, 0);
  } finally {
    await relay.stop();
  }
});

test('--buffer redis: the real server on memory, on a Redis the bench starts, and two servers on it; ratios and Redis CPU', async () => {
  const { status, stdout } = await bench([...TINY_PAIRS, '--buffer', 'redis']);
  assert.is(status, 0, stdout);
  const pairs = JSON.parse(stdout).workloads[0];
  assert.equal(Object.keys(pairs.targets).sort(), ['real', 'redis', 'redis-pair']);
  for (const target of ['redis', 'redis-pair']) {
    const figures = pairs.targets[target].median;
    assert.ok(figures.messages_per_s > 0, `${target} routed messages`);
    assert.ok(figures.redis_cpu_us_per_message > 0, `${target}: Redis's CPU from /proc`);
    assert.equal([figures.lost, figures.duplicated, figures.reordered, figures.other_errors], [0, 0, 0, 0]);
  }
  assert.is(pairs.targets.real.median.redis_cpu_us_per_message, undefined);
  assert.ok(Number.isFinite(pairs.redisRatio.messages_per_s) && Number.isFinite(pairs.pairRatio.messages_per_s));
});

test('--login key: offline recipients and idle connections log in by signing the challenge, on both targets', async () => {
  const { status, stdout } = await bench(['offline', 'conns', '--login', 'key', '--runs', '1', '--recipients', '4', '--per-recipient', '20',
    '--pairs', '2', '--offline-senders', '2', '--conns', '20', '--json']);
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, []);
  for (const workload of report.workloads) {
    for (const target of ['real', 'bare']) assert.ok(workload.targets[target].runs.length === 1, `${workload.workload} ${target}`);
  }
  assert.is(report.workloads[0].targets.real.median.drained, 1);
  assert.ok(report.workloads[1].targets.real.median.logins_per_s > 0);
});

test('--login key against the bare relay alone: identities are derived before the timed logins, never inside one', async () => {
  assert.throws(() => signKeyLogin('bench-never-derived', {}), /not derived before its login/);
  // More idle connections than the other key-login tests open: some names are new to this process.
  const { status, stdout } = await bench(['conns', '--login', 'key', '--target', 'bare', '--runs', '1', '--conns', '64', '--json']);
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, []);
  assert.ok(report.workloads[0].targets.bare.median.logins_per_s > 0);
});

test('a bad option is one line and exit status 2', async () => {
  for (const argv of [['--runs', 'x'], ['flood'], ['--login', 'token'], ['--proxy', 'socks5://127.0.0.1:9050'], ['--server', 'nohost'],
    ['--buffer', 'disk'], ['--buffer', 'redis', '--target', 'bare'], ['--buffer', 'redis', '--server', '127.0.0.1:1'],
    ['--server', '127.0.0.1:1', '--node-arg', '--max-semi-space-size=16'], ['--server', '127.0.0.1:1', '--data-dir', '/tmp/x'], ['--server', '127.0.0.1:1', '--pin']]) {
    const { status, stdout, stderr } = await bench(argv);
    assert.is(status, 2, argv.join(' '));
    assert.is(stdout, '');
    assert.match(stderr, /^litsxg bench: [^\n]+\n$/);
  }
});

test.run();
