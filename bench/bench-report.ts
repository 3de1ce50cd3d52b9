import type { Target, Workload } from './bench-options.ts';
import type { Figures } from './pairs-workload.ts';
import { median } from './stats.ts';

export interface TargetResult {
  runs: Figures[];
  median: Figures;
}

export interface WorkloadReport {
  workload: Workload;
  targets: Partial<Record<Target, TargetResult>>;
  /** real ÷ bare, per figure, when both ran. */
  ratio?: Figures;
  /** With `--buffer redis`: redis ÷ real (one server on Redis against its memory buffer) and redis-pair ÷ redis. */
  redisRatio?: Figures;
  pairRatio?: Figures;
}

export interface BenchReport {
  /** `loadavg`: the 1-minute load average before and after, to see how busy the machine was. */
  /** `pinned`: with `--pin`, the core of the started servers and that of the load generator. */
  machine: { cpus: number; node: string; platform: string; loadavg: number[]; pinned?: { server: number; load: number } };
  options: Record<string, unknown>;
  workloads: WorkloadReport[];
  errors: string[];
}

/** Figures that count faults: any non-zero one fails the bench. */
export const FAULTS = ['lost', 'duplicated', 'reordered', 'other_errors', 'logins_failed'] as const;

export function summarise(workload: Workload, runs: Partial<Record<Target, Figures[]>>): WorkloadReport {
  const targets: Partial<Record<Target, TargetResult>> = {};
  for (const [target, figures] of Object.entries(runs) as [Target, Figures[]][]) {
    if (figures.length === 0) continue;
    const keys = [...new Set(figures.flatMap((f) => Object.keys(f)))];
    // Faults add up over the runs; everything else is the median run.
    const summary = Object.fromEntries(keys.map((k) => [k, (FAULTS as readonly string[]).includes(k)
      ? figures.reduce((sum, f) => sum + (f[k] ?? 0), 0)
      : median(figures.map((f) => f[k] ?? Number.NaN))]));
    targets[target] = { runs: figures, median: summary };
  }
  const report: WorkloadReport = { workload, targets };
  const ratio = divide(targets.real?.median, targets.bare?.median);
  if (ratio !== undefined) report.ratio = ratio;
  const redisRatio = divide(targets.redis?.median, targets.real?.median);
  if (redisRatio !== undefined) report.redisRatio = redisRatio;
  const pairRatio = divide(targets['redis-pair']?.median, targets.redis?.median);
  if (pairRatio !== undefined) report.pairRatio = pairRatio;
  return report;
}

/** a ÷ b for every figure both have, faults aside. */
function divide(a: Figures | undefined, b: Figures | undefined): Figures | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Object.fromEntries(Object.keys(a).filter((k) => k in b && !(FAULTS as readonly string[]).includes(k))
    .map((k) => [k, a[k]! / b[k]!]));
}

export function renderTable(report: BenchReport): string {
  const targets = [...new Set(report.workloads.flatMap((w) => Object.keys(w.targets)))] as Target[];
  const withRatio = targets.includes('real') && targets.includes('bare');
  const ratios: (readonly [string, (w: WorkloadReport) => Figures | undefined])[] = [
    ...(withRatio ? [['real/bare', (w: WorkloadReport) => w.ratio] as const] : []),
    ...(targets.includes('redis') ? [['redis/real', (w: WorkloadReport) => w.redisRatio] as const] : []),
    ...(targets.includes('redis-pair') ? [['pair/redis', (w: WorkloadReport) => w.pairRatio] as const] : []),
  ];
  const rows: string[][] = [['workload', 'figure', ...targets, ...ratios.map(([name]) => name)]];
  for (const w of report.workloads) {
    const keys = [...new Set(targets.flatMap((t) => Object.keys(w.targets[t]?.median ?? {})))];
    for (const key of keys) {
      rows.push([w.workload, key, ...targets.map((t) => format(w.targets[t]?.median[key])),
        ...ratios.map(([, of]) => ratio(of(w)?.[key]))]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const runs = String(report.options.runs);
  const { cpus, node, loadavg, pinned } = report.machine;
  const notes = [`${cpus} CPUs, node ${node}, 1-minute load average ${loadavg.map((l) => l.toFixed(1)).join(' then ')}`,
    ...(pinned === undefined ? [] : [`pinned: servers on CPU ${pinned.server}, the load generator and Redis on CPU ${pinned.load}`]),
    `medians of ${runs} run(s) per target${targets.length > 1 ? ', alternating' : ''}; faults are totals`,
    ...report.errors.map((e) => `error: ${e}`)];
  return `${lines.join('\n')}\n${notes.join('\n')}\n`;
}

function format(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  return value.toPrecision(3);
}

function ratio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`;
}

/** JSON with NaN and Infinity as null. */
export function toJson(report: BenchReport): string {
  return `${JSON.stringify(report, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
