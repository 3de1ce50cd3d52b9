import { ExitStatus } from './exit-status.ts';

/** PROTOCOL "Command line": a usage error is exactly one line on standard error, and status 2. */
export function usageError(message: string): number {
  process.stderr.write(`litsxg: ${message} (bin/litsxg help lists the commands)\n`);
  return ExitStatus.usage;
}
