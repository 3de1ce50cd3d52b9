import type { Logger } from '../ports/logger.ts';

/**
 * The client's log of failures nobody waited for (`unawaited`): said on the screen, where and
 * never what, and the client goes on. Left to `unhandledRejection`, one would end the client and
 * what it had not sent yet (issue 24).
 */
export function failuresSaid(say: (text: string) => void): Logger {
  return {
    log: (_level, _event, fields = {}) => say(`internal error in ${fields.op} (${fields.error}${fields.where === undefined ? '' : ` ${fields.where}`}); the client goes on`),
  };
}
