import { Redis } from 'ioredis';
import { RedisMessageBuffer } from '../src/adapters/redis/redis-message-buffer.ts';
import { RedisPresenceHints } from '../src/adapters/redis/redis-presence-hints.ts';
import { RandomIdGenerator } from '../src/adapters/system/random-id-generator.ts';
import type { EnqueueResult } from '../src/ports/message-buffer.ts';
import { RedisProcess } from './redis-process.ts';

/**
 * `npm run bench:redis-buffer [ROUNDS] [SENDS]`: the Redis buffer alone, as `bench pairs` drives
 * it, without sockets or clients: each round, 50 senders queue SENDS (default 20) 100-byte
 * messages each for their own recipient in one turn, every message is handed out, and each
 * recipient acknowledges its ids in one ack. Prints the CPU per message of a redis-server it
 * starts (by part: queueing, hand-out marks, acknowledgements) and of this process (the
 * server's side of the buffer). Run it alternately against the code before a change.
 */
const PAIRS = 50;
const rounds = Number(process.argv[2] ?? 400);
const sends = Number(process.argv[3] ?? 20);
const LIMITS = { maxMessagesPerRecipient: 10_000, maxBytesPerRecipient: 10_000_000, maxBytesTotal: 1e9, ttlMs: 3_600_000 };
const body = 'x'.repeat(100);

const server = await RedisProcess.start();
const redis = new Redis(server.url);
for (let pair = 0; pair < PAIRS; pair++) await redis.set(`litsxg:presence:bench-r${pair}`, `c-r${pair}`);
const buffer = new RedisMessageBuffer(redis, 'litsxg:', new RandomIdGenerator(), new RedisPresenceHints());

/** Seconds of CPU redis-server has used. */
async function redisCpu(): Promise<number> {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]);
}

const parts = { enqueue: 0, handedOut: 0, acknowledge: 0 };
const started = process.cpuUsage();
let messages = 0;
for (let round = 0; round < rounds; round++) {
  const before = await redisCpu();
  const queued: Promise<EnqueueResult>[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    for (let i = 0; i < sends; i++) queued.push(buffer.enqueue(`bench-r${pair}`, { from: `bench-s${pair}`, body, ts: Date.now(), bytes: 100 }, LIMITS));
  }
  const results = await Promise.all(queued);
  const afterEnqueue = await redisCpu();
  results.forEach((result, i) => result.ok && buffer.handedOut(`bench-r${Math.floor(i / sends)}`, result.seq));
  await new Promise((resolve) => setImmediate(resolve));
  const afterHandOut = await redisCpu();
  const acked = await Promise.all(Array.from({ length: PAIRS }, (_, pair) =>
    buffer.acknowledge(`bench-r${pair}`, results.slice(pair * sends, (pair + 1) * sends).map((result) => (result.ok ? result.id : '')))));
  if (acked.flat().length !== results.length) throw new Error('an acknowledgement was lost');
  parts.enqueue += afterEnqueue - before;
  parts.handedOut += afterHandOut - afterEnqueue;
  parts.acknowledge += (await redisCpu()) - afterHandOut;
  messages += results.length;
}
const used = process.cpuUsage(started);
const perMessage = (seconds: number) => Number(((seconds * 1e6) / messages).toFixed(2));
process.stdout.write(`${JSON.stringify({
  messages,
  redis_cpu_us_per_message: perMessage(parts.enqueue + parts.handedOut + parts.acknowledge),
  redis_enqueue: perMessage(parts.enqueue),
  redis_handed_out: perMessage(parts.handedOut),
  redis_acknowledge: perMessage(parts.acknowledge),
  node_cpu_us_per_message: perMessage((used.user + used.system) / 1e6),
})}\n`);
redis.disconnect();
server.stop();
