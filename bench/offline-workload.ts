import { CheckingReceiver } from './checking-receiver.ts';
import type { ProcSample } from './proc-stats.ts';
import { MessageBody, runTag } from './message-body.ts';
import { type Figures, integrity, LOGIN_CONCURRENCY, serverFigures } from './pairs-workload.ts';
import { StreamCheck } from './stream-check.ts';
import { type OutboundStream, WindowedSender } from './windowed-sender.ts';
import { benchNames, closeAll, loginAll, sleep, until, type WorkloadContext } from './workload-context.ts';

export interface OfflineOptions {
  recipients: number;
  perRecipient: number;
  senders: number;
  window: number;
  bodyBytes: number;
}

const SETTLE_MS = 1000;
const PHASE_TIMEOUT_MS = 120_000;

/**
 * Fills R offline recipients' queues with K messages each, then logs them all in at once and
 * drains: resident memory per queued message and the drain rate.
 */
export async function runOffline(ctx: WorkloadContext, options: OfflineOptions): Promise<Figures> {
  const senderNames = Array.from({ length: options.senders }, (_, i) => benchNames.sender(i));
  const senderConns = await loginAll(ctx, senderNames, LOGIN_CONCURRENCY);
  const body = new MessageBody(runTag(), options.bodyBytes);
  const checks = Array.from({ length: options.recipients }, () => new StreamCheck());
  const allStreams: OutboundStream[] = [];
  const senders = senderConns.map((conn, s) => {
    const streams: OutboundStream[] = [];
    // One sender per recipient, so each stream has one order to keep.
    for (let r = s; r < options.recipients; r += options.senders) {
      streams.push({ id: r, to: benchNames.pool(r), check: checks[r]!, target: options.perRecipient, inflight: 0, nextSeq: 0 });
    }
    allStreams.push(...streams);
    return new WindowedSender(conn, streams, options.window, body);
  });
  const total = options.recipients * options.perRecipient;
  let receiverConns: Awaited<ReturnType<typeof loginAll>> = [];
  try {
    await sleep(SETTLE_MS);
    const before = ctx.server?.sample();
    const progress = setInterval(() => ctx.progress(`filling: ${sumAccepted(checks)} of ${total} queued`), 500);
    // Filled in two halves: the second half's growth is what each more queued message costs,
    // without the runtime's one-time growth (young generation, compiled code) of the first.
    let half: Filled;
    let full: Filled;
    try {
      half = await fill(ctx, senders, allStreams, Math.ceil(options.perRecipient / 2));
      full = await fill(ctx, senders, allStreams, options.perRecipient);
    } finally {
      clearInterval(progress);
    }
    const fillSeconds = half.seconds + full.seconds;
    const queued = sumAccepted(checks);
    const queuedInSecondHalf = queued - half.queued;
    const drainStart = performance.now();
    const welcomedAt = new Array<number>(options.recipients).fill(Number.NaN);
    const receivers: CheckingReceiver[] = [];
    const recipientNames = Array.from({ length: options.recipients }, (_, r) => benchNames.pool(r));
    const progress2 = setInterval(() => ctx.progress(`draining: ${sumReceived(checks)} of ${queued}`), 500);
    receiverConns = await loginAll(ctx, recipientNames, 32, {
      beforeLogin: (conn, r) => { receivers[r] = new CheckingReceiver(conn, checks, body, () => {}); },
      afterLogin: (_, r) => { welcomedAt[r] = performance.now(); },
    });
    const drained = await until(() => checks.every((c) => c.complete), PHASE_TIMEOUT_MS);
    clearInterval(progress2);
    const lastAt = Math.max(...receivers.map((r) => r.lastAt));
    const cpuAfter = ctx.server?.sample().cpuSeconds;
    const busy = unionSeconds(receivers.map((r, i) => [welcomedAt[i]!, Math.max(r.lastAt, welcomedAt[i]!)]));
    return {
      fill_messages_per_s: queued / fillSeconds,
      // Only while some recipient is draining: login hashing is the `logins` workload's business.
      drain_messages_per_s: sumReceived(checks) / busy,
      drain_wall_seconds: (lastAt - drainStart) / 1000,
      ...(before !== undefined && half.sample !== undefined && full.sample !== undefined ? {
        bytes_per_queued_message: (full.sample.rssBytes - half.sample.rssBytes) / queuedInSecondHalf,
        rss_growth_per_message_from_empty: (full.sample.rssBytes - before.rssBytes) / queued,
      } : {}),
      ...serverFigures(ctx, before?.cpuSeconds, cpuAfter, queued),
      drained: drained ? 1 : 0,
      ...integrity(checks, senders),
    };
  } finally {
    closeAll(senderConns);
    closeAll(receiverConns);
  }
}

interface Filled {
  seconds: number;
  queued: number;
  sample: ProcSample | undefined;
}

/** Sends until every stream has `target` messages accepted, then lets the server settle and samples it. */
async function fill(ctx: WorkloadContext, senders: readonly WindowedSender[], streams: readonly OutboundStream[], target: number): Promise<Filled> {
  for (const stream of streams) stream.target = target;
  const started = performance.now();
  for (const sender of senders) sender.start();
  const filled = await until(() => senders.every((s) => s.finished), PHASE_TIMEOUT_MS);
  const accepted = streams.reduce((sum, stream) => sum + stream.check.accepted, 0);
  if (!filled) throw new Error(`offline: queues not filled in time (${accepted} of ${target * streams.length} accepted)`);
  const seconds = (performance.now() - started) / 1000;
  await sleep(SETTLE_MS);
  return { seconds, queued: accepted, sample: ctx.server?.sample() };
}

/** Length of the union of [start, end] intervals in milliseconds, as seconds. */
function unionSeconds(intervals: [number, number][]): number {
  const sorted = intervals.filter(([a]) => Number.isFinite(a)).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const [a, b] of sorted) {
    if (!(a <= end)) {
      if (Number.isFinite(start)) total += end - start;
      start = a;
      end = b;
    } else end = Math.max(end, b);
  }
  if (Number.isFinite(start)) total += end - start;
  return total / 1000;
}

function sumAccepted(checks: readonly StreamCheck[]): number {
  return checks.reduce((sum, c) => sum + c.accepted, 0);
}

function sumReceived(checks: readonly StreamCheck[]): number {
  return checks.reduce((sum, c) => sum + c.received, 0);
}
