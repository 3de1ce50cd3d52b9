import { execFile } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** test/support/run-tests.mjs on the fixture files matching `pattern`: its closing line and exit status. */
async function runTests(pattern: string, env: NodeJS.ProcessEnv): Promise<{ closing: string; output: string; status: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['test/support/run-tests.mjs', pattern], { env: { ...process.env, CI: '', ...env } }, (error, stdout) => {
      const lines = stdout.trimEnd().split('\n');
      resolve({ closing: lines.at(-1) ?? '', output: stdout, status: error === null ? 0 : Number(error.code) });
    });
  });
}

const it = suite('the test runner');

it('a hung test fails with its name, and the tests after it still run', async () => {
  const run = await runTests('fixtures/runner/hang\\.fixture\\.ts$', {});
  assert.equal(run.closing, '1 passed, 1 failed');
  assert.match(run.output, 'test "never settles" ran past its time limit of 0.3 s');
  assert.is(run.status, 1);
});

it('by hand, a suite whose service is missing is skipped, with the reason in the closing line', async () => {
  const run = await runTests('fixtures/runner/(hang|missing-service)\\.fixture\\.ts$', {});
  assert.equal(run.closing, '1 passed, 1 failed, 1 suites skipped: litsxg-no-such-service is not installed (apt-get install litsxg-no-such-package)');
});

it('under CI, a suite whose service is missing is a failure naming it', async () => {
  const run = await runTests('fixtures/runner/missing-service\\.fixture\\.ts$', { CI: 'true' });
  assert.equal(run.closing, '0 passed, 1 failed');
  assert.match(run.output, 'litsxg-no-such-service is not installed (apt-get install litsxg-no-such-package); CI installs it');
  assert.is(run.status, 1);
});

it('no test at all is a failure', async () => {
  const run = await runTests('fixtures/runner/empty\\.fixture\\.ts$', {});
  assert.equal(run.closing, '0 passed, 0 failed');
  assert.match(run.output, 'no test ran');
  assert.is(run.status, 1);
});

it.run();
