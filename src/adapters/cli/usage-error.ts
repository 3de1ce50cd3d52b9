import { visibleText } from '../../domain/visible-text.ts';
import { ExitStatus } from './exit-status.ts';

/**
 * PROTOCOL "Command line": a usage error is exactly one line on standard error, and status 2.
 * It quotes what was typed, so what a terminal would obey or hide is shown instead.
 */
export function usageError(message: string): number {
  process.stderr.write(`litsxg: ${visibleText(message)} (bin/litsxg help lists the commands)\n`);
  return ExitStatus.usage;
}
