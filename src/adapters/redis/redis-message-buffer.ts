import type { Redis } from 'ioredis';
import { inject, injectable, optional } from 'inversify';
import type { AcknowledgedMessage, BufferLimits, NewMessage, QueuedMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';
import { IdGenerator } from '../../ports/id-generator.ts';
import type { BufferLoss, EnqueueResult, MessageBuffer } from '../../ports/message-buffer.ts';
import { ACKNOWLEDGE } from './acknowledge-script.ts';
import { ENQUEUE } from './enqueue-script.ts';
import { EXPIRE, HANDED_OUT, TAKE } from './message-buffer-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';
import { RedisPresenceHints } from './redis-presence-hints.ts';
import { NumberTexts, ackArguments, decode, record } from './queue-member.ts';
import { TurnBatcher } from './turn-batcher.ts';

const QUEUE_FULL: EnqueueResult = { ok: false, code: 'queue_full' };
/** Messages per take in one script run: keeps the run short. */
const TAKE_BATCH = 100;
/** Takes per script run: keeps its reply (a value a message, 2 a take) under Lua's unpack limit. */
const TAKES_PER_RUN = 16;
/** Sends per script run. */
const SENDS_PER_RUN = 256;
/**
 * Acknowledged ids per script run: keeps its reply under Lua's unpack limit (about 8,000): at
 * most 3 values an id, a run of its own (count, sender) and its sender's connection.
 */
const ACKED_PER_RUN = 2_000;
/** Recipients whose queues one expiry run visits. */
const EXPIRE_BATCH = 100;
/** Room for this many sequence numbers per millisecond between two losses of Redis's data. */
const SEQ_PER_MS = 1000;

interface Enqueue {
  readonly to: OperatorName;
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
  private readonly enqueues: TurnBatcher<Enqueue, EnqueueResult>;
  private readonly takes: TurnBatcher<Take, QueuedMessage[]>;
  private readonly acknowledgements: TurnBatcher<Acknowledge, AcknowledgedMessage[]>;
  private readonly expireScript;
  private readonly handedOutScript;
  private readonly tsTexts = new NumberTexts();
  private readonly expiryTexts = new NumberTexts();
  /** Per recipient, the highest number handed out since the last HANDED_OUT run. */
  private handedOutNow = new Map<OperatorName, number>();

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
    this.handedOutScript = luaCommand(redis, 'litsxgHandedOut', HANDED_OUT);
    this.enqueues = new TurnBatcher(async (batch) => {
      // One script run per stretch of sends under the same limits (in practice, all of them:
      // that run's replies are the batch's, with no copy).
      const runs: Promise<EnqueueResult[]>[] = [];
      let start = 0;
      while (start < batch.length) {
        let end = start + 1;
        while (end < batch.length && sameRoom(batch[end]!.limits, batch[start]!.limits)) end++;
        runs.push(this.enqueueRun(enqueueScript, withPresence, start === 0 && end === batch.length ? batch : batch.slice(start, end)));
        start = end;
      }
      return runs.length === 1 ? runs[0]! : (await Promise.all(runs)).flat();
    }, SENDS_PER_RUN);
    this.takes = new TurnBatcher(async (batch) => {
      // Marks go out first on the connection: a take after a hand-out sees it as pushed.
      this.sendHandedOut();
      const args = [this.prefix, withPresence, String(batch[0]!.now)];
      for (const { to, afterSeq, max } of batch) args.push(to, String(afterSeq), String(max));
      const reply = (await takeScript(...args)) as unknown[];
      let at = 0;
      return batch.map(() => {
        const count = Number(text(reply[at]));
        const pushed = Number(text(reply[at + 1]));
        at += 2;
        const taken = new Array<QueuedMessage>(count);
        for (let i = 0; i < count; i++) taken[i] = decode(text(reply[at++]), pushed);
        return taken;
      });
    }, TAKES_PER_RUN);
    this.acknowledgements = new TurnBatcher(async (batch) => {
      const args = [this.prefix, withPresence];
      for (const { to, ids } of batch) args.push(to, String(ids.length), ...ackArguments(ids));
      const reply = (await acknowledgeScript(...args)) as unknown[];
      let at = 0;
      const senders = new Set<OperatorName>();
      const removed = batch.map(({ ids }) => {
        const acknowledged: AcknowledgedMessage[] = [];
        // Runs of (how many ids, their sender or '' for none removed), in the ids' order.
        for (let done = 0; done < ids.length;) {
          const count = Number(text(reply[at]));
          const from = text(reply[at + 1]);
          at += 2;
          if (from !== '') {
            for (let i = done; i < done + count; i++) acknowledged.push({ id: ids[i]!, from });
            senders.add(from);
          }
          done += count;
        }
        return acknowledged;
      });
      if (this.hints !== undefined) for (const sender of senders) this.hint(sender, text(reply[at++]));
      return removed;
    }, ACKED_PER_RUN, (ack) => ack.ids.length);
  }

  enqueue(to: OperatorName, message: NewMessage, limits: BufferLimits): Promise<EnqueueResult> {
    return this.enqueues.submit({ to, message, limits });
  }

  handedOut(to: OperatorName, seq: number): void {
    if (this.handedOutNow.size === 0) setImmediate(() => this.sendHandedOut());
    if (seq > (this.handedOutNow.get(to) ?? 0)) this.handedOutNow.set(to, seq);
  }

  /** Infinity stands for the queue's highest number, read by HANDED_OUT. */
  handedOutAll(to: OperatorName): void {
    this.handedOut(to, Number.POSITIVE_INFINITY);
  }

  /**
   * One run for the turn's hand-outs. Not awaited by anyone: a mark lost to a failing Redis only
   * leaves the redelivered flag off a message taken again.
   */
  private sendHandedOut(): void {
    if (this.handedOutNow.size === 0) return;
    const args = [this.prefix, '0'];
    for (const [name, seq] of this.handedOutNow) args.push(name, seq === Number.POSITIVE_INFINITY ? 'last' : String(seq));
    this.handedOutNow = new Map();
    this.handedOutScript(...args).catch(ignore);
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

  acknowledge(to: OperatorName, ids: readonly string[]): Promise<AcknowledgedMessage[]> {
    // An ack frame carries far fewer ids than a run takes: it goes whole, with no copy.
    if (ids.length <= ACKED_PER_RUN) return this.acknowledgements.submit({ to, ids });
    const parts: Promise<AcknowledgedMessage[]>[] = [];
    for (let start = 0; start < ids.length; start += ACKED_PER_RUN) {
      parts.push(this.acknowledgements.submit({ to, ids: ids.slice(start, start + ACKED_PER_RUN) }));
    }
    return Promise.all(parts).then((removed) => removed.flat());
  }

  /**
   * What became of each send: its id and sequence number (and the number queued before it for
   * the same recipient), or refused.
   */
  private async enqueueRun(script: (...args: string[]) => Promise<unknown>, withPresence: string, run: Enqueue[]): Promise<EnqueueResult[]> {
    const { message: first, limits } = run[0]!;
    // One stem for the run: the sequence number after it tells its messages apart.
    const stem = this.ids.messageId();
    // Each recipient's sends together, in the order sent: ENQUEUE takes those that fit at once.
    const groups = new Map<OperatorName, number[]>();
    run.forEach(({ to }, place) => {
      const group = groups.get(to);
      if (group === undefined) groups.set(to, [place]);
      else group.push(place);
    });
    const args = [this.prefix, withPresence, String(first.ts), String(first.ts * SEQ_PER_MS), String(limits.maxMessagesPerRecipient),
      String(limits.maxBytesPerRecipient), String(limits.maxBytesTotal), stem, String(run.length)];
    for (const [to, places] of groups) {
      // The bytes together come before the messages: their place is kept until they are counted.
      const bytesAt = args.push(to, String(places.length), '') - 1;
      let bytes = 0;
      for (const place of places) {
        const { from, body, ts, bytes: size } = run[place]!.message;
        bytes += size;
        args.push(`:${size}:${this.expiryTexts.of(ts + limits.ttlMs)}:${record(from, body, this.tsTexts.of(ts))}`);
      }
      args[bytesAt] = String(bytes);
    }
    const reply = (await script(...args)) as unknown[];
    const firstSeq = Number(text(reply[0]));
    const refusedCount = Number(text(reply[1]));
    const refused = new Set<number>();
    for (let i = 0; i < refusedCount; i++) refused.add(Number(text(reply[2 + i])));
    let at = 2 + refusedCount;
    // Then, recipient by recipient in the order of the arguments, its highest number before the run.
    const results = new Array<EnqueueResult>(run.length);
    let numbered = 0;
    for (const places of groups.values()) {
      let after = Number(text(reply[at++]));
      for (const place of places) {
        const seq = firstSeq + numbered;
        if (refused.has(numbered++)) {
          results[place] = QUEUE_FULL;
        } else {
          results[place] = { ok: true, id: `${stem}.${seq}`, seq, after };
          after = seq;
        }
      }
    }
    if (this.hints !== undefined) for (const name of groups.keys()) this.hint(name, text(reply[at++]));
    return results;
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

  /** The queues stay in Redis for the next start, or another instance. */
  lostOnExit(): BufferLoss {
    return NOTHING_LOST;
  }
}

const NOTHING_LOST: BufferLoss = { messages: 0, recipients: 0 };

/** Whether two sends are held to the same room (the time-to-live goes with each message). */
function sameRoom(a: BufferLimits, b: BufferLimits): boolean {
  return a.maxMessagesPerRecipient === b.maxMessagesPerRecipient && a.maxBytesPerRecipient === b.maxBytesPerRecipient && a.maxBytesTotal === b.maxBytesTotal;
}

function ignore(): void {}
