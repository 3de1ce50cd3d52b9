import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { IdGenerator } from '../../ports/id-generator.ts';

/**
 * Message and connection ids are a random per-process prefix and a counter: unique across
 * instances and restarts, and far cheaper per message or connection than fresh random bytes
 * (a call into OpenSSL was 1.5% of a login storm). That a neighbour's id can be guessed gives
 * nothing away: a message id only ever acts on its recipient's own queue, and a connection id
 * is never taken from a client.
 */
@injectable()
export class RandomIdGenerator implements IdGenerator {
  private readonly prefix = randomBytes(9).toString('base64url');
  private counter = 0;
  private readonly connectionPrefix = randomBytes(6).toString('hex');
  private connections = 0;

  messageId(): string {
    return `m-${this.prefix}${(++this.counter).toString(36)}`;
  }

  connectionId(): string {
    return `c-${this.connectionPrefix}${(++this.connections).toString(16)}`;
  }
}
