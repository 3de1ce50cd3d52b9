import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench } from '../support/run-bench.ts';

test('bench groups: server CPU per delivery of direct sends and of a group fan-out, and their ratio', async () => {
  const { status, stdout } = await bench(['groups', '--target', 'real', '--runs', '1', '--json']);
  assert.is(status, 0, stdout);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, []);
  const figures = report.workloads[0].targets.real.median;
  assert.ok(figures.direct_cpu_us_per_delivery > 0 && figures.group_cpu_us_per_delivery > 0, JSON.stringify(figures));
  assert.ok(figures.group_to_direct_cpu > 0);
});

test('bench groups against the bare relay says it needs the real server', async () => {
  const { stdout, stderr } = await bench(['groups', '--target', 'bare', '--runs', '1']);
  assert.match(stdout + stderr, /--target real/);
});

test.run();
