import type { Redis } from 'ioredis';
import { inject, injectable, optional } from 'inversify';
import type { BufferLimits, NewMessage, QueuedMessage, StoredMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';
import { IdGenerator } from '../../ports/id-generator.ts';
import type { EnqueueResult, MessageBuffer } from '../../ports/message-buffer.ts';
import { ACKNOWLEDGE, ENQUEUE, EXPIRE, TAKE } from './message-buffer-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';
import { RedisPresenceHints } from './redis-presence-hints.ts';
import { TurnBatcher } from './turn-batcher.ts';

/** Messages per take in one script run: keeps the run short. */
const TAKE_BATCH = 100;
/** Takes per script run: keeps its reply (3 values a message) under Lua's unpack limit. */
const TAKES_PER_RUN = 16;
/** Sends per script run. */
const SENDS_PER_RUN = 256;
/** Acknowledged ids per script run: keeps its reply under Lua's unpack limit. */
const ACKED_PER_RUN = 4_000;
/** Recipients whose queues one expiry run visits. */
const EXPIRE_BATCH = 100;
/** Room for this many sequence numbers per millisecond between two losses of Redis's data. */
const SEQ_PER_MS = 1000;

interface Enqueue {
  readonly to: OperatorName;
  readonly stem: string;
  readonly message: NewMessage;
  readonly limits: BufferLimits;
}
interface Take {
  readonly to: OperatorName;
  readonly afterSeq: number;
  readonly max: number;
  readonly now: number;
}
interface Acknowledge {
  readonly to: OperatorName;
  readonly ids: readonly string[];
}

/**
 * The message buffer in Redis (PROTOCOL "Messages"), shared by every instance on that Redis:
 * queues outlive a restart of the server, not of an unpersisted Redis. Each operation runs in a
 * Lua script, so it is atomic; the sends (takes, acknowledgements) of one event-loop turn share
 * one script run, one round trip. Bodies are only ever values, never in a key name.
 */
@injectable()
export class RedisMessageBuffer implements MessageBuffer {
  private readonly enqueues: TurnBatcher<Enqueue, string>;
  private readonly takes: TurnBatcher<Take, QueuedMessage[]>;
  private readonly acknowledgements: TurnBatcher<Acknowledge, StoredMessage[]>;
  private readonly expireScript;

  constructor(
    @inject(RedisClient) redis: Redis,
    @inject(RedisKeyPrefix) private readonly prefix: string,
    @inject(IdGenerator) private readonly ids: IdGenerator,
    @inject(RedisPresenceHints) @optional() private readonly hints?: RedisPresenceHints,
  ) {
    const withPresence = hints === undefined ? '0' : '1';
    const enqueueScript = luaCommand(redis, 'litsxgEnqueue', ENQUEUE);
    const takeScript = luaCommand(redis, 'litsxgTake', TAKE);
    const acknowledgeScript = luaCommand(redis, 'litsxgAcknowledge', ACKNOWLEDGE);
    this.expireScript = luaCommand(redis, 'litsxgExpire', EXPIRE);
    this.enqueues = new TurnBatcher(async (batch) => {
      const args = [this.prefix, withPresence, String(batch[0]!.message.ts), String(batch[0]!.message.ts * SEQ_PER_MS)];
      for (const { to, stem, message, limits } of batch) {
        args.push(to, stem, String(message.bytes), String(message.ts + limits.ttlMs), JSON.stringify([message.from, message.body, message.ts]),
          String(limits.maxMessagesPerRecipient), String(limits.maxBytesPerRecipient), String(limits.maxBytesTotal));
      }
      const reply = ((await enqueueScript(...args)) as unknown[]).map(text);
      return batch.map(({ to }, i) => {
        this.hint(to, reply[2 * i + 1]!);
        return reply[2 * i]!;
      });
    }, SENDS_PER_RUN);
    this.takes = new TurnBatcher(async (batch) => {
      const args = [this.prefix, withPresence, String(batch[0]!.now)];
      for (const { to, afterSeq, max } of batch) args.push(to, String(afterSeq), String(max));
      const reply = (await takeScript(...args)) as unknown[];
      let at = 0;
      return batch.map(() => {
        const taken: QueuedMessage[] = [];
        const count = Number(text(reply[at++]));
        for (let i = 0; i < count; i++, at += 3) {
          taken.push({ ...decode(text(reply[at + 2])), seq: Number(text(reply[at])), redelivered: text(reply[at + 1]) === '1' });
        }
        return taken;
      });
    }, TAKES_PER_RUN);
    this.acknowledgements = new TurnBatcher(async (batch) => {
      const args = [this.prefix, withPresence];
      for (const { to, ids } of batch) args.push(to, String(ids.length), ...ids);
      const reply = ((await acknowledgeScript(...args)) as unknown[]).map(text);
      let at = 0;
      return batch.map(() => {
        const count = Number(reply[at++]);
        const removed = reply.slice(at, at + count).map(decode);
        at += count;
        for (const sender of new Set(removed.map((message) => message.from))) {
          this.hint(sender, reply[at + 1]!);
          at += 2;
        }
        return removed;
      });
    }, ACKED_PER_RUN, (ack) => ack.ids.length);
  }

  async enqueue(to: OperatorName, message: NewMessage, limits: BufferLimits): Promise<EnqueueResult> {
    const stem = this.ids.messageId();
    const seq = await this.enqueues.submit({ to, stem, message, limits });
    return seq === '0' ? { ok: false, code: 'queue_full' } : { ok: true, id: `${stem}.${seq}`, seq: Number(seq) };
  }

  async take(to: OperatorName, afterSeq: number, max: number, now: number): Promise<QueuedMessage[]> {
    const taken: QueuedMessage[] = [];
    let after = afterSeq;
    while (taken.length < max) {
      const want = Math.min(TAKE_BATCH, max - taken.length);
      const batch = await this.takes.submit({ to, afterSeq: after, max: want, now });
      taken.push(...batch);
      if (batch.length < want) break;
      after = batch.at(-1)!.seq;
    }
    return taken;
  }

  async acknowledge(to: OperatorName, ids: readonly string[]): Promise<StoredMessage[]> {
    const parts: Promise<StoredMessage[]>[] = [];
    for (let start = 0; start < ids.length; start += ACKED_PER_RUN) {
      parts.push(this.acknowledgements.submit({ to, ids: ids.slice(start, start + ACKED_PER_RUN) }));
    }
    return (await Promise.all(parts)).flat();
  }

  private hint(name: OperatorName, connection: string): void {
    this.hints?.note(name, connection === '' ? undefined : connection);
  }

  async expire(now: number): Promise<number> {
    let dropped = 0;
    let last = '';
    do {
      const [count, next] = (await this.expireScript(this.prefix, '0', String(now), last, String(EXPIRE_BATCH))) as unknown[];
      dropped += Number(text(count));
      last = text(next);
    } while (last !== '');
    return dropped;
  }
}

/** A queue member is `<id>:<bytes>:<expiresAt>:<json [from, body, ts]>`, as ENQUEUE stored it. */
function decode(member: string): StoredMessage {
  const [id, bytes] = member.split(':', 2) as [string, string];
  const json = member.indexOf(':', member.indexOf(':', id.length + 1) + 1) + 1;
  const [from, body, ts] = JSON.parse(member.slice(json)) as [OperatorName, string, number];
  return { id, from, body, ts, bytes: Number(bytes) };
}
