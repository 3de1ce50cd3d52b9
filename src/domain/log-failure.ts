import type { Logger, LogLevel } from '../ports/logger.ts';
import { describeError } from './describe-error.ts';
import type { ConnectionId } from './session.ts';

/** Where something failed: the connection, when there is one, and the step (`frame`, `drain`, `push`…). */
export interface FailurePlace {
  readonly conn?: ConnectionId;
  readonly op: string;
}

/** `handler_failed`: where it failed, never what it carried. */
export function logFailure(logger: Logger, place: FailurePlace, error: unknown, level: LogLevel = 'error'): void {
  logger.log(level, 'handler_failed', { ...place, ...describeError(error) });
}

/**
 * Work nobody waits for, at a boundary (transport, Redis, client): its rejection is logged where,
 * instead of reaching `unhandledRejection`, which ends the process and every queue in it
 * (issue 24). The promise returned settles once the work has, and never rejects.
 */
export function unawaited(work: Promise<unknown>, logger: Logger, place: FailurePlace): Promise<void> {
  return work.then(settled, (error: unknown) => logFailure(logger, place, error));
}

function settled(): void {}
