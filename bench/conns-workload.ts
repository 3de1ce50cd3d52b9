import type { Figures } from './pairs-workload.ts';
import { benchNames, closeAll, loginAll, sleep, type WorkloadContext } from './workload-context.ts';

const SETTLE_MS = 1000;

/** C authenticated idle connections: resident memory per connection. */
export async function runConns(ctx: WorkloadContext, options: { conns: number }): Promise<Figures> {
  await sleep(SETTLE_MS);
  const before = ctx.server?.sample();
  const names = Array.from({ length: options.conns }, (_, i) => benchNames.pool(i));
  const started = performance.now();
  let done = 0;
  const progress = setInterval(() => ctx.progress(`conns: ${done} of ${options.conns} logged in`), 500);
  const conns = await loginAll(ctx, names, 64, { afterLogin: () => { done++; } }).finally(() => clearInterval(progress));
  try {
    const seconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const after = ctx.server?.sample();
    const figures: Figures = { logins_per_s: options.conns / seconds };
    if (before !== undefined && after !== undefined) {
      figures.bytes_per_connection = (after.rssBytes - before.rssBytes) / options.conns;
      figures.cpu_ms_per_login = ((after.cpuSeconds - before.cpuSeconds) * 1000) / options.conns;
      figures.peak_rss_mb = after.peakRssBytes / 2 ** 20;
    }
    return figures;
  } finally {
    closeAll(conns);
  }
}
