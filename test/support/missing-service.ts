import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';

/** Why `command` cannot be run (not on the PATH), naming the Debian package that has it; or undefined. */
export function commandMissing(command: string, debianPackage = command): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command]);
  return found.status === 0 ? undefined : `${command} is not installed (apt-get install ${debianPackage})`;
}

/** Runs the suite unless a service it needs is missing, which is then reported (see below). */
export function runUnlessMissing(tests: { run(): void }, ...missing: (string | undefined)[]): void {
  const reasons = missing.filter((reason) => reason !== undefined);
  if (reasons.length === 0) tests.run();
  else reportMissingService(reasons.join('; '));
}

/**
 * A suite whose real service (redis-server, PostgreSQL, tor, tmux) is not there. Under CI
 * (`CI=true`) that is a failure, a test named after what is missing; run by hand, the suite is
 * skipped and the runner's closing line says so, with this reason (the `SKIPPED:` line).
 */
export function reportMissingService(reason: string): void {
  if (process.env.CI === 'true') {
    const required = suite('required service');
    required(reason, () => {
      throw new Error(`${reason}; CI installs it (.ci/run)`);
    });
    required.run();
    return;
  }
  console.log(`SKIPPED: ${reason}`);
}
