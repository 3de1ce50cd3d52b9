import type { Redis } from 'ioredis';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import type { SenderBuckets } from '../../ports/sender-buckets.ts';
import { TAKE_SEND_TOKENS } from './limit-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';
import { TurnBatcher } from './turn-batcher.ts';

const TAKES_PER_RUN = 1_000;

/**
 * Send-rate buckets shared by every instance on one Redis: a sender flooding through several
 * servers is held to `--send-rate` in total. The sends of one event-loop turn share one script
 * run; a bucket expires once it would be full again.
 */
@injectable()
export class RedisSenderBuckets implements SenderBuckets {
  private readonly takes: TurnBatcher<{ name: OperatorName; rate: number; now: number }, number>;

  constructor(@inject(RedisClient) redis: Redis, @inject(RedisKeyPrefix) prefix: string) {
    const script = luaCommand(redis, 'litsxgTakeSendTokens', TAKE_SEND_TOKENS);
    this.takes = new TurnBatcher(async (batch) => {
      const { rate, now } = batch[0]!;
      const waits = (await script(prefix, String(rate), String(now), ...batch.map((take) => take.name))) as unknown[];
      return waits.map((wait) => Number(text(wait)));
    }, TAKES_PER_RUN);
  }

  take(name: OperatorName, ratePerSecond: number, now: number): Promise<number> {
    return this.takes.submit({ name, rate: ratePerSecond, now });
  }
}
