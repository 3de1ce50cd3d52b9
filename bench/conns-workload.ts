import type { BenchConnection } from './bench-connection.ts';
import type { Figures } from './pairs-workload.ts';
import { benchNames, closeAll, loginAll, sleep, type WorkloadContext } from './workload-context.ts';

const SETTLE_MS = 1000;

/**
 * C authenticated idle connections: resident memory per connection. They are opened in two
 * halves: the second half's growth is what each more connection costs, without the runtime's
 * one-time growth (young generation, compiled code) that the first half brings on.
 */
export async function runConns(ctx: WorkloadContext, options: { conns: number }): Promise<Figures> {
  await sleep(SETTLE_MS);
  const before = ctx.server?.sample();
  const names = Array.from({ length: options.conns }, (_, i) => benchNames.pool(i));
  const half = Math.ceil(names.length / 2);
  let done = 0;
  const progress = setInterval(() => ctx.progress(`conns: ${done} of ${options.conns} logged in`), 500);
  const conns: BenchConnection[] = [];
  try {
    const started = performance.now();
    conns.push(...(await loginAll(ctx, names.slice(0, half), 64, { afterLogin: () => { done++; } })));
    let seconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const atHalf = ctx.server?.sample();
    const resumed = performance.now();
    conns.push(...(await loginAll(ctx, names.slice(half), 64, { afterLogin: () => { done++; } })));
    seconds += (performance.now() - resumed) / 1000;
    clearInterval(progress);
    await sleep(SETTLE_MS);
    const after = ctx.server?.sample();
    const figures: Figures = { logins_per_s: options.conns / seconds };
    if (before !== undefined && atHalf !== undefined && after !== undefined) {
      figures.bytes_per_connection = (after.rssBytes - atHalf.rssBytes) / (options.conns - half);
      figures.rss_growth_per_connection_from_empty = (after.rssBytes - before.rssBytes) / options.conns;
      figures.cpu_ms_per_login = ((after.cpuSeconds - before.cpuSeconds) * 1000) / options.conns;
      figures.peak_rss_mb = after.peakRssBytes / 2 ** 20;
    }
    return figures;
  } finally {
    clearInterval(progress);
    closeAll(conns);
  }
}
