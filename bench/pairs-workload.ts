import { BenchConnection } from './bench-connection.ts';
import { CheckingReceiver } from './checking-receiver.ts';
import { MessageBody, runTag } from './message-body.ts';
import { Samples } from './stats.ts';
import { StreamCheck } from './stream-check.ts';
import { type OutboundStream, WindowedSender } from './windowed-sender.ts';
import { benchNames, closeAll, loginAll, sleep, until, type WorkloadContext } from './workload-context.ts';

export interface PairsOptions {
  pairs: number;
  window: number;
  bodyBytes: number;
  seconds: number;
  warmupSeconds: number;
  /** `logins`: this many concurrent logins after `baselineSeconds` of the measured time. */
  storm?: { logins: number; baselineSeconds: number };
}

export type Figures = Record<string, number>;

const DRAIN_TIMEOUT_MS = 15_000;
/** Node hashes on its 4 thread-pool threads. */
export const LOGIN_CONCURRENCY = 4;

/**
 * P sender→receiver pairs, each sender keeping W sends unanswered, each receiver acknowledging
 * every message. Measures throughput and latency over the measured seconds only.
 */
export async function runPairs(ctx: WorkloadContext, options: PairsOptions): Promise<Figures> {
  const names: string[] = [];
  for (let i = 0; i < options.pairs; i++) names.push(benchNames.sender(i), benchNames.receiver(i));
  const receivers = new Set(names.filter((_, i) => i % 2 === 1));
  const conns = await loginAll(ctx, names, LOGIN_CONCURRENCY, {},
    (name) => (receivers.has(name) ? ctx.receiverEndpoint ?? ctx.endpoint : ctx.endpoint));
  try {
    return await measure(ctx, options, conns);
  } finally {
    closeAll(conns);
  }
}

async function measure(ctx: WorkloadContext, options: PairsOptions, conns: BenchConnection[]): Promise<Figures> {
  const body = new MessageBody(runTag(), options.bodyBytes);
  const checks: StreamCheck[] = [];
  const senders: WindowedSender[] = [];
  const all = new Samples();
  const baseline = new Samples();
  const storm = new Samples();
  let phase: 'warmup' | 'baseline' | 'storm' | 'after' | 'done' = 'warmup';
  const record = (_now: number, latency: number): void => {
    if (phase === 'warmup' || phase === 'done') return;
    all.add(latency);
    if (phase === 'baseline') baseline.add(latency);
    else if (phase === 'storm') storm.add(latency);
  };
  for (let i = 0; i < options.pairs; i++) {
    const check = new StreamCheck();
    checks.push(check);
    const stream: OutboundStream = { id: i, to: benchNames.receiver(i), check, target: Infinity, inflight: 0, nextSeq: 0 };
    senders.push(new WindowedSender(conns[2 * i]!, [stream], options.window, body));
    new CheckingReceiver(conns[2 * i + 1]!, checks, body, record);
  }
  for (const sender of senders) sender.start();
  const progress = setInterval(() => ctx.progress(`${phase}: ${all.size} messages measured`), 500);
  try {
    await sleep(options.warmupSeconds * 1000);
    const cpuBefore = ctx.server?.sample().cpuSeconds;
    const redisBefore = ctx.redis?.sample().cpuSeconds;
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    phase = 'baseline';
    let logins: Figures = {};
    if (options.storm !== undefined) {
      await sleep(options.storm.baselineSeconds * 1000);
      phase = 'storm';
      logins = await loginStorm(ctx, options.storm.logins);
      phase = 'after';
    }
    await sleep(Math.max(0, started + options.seconds * 1000 - performance.now()));
    const seconds = (performance.now() - started) / 1000;
    const measured = all.size;
    phase = 'done';
    const cpuAfter = ctx.server?.sample().cpuSeconds;
    const redisAfter = ctx.redis?.sample().cpuSeconds;
    const client = process.cpuUsage(clientBefore);
    for (const sender of senders) sender.stop();
    await until(() => senders.every((s) => s.inflight === 0) && checks.every((c) => c.complete), DRAIN_TIMEOUT_MS);
    const latency = all.summary();
    const figures: Figures = {
      messages_per_s: measured / seconds,
      latency_p50_ms: latency.p50,
      latency_p99_ms: latency.p99,
      latency_max_ms: latency.max,
      ...serverFigures(ctx, cpuBefore, cpuAfter, measured),
      ...(redisBefore === undefined || redisAfter === undefined ? {}
        : { redis_cpu_us_per_message: ((redisAfter - redisBefore) * 1e6) / measured }),
      // The load generator's own cost: near 1 core per second, it and not the server is the limit.
      client_cpu_us_per_message: (client.user + client.system) / measured,
      ...integrity(checks, senders),
    };
    if (options.storm !== undefined) {
      figures.baseline_p99_ms = baseline.summary().p99;
      figures.storm_p99_ms = storm.summary().p99;
      figures.p99_rise_ms = figures.storm_p99_ms - figures.baseline_p99_ms;
      Object.assign(figures, logins);
    }
    return figures;
  } finally {
    clearInterval(progress);
  }
}

async function loginStorm(ctx: WorkloadContext, count: number): Promise<Figures> {
  const times = new Samples();
  const started = performance.now();
  const conns: BenchConnection[] = [];
  let failed = 0;
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const begin = performance.now();
    try {
      const { conn } = await BenchConnection.open(ctx.endpoint, ctx.timeoutMs);
      conns.push(conn);
      await conn.login('auth', benchNames.storm(i), ctx.password, ctx.timeoutMs);
      times.add(performance.now() - begin);
    } catch {
      failed++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  closeAll(conns);
  const summary = times.summary();
  return {
    storm_seconds: seconds, login_p50_ms: summary.p50, login_p99_ms: summary.p99, login_max_ms: summary.max,
    logins_failed: failed,
  };
}

export function serverFigures(ctx: WorkloadContext, cpuBefore: number | undefined, cpuAfter: number | undefined,
  messages: number): Figures {
  if (ctx.server === undefined || cpuBefore === undefined || cpuAfter === undefined) return {};
  return {
    cpu_us_per_message: ((cpuAfter - cpuBefore) * 1e6) / messages,
    peak_rss_mb: ctx.server.sample().peakRssBytes / 2 ** 20,
  };
}

export function integrity(checks: readonly StreamCheck[], senders: readonly WindowedSender[]): Figures {
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  let refused = 0;
  for (const check of checks) {
    lost += check.lost();
    duplicated += check.duplicated;
    reordered += check.reordered;
    refused += check.refused;
  }
  const errors = senders.reduce((sum, s) => sum + [...s.errors.values()].reduce((a, b) => a + b, 0), 0);
  return { lost, duplicated, reordered, refused, other_errors: errors - refused };
}
