import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { IdGenerator } from '../../ports/id-generator.ts';

/**
 * Message ids are a random per-process prefix and a counter: unique across instances and
 * restarts, and far cheaper per message than fresh random bytes. That a neighbour's id can be
 * guessed gives nothing away: an id only ever acts on its recipient's own queue.
 */
@injectable()
export class RandomIdGenerator implements IdGenerator {
  private readonly prefix = randomBytes(9).toString('base64url');
  private counter = 0;

  messageId(): string {
    return `m-${this.prefix}${(++this.counter).toString(36)}`;
  }

  connectionId(): string {
    return `c-${randomBytes(6).toString('hex')}`;
  }
}
