import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench } from '../support/run-bench.ts';
import { runLitsxg } from '../support/run-litsxg.ts';

test('startup: time to listening, idle memory and a command line, for the real server and the bare relay', async () => {
  const { status, stdout } = await bench(['startup', '--runs', '1', '--json']);
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, []);
  const startup = report.workloads[0];
  assert.is(startup.workload, 'startup');
  for (const target of ['real', 'bare']) {
    const figures = startup.targets[target].median;
    assert.ok(figures.listening_ms > 0 && figures.listening_ms < 30_000, `${target} listening_ms ${figures.listening_ms}`);
    assert.ok(figures.idle_rss_mb > 10 && figures.idle_rss_mb < 1000, `${target} idle_rss_mb ${figures.idle_rss_mb}`);
    assert.ok(figures.command_ms > 0, `${target} command_ms ${figures.command_ms}`);
  }
  for (const figure of ['listening_ms', 'idle_rss_mb', 'command_ms']) {
    assert.ok(Number.isFinite(startup.ratio[figure]), `${figure} ratio ${startup.ratio[figure]}`);
  }
});

test('startup measures servers the bench starts: not with --server', async () => {
  const { status, stderr } = await bench(['startup', '--server', '127.0.0.1:7770']);
  assert.is(status, 2);
  assert.match(stderr, /^litsxg bench: startup measures servers the bench starts; it cannot go with --server \(litsxg bench --help lists its options\)\n$/);
});

test('bin/litsxg bench runs the bench from a checkout', async () => {
  const result = await runLitsxg(['bench', '--help']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^usage: litsxg bench \[pairs\|offline\|conns\|logins\|startup\|groups \.\.\.\]/);
});

test.run();
