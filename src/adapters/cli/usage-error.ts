import { visibleText } from '../../domain/visible-text.ts';
import { ExitStatus } from './exit-status.ts';

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const STANDARD: CommandIo = process;

/**
 * PROTOCOL "Command line": a usage error is exactly one line on standard error, and status 2.
 * It quotes what was typed, so what a terminal would obey or hide is shown instead.
 */
export function usageError(command: string | undefined, message: string, io: CommandIo = STANDARD): number {
  const hint = command === undefined ? 'litsxg help lists the commands' : `litsxg ${command} --help lists its options`;
  io.stderr.write(`litsxg${command === undefined ? '' : ` ${command}`}: ${visibleText(message)} (${hint})\n`);
  return ExitStatus.usage;
}

/** A command line that asked for help (status 0) or was refused (status 2). */
export function helpOrUsageError(command: string, outcome: { kind: 'help'; text: string } | { kind: 'error'; message: string }, io: CommandIo = STANDARD): number {
  if (outcome.kind === 'error') return usageError(command, outcome.message, io);
  io.stdout.write(outcome.text);
  return ExitStatus.ok;
}
