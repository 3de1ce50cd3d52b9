// Runs every test/**/*.test.ts with uvu under tsx, fails when no test ran, and ends with the
// line `N passed, N failed` (uvu prints no failed count and exits 0 on zero tests). Every test
// has a time limit (time-limited-uvu.mjs: uvu has none). A suite whose service is not installed
// says `SKIPPED: reason` (missing-service.ts); run by hand, the closing line counts and names them.
// Usage: node test/support/run-tests.mjs [FILE_PATTERN]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pattern = process.argv[2] ?? '\\.test\\.ts$';
/** After uvu's summary, how long the test process may take to exit before it is ended. */
const EXIT_GRACE_MS = 15_000;

// Its own process group, so whatever a test left running is ended with it.
const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/support/register-uvu-alias.mjs', 'node_modules/uvu/bin.js', 'test', pattern], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
  detached: true,
});
let tail = '';
let partialLine = '';
const skippedSuites = [];
let lingering;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
  tail = (tail + text).slice(-4096);
  const lines = (partialLine + text).split('\n');
  partialLine = lines.pop();
  for (const line of lines) if (line.startsWith('SKIPPED: ')) skippedSuites.push(line.slice('SKIPPED: '.length));
  if (lingering === undefined && /Duration:/.test(tail)) {
    lingering = setTimeout(() => {
      console.log(`warning: the tests finished but left something running; ended it after ${EXIT_GRACE_MS / 1000} s`);
      process.kill(-child.pid, 'SIGKILL');
    }, EXIT_GRACE_MS);
  }
});
child.on('close', (code, signal) => {
  clearTimeout(lingering);
  const finished = /Duration:/.test(tail);
  const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(tail)?.[1] ?? 0);
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped');
  const failed = Math.max(total - passed - skipped, code === 0 || (finished && signal === 'SIGKILL') ? 0 : 1);
  if (total === 0) console.log('no test ran');
  const reasons = [...new Set(skippedSuites)];
  const skips = [
    skipped > 0 ? `${skipped} skipped` : '',
    reasons.length > 0 ? `${skippedSuites.length} suites skipped: ${reasons.join('; ')}` : '',
  ].filter(Boolean);
  console.log([`${passed} passed`, `${failed} failed`, ...skips].join(', '));
  process.exit(total > 0 && failed === 0 ? 0 : 1);
});
