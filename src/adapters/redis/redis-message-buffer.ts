import type { Redis } from 'ioredis';
import { inject, injectable } from 'inversify';
import type { BufferLimits, NewMessage, QueuedMessage, StoredMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';
import { IdGenerator } from '../../ports/id-generator.ts';
import type { EnqueueResult, MessageBuffer } from '../../ports/message-buffer.ts';
import { ACKNOWLEDGE, ENQUEUE, EXPIRE, TAKE } from './message-buffer-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';

/** Messages per script run: keeps each run short, and its reply under Lua's unpack limit. */
const TAKE_BATCH = 100;
/** Recipients whose queues one expiry run visits. */
const EXPIRE_BATCH = 100;
/** Room for this many sequence numbers per millisecond between two losses of Redis's data. */
const SEQ_PER_MS = 1000;

/**
 * The message buffer in Redis (PROTOCOL "Messages"), shared by every instance on that Redis:
 * queues outlive a restart of the server, not of an unpersisted Redis. Each operation is one
 * Lua script, so it is atomic; bodies are only ever values, never in a key name.
 */
@injectable()
export class RedisMessageBuffer implements MessageBuffer {
  private readonly enqueueScript;
  private readonly takeScript;
  private readonly acknowledgeScript;
  private readonly expireScript;

  constructor(
    @inject(RedisClient) redis: Redis,
    @inject(RedisKeyPrefix) private readonly prefix: string,
    @inject(IdGenerator) private readonly ids: IdGenerator,
  ) {
    this.enqueueScript = luaCommand(redis, 'litsxgEnqueue', ENQUEUE);
    this.takeScript = luaCommand(redis, 'litsxgTake', TAKE);
    this.acknowledgeScript = luaCommand(redis, 'litsxgAcknowledge', ACKNOWLEDGE);
    this.expireScript = luaCommand(redis, 'litsxgExpire', EXPIRE);
  }

  async enqueue(to: OperatorName, message: NewMessage, limits: BufferLimits): Promise<EnqueueResult> {
    const id = this.ids.messageId();
    const record = JSON.stringify([message.from, message.body, message.ts]);
    const seq = Number(text(await this.enqueueScript(
      this.prefix, to, id, String(message.bytes), String(message.ts + limits.ttlMs), String(message.ts), record,
      String(limits.maxMessagesPerRecipient), String(limits.maxBytesPerRecipient), String(limits.maxBytesTotal),
      String(message.ts * SEQ_PER_MS),
    )));
    return seq > 0 ? { ok: true, id, seq } : { ok: false, code: 'queue_full' };
  }

  async take(to: OperatorName, afterSeq: number, max: number, now: number): Promise<QueuedMessage[]> {
    const taken: QueuedMessage[] = [];
    let after = afterSeq;
    while (taken.length < max) {
      const want = Math.min(TAKE_BATCH, max - taken.length);
      const reply = (await this.takeScript(this.prefix, to, String(after), String(want), String(now))) as unknown[];
      for (let i = 0; i + 3 < reply.length; i += 4) {
        const seq = Number(text(reply[i + 1]));
        taken.push({ ...decode(text(reply[i]), text(reply[i + 3])), seq, redelivered: text(reply[i + 2]) === '1' });
        after = seq;
      }
      if (reply.length < want * 4) break;
    }
    return taken;
  }

  async acknowledge(to: OperatorName, ids: readonly string[]): Promise<StoredMessage[]> {
    if (ids.length === 0) return [];
    const reply = (await this.acknowledgeScript(this.prefix, to, ...ids)) as unknown[];
    const removed: StoredMessage[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) removed.push(decode(text(reply[i]), text(reply[i + 1])));
    return removed;
  }

  async expire(now: number): Promise<number> {
    let dropped = 0;
    for (;;) {
      const [count, visited] = ((await this.expireScript(this.prefix, String(now), String(EXPIRE_BATCH))) as unknown[]).map((value) => Number(text(value)));
      dropped += count ?? 0;
      if ((visited ?? 0) < EXPIRE_BATCH) return dropped;
    }
  }
}

/** A record is `<bytes>:<json [from, body, ts]>`, as ENQUEUE stored it. */
function decode(id: string, record: string): StoredMessage {
  const colon = record.indexOf(':');
  const [from, body, ts] = JSON.parse(record.slice(colon + 1)) as [OperatorName, string, number];
  return { id, from, body, ts, bytes: Number(record.slice(0, colon)) };
}
